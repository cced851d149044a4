import {
  Client,
  DefaultRestOptions,
  GatewayIntentBits,
  Options,
  PermissionFlagsBits,
  PermissionsBitField,
  type ResponseLike,
  type RESTOptions,
} from 'discord.js';
import type { Config } from '../../config.js';
import { retryPolicy, type RetryPolicy, withRetries, worstCaseMs } from '../../core/retry.js';

export type DiscordConfig = NonNullable<Config['discord']>;

/**
 * What the bot needs in a channel: see it, post, embed, attach, read history, start threads and post in them,
 * and make private threads (each workshop group's own place, see `Outbox.openGroup`); and in the server, Create Events, to show workshops as scheduled events (Discord's permission for creating
 * external events, which also lets the bot edit and delete the events it made, and only those; Manage Events,
 * which would let it change everyone's, is not asked for).
 */
export const BOT_PERMISSIONS = new PermissionsBitField([
  PermissionFlagsBits.ViewChannel,
  PermissionFlagsBits.SendMessages,
  PermissionFlagsBits.SendMessagesInThreads,
  PermissionFlagsBits.CreatePublicThreads,
  PermissionFlagsBits.CreatePrivateThreads,
  PermissionFlagsBits.EmbedLinks,
  PermissionFlagsBits.AttachFiles,
  PermissionFlagsBits.ReadMessageHistory,
  PermissionFlagsBits.CreateEvents,
]);

export function inviteUrl(applicationId: string): string {
  const q = new URLSearchParams({
    client_id: applicationId,
    scope: 'bot applications.commands',
    permissions: BOT_PERMISSIONS.bitfield.toString(),
  });
  return `https://discord.com/oauth2/authorize?${q.toString().replace(/\+/g, '%20')}`;
}

/**
 * REST options for every Discord client of the bot (the gateway client, command deployment,
 * the shard count): each call is retried with the shared backoff policy (`src/core/retry.ts`)
 * when it fails with a 5xx, a timeout or a network error.
 *
 * How @discordjs/rest works (2.x, `makeNetworkRequest`): it calls `makeRequest` under ONE abort
 * signal that fires after `timeout`, and on a 5xx or an aborted request calls it again at once,
 * `retries` times. So discord.js's own retries are off (`retries: 0`) and ours run inside
 * `makeRequest`, each attempt with its own PLATFORM_TIMEOUT_MS covering the answer's body too;
 * discord.js's `timeout` is the whole budget (every attempt and wait), so it only fires if
 * something hangs outside our attempts. 429s pass through untouched: discord.js waits for their
 * `Retry-After` and calls `makeRequest` again.
 *
 * A retried post must not appear twice when only its answer was lost: the outbox sends posts
 * with a nonce and `enforceNonce` (Discord then returns the first message); starting a thread a
 * second time fails with "already created", which the outbox handles; edits are idempotent.
 * Interaction answers are retried too: a callback repeated after a lost answer is refused as
 * "already acknowledged" (the member saw the first), and a follow-up (a webhook post, which takes
 * no nonce) could show twice, which beats not showing at all.
 */
export function discordRestOptions(config: Pick<DiscordConfig, 'apiUrl' | 'platform'>): Partial<RESTOptions> {
  const policy = retryPolicy(config.platform);
  return {
    ...(config.apiUrl ? { api: config.apiUrl } : {}),
    retries: 0,
    timeout: worstCaseMs(policy) + 1000,
    makeRequest: retryingRequest(policy),
  };
}

/** `makeRequest` with retries: discord.js's default strategy (undici) under the shared policy. */
export function retryingRequest(
  policy: RetryPolicy,
  send: RESTOptions['makeRequest'] = DefaultRestOptions.makeRequest,
): RESTOptions['makeRequest'] {
  return (url, init) =>
    withRetries(policy, async (signal) => buffered(await send(url, { ...init, signal })), {
      signal: init.signal,
      retryAnswer: (res) => res.status >= 500,
    });
}

/**
 * The answer with its body read, so an attempt's timeout covers the whole answer (a body that
 * stalls is retried like a missing answer) and a 5xx's connection is released before the retry.
 * Discord's REST answers are small JSON documents.
 */
async function buffered(res: ResponseLike): Promise<ResponseLike> {
  const bytes = await res.arrayBuffer();
  const text = () => new TextDecoder().decode(bytes);
  return {
    body: null,
    bodyUsed: false,
    headers: res.headers,
    ok: res.ok,
    status: res.status,
    statusText: res.statusText,
    arrayBuffer: async () => bytes,
    text: async () => text(),
    json: async () => JSON.parse(text()) as unknown,
  };
}

/**
 * A discord.js client with only the Guilds intent (no privileged intents: interactions need
 * none), bounded caches so memory stays flat on large servers, and no mention parsed unless
 * a message lists who to ping.
 */
export function createDiscordClient(config: DiscordConfig): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds],
    allowedMentions: { parse: [] },
    // One shard per process: a shard process started by the ShardingManager (DISCORD_SHARDS) leaves
    // which one to discord.js, which reads it from the environment; otherwise the only shard.
    ...(config.shardProcess ? {} : { shards: [0], shardCount: 1 }),
    rest: discordRestOptions(config),
    makeCache: Options.cacheWithLimits({
      ...Options.DefaultMakeCacheSettings,
      MessageManager: 0,
      GuildMemberManager: { maxSize: 200, keepOverLimit: (member) => member.id === member.client.user.id },
      UserManager: { maxSize: 1000, keepOverLimit: (user) => user.id === user.client.user.id },
      ReactionManager: 0,
      PresenceManager: 0,
      VoiceStateManager: 0,
      GuildEmojiManager: 0,
      GuildStickerManager: 0,
      ThreadMemberManager: 0,
    }),
    sweepers: {
      ...Options.DefaultSweeperSettings,
      threads: { interval: 3600, lifetime: 3600 },
      users: { interval: 3600, filter: () => (user) => user.id !== user.client.user.id },
    },
  });
}
