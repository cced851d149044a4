import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/**
 * A small Discord on loopback, for tests that drive the real discord.js client: the REST
 * routes the bot uses under `/api/v10`, and a gateway (HELLO, IDENTIFY, READY, GUILD_CREATE,
 * heartbeats) that dispatches INTERACTION_CREATE payloads shaped as Discord sends them.
 * Everything the bot sends back is recorded in order in `calls`.
 *
 * The bot is in one guild (`guild`), or in several when asked (`start({ guilds: 2 })`,
 * `addGuild()`): each has its own id, channels and roles, is in READY and GUILD_CREATE of the
 * shard that owns it, and interactions and channel lookups follow the guild they belong to.
 */

export interface FakeUser {
  readonly id: string;
  readonly username: string;
  readonly globalName?: string;
}

/** A guild the bot is in: its channels are general, questions and moderation, in that order. */
export interface FakeGuild {
  readonly id: string;
  readonly name: string;
  /** `type`: Discord's channel type, 0 (text) unless a test makes one an announcement (5) or forum (15) channel. */
  readonly channels: { readonly id: string; readonly name: string; readonly type?: number }[];
  readonly roles: { readonly id: string; readonly name: string }[];
}

/** Where an interaction happens: a guild (by id; default the one of `channel`, else the first) and a channel in it. */
export interface InteractionPlace {
  readonly guild?: string;
  readonly channel?: string;
}

export interface RecordedCall {
  readonly method: string;
  /** Path after `/api/v10`, without the query. */
  readonly path: string;
  readonly query: URLSearchParams;
  /** Parsed JSON body (for multipart, the `payload_json` part). */
  readonly body: unknown;
  /** The status answered; 0 when the fake held the request and never answered (see `hangNext`). */
  readonly status: number;
  /** When the request arrived (`Date.now()`), to measure the waits between retries. */
  readonly at: number;
}

export interface CommandOption {
  readonly name: string;
  readonly type: number;
  readonly value?: string | number | boolean;
  readonly options?: readonly CommandOption[];
  readonly focused?: boolean;
}

/** Options of a chat-input command as Discord sends them: a subcommand with its options, and typed values. */
export const sub = (name: string, options: CommandOption[] = []): CommandOption[] => [{ name, type: 1, options }];
export const str = (name: string, value: string): CommandOption => ({ name, type: 3, value });
export const int = (name: string, value: number): CommandOption => ({ name, type: 4, value });
export const bool = (name: string, value: boolean): CommandOption => ({ name, type: 5, value });
export const channelOption = (name: string, id: string): CommandOption => ({ name, type: 7, value: id });

export interface FakeMessage {
  id: string;
  channel_id: string;
  content: string;
  embeds: unknown[];
  components: unknown[];
  allowed_mentions?: unknown;
  /** The nonce the message was sent with, if any. */
  nonce?: string;
  edits: number;
  /** Who sent it: the bot unless the message was added with `postAs`. */
  author?: FakeUser;
  /** When it was last edited (the fake's `now()`), if it was. */
  editedAt?: number;
}

/** A guild scheduled event as Discord stores it (the fields of the Guild Scheduled Event object the bot uses). */
export interface FakeScheduledEvent {
  id: string;
  guild_id: string;
  channel_id: string | null;
  creator_id: string | null;
  name: string;
  description: string | null;
  scheduled_start_time: string;
  scheduled_end_time: string | null;
  privacy_level: number;
  /** 1 scheduled, 2 active, 3 completed, 4 canceled. */
  status: number;
  entity_type: number;
  entity_id: string | null;
  entity_metadata: { location?: string } | null;
  image: string | null;
  recurrence_rule: null;
}

interface Failure {
  readonly method: string;
  readonly path: RegExp;
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly headers: Record<string, string>;
  /**
   * Instead of answering with `status`: hold the request and never answer, as a timeout looks
   * to the client; `before` does nothing, `after` does what was asked and loses only the answer.
   */
  readonly hang?: 'before' | 'after';
  remaining: number;
}

/** How long Discord remembers a nonce sent with `enforce_nonce` ("the past few minutes"). */
const NONCE_WINDOW_MS = 5 * 60_000;

/** Discord's epoch (the first second of 2015): a snowflake is `(ms - DISCORD_EPOCH) << 22` plus a counter. */
export const DISCORD_EPOCH = 1420070400000;

/** The smallest snowflake of a moment, for `after`/`before` queries: `after: snowflakeAt(t)` is what was made from t on. */
export function snowflakeAt(ms: number): string {
  return String(BigInt(ms - DISCORD_EPOCH) << 22n);
}

/** The moment a snowflake was made. */
export function snowflakeTime(id: string): number {
  return Number(BigInt(id) >> 22n) + DISCORD_EPOCH;
}

const PERMISSIONS_ALL_TEXT = String((1n << 10n) | (1n << 11n) | (1n << 14n) | (1n << 15n) | (1n << 16n) | (1n << 35n) | (1n << 38n));
export const MANAGE_GUILD = String(1n << 5n);
const MEMBER_PERMISSIONS = String((1n << 10n) | (1n << 11n) | (1n << 16n));

export class FakeDiscord {
  readonly applicationId = '111111111111111111';
  readonly bot: FakeUser = { id: '111111111111111111', username: 'ots-bot' };
  /** Every guild the bot is in, the first (`guild`) first. */
  readonly guilds: FakeGuild[] = [];
  /** The first guild: '222222222222222222', channels '3333333333333333xx', role '4444444444444444xx'. */
  readonly guild: FakeGuild;
  readonly calls: RecordedCall[] = [];
  readonly messages = new Map<string, FakeMessage>();
  /** Application commands as last written by a bulk overwrite, per scope (`global` or a guild id). */
  readonly commands = new Map<string, unknown[]>();
  /** Guild scheduled events by id, of every guild, as made by the bot or added with `addScheduledEvent`. */
  readonly scheduledEvents = new Map<string, FakeScheduledEvent>();
  /** Guilds where the bot lacks Create Events: making, editing or deleting an event there is refused (403, code 50013). */
  readonly eventsRefused = new Set<string>();
  /** Users whose DMs are closed: sending them a message fails with code 50007. */
  readonly dmClosed = new Set<string>();
  identified = 0;
  resumed = 0;
  /** What GET /gateway/bot recommends. */
  recommendedShards = 1;
  /** `[shard id, shard count]` of each IDENTIFY, in order. */
  readonly shardsIdentified: [number, number][] = [];
  /** Close codes of gateway connections the client closed. */
  readonly closes: number[] = [];
  /** The `d` of the last IDENTIFY. */
  identify: { intents?: number; token?: string } | undefined;
  heartbeats = 0;
  /**
   * The fake's clock (ms since 1970): what new snowflakes, message timestamps and the nonce window
   * go by. Real time unless a test sets it (`fake.now = () => clock.now().getTime()`), so a test's
   * ManualClock and the fake agree.
   */
  now: () => number = () => Date.now();

