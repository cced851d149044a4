import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

/** One Web API call as the fake received it, after any failure it was told to answer. */
export interface ApiCall {
  readonly method: string;
  readonly params: Record<string, unknown>;
  /** `ok`, or the failure the fake answered (`ratelimited`, `not_in_channel`, `http 503`, `hang`, ...). */
  readonly outcome: string;
  /** When the call arrived (`Date.now()`), to measure the waits between retries. */
  readonly at: number;
}

/** A message posted to a response URL. */
export interface ResponseCall {
  readonly id: string;
  readonly body: Record<string, unknown>;
  /** When it arrived (`Date.now()`). */
  readonly at: number;
}

export interface FakeUser {
  readonly name: string;
  readonly isAdmin?: boolean;
  readonly locale?: string;
}

type Failure =
  | { readonly kind: 'ratelimited'; readonly retryAfter: number }
  | { readonly kind: 'error'; readonly error: string }
  /** An HTTP error status (a 5xx, as Slack's servers answer in an outage); the WebClient throws a WebAPIHTTPError. */
  | { readonly kind: 'http'; readonly status: number }
  /** No answer at all: the call is held until the client's timeout gives up; nothing is done. */
  | { readonly kind: 'hang' }
  /** Done (a message is posted) but the answer is lost: held until the client's timeout gives up. */
  | { readonly kind: 'lost' };

/**
 * A fake Slack Web API on loopback (`SLACK_API_URL` = `url + '/api/'`) that records every call,
 * plus response URLs (`responseUrl(id)`). Only the methods the bot uses are answered; anything
 * else is `unknown_method`, so a test notices a call it did not expect.
 */
export class FakeSlack {
  readonly calls: ApiCall[] = [];
  readonly responses: ResponseCall[] = [];
  /** Every attempt to post to a response URL, delivered (`ok`) or failed as told by `failResponseNext`. */
  readonly responseAttempts: { readonly id: string; readonly at: number; readonly outcome: string }[] = [];
  readonly users = new Map<string, FakeUser>();
  readonly groups = new Map<string, string[]>();
  private readonly failures = new Map<string, Failure[]>();
  private readonly responseFailures: Extract<Failure, { kind: 'http' | 'hang' }>[] = [];
  private nextTs = 1;
  private waiters: (() => void)[] = [];
  private server!: Server;
  private sockets?: WebSocketServer;
  private socket?: WebSocket;
  private nextEnvelope = 1;
  private readonly acks = new Map<string, (payload: Record<string, unknown> | undefined) => void>();
  url = '';

  /**
   * The fake's clock (ms since 1970), when a test sets one: then each message's `ts` is its time
   * (`seconds.micro`, as Slack's are), so `oldest` selects by time. Unset (the default), ts stay
   * `1700000000.000001`, `.000002`, ... as the existing tests expect.
   */
  now: (() => number) | undefined;

