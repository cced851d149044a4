import { createHash, randomBytes } from 'node:crypto';
import {
  ChannelType,
  type Client,
  type Collection,
  type Message as DiscordMessage,
  SnowflakeUtil,
  DiscordAPIError,
  type MessageEditOptions,
  type MessageCreateOptions,
  RESTJSONErrorCodes,
  type SendableChannels,
  type ThreadChannel,
  ThreadAutoArchiveDuration,
} from 'discord.js';
import type { Logger } from 'pino';
import { UserError } from '../../core/errors.js';
import { translator } from '../../core/i18n.js';
import { assertSensitiveRoute, type Message, mention, message, p, type PostedRef } from '../../core/reply.js';
import { renderDiscord } from './render.js';
import type { GroupPlace, Once, Outbox } from '../../core/types.js';

/**
 * A neutral message as discord.js send options: embeds, button rows, no mention parsed. Usually
 * one; a message longer than Discord takes in one is split (see `renderDiscord`), the buttons on
 * the last, and is sent as that many messages.
 */
export function discordPayloads(m: Message): MessageCreateOptions[] {
  return renderDiscord(m).map((r) => ({
    ...(r.content ? { content: r.content } : {}),
    embeds: r.embeds,
    components: r.components as MessageCreateOptions['components'],
    allowedMentions: r.allowedMentions,
    files: r.files,
  }));
}

/**
 * The one payload of a message that must stay one message: an edit of a post, which cannot
 * become two. The posts the bot edits are bounded by their options' maxLength so they fit;
 * one that does not is a programming error, thrown rather than cut.
 */
export function discordPayload(m: Message): MessageCreateOptions {
  const payloads = discordPayloads(m);
  if (payloads.length !== 1)
    throw new Error(`a message meant to stay one Discord message renders as ${payloads.length}: bound its parts (see docs/LIMITS.md)`);
  return payloads[0]!;
}

/**
 * A post's send options with a fresh nonce that Discord enforces: should a post be sent again
 * because its answer was lost (a timeout, see `discordRestOptions`), Discord returns the message
 * it already made instead of making a second one. The nonce is random (Discord allows 25
 * characters), so it says nothing about who or what caused the post. One per message of a split post.
 */
export function postPayloads(m: Message): MessageCreateOptions[] {
  return discordPayloads(m).map((payload) => ({ ...payload, nonce: randomBytes(12).toString('base64url'), enforceNonce: true }));
}

/** Sends a post's messages in order; the first one is the post's reference. */
async function sendAll(channel: { send(options: MessageCreateOptions): Promise<{ id: string; channelId: string }> }, m: Message) {
  const [first, ...rest] = postPayloads(m);
  const sent = await channel.send(first!);
  for (const payload of rest) await channel.send(payload);
  return sent;
}

/** What a payload and a message read back from a channel have in common: the texts and the buttons' ids. */
interface Comparable {
  readonly content?: string | null;
  readonly embeds?: readonly {
    readonly title?: string;
    readonly description?: string;
    readonly fields?: readonly { name: string; value: string }[];
  }[];
  readonly components?: readonly { readonly components?: readonly { readonly custom_id?: string; readonly url?: string }[] }[];
}

/**
 * A short hash of a message as Discord keeps it (content, the embeds' titles, descriptions and
 * fields, the buttons' ids): the same for a payload sent and for that message read back from
 * the channel's history, which carries no nonce. A DM's buttons carry ids unique to it.
 */
export function discordHash(m: Comparable): string {
  // Trimmed: Discord trims the whitespace around a message's texts when it stores them.
  const text = (value: string | null | undefined) => (value ?? '').trim();
  const shape = [
    text(m.content),
    (m.embeds ?? []).map((e) => [text(e.title), text(e.description), (e.fields ?? []).map((f) => [text(f.name), text(f.value)])]),
    (m.components ?? []).flatMap((row) => (row.components ?? []).map((c) => c.custom_id ?? c.url ?? '')),
  ];
  return createHash('sha256').update(JSON.stringify(shape)).digest('base64url').slice(0, 16);
}

/** The nonce of a message's part `i` from the outbox row's token: at most 25 characters, as Discord allows. */
const nonceOf = (token: string, i: number) => `${token.slice(0, 22)}.${i.toString(36)}`.slice(0, 25);

type History = {
  send(options: MessageCreateOptions): Promise<{ id: string; channelId: string }>;
  messages: { fetch(options: { after: string; limit: number; cache: boolean }): Promise<Collection<string, DiscordMessage>> };
};

/** Pages read from a channel's history at most, 100 messages each, when looking for an earlier attempt. */
const HISTORY_PAGES = 20;

/**
 * The bot's own messages in the channel since `since` (a second earlier, for clocks that differ),
 * by hash: Discord's `GET /channels/{id}/messages?after=<snowflake of then>`, paging forward.
 */
