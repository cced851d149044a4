import { webApi } from '@slack/bolt';
import { UserError } from '../../core/errors.js';
import { assertSensitiveRoute, type Message, type PostedRef } from '../../core/reply.js';
import { type RetryPolicy, withRetries } from '../../core/retry.js';
import { renderSlack, type SlackBlock, type SlackWorkspace } from './render.js';
import type { Outbox } from '../../core/types.js';

type WebClient = InstanceType<typeof webApi.WebClient>;

/** What Slack's answer endpoints take: a message, ephemeral (only the member sees it) or in the channel. */
export interface ResponsePayload {
  text: string;
  blocks: SlackBlock[];
  response_type: 'ephemeral' | 'in_channel';
}

export function responsePayload(m: Message, ws?: SlackWorkspace): ResponsePayload {
  return { ...renderSlack(m, ws), response_type: m.visibility.kind === 'here' ? 'in_channel' : 'ephemeral' };
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

/** The Web API's error code (`channel_not_found`), if the error is one Slack returned. */
export function platformError(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || (err as { code?: unknown }).code !== webApi.ErrorCode.PlatformError) return undefined;
  const error = (err as { data?: { error?: unknown } }).data?.error;
  return typeof error === 'string' ? error : undefined;
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
    private readonly ws?: SlackWorkspace,
  ) {}

  /**
   * A refused direct message (`cannot_dm_bot`, `user_not_found`, a DM channel Slack will not
   * post in) fails with a UserError: Slack has no channel fallback, so a sensitive message
   * (about an anonymous question) goes nowhere but the member's DMs.
   */
  async post(m: Message): Promise<PostedRef> {
    assertSensitiveRoute(m);
    const v = m.visibility;
    const { text, blocks } = renderSlack(m, this.ws);
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
    const sent = await this.client.chat
      .postMessage({ channel, text, blocks, unfurl_links: false, unfurl_media: false, ...(thread ? { thread_ts: thread } : {}) })
      .catch((err: unknown) => this.fail(err, channel));
    return { channel: sent.channel ?? channel, messageId: sent.ts! };
  }

  async edit(ref: PostedRef, m: Message): Promise<void> {
    const { text, blocks } = renderSlack(m, this.ws);
    await this.client.chat
      .update({ channel: ref.channel, ts: ref.messageId, text, blocks })
      .catch((err: unknown) => this.fail(err, ref.channel));
  }

  private fail(err: unknown, channel: string): never {
    const code = platformError(err);
    if (code && code in CHANNEL_ERRORS)
      throw new UserError(CHANNEL_ERRORS[code as keyof typeof CHANNEL_ERRORS], { channel, bot: this.botName });
    throw err;
  }
}
