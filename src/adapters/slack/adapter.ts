import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App, webApi } from '@slack/bolt';
// Bolt's App from its own module rather than Bolt's index, which also loads Express (for its
// ExpressReceiver), the AWS Lambda receiver and the OAuth stores, none of which we use: about 5 MB
// of resident memory (BENCHMARKS.md). The same for the receiver's parts (receiver.ts).
import boltApp from '@slack/bolt/dist/App.js';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import { AdapterStartError, type PlatformAdapter } from '../../core/adapter.js';
import type { Dispatcher } from '../../core/dispatcher.js';
import { safeError } from '../../core/errors.js';
import { translator } from '../../core/i18n.js';
import type { CommandRegistry } from '../../core/registry.js';
import { nodeRetryOptions, type RetryPolicy, retryPolicy } from '../../core/retry.js';
import type { Outbox } from '../../core/types.js';
import { WorkUnderWay } from '../../core/work.js';
import type { Services } from '../../services/index.js';
import { boltLogger } from './bolt-logger.js';
import { slackFetch } from './http.js';
import { SlackInteractions } from './interactions.js';
import { registerListeners } from './listeners.js';
import { SlackMembers } from './members.js';
import { guardedReceiver } from './receiver.js';
import { commandNamer, type SlackWorkspace } from './render.js';
import { platformError, SlackOutbox } from './web.js';

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

export const SLACK_PATH = '/slack/events';

/** What start-up learns from Slack about the token (`auth.test`). */
interface Served {
  readonly bolt: App;
  readonly botName: string;
  readonly workspace: SlackWorkspace;
  /** The team the token serves; undefined for an org-wide install, which serves its organisation's. */
  readonly team: string | undefined;
  /** The client of the outbox's posts: no retries of its own (the outbox looks before it sends again). */
  readonly once: InstanceType<typeof webApi.WebClient>;
  readonly retry: RetryPolicy;
}

/**
 * The Slack adapter: a Bolt app in HTTP mode (`/slack/events`) or, with an app-level token, in
 * Socket Mode. Its listeners (`listeners.ts`) translate slash commands, buttons and form
 * submissions and hand them to `SlackInteractions`, which opens forms or dispatches; the bot's
 * posts go through the Web API (`SlackOutbox`).
 */
export class SlackAdapter implements PlatformAdapter {
  readonly platform = 'slack';
  /** Work still running after its acknowledgement, which stop() lets finish before the database closes; while it does, new commands are refused. */
  private readonly underWay = new WorkUnderWay();
  private readonly log: Logger;
  private served?: Served;
  private listening: number | undefined;

  constructor(
    private readonly pieces: SlackPieces,
    private readonly config: Config,
    log: Logger,
    private readonly options: SlackOptions = {},
  ) {
    this.log = log.child({ adapter: this.platform });
  }

  /** HTTP mode: the port listened on. */
  get port(): number | undefined {
    return this.listening;
  }

  /** Checks the token (`auth.test`), registers the listeners, then listens (HTTP) or connects (Socket Mode). */
  async start(): Promise<void> {
    try {
      await this.connect();
    } catch (err) {
      const refused = platformError(err);
      if (refused)
        throw new AdapterStartError(
          `Slack refused SLACK_BOT_TOKEN (${refused}): check the token in the app's "OAuth & Permissions".`,
          'line',
          { cause: err },
        );
      throw new AdapterStartError('could not start the Slack adapter', 'log', { cause: err });
    }
  }