async function sentSince(channel: History, since: Date, botId: string | undefined): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let after = SnowflakeUtil.generate({ timestamp: since.getTime() - 1000 }).toString();
  for (let page = 0; page < HISTORY_PAGES; page++) {
    const batch = await channel.messages.fetch({ after, limit: 100, cache: false });
    for (const msg of batch.values()) {
      if (msg.author.id !== botId) continue;
      const components = msg.components.map((row) => row.toJSON()) as unknown as Comparable['components'];
      const hash = discordHash({ content: msg.content, embeds: msg.embeds.map((e) => e.data), components });
      if (!found.has(hash)) found.set(hash, msg.id);
    }
    if (batch.size < 100) break;
    after = [...batch.keys()].reduce((a, b) => (BigInt(a) > BigInt(b) ? a : b));
  }
  return found;
}

/**
 * Sends a message from the outbox once (see `Once`): each part with a nonce from the row's token
 * and `enforce_nonce` (Discord returns the message it made for a nonce it saw in the past few
 * minutes); after an earlier attempt, the parts already in the channel's history are not sent again.
 */
async function sendOnce(channel: History, m: Message, once: Once, botId: string | undefined): Promise<{ id: string; channelId: string }> {
  const payloads = discordPayloads(m);
  const hashes = payloads.map((payload) => discordHash(payload as Comparable));
  const already = once.since && once.hashes.length ? await sentSince(channel, once.since, botId) : new Map<string, string>();
  await once.sending(hashes);
  let first: { id: string; channelId: string } | undefined;
  for (const [i, payload] of payloads.entries()) {
    const earlier = once.hashes[i] === hashes[i] ? already.get(hashes[i]!) : undefined;
    const sent = earlier
      ? { id: earlier, channelId: '' }
      : await channel.send({ ...payload, nonce: nonceOf(once.token, i), enforceNonce: true });
    first ??= sent;
  }
  return first!;
}

const errorCode = (err: unknown): number | string | undefined => (err instanceof DiscordAPIError ? err.code : undefined);

async function sendable(client: Client, id: string): Promise<SendableChannels> {
  const channel = await client.channels.fetch(id);
  if (!channel?.isSendable()) throw new Error('the channel is not one the bot can post in');
  return channel;
}

/**
 * The thread hanging on a message, started if it does not exist yet. A thread started on a
 * message has the message's id, so it is found without reading the message; two answers
 * racing to start it both end up in the one thread Discord keeps.
 */
async function threadOn(client: Client, channelId: string, messageId: string, name: string): Promise<SendableChannels> {
  const existing = await client.channels.fetch(messageId).catch((err: unknown) => {
    if (errorCode(err) === RESTJSONErrorCodes.UnknownChannel) return null;
    throw err;
  });
  if (existing?.isThread()) return existing;
  const parent = await client.channels.fetch(channelId);
  if (!parent || parent.type !== ChannelType.GuildText) throw new Error('the channel cannot hold threads on messages');
  try {
    return await parent.threads.create({ startMessage: messageId, name });
  } catch (err) {
    if (errorCode(err) !== RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage) throw err;
    const thread = await client.channels.fetch(messageId, { force: true });
    if (!thread?.isThread()) throw err;
    return thread;
  }
}

/**
 * A group's private thread (see `GroupPlace`) in `place.channel`, which must be a text channel:
 * Discord has private threads only there (discord.js would quietly make a public thread in an
 * announcement channel). `invitable: false` keeps learners from adding others; members with
 * Manage Threads (the server's moderators) can see it too, as with every private thread. It
 * archives after a week without messages, so the group can still talk in the days after.
 */
async function newGroupThread(client: Client, place: GroupPlace): Promise<ThreadChannel> {
  if (place.channel === null) throw new UserError('workshop.place.no_channel');
  const parent = await client.channels.fetch(place.channel).catch((err: unknown) => {
    if (errorCode(err) === RESTJSONErrorCodes.UnknownChannel) return null;
    throw err;
  });
  if (!parent) throw new UserError('workshop.place.no_channel');
  if (parent.type !== ChannelType.GuildText) throw new UserError('workshop.place.not_text', { channel: place.channel });
  return parent.threads.create({
    name: place.name.slice(0, 100),
    type: ChannelType.PrivateThread,
    invitable: false,
    autoArchiveDuration: ThreadAutoArchiveDuration.OneWeek,
  });
}

/** The group thread an earlier call made, or null when it is gone (deleted by a moderator). */
async function groupThread(client: Client, id: string): Promise<ThreadChannel | null> {
  // Asked of Discord, not the cache: whether it is archived now (the cache sweeps old threads anyway).
  const channel = await client.channels.fetch(id, { force: true }).catch((err: unknown) => {
    if (errorCode(err) === RESTJSONErrorCodes.UnknownChannel) return null;
    throw err;
  });
  if (!channel?.isThread()) return null;
  // Members can only be added to a thread that is not archived; sending would unarchive it too, but
  // the members come first. A locked thread (a moderator's decision) stays shut: that fails here.
  if (channel.archived) await channel.setArchived(false);
  return channel;
}

