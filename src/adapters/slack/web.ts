import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Translate } from '../../core/i18n.js';
import { UserError } from '../../core/errors.js';
import { assertSensitiveRoute, type Message, type PostedRef } from '../../core/reply.js';
import { backoffDelayMs, type RetryPolicy, withRetries } from '../../core/retry.js';
import { inlineNotes, SlackFiles } from './files.js';
import { renderSlack, type SlackBlock, type SlackWorkspace } from './render.js';
import type { GroupPlace, Once, Outbox } from '../../core/types.js';

/** The `event_type` of the metadata on the bot's messages from the outbox; its payload carries the row's token. */
export const OUTBOX_EVENT = 'ots_bot_notice';
/** Pages of 200 messages read at most when looking for an earlier attempt. */
const HISTORY_PAGES = 10;

type WebClient = InstanceType<typeof webApi.WebClient>;

/** `chat.postMessage`'s arguments with `blocks` and `metadata` as the JSON text Slack receives (see `postMessage`). */
interface PostArguments {
  readonly channel: string;
  readonly text: string;
  readonly blocks: string;
  readonly metadata?: string;
  readonly unfurl_links: boolean;
  readonly unfurl_media: boolean;
  readonly thread_ts?: string;
}

/**
 * `chat.postMessage` with its blocks and metadata already JSON: the WebClient sends a form whose
 * object values it encodes as JSON, so Slack receives the same bytes; given as text they are not
 * walked by the WebClient's redaction of its debug log, which it runs whatever the log level (a
 * post's blocks were a measurable part of a Slack `/ask`), nor encoded a second time.
 */
function postMessage(client: WebClient, args: PostArguments): Promise<webApi.ChatPostMessageResponse> {
  return client.apiCall('chat.postMessage', { ...args }) as Promise<webApi.ChatPostMessageResponse>;
}

/** What Slack's answer endpoints take: a message, ephemeral (only the member sees it) or in the channel. */
export interface ResponsePayload {
  text: string;
  blocks: SlackBlock[];
  response_type: 'ephemeral' | 'in_channel';
}

/** A message as answers: usually one; a message longer than Slack takes in one is split (see `renderSlack`). */
export function responsePayloads(m: Message, ws?: SlackWorkspace): ResponsePayload[] {
  return renderSlack(m, ws).map((r) => ({ ...r, response_type: m.visibility.kind === 'here' ? 'in_channel' : 'ephemeral' }));
}

/** The one answer of a short message (an error, an apology), which always fits. */
export function responsePayload(m: Message, ws?: SlackWorkspace): ResponsePayload {
  return single(responsePayloads(m, ws));
}

/**
 * The one payload of a message that must stay one message (an edit of a post, a short answer).
 * The posts the bot edits are bounded by their options' maxLength so they fit; one that does not
 * is a programming error, thrown rather than cut.
 */
function single<P>(payloads: readonly P[]): P {
  if (payloads.length !== 1)
    throw new Error(`a message meant to stay one Slack message renders as ${payloads.length}: bound its parts (see docs/LIMITS.md)`);
  return payloads[0]!;
}

/**
 * Whether a `response_url` may be called: its origin (scheme, host and port) must be one of
 * `origins` (`https://hooks.slack.com` and what SLACK_RESPONSE_HOSTS and SLACK_API_URL add).
 * Comparing whole origins, not a host's ending, refuses `https://hooks.slack.com.evil.example`,
 * `https://hooks.slack.com@evil.example` and plain `http://hooks.slack.com`.
 */
export function responseUrlAllowed(url: string, origins: readonly string[]): boolean {
  try {
    return origins.includes(new URL(url).origin);
  } catch {
    return false;
  }
}

/** A URL's origin, for logs: a response URL's path is its secret. */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(not a URL)';
  }
}

/**
 * Answers through a `response_url` (valid 30 minutes, five times): a new message, never a
 * replacement of the message a button was on (the bot edits its own posts with `chat.update`).
 * A 5xx, a timeout or a network error is retried with the shared policy (`src/core/retry.ts`),
 * like the Web API's calls; other refusals (an expired URL) are not.
 */
