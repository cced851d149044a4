import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type AllMiddlewareArgs,
  App,
  type BlockAction,
  type ButtonAction,
  type Logger as BoltLogger,
  LogLevel,
  type SlackActionMiddlewareArgs,
  type SlackCommandMiddlewareArgs,
  type SlackViewMiddlewareArgs,
  type ViewSubmitAction,
  type webApi,
} from '@slack/bolt';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import { type Dispatcher, type Invocation, type Responder, resolveInvocation } from '../../core/dispatcher.js';
import { safeError } from '../../core/errors.js';
import { fieldErrors, formFor } from '../../core/forms.js';
import { normaliseLocale, translator, type Translate } from '../../core/i18n.js';
import type { CommandRegistry } from '../../core/registry.js';
import { nodeRetryOptions, retryPolicy } from '../../core/retry.js';
import { type Message, message } from '../../core/reply.js';
import type { RawValue, Resolvers } from '../../core/validate.js';
import type { Services } from '../../services/index.js';
import { ACTION_PREFIX, commandNamer, type SlackWorkspace } from './render.js';
import { FORM_CALLBACK, formView, readMetadata, submittedOptions } from './forms.js';
import { slackFetch } from './http.js';
import { fromSlackText } from './text.js';
import { WorkUnderWay } from '../../core/work.js';
import { originOf, postToResponseUrl, type ResponsePayload, responsePayload, responseUrlAllowed, SlackOutbox } from './web.js';
import { guardedReceiver } from './receiver.js';
import type { Actor } from '../../core/types.js';

type WebClient = InstanceType<typeof webApi.WebClient>;

/** The parts of the app the adapter drives (tests pass their own registry and dispatcher). */
export interface SlackPieces {
  readonly registry: CommandRegistry;
  readonly dispatcher: Dispatcher;
  readonly services: Services;
}

export interface SlackOptions {
  /** HTTP mode: where to listen. Default: SLACK_PORT on every interface. */
  readonly listen?: { readonly port: number; readonly host?: string };
  /**
   * Slack gives up on a request after 3 seconds. Whatever happens (a slow `users.info`, a
   * slow action), the request is acknowledged after this many milliseconds; the answer then
   * follows through the response URL. Default 2500.
   */
  readonly ackDeadlineMs?: number;
  /** How long stop() waits for work under way before giving up on it. Default 10 000. */
  readonly stopTimeoutMs?: number;
}

export interface RunningSlack {
  /** HTTP mode: the port listened on. */
  readonly port: number | undefined;
  /** From now on, commands are answered "the bot is stopping" rather than run (stop() does this first too). */
  refuseNew(): void;
  stop(): Promise<void>;
}

export const SLACK_PATH = '/slack/events';
/** How long Slack's answers about a member or a user group are used before asking again. */
const SLACK_CACHE_MS = 60_000;
const SLACK_CACHE_MAX = 10_000;
const PLATFORM = 'slack';

/**
 * Starts the Slack adapter: a Bolt app in HTTP mode (`/slack/events`) or, with an app-level
 * token, in Socket Mode. Slash commands and buttons become neutral interactions for the
 * dispatcher; actions declared with forms open modals; the bot's posts go through the Web API.
 */