export interface DiscordOutboxDeps {
  readonly client: Client;
  readonly log: Logger;
  /** The language of notices no member asked for (the DMs-closed notice). */
  readonly locale: string;
  /** DM_FALLBACK: whether a member with DMs closed gets a notice in a channel at all. */
  readonly dmFallback: 'channel' | 'none';
  /** Where that notice goes in a guild, as the services decide (`ChapterService.dmNoticeChannel`). */
  readonly dmNoticeChannel: (workspace: string) => Promise<string | undefined>;
  /** How a DM in a known language (`Message.locale`) names commands for its reader (`commandNamesFor`); as declared without. */
  readonly namesFor?: (locale: string) => (m: Message) => Message;
}

/**
 * Posts in one guild: channel messages with `channel.send` (the bot's own message, never an
 * interaction reply), threads started on a message, DMs, and edits. A member with DMs closed
 * gets a short notice in the channel the services name for it (the chapter's announcements or
 * questions channel) instead, with no private detail (unless DM_FALLBACK=none); the failure is logged once and not retried.
 * A sensitive message (about an anonymous question) never falls back: a notice pinging the
 * member right after an answer to a question would tell everyone who asked it. It fails with
 * a UserError, and the question service keeps it for the asker's `/ask mine`.
 */
export function discordOutbox(deps: DiscordOutboxDeps, workspace: string): Outbox {
  const { client, log } = deps;
  const t = translator(deps.locale);

  const dmRefused = async (m: Message & { visibility: { kind: 'dm' } }): Promise<PostedRef> => {
    const target = await deps.dmNoticeChannel(workspace);
    log.warn(
      { workspace, noticePosted: Boolean(target) },
      'a member has direct messages closed: not retried; a notice without details goes to the chapter channel',
    );
    if (!target) return { channel: '', messageId: '' };
    const to = m.visibility.to;
    const notice = message([p(mention(to), ' ', t('discord.dm_closed'))], { visibility: { kind: 'channel', channel: target }, ping: [to] });
    const sent = await sendAll(await sendable(client, target), notice);
    return { channel: target, messageId: sent.id };
  };

  return {
    async post(m, once) {
      assertSensitiveRoute(m);
      const v = m.visibility;
      const botId = client.user?.id;
      switch (v.kind) {
        case 'channel': {
          const channel = await sendable(client, v.channel);
          const sent = once ? await sendOnce(channel as unknown as History, m, once, botId) : await sendAll(channel, m);
          return { channel: v.channel, messageId: sent.id };
        }
        case 'thread': {
          const thread = await threadOn(client, v.channel, v.messageId, t('discord.thread_name'));
          const sent = await sendAll(thread, m);
          return { channel: thread.id, messageId: sent.id };
        }
        case 'dm':
          try {
            const named = m.locale && deps.namesFor ? deps.namesFor(m.locale)(m) : m;
            if (once) {
              const dm = await client.users.createDM(v.to.id);
              const sent = await sendOnce(dm as unknown as History, named, once, botId);
              return { channel: dm.id, messageId: sent.id };
            }
            const [first, ...rest] = postPayloads(named);
            const sent = await client.users.send(v.to.id, first!);
            for (const payload of rest) await client.users.send(v.to.id, payload);
            return { channel: sent.channelId, messageId: sent.id };
          } catch (err) {
            if (errorCode(err) !== RESTJSONErrorCodes.CannotSendMessagesToThisUser) throw err;
            if (m.sensitive || deps.dmFallback === 'none') {
              log.warn(
                { workspace, sensitive: Boolean(m.sensitive) },
                'a member has direct messages closed: not retried; nothing posted in a channel',
              );
              throw new UserError('discord.dm_refused');
            }
            return dmRefused({ ...m, visibility: v });
          }
        default:
          throw new Error(`cannot post a message with visibility ${v.kind}`);
      }
    },
    fingerprint(m) {
      const named = m.visibility.kind === 'dm' && m.locale && deps.namesFor ? deps.namesFor(m.locale)(m) : m;
      return discordPayloads(named).map((payload) => discordHash(payload as Comparable));
    },
    async edit(ref, m) {
      const channel = await sendable(client, ref.channel);
      await channel.messages.edit(ref.messageId, discordPayload(m) as MessageEditOptions);
    },
    /**
     * A private thread in the place's channel with the members added (the bot is in it as its
     * creator), then the intro. With `existing`: the members are added to that thread (adding one
     * already in it changes nothing) and the intro posted there; should the thread be gone, a new
     * one is made and its id returned.
     */
    async openGroup(place, existing) {
      const intro = (channel: string): Message => ({ ...place.intro, visibility: { kind: 'channel', channel } });
      // Checked before anything is made: a sensitive intro is a programming error, never a group post.
      assertSensitiveRoute(intro(existing ?? place.channel ?? ''));
      const thread = (existing ? await groupThread(client, existing) : null) ?? (await newGroupThread(client, place));
      for (const id of new Set(place.members.map((member) => member.id))) await thread.members.add(id);
      await sendAll(thread, intro(thread.id));
      return thread.id;
    },
  };
}