export async function postToResponseUrl(url: string, payload: ResponsePayload, policy: RetryPolicy): Promise<void> {
  const res = await withRetries(
    policy,
    async (signal) => {
      const answer = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ ...payload, replace_original: false }),
        signal,
      });
      // Read within the attempt's time: a body that stalls counts as a timeout.
      await answer.arrayBuffer();
      return answer;
    },
    { retryAnswer: (answer) => answer.status >= 500 },
  );
  if (!res.ok) throw new Error(`the response URL answered ${res.status}`);
}

const CHANNEL_ERRORS = {
  channel_not_found: 'slack.error.channel_not_found',
  not_in_channel: 'slack.error.not_in_channel',
  is_archived: 'slack.error.is_archived',
} as const;

/** The WebClient's code for an error Slack returned (its enum's value, checked by the compiler; the enum lives in Bolt's index). */
const PLATFORM_ERROR: `${webApi.ErrorCode.PlatformError}` = 'slack_webapi_platform_error';

/** The Web API's error code (`channel_not_found`), if the error is one Slack returned. */
export function platformError(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || (err as { code?: unknown }).code !== PLATFORM_ERROR) return undefined;
  const error = (err as { data?: { error?: unknown } }).data?.error;
  return typeof error === 'string' ? error : undefined;
}

/**
 * The most users `conversations.open` takes for a group DM. Slack's documentation: "Provide 1 to 8
 * user IDs … Don't include the ID of the user you're calling conversations.open on behalf of – we do
 * that for you" (more: `too_many_users`). So the bot is not counted: 8 members and the bot make 9,
 * Slack's limit for a group DM. A larger group gets a private channel.
 */
export const GROUP_DM_MAX_USERS = 8;

/** What `conversations.invite` answers for a place that cannot take anyone (see `SlackOutbox.invite`). */
const GONE = new Set(['method_not_supported_for_channel_type', 'channel_not_found', 'is_archived', 'not_in_channel']);

/** Slack's longest channel name. */
const CHANNEL_NAME_MAX = 80;

/** The scope a `missing_scope` refusal names (Slack sends it as `needed`). */
function neededScope(err: unknown): string | undefined {
  const needed = (err as { data?: { needed?: unknown } }).data?.needed;
  return typeof needed === 'string' ? needed : undefined;
}

/**
 * Posts and edits through the Web API. The WebClient retries server errors, timeouts and network
 * errors with the shared backoff (`retryConfig`, see the adapter) and rate limits after their
 * `Retry-After`; what still fails reaches the dispatcher, which tells the member and the
 * moderators (Slack has no idempotency key for `chat.postMessage`: a post whose answer was lost
 * after Slack made it can appear twice). A channel the bot cannot post in becomes a UserError that says what to do,
 * which the dispatcher shows to the member.
 */
export class SlackOutbox implements Outbox {
  constructor(
    private readonly client: WebClient,
    /** The bot's name, for "invite me with /invite @name". */
    private readonly botName: string,
    /** Command names as typed there, the workspace's address. */
    private readonly ws: SlackWorkspace,
    /** For a post's files (see files.ts): where to log a refused upload, and the texts that go with an inline file (BOT_LOCALE). */
    private readonly files: { readonly log: Logger; readonly t: Translate },
    /** The outbox's posts (with `once`): a client without retries of its own, and the policy this class retries with. */
    private readonly once?: { readonly client: WebClient; readonly retry: RetryPolicy },
  ) {}