  private server!: Server;
  private wss!: WebSocketServer;
  private readonly sockets = new Set<WebSocket>();
  /** The shard each connection identified as; the guild's events go to the shard that owns it. */
  private readonly shardOf = new Map<WebSocket, [number, number]>();
  private sequence = 0;
  /** The last snowflake handed out: a new one is larger even when the clock stands still or goes back. */
  private lastId = 0n;
  private readonly failures: Failure[] = [];
  private readonly threads = new Map<string, { parent: string }>();
  private readonly dmChannels = new Map<string, string>();
  private readonly waiters = new Set<() => void>();
  /** Nonces sent with `enforce_nonce`, by `author/channel/nonce`: the message made for each, and when. */
  private readonly nonces = new Map<string, { message: string; at: number }>();

  constructor() {
    // After the fields above, which `addGuild` reads.
    this.guild = this.addGuild({ name: 'Berlin Learners' });
  }

  /** The REST base to put in DISCORD_API_URL. */
  get apiUrl(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/api`;
  }

  /**
   * `guilds`: how many guilds the bot is in (default 1); more can be added with `addGuild`.
   * `now`: the fake's clock (see `now`), real time by default.
   */
  static async start(o: { guilds?: number; now?: () => number } = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord();
    if (o.now) fake.now = o.now;
    for (let n = 1; n < (o.guilds ?? 1); n++) fake.addGuild();
    fake.server = createServer((req, res) => void fake.handle(req, res));
    fake.wss = new WebSocketServer({ server: fake.server, path: '/gateway' });
    fake.wss.on('connection', (socket) => fake.gateway(socket));
    fake.server.listen(0, '127.0.0.1');
    await once(fake.server, 'listening');
    return fake;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  /**
   * A new snowflake that encodes the fake's `now()` as Discord's do, so `after: snowflakeAt(t)`
   * selects what was made since t. Ids only grow: within one millisecond (or if the clock is set
   * back) the next one is the last plus one, which is how Discord's per-millisecond counter looks.
   */
  id(): string {
    // Worker 1, process 0 (bits 17-21 and 12-16, as Discord's have), so a message made at t is
    // after `snowflakeAt(t)`, whose low bits are all 0.
    const timed = (BigInt(Math.max(0, Math.floor(this.now()) - DISCORD_EPOCH)) << 22n) | (1n << 17n);
    this.lastId = timed > this.lastId ? timed : this.lastId + 1n;
    return String(this.lastId);
  }

  /**
   * Puts the bot in one more guild, with channels general, questions and moderation and a role
   * organisers. The n-th guild (0 is the first) has id 222222222222222222 + 11n, channels
   * 333333333333333301 + 100n on, roles 444444444444444401 + 10n on, so the second is
   * '222222222222222233' with channels '3333333333333334xx' and role '444444444444444411'
   * (both guilds land on the same shard of 2). Best added before the client connects; added
   * later, the shard that owns it gets its GUILD_CREATE, as when the bot is invited.
   */
  addGuild(o: { id?: string; name?: string } = {}): FakeGuild {
    const n = BigInt(this.guilds.length);
    const id = o.id ?? String(222222222222222222n + 11n * n);
    if (this.guilds.some((g) => g.id === id)) throw new Error(`the fake Discord already has a guild ${id}`);
    const guild: FakeGuild = {
      id,
      name: o.name ?? (n === 1n ? 'Hamburg Learners' : `Learners ${n + 1n}`),
      channels: ['general', 'questions', 'moderation'].map((name, i) => ({ id: String(333333333333333301n + 100n * n + BigInt(i)), name })),
      roles: [{ id: String(444444444444444401n + 10n * n), name: 'organisers' }],
    };
    this.guilds.push(guild);
    // Before `start` there is no gateway yet; after READY, Discord sends the new guild as it comes.
    for (const socket of this.sockets)
      if (this.shardOf.has(socket) && this.owns(socket, guild.id))
        this.send(socket, { op: 0, t: 'GUILD_CREATE', s: ++this.sequence, d: this.guildCreate(guild) });
    return guild;
  }

  /** An event someone made in the Discord client (not the bot): scheduled, external, starting `start`. */
  addScheduledEvent(guildId: string, o: { name?: string; start?: Date; creator?: string; status?: number } = {}): FakeScheduledEvent {
    this.guildById(guildId);
    const start = o.start ?? new Date('2027-06-01T18:00:00Z');
    const event: FakeScheduledEvent = {
      id: this.id(),
      guild_id: guildId,
      channel_id: null,
      creator_id: o.creator ?? '999999999999999999',
      name: o.name ?? 'Movie night',
      description: null,
      scheduled_start_time: start.toISOString(),
      scheduled_end_time: new Date(start.getTime() + 7_200_000).toISOString(),
      privacy_level: 2,
      status: o.status ?? 1,
      entity_type: 3,
      entity_id: null,
      entity_metadata: { location: 'Somewhere' },
      image: null,
      recurrence_rule: null,
    };
    this.scheduledEvents.set(event.id, event);
    return event;
  }

  /** A guild's events that count toward Discord's 100 (scheduled or active), the bot's and people's. */
  liveEvents(guildId: string): FakeScheduledEvent[] {
    return [...this.scheduledEvents.values()].filter((e) => e.guild_id === guildId && (e.status === 1 || e.status === 2));
  }

  /** The guild scheduled event calls the bot made (list, create, edit, delete), in order. */
  eventCalls(guildId?: string): RecordedCall[] {
    return this.calls.filter(
      (c) => /^\/guilds\/(\d+)\/scheduled-events/.exec(c.path) && (!guildId || c.path.startsWith(`/guilds/${guildId}/`)),
    );
  }

  /** The guild with this id; throws for one the bot is not in, so a test's typo does not pass as the first guild. */
  guildById(id: string): FakeGuild {
    const guild = this.guilds.find((g) => g.id === id);
    if (!guild) throw new Error(`the fake Discord has no guild ${id} (it has ${this.guilds.map((g) => g.id).join(', ')})`);
    return guild;
  }

  /** The guild a channel (or a thread started in one) belongs to; undefined for DMs and unknown channels. */
  guildOf(channelId: string): FakeGuild | undefined {
    const parent = this.threads.get(channelId)?.parent ?? channelId;
    return this.guilds.find((g) => g.channels.some((c) => c.id === parent));
  }

  /** The next `times` requests matching method and path are answered with this status and body. */
  failNext(
    method: string,
    path: RegExp,
    status: number,
    body: Record<string, unknown>,
    headers: Record<string, string> = {},
    times = 1,
  ): void {
    this.failures.push({ method, path, status, body, headers, remaining: times });
  }

  /**
   * The next `times` requests matching method and path get no answer at all (the client's
   * timeout ends them). `afterHandling`: the request takes effect first (a message is made) and
   * only the answer is lost, which is what a nonce protects against.
   */
  hangNext(method: string, path: RegExp, times = 1, o: { afterHandling?: boolean } = {}): void {
    this.failures.push({ method, path, status: 0, body: {}, headers: {}, hang: o.afterHandling ? 'after' : 'before', remaining: times });
  }

  /** Forgets failures still to be answered: the platform is back. */
  clearFailures(): void {
    this.failures.length = 0;
  }

  /** Resolves once `predicate` holds over what was recorded (checked after every request). */
  async waitFor<T>(predicate: () => T | undefined | false, what = 'the expected calls', timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = predicate();
      if (found) return found;
      if (Date.now() > deadline)
        throw new Error(
          `timed out waiting for ${what}; calls so far:\n${this.calls.map((c) => `${c.method} ${c.path} ${JSON.stringify(c.body)}`).join('\n')}`,
        );
      await new Promise<void>((resolve) => {
        const done = () => {
          this.waiters.delete(done);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(done, 100);
        this.waiters.add(done);
      });
    }
  }

  /** Calls to one interaction's callback and webhook routes, in order. */
  responses(interaction: { id: string; token: string }): RecordedCall[] {
    return this.calls.filter(
      (c) =>
        c.path.startsWith(`/interactions/${interaction.id}/${interaction.token}/`) ||
        c.path.startsWith(`/webhooks/${this.applicationId}/${interaction.token}`),
    );
  }

  // ---------------------------------------------------------------- interactions

  /** The `resolved` part of an interaction naming these text channels of the first guild (channel options). */
  resolvedChannels(...ids: string[]): { channels: Record<string, unknown> } {
    const guild = this.guild;
    return {
      channels: Object.fromEntries(
        ids.map((id) => [
          id,
          { id, type: 0, name: guild.channels.find((c) => c.id === id)?.name ?? id, permissions: '0', guild_id: guild.id },
        ]),
      ),
    };
  }

  /**
   * A chat-input command as Discord sends it; returns the interaction's id and token. It happens
   * in `guild` (default: the guild of `channel`, else the first) and `channel` (default: that
   * guild's general).
   */
  slash(
    user: FakeUser,
    name: string,
    options: readonly CommandOption[] = [],
    o: InteractionPlace & {
      moderator?: boolean;
      roles?: string[];
      locale?: string;
      resolved?: Record<string, unknown>;
      autocomplete?: boolean;
    } = {},
  ): { id: string; token: string } {
    const guild = this.placeOf(o);
    return this.interact(
      o.autocomplete ? 4 : 2,
      user,
      { id: this.id(), name, type: 1, guild_id: guild.id, options, ...(o.resolved ? { resolved: o.resolved } : {}) },
      { ...o, guild: guild.id },
    );
  }

  /** A click on a button of a message the bot posted, in the message's channel and that channel's guild (unless `guild` says otherwise). */
  click(
    user: FakeUser,
    message: FakeMessage,
    customId: string,
    o: { guild?: string; moderator?: boolean; roles?: string[]; locale?: string } = {},
  ): { id: string; token: string } {
    const guild = o.guild ?? this.guildOf(message.channel_id)?.id;
    return this.interact(
      3,
      user,
      { custom_id: customId, component_type: 2 },
      { ...o, ...(guild ? { guild } : {}), channel: message.channel_id, message: this.apiMessage(message) },
    );
  }

  /** A submitted modal with its text inputs (label components, as Discord sends them now). */
  submit(
    user: FakeUser,
    customId: string,
    fields: Record<string, string>,
    o: InteractionPlace & { moderator?: boolean; roles?: string[]; locale?: string } = {},
  ): { id: string; token: string } {
    const components = Object.entries(fields).map(([id, value]) => ({
      type: 18,
      id: 1,
      component: { type: 4, id: 2, custom_id: id, value },
    }));
    return this.interact(5, user, { custom_id: customId, components }, o);
  }

  /** The user object of the `resolved` map of an interaction. */
  resolvedUser(user: FakeUser): Record<string, unknown> {
    return { id: user.id, username: user.username, global_name: user.globalName ?? null, discriminator: '0', avatar: null };
  }

  /**
   * The guild an interaction happens in: `guild` if given, else the guild of `channel`, else the
   * first. A channel of another guild than the one named is a mistake in the test, not a payload
   * Discord would send.
   */
  private placeOf(o: InteractionPlace): FakeGuild {
    const ofChannel = o.channel === undefined ? undefined : this.guildOf(o.channel);
    if (o.guild === undefined) return ofChannel ?? this.guild;
    const guild = this.guildById(o.guild);
    if (ofChannel && ofChannel !== guild) throw new Error(`channel ${o.channel} is in guild ${ofChannel.id}, not in ${guild.id}`);
    return guild;
  }

  private interact(
    type: number,
    user: FakeUser,
    data: Record<string, unknown>,
    o: InteractionPlace & { moderator?: boolean; roles?: string[]; locale?: string; message?: unknown },
  ): { id: string; token: string } {
    const id = this.id();
    const token = `token-${id}`;
    const guild = this.placeOf(o);
    const channelId = o.channel ?? guild.channels[0]!.id;
    const channel = guild.channels.find((c) => c.id === channelId) ?? { id: channelId, name: 'elsewhere' };
    const payload = {
      id,
      application_id: this.applicationId,
      type,
      token,
      version: 1,
      guild_id: guild.id,
      guild: { id: guild.id, locale: 'en-US', features: [] },
      guild_locale: 'en-US',
      channel_id: channelId,
      channel: {
        id: channelId,
        type: 0,
        name: channel.name,
        guild_id: guild.id,
        position: 0,
        permission_overwrites: [],
        nsfw: false,
        parent_id: null,
        flags: 0,
      },
      locale: o.locale ?? 'en-US',
      app_permissions: PERMISSIONS_ALL_TEXT,
      entitlements: [],
      authorizing_integration_owners: { '0': guild.id },
      context: 0,
      attachment_size_limit: 10485760,
      member: {
        user: this.resolvedUser(user),
        roles: o.roles ?? [],
        permissions: o.moderator ? String(BigInt(MEMBER_PERMISSIONS) | BigInt(MANAGE_GUILD)) : MEMBER_PERMISSIONS,
        joined_at: '2026-01-01T00:00:00.000000+00:00',
        nick: null,
        avatar: null,
        deaf: false,
        mute: false,
        flags: 0,
        pending: false,
        premium_since: null,
        communication_disabled_until: null,
      },
      ...(o.message ? { message: o.message } : {}),
      data,
    };
    this.dispatch('INTERACTION_CREATE', payload);
    return { id, token };
  }

  // ---------------------------------------------------------------- gateway

  private send(socket: WebSocket, payload: unknown): void {
    socket.send(JSON.stringify(payload));
  }

  /** Drops every gateway connection as a network failure would (close code 4000: the client may resume). */
  dropGateway(): void {
    for (const socket of this.sockets) socket.close(4000, 'unknown error');
  }

  /** Whether a gateway connection is open (and has identified or resumed). */
  get connected(): boolean {
    return this.sockets.size > 0;
  }

  /**
   * Dispatches an event of a guild (its `guild_id`, else the first guild) to the connection of
   * the shard that owns it (Discord's rule: (guild_id >> 22) % shards).
   */
  dispatch(event: string, d: unknown): void {
    const s = ++this.sequence;
    const guildId = (d as { guild_id?: unknown } | null)?.guild_id;
    const guild = typeof guildId === 'string' ? guildId : this.guild.id;
    for (const socket of this.sockets) if (this.owns(socket, guild)) this.send(socket, { op: 0, t: event, s, d });
  }

  private owns(socket: WebSocket, guildId: string): boolean {
    const [id, count] = this.shardOf.get(socket) ?? [0, 1];
    return Number((BigInt(guildId) >> 22n) % BigInt(count)) === id;
  }

  private gateway(socket: WebSocket): void {
    this.sockets.add(socket);
    socket.on('close', (code) => {
      this.sockets.delete(socket);
      this.closes.push(code);
    });
    this.send(socket, { op: 10, d: { heartbeat_interval: 30_000 }, s: null, t: null });
    socket.on('message', (raw) => {
      const packet = JSON.parse(String(raw)) as { op: number; d: { intents?: number; token?: string; shard?: [number, number] } };
      if (packet.op === 1) {
        this.heartbeats++;
        this.send(socket, { op: 11, d: null, s: null, t: null });
      } else if (packet.op === 2) {
        this.identified++;
        this.identify = packet.d;
        const shard = packet.d.shard ?? [0, 1];
        this.shardOf.set(socket, shard);
        this.shardsIdentified.push(shard);
        this.ready(socket);
      } else if (packet.op === 6) {
        // RESUME: the session goes on where it was; nothing missed in between here.
        this.resumed++;
        this.send(socket, { op: 0, t: 'RESUMED', s: ++this.sequence, d: {} });
      }
    });
  }

  private ready(socket: WebSocket): void {
    const s = () => ++this.sequence;
    const owned = this.guilds.filter((g) => this.owns(socket, g.id));
    this.send(socket, {
      op: 0,
      t: 'READY',
      s: s(),
      d: {
        v: 10,
        user: { ...this.resolvedUser(this.bot), bot: true, verified: true, flags: 0 },
        guilds: owned.map((g) => ({ id: g.id, unavailable: true })),
        session_id: 'fake-session',
        resume_gateway_url: `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/gateway`,
        shard: this.shardOf.get(socket),
        application: { id: this.applicationId, flags: 0 },
      },
    });
    for (const guild of owned) this.send(socket, { op: 0, t: 'GUILD_CREATE', s: s(), d: this.guildCreate(guild) });
  }

  private guildCreate(guild: FakeGuild): Record<string, unknown> {
    return {
      id: guild.id,
      name: guild.name,
      icon: null,
      owner_id: '999999999999999999',
      unavailable: false,
      large: false,
      member_count: 3,
      joined_at: '2026-01-01T00:00:00.000000+00:00',
      preferred_locale: 'en-US',
      features: [],
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      mfa_level: 0,
      premium_tier: 0,
      system_channel_flags: 0,
      nsfw_level: 0,
      roles: [
        {
          id: guild.id,
          name: '@everyone',
          permissions: MEMBER_PERMISSIONS,
          position: 0,
          color: 0,
          hoist: false,
          managed: false,
          mentionable: false,
          flags: 0,
        },
        ...guild.roles.map((r, i) => ({
          ...r,
          permissions: MEMBER_PERMISSIONS,
          position: i + 1,
          color: 0,
          hoist: false,
          managed: false,
          mentionable: true,
          flags: 0,
        })),
      ],
      channels: guild.channels.map((c, i) => ({
        ...c,
        type: c.type ?? 0,
        position: i,
        permission_overwrites: [],
        nsfw: false,
        parent_id: null,
        topic: null,
        rate_limit_per_user: 0,
        flags: 0,
      })),
      threads: [],
      members: [],
      presences: [],
      voice_states: [],
      emojis: [],
      stickers: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
    };
  }

  // ---------------------------------------------------------------- REST

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, '');
    const raw = await new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => resolve(Buffer.concat(chunks)));
    });
    const body = parseBody(raw, req.headers['content-type'] ?? '');
    const method = req.method ?? 'GET';
    const failure = this.failures.find((f) => f.remaining > 0 && f.method === method && f.path.test(path));
    if (failure) failure.remaining--;
    const reply = (status: number, json?: unknown, headers: Record<string, string> = {}) => {
      if (failure?.hang) {
        // Held: the connection stays open without an answer until the client gives up.
        this.calls.push({ method, path, query: url.searchParams, body, status: 0, at });
        for (const wake of [...this.waiters]) wake();
        return;
      }
      this.calls.push({ method, path, query: url.searchParams, body, status, at });
      res.writeHead(status, { ...(json === undefined ? {} : { 'content-type': 'application/json' }), ...headers });
      res.end(json === undefined ? undefined : JSON.stringify(json));
      for (const wake of [...this.waiters]) wake();
    };

    if (failure && failure.hang !== 'after') return reply(failure.status, failure.body, failure.headers);
    const route = (m: string, pattern: RegExp) => (method === m ? pattern.exec(path) : null);
    let m: RegExpExecArray | null;

    if (route('GET', /^\/gateway\/bot$/)) {
      const port = (this.server.address() as AddressInfo).port;
      return reply(200, {
        url: `ws://127.0.0.1:${port}/gateway`,
        shards: this.recommendedShards,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
      });
    }
    if ((m = route('POST', /^\/interactions\/(\d+)\/([^/]+)\/callback$/))) return reply(204);
    if ((m = route('PATCH', /^\/webhooks\/\d+\/([^/]+)\/messages\/@original$/))) return reply(200, this.store('0', body, m[1]));
    if ((m = route('POST', /^\/webhooks\/\d+\/([^/]+)$/))) return reply(200, this.store('0', body, m[1]));
    if ((m = route('GET', /^\/channels\/(\d+)$/))) {
      const channel = this.channel(m[1]!);
      return channel ? reply(200, channel) : reply(404, { message: 'Unknown Channel', code: 10003 });
    }
    if ((m = route('POST', /^\/channels\/(\d+)\/messages$/))) {
      const channelId = m[1]!;
      const dmOf = [...this.dmChannels].find(([, c]) => c === channelId)?.[0];
      if (dmOf && this.dmClosed.has(dmOf)) return reply(403, { message: 'Cannot send messages to this user', code: 50007 });
      if (!this.channel(channelId)) return reply(404, { message: 'Unknown Channel', code: 10003 });
      // enforce_nonce (Discord's documentation, Create Message): "If another message was created by
      // the same author with the same nonce, that message will be returned and no new message will be
      // created", for "the past few minutes". The documentation names only the author; the fake also
      // keys by channel, since the route is a channel's and returning a message of another channel
      // from it would be no answer Discord gives. Without enforce_nonce a nonce checks nothing.
      const { nonce, enforce_nonce: enforce } = (body ?? {}) as { nonce?: string | number; enforce_nonce?: boolean };
      const key = enforce && nonce !== undefined ? `${this.bot.id}/${channelId}/${String(nonce)}` : undefined;
      const seen = key === undefined ? undefined : this.nonces.get(key);
      const now = this.now();
      const earlier = seen && now - seen.at < NONCE_WINDOW_MS ? this.messages.get(seen.message) : undefined;
      if (earlier) return reply(200, this.apiMessage(earlier));
      const made = this.store(channelId, body);
      if (key !== undefined) this.nonces.set(key, { message: made.id, at: now });
      return reply(200, this.apiMessage(made));
    }
    if ((m = route('GET', /^\/channels\/(\d+)\/messages$/))) {
      const listed = this.history(m[1]!, url.searchParams);
      return reply(listed.status, listed.body);
    }
    if ((m = route('PATCH', /^\/channels\/(\d+)\/messages\/(\d+)$/))) {
      const message = this.messages.get(m[2]!);
      if (!message) return reply(404, { message: 'Unknown Message', code: 10008 });
      Object.assign(message, pick(body), { edits: message.edits + 1, editedAt: this.now() });
      return reply(200, this.apiMessage(message));
    }
    if ((m = route('POST', /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/))) {
      if (this.threads.has(m[2]!)) return reply(400, { message: 'A thread has already been created for this message', code: 160004 });
      this.threads.set(m[2]!, { parent: m[1]! });
      return reply(201, this.channel(m[2]!));
    }
    if (route('POST', /^\/users\/@me\/channels$/)) {
      const recipient = String((body as { recipient_id?: string }).recipient_id);
      const channelId = this.dmChannels.get(recipient) ?? this.id();
      this.dmChannels.set(recipient, channelId);
      return reply(200, {
        id: channelId,
        type: 1,
        last_message_id: null,
        flags: 0,
        recipients: [{ id: recipient, username: 'someone', discriminator: '0', global_name: null, avatar: null }],
      });
    }
    if ((m = route('GET', /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/)))
      return reply(200, this.commands.get(m[2] ?? 'global') ?? []);
    if ((m = route('PUT', /^\/applications\/(\d+)(?:\/guilds\/(\d+))?\/commands$/))) {
      const list = (body as Record<string, unknown>[]).map((c) => ({
        ...c,
        id: this.id(),
        application_id: this.applicationId,
        version: this.id(),
        type: 1,
      }));
      this.commands.set(m[2] ?? 'global', list);
      return reply(200, list);
    }
    if ((m = route('GET', /^\/guilds\/(\d+)\/scheduled-events$/))) {
      if (!this.guilds.some((g) => g.id === m![1])) return reply(404, { message: 'Unknown Guild', code: 10004 });
      // Discord lists the events that are scheduled or active; completed and canceled ones are gone.
      return reply(200, this.liveEvents(m[1]!));
    }
    if ((m = route('GET', /^\/guilds\/(\d+)\/scheduled-events\/(\d+)$/))) {
      const event = this.scheduledEvents.get(m[2]!);
      return event?.guild_id === m[1] ? reply(200, event) : reply(404, UNKNOWN_EVENT);
    }
    if ((m = route('POST', /^\/guilds\/(\d+)\/scheduled-events$/))) {
      const guildId = m[1]!;
      if (!this.guilds.some((g) => g.id === guildId)) return reply(404, { message: 'Unknown Guild', code: 10004 });
      if (this.eventsRefused.has(guildId)) return reply(403, MISSING_PERMISSIONS);
      const problems = eventProblems(body, 'create');
      if (problems.length) return reply(400, invalidForm(problems));
      if (this.liveEvents(guildId).length >= 100)
        return reply(400, { message: 'Maximum number of uncompleted guild scheduled events reached (100)', code: 30038 });
      const b = body as Record<string, unknown>;
      const event: FakeScheduledEvent = {
        id: this.id(),
        guild_id: guildId,
        channel_id: null,
        creator_id: this.bot.id,
        name: String(b.name),
        description: typeof b.description === 'string' ? b.description : null,
        scheduled_start_time: String(b.scheduled_start_time),
        scheduled_end_time: String(b.scheduled_end_time),
        privacy_level: Number(b.privacy_level),
        status: 1,
        entity_type: Number(b.entity_type),
        entity_id: null,
        entity_metadata: { location: String((b.entity_metadata as { location: string }).location) },
        image: null,
        recurrence_rule: null,
      };
      this.scheduledEvents.set(event.id, event);
      return reply(200, event);
    }
    if ((m = route('PATCH', /^\/guilds\/(\d+)\/scheduled-events\/(\d+)$/))) {
      const event = this.scheduledEvents.get(m[2]!);
      if (event?.guild_id !== m[1]) return reply(404, UNKNOWN_EVENT);
      // Discord: the bot's own events need Create Events (or Manage Events); anyone else's, Manage Events, which it lacks.
      if (this.eventsRefused.has(m[1]!) || event.creator_id !== this.bot.id) return reply(403, MISSING_PERMISSIONS);
      const problems = eventProblems(body, 'edit', event);
      if (problems.length) return reply(400, invalidForm(problems));
      const b = body as Record<string, unknown>;
      for (const key of ['name', 'description', 'scheduled_start_time', 'scheduled_end_time', 'status', 'entity_metadata'] as const)
        if (b[key] !== undefined) (event as unknown as Record<string, unknown>)[key] = b[key];
      return reply(200, event);
    }
    if ((m = route('DELETE', /^\/guilds\/(\d+)\/scheduled-events\/(\d+)$/))) {
      const event = this.scheduledEvents.get(m[2]!);
      if (event?.guild_id !== m[1]) return reply(404, UNKNOWN_EVENT);
      if (this.eventsRefused.has(m[1]!) || event.creator_id !== this.bot.id) return reply(403, MISSING_PERMISSIONS);
      this.scheduledEvents.delete(event.id);
      return reply(204);
    }
    if (this.groupPlaceRoute(method, path, body, reply)) return;
    // Members and guilds, for buttons in direct messages (see the block at the end of the class).
    const member = this.memberRoute(method, path);
    if (member) return reply(member.status, member.body);
    return reply(404, { message: `The fake Discord has no route ${method} ${path}`, code: 0 });
  }

  // ---------------------------------------------------------------- group places (Outbox.openGroup)
  // A workshop group's private thread: made in a text channel without a starting message, with
  // members added one by one; the thread is also in `threads`, so lookups and posts find it.

  /** Threads made without a starting message (private ones, for a group), by id. */
  readonly groupThreads = new Map<string, FakeGroupThread>();

  /** Archives a group thread (and locks it, if asked) as Discord does after inactivity, or a moderator. */
  archiveThread(id: string, o: { locked?: boolean } = {}): void {
    const thread = this.groupThreads.get(id);
    if (!thread) throw new Error(`the fake Discord has no group thread ${id}`);
    thread.archived = true;
    thread.locked = o.locked ?? false;
  }

  /** Forgets a thread, as when a moderator deletes it: looking it up answers Unknown Channel. */
  deleteThread(id: string): void {
    this.groupThreads.delete(id);
    this.threads.delete(id);
  }

  /** Answers the routes of group threads; false when the request is none of them. */
  private groupPlaceRoute(method: string, path: string, body: unknown, reply: (status: number, json?: unknown) => void): boolean {
    const answer = (status: number, json?: unknown) => {
      reply(status, json);
      return true;
    };
    let m: RegExpExecArray | null;
    if (method === 'POST' && (m = /^\/channels\/(\d+)\/threads$/.exec(path))) {
      const parent = this.guildOf(m[1]!)?.channels.find((c) => c.id === m![1]);
      if (!parent) return answer(404, { message: 'Unknown Channel', code: 10003 });
      const b = (body ?? {}) as { name?: unknown; type?: unknown; invitable?: unknown; auto_archive_duration?: unknown };
      // Discord's rule: a thread without a message in a text channel (private ones only there); API v9 and
      // later default the type to private.
      const type = typeof b.type === 'number' ? b.type : 12;
      if ((parent.type ?? 0) !== 0 && type === 12)
        return answer(400, { message: 'Cannot execute action on this channel type', code: 50024 });
      if (typeof b.name !== 'string' || b.name.length < 1 || b.name.length > 100)
        return answer(400, { message: 'Invalid Form Body\nname: must be 1-100 characters', code: 50035 });
      const thread: FakeGroupThread = {
        id: this.id(),
        parent: parent.id,
        name: b.name,
        type,
        invitable: b.invitable === undefined ? true : Boolean(b.invitable),
        autoArchiveDuration: typeof b.auto_archive_duration === 'number' ? b.auto_archive_duration : 4320,
        // The creator is in the thread.
        members: [this.bot.id],
        archived: false,
        locked: false,
      };
      this.threads.set(thread.id, { parent: parent.id });
      this.groupThreads.set(thread.id, thread);
      return answer(201, this.channel(thread.id));
    }
    if (method === 'PUT' && (m = /^\/channels\/(\d+)\/thread-members\/(\d+)$/.exec(path))) {
      const thread = this.groupThreads.get(m[1]!);
      if (!thread) return answer(404, { message: 'Unknown Channel', code: 10003 });
      // Discord: adding a member needs the thread not archived; one already in it is answered 204 as well.
      if (thread.archived) return answer(400, { message: 'Thread is archived', code: 50083 });
      if (!thread.members.includes(m[2]!)) thread.members.push(m[2]!);
      return answer(204);
    }
    if (method === 'PATCH' && (m = /^\/channels\/(\d+)$/.exec(path)) && this.groupThreads.has(m[1]!)) {
      const thread = this.groupThreads.get(m[1]!)!;
      const b = (body ?? {}) as { archived?: unknown };
      // Unarchiving a locked thread needs Manage Threads, which the bot does not ask for.
      if (b.archived === false && thread.locked) return answer(403, MISSING_PERMISSIONS);
      if (typeof b.archived === 'boolean') thread.archived = b.archived;
      return answer(200, this.channel(thread.id));
    }
    return false;
  }

  /** The channel object for a guild channel, a thread or a DM channel, if it exists. */
  private channel(id: string): Record<string, unknown> | undefined {
    const guild = this.guildOf(id);
    const guildChannel = guild?.channels.find((c) => c.id === id);
    if (guild && guildChannel)
      return {
        ...guildChannel,
        type: guildChannel.type ?? 0,
        guild_id: guild.id,
        position: 0,
        permission_overwrites: [],
        parent_id: null,
        flags: 0,
      };
    const thread = this.threads.get(id);
    if (thread) {
      const group = this.groupThreads.get(id);
      return {
        id,
        type: 11,
        name: 'thread',
        // A thread on a message of an unknown channel (the fake does not refuse one) stays in the first guild.
        guild_id: guild?.id ?? this.guild.id,
        parent_id: thread.parent,
        owner_id: this.bot.id,
        flags: 0,
        thread_metadata: {
          archived: false,
          auto_archive_duration: 1440,
          archive_timestamp: '2026-01-01T00:00:00.000000+00:00',
          locked: false,
        },
        message_count: 0,
        member_count: 1,
        // A group's private thread (see "group places" below) says what it is.
        ...(group ? groupThreadFields(group) : {}),
      };
    }
    const dm = [...this.dmChannels].find(([, c]) => c === id);
    if (dm)
      return {
        id,
        type: 1,
        flags: 0,
        recipients: [{ id: dm[0], username: 'someone', discriminator: '0', global_name: null, avatar: null }],
      };
    return undefined;
  }

  private store(channelId: string, body: unknown, _token?: string): FakeMessage {
    const message: FakeMessage = { id: this.id(), channel_id: channelId, content: '', embeds: [], components: [], edits: 0, ...pick(body) };
    this.messages.set(message.id, message);
    return message;
  }

  /** A message someone (not the bot) wrote in a channel, now (the fake's clock); it shows in the channel's history. */
  postAs(user: FakeUser, channelId: string, content: string): FakeMessage {
    const message: FakeMessage = { id: this.id(), channel_id: channelId, content, embeds: [], components: [], edits: 0, author: user };
    this.messages.set(message.id, message);
    return message;
  }

  /**
   * GET /channels/{channel.id}/messages as Discord documents it: `limit` 1-100 (default 50), at most
   * one of `around`, `before`, `after`; always newest first. `after` gives the `limit` messages
   * right after the id (the oldest of the newer ones, so paging forward takes the newest of a page
   * as the next `after`), `before` and no anchor the newest ones before it, `around` half before
   * (the message itself included) and half after.
   */
  private history(channelId: string, query: URLSearchParams): { status: number; body: unknown } {
    if (!this.channel(channelId)) return { status: 404, body: { message: 'Unknown Channel', code: 10003 } };
    const problems: string[] = [];
    const limitText = query.get('limit');
    const limit = limitText === null ? 50 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) problems.push('limit: int value should be between 1 and 100');
    const anchors = (['around', 'before', 'after'] as const).filter((k) => query.has(k));
    if (anchors.length > 1) problems.push(`${anchors.join(', ')}: only one of around, before, after`);
    for (const k of anchors) if (!/^\d{1,20}$/.test(query.get(k)!)) problems.push(`${k}: value "${query.get(k)}" is not snowflake.`);
    if (problems.length) return { status: 400, body: invalidForm(problems) };
    const byId = (a: FakeMessage, b: FakeMessage) => (BigInt(a.id) < BigInt(b.id) ? -1 : BigInt(a.id) > BigInt(b.id) ? 1 : 0);
    const all = this.posts(channelId).sort(byId);
    const anchor = anchors[0];
    const at = anchor ? BigInt(query.get(anchor)!) : 0n;
    let page: FakeMessage[];
    if (anchor === 'after') page = all.filter((msg) => BigInt(msg.id) > at).slice(0, limit);
    else if (anchor === 'before') page = all.filter((msg) => BigInt(msg.id) < at).slice(-limit);
    else if (anchor === 'around') {
      const older = all.filter((msg) => BigInt(msg.id) <= at).slice(-Math.ceil(limit / 2));
      page = [...older, ...all.filter((msg) => BigInt(msg.id) > at).slice(0, limit - older.length)];
    } else page = all.slice(-limit);
    return { status: 200, body: page.reverse().map((msg) => this.apiMessage(msg)) };
  }

  /** Messages posted in a channel (threads and DMs included), oldest first. */
  posts(channelId: string): FakeMessage[] {
    return [...this.messages.values()].filter((m) => m.channel_id === channelId);
  }

  threadOf(messageId: string): string | undefined {
    return this.threads.has(messageId) ? messageId : undefined;
  }

  dmChannelOf(userId: string): string | undefined {
    return this.dmChannels.get(userId);
  }

  apiMessage(message: FakeMessage): Record<string, unknown> {
    return {
      id: message.id,
      channel_id: message.channel_id,
      type: 0,
      content: message.content,
      embeds: message.embeds,
      components: message.components,
      author: message.author ? this.resolvedUser(message.author) : { ...this.resolvedUser(this.bot), bot: true },
      attachments: [],
      mentions: [],
      mention_roles: [],
      mention_everyone: false,
      pinned: false,
      tts: false,
      flags: 0,
      ...(message.nonce !== undefined ? { nonce: message.nonce } : {}),
      // Discord's timestamps are ISO8601 with microseconds; the creation time is the snowflake's.
      timestamp: isoTimestamp(snowflakeTime(message.id)),
      edited_timestamp: message.edits ? isoTimestamp(message.editedAt ?? snowflakeTime(message.id)) : null,
    };
  }

  // ---------------------------------------------------------------- buttons in direct messages
  // What a press of a DM's button needs (src/services/direct-buttons.ts): the interaction in a DM,
  // as Discord sends it (no guild, `user` instead of `member`, context 1), and the REST routes the
  // bot asks about the server the button acts in: GET /guilds/{guild}/members/{user} and GET
  // /guilds/{guild}. Everyone is a member of every guild, with no roles, unless `memberRoles` or
  // `departed` say otherwise; each guild's owner is 999999999999999999.

  /** A member's roles in a guild, by `guild/user`. */
  readonly memberRoles = new Map<string, string[]>();
  /** `guild/user` of members who left a guild: asking for them is answered Unknown Member (10007). */
  readonly departed = new Set<string>();

  /** A click on a button of a message the bot sent in a DM, by `user` (who need not be its recipient: a forged press). */
  clickInDm(user: FakeUser, message: FakeMessage, customId: string, o: { locale?: string } = {}): { id: string; token: string } {
    return this.dmInteract(
      3,
      user,
      message.channel_id,
      { custom_id: customId, component_type: 2 },
      { ...o, message: this.apiMessage(message) },
    );
  }

  /** A modal submitted in a DM channel (a form a DM's button opened), with its text inputs. */
  submitInDm(
    user: FakeUser,
    channelId: string,
    customId: string,
    fields: Record<string, string>,
    o: { locale?: string } = {},
  ): { id: string; token: string } {
    const components = Object.entries(fields).map(([id, value]) => ({
      type: 18,
      id: 1,
      component: { type: 4, id: 2, custom_id: id, value },
    }));
    return this.dmInteract(5, user, channelId, { custom_id: customId, components }, o);
  }

  private dmInteract(
    type: number,
    user: FakeUser,
    channelId: string,
    data: Record<string, unknown>,
    o: { locale?: string; message?: unknown },
  ): { id: string; token: string } {
    const id = this.id();
    const token = `token-${id}`;
    // Discord sends a DM's interactions to shard 0; `dispatch` without a guild does the same with one shard.
    this.dispatch('INTERACTION_CREATE', {
      id,
      application_id: this.applicationId,
      type,
      token,
      version: 1,
      channel_id: channelId,
      channel: { id: channelId, type: 1, last_message_id: null, flags: 0, recipients: [this.resolvedUser(user)] },
      user: this.resolvedUser(user),
      locale: o.locale ?? 'en-US',
      app_permissions: PERMISSIONS_ALL_TEXT,
      entitlements: [],
      authorizing_integration_owners: { '0': this.guild.id },
      context: 1,
      attachment_size_limit: 10485760,
      ...(o.message ? { message: o.message } : {}),
      data,
    });
    return { id, token };
  }

  private memberRoute(method: string, path: string): { status: number; body: unknown } | undefined {
    if (method !== 'GET') return undefined;
    const unknownGuild = { status: 404, body: { message: 'Unknown Guild', code: 10004 } };
    let m: RegExpExecArray | null;
    if ((m = /^\/guilds\/(\d+)\/members\/(\d+)$/.exec(path))) {
      const [, guildId, userId] = m as unknown as [string, string, string];
      if (!this.guilds.some((g) => g.id === guildId)) return unknownGuild;
      if (this.departed.has(`${guildId}/${userId}`)) return { status: 404, body: { message: 'Unknown Member', code: 10007 } };
      return {
        status: 200,
        body: {
          user: { id: userId, username: `user${userId.slice(-4)}`, global_name: null, discriminator: '0', avatar: null },
          roles: this.memberRoles.get(`${guildId}/${userId}`) ?? [],
          nick: null,
          avatar: null,
          joined_at: '2026-01-01T00:00:00.000000+00:00',
          premium_since: null,
          deaf: false,
          mute: false,
          flags: 0,
          pending: false,
          communication_disabled_until: null,
        },
      };
    }
    if ((m = /^\/guilds\/(\d+)$/.exec(path))) {
      const guild = this.guilds.find((g) => g.id === m![1]);
      return guild ? { status: 200, body: this.guildCreate(guild) } : unknownGuild;
    }
    return undefined;
  }
}