  /**
   * `team`: the workspace this fake is, as `auth.test` names it (one bot token serves one
   * workspace; two workspaces are two fakes). `now`: the clock of time-based ts (see `now`).
   */
  constructor(
    readonly team = 'T1',
    o: { now?: () => number } = {},
  ) {
    this.now = o.now;
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(
        (answer) => {
          if (!answer) {
            for (const wake of this.waiters.splice(0)) wake(); // held: no answer ever
            return;
          }
          const { status, headers, body } = answer;
          res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
          res.end(JSON.stringify(body));
          for (const wake of this.waiters.splice(0)) wake();
        },
        (err: unknown) => {
          res.writeHead(500);
          res.end(String(err));
        },
      );
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /**
   * Socket Mode: `apps.connections.open` hands out a WebSocket on this server, which greets
   * with `hello`; `envelope` sends a request over it and resolves with its acknowledgement.
   */
  enableSocketMode(): void {
    this.sockets = new WebSocketServer({ server: this.server, path: '/socket' });
    this.sockets.on('connection', (ws) => {
      this.socket = ws;
      ws.on('message', (data) => {
        const ack = JSON.parse(String(data)) as { envelope_id?: string; payload?: Record<string, unknown> };
        if (ack.envelope_id) this.acks.get(ack.envelope_id)?.(ack.payload);
      });
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, connection_info: { app_id: 'A1' }, debug_info: { host: 'fake' } }));
    });
  }

  envelope(type: 'slash_commands' | 'interactive', payload: Record<string, unknown>): Promise<Record<string, unknown> | undefined> {
    const id = `env-${this.nextEnvelope++}`;
    return new Promise((resolve, reject) => {
      if (!this.socket) return reject(new Error('fake Slack: no Socket Mode connection'));
      this.acks.set(id, resolve);
      this.socket.send(
        JSON.stringify({ envelope_id: id, type, payload, accepts_response_payload: true, retry_attempt: 0, retry_reason: '' }),
      );
    });
  }

  stop(): Promise<void> {
    for (const client of this.sockets?.clients ?? []) client.terminate();
    this.sockets?.close();
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  responseUrl(id: string): string {
    return `${this.url}/response/${id}`;
  }

  /** The next calls of `method` fail this way, in order. */
  failNext(method: string, failure: Failure): void {
    this.failures.set(method, [...(this.failures.get(method) ?? []), failure]);
  }

  /** The next posts to a response URL fail this way, in order. */
  failResponseNext(failure: Extract<Failure, { kind: 'http' | 'hang' }>): void {
    this.responseFailures.push(failure);
  }

  callsOf(method: string, outcome = 'ok'): ApiCall[] {
    return this.calls.filter((c) => c.method === method && c.outcome === outcome);
  }

  /** Resolves once `check` holds for what was recorded; rejects after `ms` with `what` (a safety net, not a timing assertion). */
  async until<T>(what: string, check: () => T | undefined | false, ms = 10_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = check();
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`fake Slack: still waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The answer to a request; undefined to hold it unanswered. */
  private async handle(req: IncomingMessage): Promise<{ status: number; headers?: Record<string, string>; body: unknown } | undefined> {
    const at = Date.now();
    const bytes = await new Promise<Buffer>((resolve, reject) => {
      const parts: Buffer[] = [];
      req.on('data', (d: Buffer) => parts.push(d));
      req.on('end', () => resolve(Buffer.concat(parts)));
      req.on('error', reject);
    });
    const raw = bytes.toString('utf8');
    const path = new URL(req.url ?? '/', this.url).pathname;
    const upload = /^\/upload\/(.+)$/.exec(path);
    if (upload) return this.receiveUpload(decodeURIComponent(upload[1]!), bytes, req.headers['content-type'] ?? '', at);
    const response = /^\/response\/(.+)$/.exec(path);
    if (response) {
      const id = decodeURIComponent(response[1]!);
      const failure = this.responseFailures.shift();
      this.responseAttempts.push({ id, at, outcome: !failure ? 'ok' : failure.kind === 'http' ? `http ${failure.status}` : 'hang' });
      if (failure?.kind === 'hang') return undefined;
      if (failure?.kind === 'http') return { status: failure.status, body: { ok: false } };
      this.responses.push({ id, body: JSON.parse(raw) as Record<string, unknown>, at });
      return { status: 200, body: { ok: true } };
    }
    const method = /^\/api\/(.+)$/.exec(path)?.[1] ?? '';
    const params = parseParams(raw, req.headers['content-type'] ?? '');
    const failure = this.failures.get(method)?.shift();
    if (failure?.kind === 'ratelimited') {
      this.calls.push({ method, params, outcome: 'ratelimited', at });
      return { status: 429, headers: { 'Retry-After': String(failure.retryAfter) }, body: { ok: false, error: 'ratelimited' } };
    }
    if (failure?.kind === 'error') {
      this.calls.push({ method, params, outcome: failure.error, at });
      return { status: 200, body: { ok: false, error: failure.error } };
    }
    if (failure?.kind === 'http') {
      this.calls.push({ method, params, outcome: `http ${failure.status}`, at });
      return { status: failure.status, body: { ok: false, error: 'fatal_error' } };
    }
    if (failure?.kind === 'hang') {
      this.calls.push({ method, params, outcome: 'hang', at });
      return undefined;
    }
    if (failure?.kind === 'lost') {
      this.calls.push({ method, params, outcome: 'lost', at });
      this.answer(method, params);
      return undefined;
    }
    this.calls.push({ method, params, outcome: 'ok', at });
    return { status: 200, body: this.answer(method, params) };
  }

  private answer(method: string, params: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          url: 'https://test.slack.invalid/',
          team: `Test ${this.team}`,
          user: 'otsbot',
          team_id: this.team,
          user_id: 'UBOT',
          bot_id: 'BBOT',
        };
      case 'users.info': {
        const id = String(params.user);
        const user = this.users.get(id);
        if (!user) return { ok: false, error: 'user_not_found' };
        return {
          ok: true,
          user: {
            id,
            name: user.name,
            real_name: user.name,
            is_admin: Boolean(user.isAdmin),
            is_owner: false,
            profile: { display_name: user.name },
            ...(user.locale ? { locale: user.locale } : {}),
          },
        };
      }
      case 'usergroups.users.list': {
        const members = this.groups.get(String(params.usergroup));
        return members ? { ok: true, users: members } : { ok: false, error: 'no_such_subteam' };
      }
      case 'chat.postMessage': {
        const message = this.store(String(params.channel), params);
        return { ok: true, channel: params.channel, ts: message.ts, message: this.apiMessage(message, true) };
      }
      case 'chat.update': {
        const message = this.history.get(String(params.channel))?.find((m) => m.ts === String(params.ts));
        if (message) {
          if (typeof params.text === 'string') message.text = params.text;
          if (params.blocks !== undefined) message.blocks = blocksOf(params.blocks);
          if (params.metadata !== undefined) message.metadata = metadataOf(params.metadata);
          message.edited = true;
        }
        return { ok: true, channel: params.channel, ts: params.ts };
      }
      case 'chat.postEphemeral':
        // Ephemeral messages are seen by one user once and never in a channel's history.
        return { ok: true, message_ts: this.newTs() };
      case 'conversations.history':
        return this.conversationHistory(params);
      case 'conversations.open':
        // Several users: a group DM (see "group places" below).
        if (String(params.users).includes(',')) return this.openGroupDm(String(params.users));
        return { ok: true, channel: { id: `D${String(params.users)}` } };
      case 'apps.connections.open':
        return this.sockets
          ? { ok: true, url: `${this.url.replace(/^http/, 'ws')}/socket` }
          : { ok: false, error: 'not_allowed_token_type' };
      case 'views.open':
        return { ok: true, view: { id: 'V1' } };
      default:
        return this.groupPlaceAnswer(method, params) ?? this.fileAnswer(method, params) ?? { ok: false, error: 'unknown_method' };
    }
  }

  // ---------------------------------------------------------------- channel history (conversations.history)
  // What chat.postMessage posted, per channel (a DM's is `D<user>` from conversations.open), as
  // conversations.history returns it: newest first, paged with cursors, metadata only when asked.

  /** Messages per channel, oldest first: the bot's (chat.postMessage) and people's (`postAs`). */
  readonly history = new Map<string, FakeSlackMessage[]>();
  private lastTs = 0;

  /** A ts not handed out before: the clock's time if set, else the next of `1700000000.00000n`. */
  private newTs(): string {
    if (!this.now) return `1700000000.${String(this.nextTs++).padStart(6, '0')}`;
    // Slack's ts are unique per channel; here across the workspace: one microsecond later if taken.
    this.lastTs = Math.max(Math.floor(this.now()) * 1000, this.lastTs + 1);
    return `${Math.floor(this.lastTs / 1e6)}.${String(this.lastTs % 1e6).padStart(6, '0')}`;
  }

  private store(channel: string, params: Record<string, unknown>): FakeSlackMessage {
    const message: FakeSlackMessage = {
      ts: this.newTs(),
      channel,
      text: typeof params.text === 'string' ? params.text : '',
      user: 'UBOT',
      botId: 'BBOT',
      ...(params.blocks !== undefined ? { blocks: blocksOf(params.blocks) } : {}),
      ...(params.metadata !== undefined ? { metadata: metadataOf(params.metadata) } : {}),
      ...(params.thread_ts !== undefined ? { threadTs: String(params.thread_ts) } : {}),
      ...(params.reply_broadcast === true || params.reply_broadcast === 'true' ? { broadcast: true } : {}),
    };
    this.history.set(channel, [...(this.history.get(channel) ?? []), message]);
    return message;
  }

  /** A message someone (`user`, not the bot) wrote in a channel, now; it shows in the channel's history. */
  postAs(user: string, channel: string, text: string): FakeSlackMessage {
    const message: FakeSlackMessage = { ts: this.newTs(), channel, text, user };
    this.history.set(channel, [...(this.history.get(channel) ?? []), message]);
    return message;
  }

  /** A message object as Slack's Web API returns it; `metadata` only when asked for (include_all_metadata). */
  private apiMessage(m: FakeSlackMessage, withMetadata: boolean): Record<string, unknown> {
    return {
      type: 'message',
      ts: m.ts,
      user: m.user,
      text: m.text,
      team: this.team,
      ...(m.botId ? { bot_id: m.botId, app_id: 'A1' } : {}),
      ...(m.blocks ? { blocks: m.blocks } : {}),
      ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
      ...(m.edited ? { edited: { user: m.user, ts: m.ts } } : {}),
      ...(withMetadata && m.metadata ? { metadata: m.metadata } : {}),
    };
  }

  /**
   * conversations.history as Slack documents it: between `oldest` (default 0) and `latest`
   * (default now), both excluded unless `inclusive`; `limit` (default 100, at most 999) newest
   * first; `has_more` and `response_metadata.next_cursor` for the next page, which takes the same
   * arguments plus `cursor`. Thread replies are not in it (unless broadcast to the channel).
   */
  private conversationHistory(params: Record<string, unknown>): Record<string, unknown> {
    if (params.channel === undefined) return { ok: false, error: 'channel_not_found' };
    const limit = params.limit === undefined || params.limit === '' ? 100 : Number(params.limit);
    if (!Number.isInteger(limit) || limit < 0) return { ok: false, error: 'invalid_limit' };
    const inclusive = params.inclusive === true || params.inclusive === 'true' || params.inclusive === '1';
    const oldest = params.oldest === undefined ? 0 : micros(String(params.oldest));
    const latest = params.latest === undefined ? Infinity : micros(String(params.latest));
    if (Number.isNaN(oldest) || Number.isNaN(latest)) return { ok: false, error: 'invalid_ts_oldest' };
    let below = Infinity;
    if (params.cursor !== undefined && params.cursor !== '') {
      const decoded = /^next_ts:(\d+\.\d+)$/.exec(Buffer.from(String(params.cursor), 'base64').toString('utf8'));
      if (!decoded) return { ok: false, error: 'invalid_cursor' };
      below = micros(decoded[1]!);
    }
    const withMetadata =
      params.include_all_metadata === true || params.include_all_metadata === 'true' || params.include_all_metadata === '1';
    const inRange = (ts: number) => (inclusive ? ts >= oldest : ts > oldest) && (inclusive ? ts <= latest : ts < latest) && ts < below;
    const matching = (this.history.get(String(params.channel)) ?? [])
      .filter((m) => (!m.threadTs || m.threadTs === m.ts || m.broadcast) && inRange(micros(m.ts)))
      .reverse();
    const page = matching.slice(0, Math.min(limit || 100, 999));
    const hasMore = matching.length > page.length;
    const next = hasMore ? Buffer.from(`next_ts:${page[page.length - 1]!.ts}`).toString('base64') : '';
    return {
      ok: true,
      messages: page.map((m) => this.apiMessage(m, withMetadata)),
      has_more: hasMore,
      pin_count: 0,
      response_metadata: { next_cursor: next },
    };
  }

  // ---------------------------------------------------------------- group places (Outbox.openGroup)
  // Group DMs (conversations.open with several users) and private channels the bot makes and invites
  // to (conversations.create, conversations.invite), as Slack's documentation describes them.

  /** Group DMs by id, with their users (the bot, which Slack adds itself, not listed). */
  readonly groupDms = new Map<string, string[]>();
  /** Channels by id: the private ones the bot made, and any a test adds (to take a name, or archived). */
  readonly channels = new Map<string, FakeChannel>();
  private nextConversation = 1;

  /** Slack returns the one group DM of the same people, whatever their order; 2 to 8 users besides the caller. */
  private openGroupDm(list: string): Record<string, unknown> {
    const users = list.split(',');
    if (users.length > 8) return { ok: false, error: 'too_many_users' };
    const key = [...users].sort().join(',');
    const found = [...this.groupDms].find(([, members]) => [...members].sort().join(',') === key);
    if (found) return { ok: true, no_op: true, already_open: true, channel: { id: found[0] } };
    const id = `GMPIM${this.nextConversation++}`;
    this.groupDms.set(id, users);
    return { ok: true, channel: { id } };
  }

  private groupPlaceAnswer(method: string, params: Record<string, unknown>): Record<string, unknown> | undefined {
    switch (method) {
      case 'conversations.create': {
        const name = String(params.name);
        if (name.length > 80) return { ok: false, error: 'invalid_name_maxlength' };
        if (!/^[a-z0-9_-]+$/.test(name)) return { ok: false, error: 'invalid_name_specials' };
        if ([...this.channels.values()].some((c) => c.name === name)) return { ok: false, error: 'name_taken' };
        const channel: FakeChannel = {
          id: `CPRIV${this.nextConversation++}`,
          name,
          isPrivate: params.is_private === 'true' || params.is_private === true,
          members: ['UBOT'],
          archived: false,
        };
        this.channels.set(channel.id, channel);
        return { ok: true, channel: { id: channel.id, name, is_channel: true, is_private: channel.isPrivate, is_member: true } };
      }
      case 'conversations.invite': {
        const id = String(params.channel);
        if (this.groupDms.has(id)) return { ok: false, error: 'method_not_supported_for_channel_type' };
        const channel = this.channels.get(id);
        if (!channel) return { ok: false, error: 'channel_not_found' };
        if (channel.archived) return { ok: false, error: 'is_archived' };
        if (!channel.members.includes('UBOT')) return { ok: false, error: 'not_in_channel' };
        const users = String(params.users).split(',');
        const already = users.filter((u) => channel.members.includes(u));
        const force = params.force === 'true' || params.force === true;
        // Without `force`, one user already in refuses the whole call; with it, the others are invited.
        if (already.length === users.length || (already.length && !force)) return { ok: false, error: 'already_in_channel' };
        channel.members.push(...users.filter((u) => !channel.members.includes(u)));
        return {
          ok: true,
          channel: { id, name: channel.name, is_private: channel.isPrivate },
          ...(already.length ? { errors: already.map((user) => ({ user, ok: false, error: 'already_in_channel' })) } : {}),
        };
      }
      default:
        return undefined;
    }
  }

  // ---------------------------------------------------------------- files (files.uploadV2)
  // The WebClient's uploadV2 asks files.getUploadURLExternal for an upload URL (here, on this fake),
  // POSTs the bytes there, then shares the files with files.completeUploadExternal.

  /** Upload URLs handed out, by file id: the name and length asked for, and the bytes once POSTed. */
  readonly uploads = new Map<string, { readonly filename: string; readonly length: number; bytes?: Buffer }>();
  /** Files shared by files.completeUploadExternal, in order. */
  readonly sharedFiles: SharedFile[] = [];
  private nextFile = 1;

  private fileAnswer(method: string, params: Record<string, unknown>): Record<string, unknown> | undefined {
    switch (method) {
      case 'files.getUploadURLExternal': {
        const filename = String(params.filename ?? '');
        const length = Number(params.length);
        if (!filename || !Number.isInteger(length) || length < 1) return { ok: false, error: 'invalid_arguments' };
        const id = `F${String(this.nextFile++).padStart(4, '0')}`;
        this.uploads.set(id, { filename, length });
        return { ok: true, upload_url: `${this.url}/upload/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal': {
        const files = (Array.isArray(params.files) ? params.files : []) as { id?: string; title?: string }[];
        const channel = params.channel_id === undefined ? undefined : String(params.channel_id);
        // Slack shares only files whose bytes arrived, and all of the call's or none.
        if (!files.length || files.some((f) => !this.uploads.get(String(f.id))?.bytes)) return { ok: false, error: 'file_not_found' };
        const shared = files.map((f): SharedFile => {
          const upload = this.uploads.get(String(f.id))!;
          return {
            id: String(f.id),
            filename: upload.filename,
            title: f.title ?? upload.filename,
            channel,
            ...(params.thread_ts ? { thread: String(params.thread_ts) } : {}),
            bytes: upload.bytes!,
          };
        });
        this.sharedFiles.push(...shared);
        return { ok: true, files: shared.map((f) => ({ id: f.id, name: f.filename, title: f.title })) };
      }
      default:
        return undefined;
    }
  }

  /** The bytes of an upload (multipart, as the WebClient sends them, or raw), checked against the length asked for. */
  private async receiveUpload(id: string, bytes: Buffer, contentType: string, at: number): Promise<{ status: number; body: unknown }> {
    const upload = this.uploads.get(id);
    let data = bytes;
    if (contentType.startsWith('multipart/form-data')) {
      const form = await new Response(bytes, { headers: { 'Content-Type': contentType } }).formData();
      const file = [...form.values()].find((v): v is File => typeof v !== 'string');
      data = file ? Buffer.from(await file.arrayBuffer()) : Buffer.alloc(0);
    }
    const ok = Boolean(upload) && data.length === upload!.length;
    this.calls.push({ method: 'upload', params: { id, bytes: data.length }, outcome: ok ? 'ok' : 'refused', at });
    if (!ok) return { status: 400, body: { ok: false } };
    upload!.bytes = data;
    return { status: 200, body: { ok: true } };
  }

  /** How many calls of each held method arrived (see holdAnswers); counted on arrival, recorded in `calls` when answered. */
  readonly held = new Map<string, number>();

  /** From now on, each call of `method` is answered only after `ms` milliseconds, as a slow Slack would. */
  holdAnswers(method: string, ms: number): void {
    const [answer] = this.server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
    this.server.removeAllListeners('request');
    this.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      if (new URL(req.url ?? '/', this.url).pathname !== `/api/${method}`) return answer!(req, res);
      this.held.set(method, (this.held.get(method) ?? 0) + 1);
      for (const wake of this.waiters.splice(0)) wake();
      setTimeout(() => answer!(req, res), ms);
    });
  }
}