  /**
   * A refused direct message (`cannot_dm_bot`, `user_not_found`, a DM channel Slack will not
   * post in) fails with a UserError: Slack has no channel fallback, so a sensitive message
   * (about an anonymous question) goes nowhere but the member's DMs.
   */
  async post(original: Message, once?: Once): Promise<PostedRef> {
    assertSensitiveRoute(original);
    const v = original.visibility;
    let channel: string;
    let thread: string | undefined;
    switch (v.kind) {
      case 'channel':
        channel = v.channel;
        break;
      case 'thread':
        channel = v.channel;
        thread = v.messageId;
        break;
      case 'dm': {
        const opened = await this.client.conversations.open({ users: v.to.id }).catch((err: unknown) => {
          const code = platformError(err);
          throw code ? new UserError('slack.error.cannot_dm', { error: code }) : err;
        });
        channel = opened.channel!.id!;
        break;
      }
      default:
        throw new Error(`cannot post a message with visibility ${v.kind}`);
    }
    // Its files are shared where it goes, just before it (Slack cannot attach a file to a message the bot posts).
    const m = await new SlackFiles(this.client, this.files.log).deliver(
      original,
      { kind: 'channel', channel, ...(thread ? { thread } : {}) },
      this.files.t,
    );
    // A split message goes as that many posts, in order; the first is the post's reference.
    const payloads = renderSlack(m, this.ws);
    const already = once?.since ? await this.sentSince(channel, once.since, once.token) : new Map<number, string>();
    // Slack finds a part by its metadata: no hashes to keep.
    await once?.sending([]);
    let first: PostedRef | undefined;
    for (const [part, { text, blocks }] of payloads.entries()) {
      const earlier = already.get(part);
      if (earlier) {
        first ??= { channel, messageId: earlier };
        continue;
      }
      const args = {
        channel,
        text,
        blocks: JSON.stringify(blocks),
        unfurl_links: false,
        unfurl_media: false,
        ...(thread ? { thread_ts: thread } : {}),
      };
      const sent = once
        ? await this.postOnce(
            { ...args, metadata: JSON.stringify({ event_type: OUTBOX_EVENT, event_payload: { token: once.token, part } }) },
            part,
            once.token,
          )
        : await postMessage(this.client, args).catch((err: unknown) => this.fail(err, channel));
      first ??= { channel: sent.channel ?? channel, messageId: sent.ts! };
    }
    return first!;
  }

  /**
   * One part of an outbox message: `chat.postMessage` has no idempotency key, so a post that failed
   * without Slack's answer (a timeout, a 5xx, a network error: Slack may have made it) is not
   * simply sent again, as the WebClient's own retries would. After the shared backoff's wait the
   * channel's history is read for the part's metadata; only if it is not there is it sent again.
   * A refusal Slack states (`channel_not_found`) is not retried. After the policy's retries the
   * failure goes to the outbox, which tries again later, looking first in the same way.
   */
  private async postOnce(args: PostArguments, part: number, token: string): Promise<{ channel?: string; ts?: string }> {
    const client = this.once?.client ?? this.client;
    const retry = this.once?.retry;
    const started = new Date();
    for (let n = 0; ; n++) {
      try {
        return await postMessage(client, args);
      } catch (err) {
        if (platformError(err) || !retry || n >= retry.retries) this.fail(err, args.channel);
        await sleep(backoffDelayMs(retry, n));
        const earlier = (await this.sentSince(args.channel, started, token)).get(part);
        if (earlier) return { channel: args.channel, ts: earlier };
      }
    }
  }

  /**
   * The parts of an outbox message already in the channel (by their `ts`): the bot's messages since
   * `since` (a second earlier, for clocks that differ) whose metadata carries the row's token, read
   * with `conversations.history` (`oldest`, `include_all_metadata`, paging). Needs the history
   * scopes (`channels:history`, `groups:history`, `im:history`, `mpim:history`); an install without
   * them cannot look, and the message is sent again (it may then show twice).
   */
  private async sentSince(channel: string, since: Date, token: string): Promise<Map<number, string>> {
    const found = new Map<number, string>();
    let cursor: string | undefined;
    try {
      for (let page = 0; page < HISTORY_PAGES; page++) {
        const history = await this.client.conversations.history({
          channel,
          oldest: ((since.getTime() - 1000) / 1000).toFixed(6),
          include_all_metadata: true,
          limit: 200,
          ...(cursor ? { cursor } : {}),
        });
        for (const msg of history.messages ?? []) {
          const meta = msg.metadata as { event_type?: string; event_payload?: { token?: unknown; part?: unknown } } | undefined;
          if (meta?.event_type !== OUTBOX_EVENT || meta.event_payload?.token !== token) continue;
          if (typeof meta.event_payload.part === 'number' && msg.ts) found.set(meta.event_payload.part, msg.ts);
        }
        cursor = history.response_metadata?.next_cursor || undefined;
        if (!history.has_more || !cursor) break;
      }
    } catch (err) {
      if (platformError(err) !== 'missing_scope') throw err;
      this.files.log.warn(
        { scope: neededScope(err) },
        'cannot read the channel to see whether an earlier attempt arrived (add the history scopes): sending again',
      );
    }
    return found;
  }