export async function startSlack(pieces: SlackPieces, config: Config, log: Logger, options: SlackOptions = {}): Promise<RunningSlack> {
  const slack = config.slack;
  if (!slack) throw new Error('startSlack needs SLACK_BOT_TOKEN');
  const { registry, dispatcher, services } = pieces;
  const ackDeadlineMs = options.ackDeadlineMs ?? 2500;
  const socketMode = Boolean(slack.appToken);
  const responseOrigins = slack.responseOrigins;
  const slog = log.child({ adapter: PLATFORM });
  const policy = retryPolicy(config.platform);

  const bolt = new App({
    token: slack.botToken,
    ...(socketMode
      ? { socketMode: true, appToken: slack.appToken }
      : {
          // Bolt's receiver, plus refusing timestamps ahead and running a replayed request once (receiver.ts).
          receiver: guardedReceiver({
            signingSecret: slack.signingSecret!,
            path: SLACK_PATH,
            customRoutes: [{ path: '/health', method: ['GET'], handler: (_req, res) => void res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n') }],
            boltLogger: boltLogger(slog),
            log: slog,
            firstSight: (signature) => services.seenRequests.firstSight(signature),
          }),
        }),
    logger: boltLogger(slog),
    clientOptions: {
      ...(slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {}),
      // 5xx, timeouts and network errors: PLATFORM_RETRIES retries with the shared backoff
      // (src/core/retry.ts), each attempt at most PLATFORM_TIMEOUT_MS. A `ratelimited` answer is
      // retried after its Retry-After and uses up one of those retries (p-retry counts it too).
      retryConfig: nodeRetryOptions(policy),
      fetch: slackFetch,
      rejectRateLimitedCalls: false,
      timeout: policy.timeoutMs,
    },
    deferInitialization: true,
  });
  // auth.test: a wrong token stops start-up here rather than at the first command.
  await bolt.init();
  const auth = await bolt.client.auth.test();
  const botName = auth.user ?? 'bot';
  const defaultLocale = config.locale;
  // How texts name commands here, and the workspace's address for links to the bot's posts.
  const workspace: SlackWorkspace = { named: commandNamer(slack.commandPrefix, registry.commands.map((c) => c.name)), ...(auth.url ? { url: auth.url } : {}) };

  // A bot token serves one workspace (an org-wide install serves its organisation's): posts for any
  // other workspace (reminders, delayed questions, a chapter's moderators elsewhere) are left to the
  // process holding that workspace's token, rather than tried, and refused, with this one's.
  const servedTeam = auth.is_enterprise_install ? undefined : auth.team_id;
  services.notifier.register(PLATFORM, (team) => (!servedTeam || team === servedTeam ? new SlackOutbox(bolt.client, translator(defaultLocale), botName, workspace) : undefined));

  bolt.error(async (err) => {
    slog.error({ err: safeError(err) }, 'slack request failed');
  });

  /**
   * Slack's answers about members and user groups, kept for a minute: Slack allows about 100
   * `users.info` and 20 `usergroups.users.list` calls a minute, which a busy workspace would
   * reach with one call per command (and each call cost a round trip: see BENCHMARKS.md). So a
   * change of admin rights, name, language or group membership shows within a minute.
   * Failures are not kept.
   */
  const slackCache = new Map<string, { at: number; value: Promise<unknown> }>();
  function remembered<T>(key: string, fetch: () => Promise<T>): Promise<T> {
    const now = services.clock.now().getTime();
    const hit = slackCache.get(key);
    if (hit && now - hit.at < SLACK_CACHE_MS) return hit.value as Promise<T>;
    const value = fetch();
    slackCache.delete(key);
    slackCache.set(key, { at: now, value });
    value.catch(() => slackCache.get(key)?.value === value && slackCache.delete(key));
    // Oldest first (insertion order): the map stays small however many members pass by.
    if (slackCache.size > SLACK_CACHE_MAX) slackCache.delete(slackCache.keys().next().value!);
    return value;
  }

  /** Who is acting, in which language, and what Slack shows of them (admin or owner; user groups, asked when needed). */
  async function identify(client: WebClient, team: string, user: string, fallbackName: string): Promise<{ actor: Actor; locale: string; t: Translate }> {
    let info: Awaited<ReturnType<WebClient['users']['info']>>['user'];
    try {
      info = (await remembered(`user ${team} ${user}`, () => client.users.info({ user, include_locale: true }))).user;
    } catch (err) {
      slog.warn({ err: safeError(err) }, 'users.info failed: acting as a member without moderator rights');
    }
    const name = info?.profile?.display_name || info?.real_name || info?.name || fallbackName;
    const admin = Boolean(info?.is_admin || info?.is_owner || info?.is_primary_owner);
    const locale = normaliseLocale(info?.locale ?? defaultLocale);
    const facts = { admin, inGroup: (group: string) => inGroup(client, team, user, group) };
    return { actor: { platform: PLATFORM, workspace: team, id: user, name, facts }, locale, t: translator(locale) };
  }

  async function inGroup(client: WebClient, team: string, user: string, group: string): Promise<boolean> {
    try {
      const members = await remembered(`group ${team} ${group}`, () => client.usergroups.users.list({ usergroup: group }));
      return (members.users ?? []).includes(user);
    } catch (err) {
      slog.warn({ err: safeError(err), group }, 'the chapter’s moderator group could not be read');
      return false;
    }
  }

  /** Runs one invocation: opens a form where the action wants one, dispatches otherwise. */
  async function run(input: {
    client: WebClient;
    guard: AckGuard;
    ackCarriesAnswer: boolean;
    team: string;
    user: string;
    userName: string;
    channel: string;
    invocation: Invocation;
    resolvers: Resolvers;
    responseUrl: string | undefined;
    triggerId: string | undefined;
  }): Promise<void> {
    const { client, guard, channel } = input;
    // A workspace the operator did not list (ALLOWED_WORKSPACES): no call to Slack about the
    // member, no form; the dispatcher answers one line.
    const served = services.policy.serves(PLATFORM, input.team);
    const { actor, locale, t } = served
      ? await identify(client, input.team, input.user, input.userName)
      : { actor: { platform: PLATFORM, workspace: input.team, id: input.user, name: input.userName, facts: { admin: false } }, locale: defaultLocale, t: translator(defaultLocale) };
    if (served && input.triggerId && (await openFormIfWanted(client, actor, t, input.invocation, input.resolvers, input.triggerId, { channel, responseUrl: input.responseUrl }))) {
      await guard.ack();
      return;
    }
    await dispatcher.dispatch({
      actor,
      channel,
      locale,
      invocation: input.invocation,
      resolvers: input.resolvers,
      responder: new SlackResponder(guard, input.ackCarriesAnswer, answerer(client, input.responseUrl, channel, input.user), workspace),
      outbox: new SlackOutbox(client, t, botName, workspace),
    });
  }

  async function openFormIfWanted(
    client: WebClient,
    actor: Actor,
    t: Translate,
    invocation: Invocation,
    resolvers: Resolvers,
    triggerId: string,
    where: { channel: string; responseUrl: string | undefined },
  ): Promise<boolean> {
    let resolved;
    try {
      resolved = resolveInvocation(registry, invocation, t);
    } catch {
      return false; // the dispatcher answers the same error
    }
    const fields = formFor(resolved.leaf, resolved.raw);
    if (!fields || !(await dispatcher.mayRun(resolved.leaf, actor))) return false;
    const view = formView(fields, { path: resolved.leaf.path, channel: where.channel, ...(where.responseUrl ? { responseUrl: where.responseUrl } : {}) }, t, resolvers);
    try {
      await client.views.open({ trigger_id: triggerId, view: view as never });
      return true;
    } catch (err) {
      // An expired trigger or a refused view: the member gets the usage line instead of nothing.
      slog.warn({ err: safeError(err), command: resolved.leaf.path.join(' ') }, 'could not open the form');
      return false;
    }
  }

  /**
   * Where answers go after the acknowledgement: the response URL, or an ephemeral message when
   * there is none. A response URL on a host not allowed (SLACK_RESPONSE_HOSTS) is never called:
   * a signed request could otherwise make the bot post to any address; the answer then goes
   * through the Web API, as when there is none.
   */
  function answerer(client: WebClient, responseUrl: string | undefined, channel: string, user: string): (payload: ResponsePayload) => Promise<void> {
    if (responseUrl && responseUrlAllowed(responseUrl, responseOrigins)) return (payload) => postToResponseUrl(responseUrl, payload, policy);
    if (responseUrl) slog.warn({ origin: originOf(responseUrl) }, 'a response_url outside SLACK_RESPONSE_HOSTS was not called; answering through the Web API');
    return async ({ text, blocks, response_type }) => {
      if (response_type === 'in_channel') await client.chat.postMessage({ channel, text, blocks });
      else await client.chat.postEphemeral({ channel, user, text, blocks });
    };
  }

  /** Work still running after its acknowledgement, which stop() lets finish before the database closes; while it does, new commands are refused. */
  const underWay = new WorkUnderWay();
  const refusal = () => ({ response_type: 'ephemeral' as const, text: translator(defaultLocale)('error.stopping') });
  const tracked =
    <A>(handler: (args: A) => Promise<void>): ((args: A) => Promise<void>) =>
    (args) =>
      underWay.track(handler(args));

  // Slash commands: every command of the registry, under the optional prefix.
  const names = new Set(registry.commands.map((c) => c.name));
  bolt.command(/^\/.+/, tracked<SlackCommandMiddlewareArgs & AllMiddlewareArgs>(async ({ command, ack, client }) => {
    if (underWay.stopping) return ack(refusal());
    const guard = new AckGuard(ack, ackDeadlineMs, slog);
    try {
      const { invocation, resolvers } = slashInvocation(command, slack.commandPrefix, names);
      await run({
        client,
        guard,
        ackCarriesAnswer: true,
        team: command.team_id,
        user: command.user_id,
        userName: command.user_name,
        channel: command.channel_id,
        invocation,
        resolvers,
        responseUrl: command.response_url,
        triggerId: command.trigger_id,
      });
    } catch (err) {
      await apologise(err, guard, true, answerer(client, command.response_url, command.channel_id, command.user_id));
    } finally {
      await guard.ack();
    }
  }));

  // Buttons: each carries the command line it stands for.
  bolt.action<BlockAction<ButtonAction>>(new RegExp(`^${ACTION_PREFIX}`), tracked<SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs>(async ({ action, body, ack, client }) => {
    const guard = new AckGuard(ack, ackDeadlineMs, slog);
    await guard.ack(); // a button's acknowledgement carries nothing
    const channel = body.channel?.id ?? body.container?.channel_id;
    const team = body.team?.id ?? body.user.team_id;
    if (!channel || !team) return;
    try {
      await run({
        client,
        guard,
        ackCarriesAnswer: false,
        team,
        user: body.user.id,
        userName: body.user.username ?? body.user.name ?? body.user.id,
        channel,
        invocation: { kind: 'line', text: action.value ?? '' },
        resolvers: {},
        responseUrl: body.response_url,
        triggerId: body.trigger_id,
      });
    } catch (err) {
      await apologise(err, guard, false, answerer(client, body.response_url, channel, body.user.id));
    }
  }));

  // Form submissions: checked by the declaration's rules, problems shown on their fields.
  bolt.view<ViewSubmitAction>(FORM_CALLBACK, tracked<SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs>(async ({ ack, body, view, client }) => {
    const guard = new AckGuard(ack, ackDeadlineMs, slog);
    try {
      const meta = readMetadata(view.private_metadata);
      const leaf = meta && registry.get(meta.path);
      if (!meta || !leaf) return;
      const team = body.team?.id ?? body.user.team_id ?? '';
      const { actor, locale, t } = await identify(client, team, body.user.id, body.user.name);
      const specs = leaf.action.options ?? {};
      const raw = await withUserNames(client, submittedOptions(specs, view.state.values));
      const errors = fieldErrors(leaf, raw, t, {});
      // Problems go on their fields; past the deadline (too late for that) the dispatcher answers them as a message.
      if (Object.keys(errors).length && (await guard.ack({ response_action: 'errors', errors }))) return;
      await guard.ack();
      await dispatcher.dispatch({
        actor,
        channel: meta.channel,
        locale,
        invocation: { kind: 'structured', path: leaf.path, options: raw },
        resolvers: {},
        responder: new SlackResponder(guard, false, answerer(client, meta.responseUrl, meta.channel, body.user.id), workspace),
        outbox: new SlackOutbox(client, t, botName, workspace),
      });
    } catch (err) {
      const meta = readMetadata(view.private_metadata);
      await apologise(err, guard, false, meta ? answerer(client, meta.responseUrl, meta.channel, body.user.id) : async () => undefined);
    } finally {
      await guard.ack();
    }
  }));

  /**
   * A failure outside the dispatcher (which answers its own): logged with an incident id,
   * never with the request, and the member is told rather than left with "failed".
   */
  async function apologise(err: unknown, guard: AckGuard, ackCarriesAnswer: boolean, send: (payload: ResponsePayload) => Promise<void>): Promise<void> {
    const incident = randomBytes(4).toString('hex');
    slog.error({ incident, err: safeError(err) }, 'slack request failed');
    const payload = responsePayload(message(translator(defaultLocale)('error.unexpected', { incident })), workspace);
    if (ackCarriesAnswer && (await guard.ack(payload))) return;
    await send(payload).catch((sendErr: unknown) => slog.warn({ incident, err: safeError(sendErr) }, 'could not deliver the apology'));
  }

  /** Members picked in a form arrive as ids; the core wants their names too. */
  async function withUserNames(client: WebClient, raw: Record<string, RawValue>): Promise<Record<string, RawValue>> {
    const out = { ...raw };
    for (const [name, value] of Object.entries(raw)) {
      if (typeof value !== 'object' || !('name' in value) || value.name !== value.id) continue;
      const user = await client.users.info({ user: value.id }).then((r) => r.user, () => undefined);
      out[name] = { id: value.id, name: user?.profile?.display_name || user?.real_name || user?.name || value.id };
    }
    return out;
  }

  let port: number | undefined;
  if (socketMode) {
    await bolt.start();
    slog.info('slack adapter connected (Socket Mode)');
  } else {
    const listen = options.listen ?? { port: slack.port };
    const server = (await bolt.start(listen)) as Server;
    port = (server.address() as AddressInfo).port;
    slog.info({ port, path: SLACK_PATH }, 'slack adapter listening (HTTP)');
  }
  return {
    port,
    refuseNew: () => underWay.refuseNew(),
    stop: async () => {
      // Let answers and posts under way finish (an action waiting on the database, a retried post), for a while;
      // meanwhile the receiver stays up and refuses new commands with a clear answer rather than a failed request.
      await underWay.drain(options.stopTimeoutMs ?? 10_000);
      await bolt.stop();
    },
  };
}

/**
 * A slash command as Slack sends it (`/ots-chapter` and its escaped text) as the core's
 * invocation: the prefix comes off where it names one of our commands, the text becomes what
 * the member typed (`fromSlackText`), and the members and channels Slack named in it resolve.
 * Errors point at the column in what the member typed after the prefix.
 */
export function slashInvocation(command: { readonly command: string; readonly text?: string }, prefix: string, names: ReadonlySet<string>): { invocation: Invocation; resolvers: Resolvers } {
  const typed = command.command.replace(/^\//, '');
  const name = typed.startsWith(prefix) && names.has(typed.slice(prefix.length)) ? typed.slice(prefix.length) : typed;
  const line = fromSlackText(command.text ?? '');
  return { invocation: { kind: 'line', text: `/${name} ${line.text}`, startColumn: 1 + typed.length - name.length }, resolvers: line.resolvers };
}

/**
 * Acknowledges a request exactly once: with the first answer when it comes in time, with
 * nothing at the deadline otherwise (the answer then goes to the response URL).
 */
class AckGuard {
  private acked = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly ackFn: (body?: never) => Promise<void>,
    deadlineMs: number,
    private readonly log: Logger,
  ) {
    this.timer = setTimeout(() => void this.ack(), deadlineMs);
  }

  /** True when this call acknowledged the request (with `body`); false when it was acknowledged before. */
  async ack(body?: unknown): Promise<boolean> {
    if (this.acked) return false;
    this.acked = true;
    clearTimeout(this.timer);
    try {
      await this.ackFn(body as never);
    } catch (err) {
      this.log.warn({ err: safeError(err) }, 'could not acknowledge the request');
    }
    return true;
  }
}

/**
 * The interaction's answers on Slack: the first one rides on the acknowledgement where Slack
 * allows (slash commands), later ones and deferred ones go through the response URL.
 */
class SlackResponder implements Responder {
  constructor(
    private readonly guard: AckGuard,
    private readonly ackCarriesAnswer: boolean,
    private readonly send: (payload: ResponsePayload) => Promise<void>,
    private readonly workspace: SlackWorkspace,
  ) {}

  async reply(m: Message): Promise<void> {
    const payload = responsePayload(m, this.workspace);
    if (this.ackCarriesAnswer && (await this.guard.ack(payload))) return;
    await this.send(payload);
  }

  async defer(): Promise<void> {
    await this.guard.ack();
  }

  editReply(m: Message): Promise<void> {
    return this.send(responsePayload(m, this.workspace));
  }

  followUp(m: Message): Promise<void> {
    return this.send(responsePayload(m, this.workspace));
  }
}

/**
 * Bolt's and the WebClient's log lines into ours. Their debug lines carry whole request
 * bodies (typed text, member ids), so they are dropped whatever LOG_LEVEL says.
 */
function boltLogger(log: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const text = (parts: unknown[]) => parts.map((p) => (p instanceof Error ? p.message : String(p))).join(' ');
  return {
    debug: () => undefined,
    info: (...parts) => log.info(text(parts)),
    warn: (...parts) => log.warn(text(parts)),
    error: (...parts) => log.error(text(parts)),
    setLevel: (l) => void (level = l),
    getLevel: () => level,
    setName: () => undefined,
  };
}