// ---------------------------------------------------------------- group places (Outbox.openGroup)

/** A thread made without a starting message: a workshop group's private thread, with who is in it. */
export interface FakeGroupThread {
  readonly id: string;
  readonly parent: string;
  readonly name: string;
  /** 12 private, 11 public. */
  readonly type: number;
  readonly invitable: boolean;
  readonly autoArchiveDuration: number;
  /** User ids added, in order, the bot (its creator) first. */
  readonly members: string[];
  archived: boolean;
  locked: boolean;
}

/** What a group thread's channel object says beyond any thread's. */
function groupThreadFields(t: FakeGroupThread): Record<string, unknown> {
  return {
    type: t.type,
    name: t.name,
    member_count: t.members.length,
    thread_metadata: {
      archived: t.archived,
      auto_archive_duration: t.autoArchiveDuration,
      archive_timestamp: '2026-01-01T00:00:00.000000+00:00',
      locked: t.locked,
      ...(t.type === 12 ? { invitable: t.invitable } : {}),
    },
  };
}

/** A time as Discord writes it: `2026-11-23T10:00:00.123000+00:00`. */
function isoTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}

function pick(body: unknown): Partial<FakeMessage> {
  const b = (body ?? {}) as Record<string, unknown>;
  const out: Partial<FakeMessage> = {};
  if (typeof b.content === 'string') out.content = b.content;
  if (Array.isArray(b.embeds)) out.embeds = b.embeds;
  if (Array.isArray(b.components)) out.components = b.components;
  if (b.allowed_mentions !== undefined) out.allowed_mentions = b.allowed_mentions;
  if (typeof b.nonce === 'string' || typeof b.nonce === 'number') out.nonce = String(b.nonce);
  return out;
}