  private async connect(): Promise<void> {
    const slack = this.config.slack;
    if (!slack) throw new Error('the Slack adapter needs SLACK_BOT_TOKEN');
    const { registry, dispatcher, services } = this.pieces;
    const { log } = this;
    const socketMode = Boolean(slack.appToken);
    const retry = retryPolicy(this.config.platform);
    let clientOptions: webApi.WebClientOptions;

    const bolt: App = new boltApp.default({
      token: slack.botToken,
      ...(socketMode
        ? { socketMode: true, appToken: slack.appToken }
        : {
            // Bolt's receiver, plus refusing timestamps ahead and running a replayed request once (receiver.ts).
            receiver: guardedReceiver({
              signingSecret: slack.signingSecret!,
              path: SLACK_PATH,
              customRoutes: [
                {
                  path: '/health',
                  method: ['GET'],
                  handler: (_req, res) => void res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n'),
                },
              ],
              boltLogger: boltLogger(log),
              log,
              firstSight: (signature) => services.seenRequests.firstSight(signature),
            }),
          }),
      logger: boltLogger(log),
      // Bolt's conversation store (a lookup per request, for `context.updateConversation`): nothing here uses it.
      convoStore: false,
      clientOptions: (clientOptions = {
        ...(slack.apiUrl ? { slackApiUrl: slack.apiUrl } : {}),
        // 5xx, timeouts and network errors: PLATFORM_RETRIES retries with the shared backoff
        // (src/core/retry.ts), each attempt at most PLATFORM_TIMEOUT_MS. A `ratelimited` answer is
        // retried after its Retry-After and uses up one of those retries (p-retry counts it too).
        retryConfig: nodeRetryOptions(retry),
        fetch: slackFetch,
        rejectRateLimitedCalls: false,
        timeout: retry.timeoutMs,
      }),
      deferInitialization: true,
    });
    // auth.test: a wrong token stops start-up here rather than at the first command.
    await bolt.init();
    const auth = await bolt.client.auth.test();
    const botName = auth.user ?? 'bot';
    const defaultLocale = this.config.locale;
    // How texts name commands here, and the workspace's address for links to the bot's posts.
    const workspace: SlackWorkspace = {
      named: commandNamer(
        slack.commandPrefix,
        registry.commands.map((c) => c.name),
      ),
      ...(auth.url ? { url: auth.url } : {}),
    };
    // A bot token serves one workspace (an org-wide install serves its organisation's): posts for any
    // other workspace (reminders, delayed questions, a chapter's moderators elsewhere) are left to the
    // process holding that workspace's token, rather than tried, and refused, with this one's.
    // The outbox's posts (see SlackOutbox.post with `once`): the same client without its own retries,
    // so that a post whose answer was lost is looked for in the channel before it is sent again.
    const WebClient = bolt.client.constructor as typeof webApi.WebClient;
    const once = new WebClient(bolt.client.token, { ...clientOptions, retryConfig: { retries: 0 }, logger: boltLogger(log) });
    this.served = { bolt, botName, workspace, team: auth.is_enterprise_install ? undefined : auth.team_id, once, retry };

    bolt.error(async (err) => {
      log.error({ err: safeError(err) }, 'slack request failed');
    });
    const members = new SlackMembers(services.clock, log, defaultLocale);
    const interactions = new SlackInteractions({
      registry,
      dispatcher,
      services,
      members,
      log,
      workspace,
      botName,
      defaultLocale,
      responseOrigins: slack.responseOrigins,
      retry,
    });
    registerListeners(bolt, {
      interactions,
      underWay: this.underWay,
      log,
      commandPrefix: slack.commandPrefix,
      commandNames: new Set(registry.commands.map((c) => c.name)),
      defaultLocale,
      ackDeadlineMs: this.options.ackDeadlineMs ?? 2500,
    });

    if (socketMode) {
      await bolt.start();
      log.info('slack adapter connected (Socket Mode)');
    } else {
      const listen = this.options.listen ?? { port: slack.port };
      const server = (await bolt.start(listen)) as Server;
      this.listening = (server.address() as AddressInfo).port;
      log.info({ port: this.listening, path: SLACK_PATH }, 'slack adapter listening (HTTP)');
    }
  }

  /** From now on, commands are answered "the bot is stopping" rather than run (stop() does this first too). */
  refuseNew(): void {
    this.underWay.refuseNew();
  }

  async stop(): Promise<void> {
    // Let answers and posts under way finish (an action waiting on the database, a retried post), for a while;
    // meanwhile the receiver stays up and refuses new commands with a clear answer rather than a failed request.
    await this.underWay.drain(this.options.stopTimeoutMs ?? 10_000);
    await this.served?.bolt.stop();
  }

  /** Posts in the token's workspace; undefined for any other, and before start-up checked the token. */
  outbox(team: string): Outbox | undefined {
    const served = this.served;
    if (!served || (served.team && team !== served.team)) return undefined;
    return new SlackOutbox(
      served.bolt.client,
      served.botName,
      served.workspace,
      { log: this.log, t: translator(this.config.locale) },
      { client: served.once, retry: served.retry },
    );
  }
}

/** The running Slack adapter, as `startSlack` returns it. */
export type RunningSlack = SlackAdapter;

/**
 * Starts the Slack adapter with its outbox registered for notifications: what `src/main.ts`
 * does, for tests and benchmarks (which may pass their own registry and dispatcher).
 */
export async function startSlack(pieces: SlackPieces, config: Config, log: Logger, options: SlackOptions = {}): Promise<SlackAdapter> {
  const adapter = new SlackAdapter(pieces, config, log, options);
  pieces.services.notifier.register(adapter.platform, (team) => adapter.outbox(team));
  await adapter.start();
  return adapter;
}