  /** An edit cannot add files to a message: they are shown inline. */
  async edit(ref: PostedRef, m: Message): Promise<void> {
    const { text, blocks } = single(renderSlack(inlineNotes(m, this.files.t), this.ws));
    await this.client.chat
      .update({ channel: ref.channel, ts: ref.messageId, text, blocks })
      .catch((err: unknown) => this.fail(err, ref.channel));
  }

  /**
   * A group's place (see `GroupPlace`): up to GROUP_DM_MAX_USERS members, a group DM
   * (`conversations.open` with their ids; Slack returns the same one for the same people); more, a
   * private channel named `place.name` (`conversations.create`, then `conversations.invite`). Then
   * the intro is posted there. With `existing`: the members are invited to it if it is a private
   * channel (those already in are passed over); a group DM cannot take anyone new, so one with the
   * whole group is opened instead, its id returned (the same id while the group is the same). A
   * private channel deleted or archived since, or that the bot was removed from, is replaced the same way.
   */
  async openGroup(place: GroupPlace, existing?: string): Promise<string> {
    const intro = (channel: string): Message => ({ ...place.intro, visibility: { kind: 'channel', channel } });
    // Checked before anything is made: a sensitive intro is a programming error, never a group post.
    assertSensitiveRoute(intro(existing ?? ''));
    const users = [...new Set(place.members.map((member) => member.id))];
    const channel = existing && (await this.invite(existing, users)) ? existing : await this.newGroupPlace(place.name, users);
    await this.post(intro(channel));
    return channel;
  }

  private async newGroupPlace(name: string, users: readonly string[]): Promise<string> {
    if (users.length <= GROUP_DM_MAX_USERS) {
      const opened = await this.client.conversations
        .open({ users: users.join(',') })
        .catch((err: unknown) => this.refused(err, 'mpim:write'));
      return opened.channel!.id!;
    }
    const channel = await this.createPrivateChannel(name);
    if (!(await this.invite(channel, users))) throw new Error('Slack refused to invite members to the private channel the bot just made');
    return channel;
  }

  /**
   * A private channel with the bot in it. A name already taken (by any channel, archived ones too)
   * gets a short random suffix. Should Slack have made the channel but its answer been lost, the
   * retry finds the name taken and makes a suffixed one: the first stays, with only the bot in it.
   */
  private async createPrivateChannel(name: string): Promise<string> {
    const base = name.slice(0, CHANNEL_NAME_MAX);
    for (let attempt = 0; ; attempt++) {
      const candidate = attempt === 0 ? base : `${base.slice(0, CHANNEL_NAME_MAX - 5)}-${randomBytes(2).toString('hex')}`;
      try {
        const made = await this.client.conversations.create({ name: candidate, is_private: true });
        return made.channel!.id!;
      } catch (err) {
        if (platformError(err) !== 'name_taken' || attempt >= 3) this.refused(err, 'groups:write');
      }
    }
  }

  /**
   * Invites the users to a private channel the bot is in; `force` passes over those who cannot be
   * invited (already in it, deactivated) instead of refusing everyone. False when the channel cannot
   * take them: a group DM, or a channel deleted or archived since, or that the bot was removed from.
   */
  private async invite(channel: string, users: readonly string[]): Promise<boolean> {
    try {
      await this.client.conversations.invite({ channel, users: users.join(','), force: true });
      return true;
    } catch (err) {
      const code = platformError(err);
      if (code === 'already_in_channel') return true;
      if (code && GONE.has(code)) return false;
      this.refused(err, 'groups:write');
    }
  }

  /**
   * A scope the app was installed without (an install older than this feature) says how to add it:
   * the one Slack names, else `scope`, the one the call needs.
   */
  private refused(err: unknown, scope: string): never {
    if (platformError(err) === 'missing_scope') throw new UserError('slack.error.missing_scope', { scope: neededScope(err) ?? scope });
    throw err;
  }

  private fail(err: unknown, channel: string): never {
    const code = platformError(err);
    if (code && code in CHANNEL_ERRORS)
      throw new UserError(CHANNEL_ERRORS[code as keyof typeof CHANNEL_ERRORS], { channel, bot: this.botName });
    throw err;
  }
}