/** JSON, or the `payload_json` part of a multipart body (discord.js sends files that way). */
function parseBody(raw: Buffer, contentType: string): unknown {
  if (!raw.length) return undefined;
  if (contentType.startsWith('multipart/form-data')) {
    const text = raw.toString('latin1');
    const part = /name="payload_json"[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n([\s\S]*?)\r\n--/.exec(text);
    return part ? JSON.parse(Buffer.from(part[1]!, 'latin1').toString('utf8')) : undefined;
  }
  return JSON.parse(raw.toString('utf8'));
}

const UNKNOWN_EVENT = { message: 'Unknown Guild Scheduled Event', code: 10070 };
const MISSING_PERMISSIONS = { message: 'Missing Permissions', code: 50013 };
const invalidForm = (problems: string[]) => ({ message: `Invalid Form Body\n${problems.join('\n')}`, code: 50035 });

/**
 * What Discord's documentation says an event's body must be (Guild Scheduled Event: the object's
 * field limits, "Field Requirements By Entity Type", the valid status transitions); an empty list
 * when the body is valid. `create` needs the required fields; `edit` checks those present.
 */
export function eventProblems(body: unknown, kind: 'create' | 'edit', current?: FakeScheduledEvent): string[] {
  const b = (body ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  const has = (key: string) => b[key] !== undefined;
  const text = (key: string, max: number, o: { required?: boolean; nullable?: boolean }) => {
    const v = b[key];
    if (v === undefined) {
      if (o.required) problems.push(`${key}: required`);
    } else if (!(v === null && o.nullable) && (typeof v !== 'string' || v.length < 1 || v.length > max)) {
      problems.push(`${key}: must be 1-${max} characters`);
    }
  };
  text('name', 100, { required: kind === 'create' });
  text('description', 1000, { nullable: kind === 'edit' });
  const time = (key: string) => {
    const v = b[key];
    if (v === undefined) return undefined;
    const at = typeof v === 'string' ? Date.parse(v) : NaN;
    if (Number.isNaN(at) || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(String(v))) problems.push(`${key}: not an ISO8601 timestamp`);
    return at;
  };
  const start = time('scheduled_start_time') ?? (current ? Date.parse(current.scheduled_start_time) : undefined);
  const end = time('scheduled_end_time') ?? (current?.scheduled_end_time ? Date.parse(current.scheduled_end_time) : undefined);
  if (kind === 'create') {
    if (!has('scheduled_start_time')) problems.push('scheduled_start_time: required');
    if (b.privacy_level !== 2) problems.push('privacy_level: must be 2 (GUILD_ONLY)');
    if (![1, 2, 3].includes(b.entity_type as number)) problems.push('entity_type: required');
  } else if (has('privacy_level') && b.privacy_level !== 2) problems.push('privacy_level: must be 2 (GUILD_ONLY)');
  const external = (b.entity_type ?? current?.entity_type) === 3;
  if (external) {
    if (b.channel_id !== undefined && b.channel_id !== null) problems.push('channel_id: must be null for EXTERNAL');
    const metadata = b.entity_metadata as { location?: unknown } | null | undefined;
    if (kind === 'create' || metadata !== undefined) {
      const location = metadata?.location;
      if (typeof location !== 'string' || location.length < 1 || location.length > 100)
        problems.push('entity_metadata.location: required for EXTERNAL, 1-100 characters');
    }
    if (kind === 'create' && !has('scheduled_end_time')) problems.push('scheduled_end_time: required for EXTERNAL');
  }
  if (start !== undefined && end !== undefined && !(end > start)) problems.push('scheduled_end_time: must be after the start');
  if (has('status')) {
    const allowed: Record<number, number[]> = { 1: [2, 4], 2: [3] };
    // (Checked where the event is known: by the fake, on the request.)
    if (kind === 'create' || (current && !(allowed[current.status] ?? []).includes(b.status as number)))
      problems.push(`status: cannot go from ${current?.status} to ${String(b.status)}`);
  }
  const known = new Set([
    'channel_id',
    'entity_metadata',
    'name',
    'privacy_level',
    'scheduled_start_time',
    'scheduled_end_time',
    'description',
    'entity_type',
    'status',
    'image',
    'recurrence_rule',
  ]);
  for (const key of Object.keys(b)) if (!known.has(key)) problems.push(`${key}: not a field of a scheduled event`);
  return problems;
}