/** A file shared by files.completeUploadExternal: where, and the bytes that were uploaded. */
export interface SharedFile {
  readonly id: string;
  readonly filename: string;
  readonly title: string;
  readonly channel: string | undefined;
  readonly thread?: string;
  readonly bytes: Buffer;
}

/** A message in a channel's history: the bot's (`botId` BBOT, `user` UBOT) or a person's. */
export interface FakeSlackMessage {
  readonly ts: string;
  readonly channel: string;
  text: string;
  readonly user: string;
  readonly botId?: string;
  blocks?: unknown[];
  /** Slack's message metadata, as sent with chat.postMessage (a JSON string or an object). */
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  readonly threadTs?: string;
  readonly broadcast?: boolean;
  edited?: boolean;
}

/** A channel of the fake workspace (group places): who is in it, the bot as `UBOT`. */
export interface FakeChannel {
  readonly id: string;
  readonly name: string;
  readonly isPrivate: boolean;
  readonly members: string[];
  archived: boolean;
}

/** The WebClient sends form-encoded bodies with nested values as JSON strings. */
function parseParams(raw: string, contentType: string): Record<string, unknown> {
  if (contentType.includes('application/json')) return JSON.parse(raw || '{}') as Record<string, unknown>;
  const params: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    params[key] = /^[[{]/.test(value) ? safeJson(value) : value;
  }
  return params;
}

/** A ts (`1700000000.000001`, or whole seconds) in microseconds, to compare; NaN if it is none. */
function micros(ts: string): number {
  const m = /^(\d+)(?:\.(\d{1,6}))?$/.exec(ts);
  return m ? Number(m[1]) * 1e6 + Number((m[2] ?? '').padEnd(6, '0')) : NaN;
}

function blocksOf(value: unknown): unknown[] {
  const parsed = typeof value === 'string' ? safeJson(value) : value;
  return Array.isArray(parsed) ? parsed : [];
}

/** Message metadata as the client sends it: an object, or that object as a JSON string. */
function metadataOf(value: unknown): FakeSlackMessage['metadata'] {
  const parsed = (typeof value === 'string' ? safeJson(value) : value) as { event_type?: unknown; event_payload?: unknown } | null;
  return {
    event_type: String(parsed?.event_type ?? ''),
    event_payload: (parsed?.event_payload ?? {}) as Record<string, unknown>,
  };
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
