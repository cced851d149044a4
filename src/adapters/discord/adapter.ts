import { type Client, Events, type Interaction as DiscordInteraction, MessageFlags } from 'discord.js';
import type { Logger } from 'pino';
import { AdapterStartError, type PlatformAdapter } from '../../core/adapter.js';
import type { Autocomplete } from '../../core/autocomplete.js';
import type { Dispatcher } from '../../core/dispatcher.js';
import { safeError } from '../../core/errors.js';
import { translator } from '../../core/i18n.js';
import type { CommandRegistry } from '../../core/registry.js';
import type { Outbox } from '../../core/types.js';
import { WorkUnderWay } from '../../core/work.js';
import { retryPolicy, worstCaseMs } from '../../core/retry.js';
import { createAutocomplete } from '../../services/autocomplete.js';
import type { Services } from '../../services/index.js';
import { ScheduledEventRecords } from '../../services/scheduled-events.js';
import { createDiscordClient, type DiscordConfig, inviteUrl } from './client.js';
import { InteractionHandler } from './interactions.js';
import { commandNamesFor } from './names.js';
import { discordOutbox } from './outbox.js';
import { ScheduledEventMirror } from './scheduled-events.js';

export interface DiscordAdapterDeps {
  readonly dispatcher: Dispatcher;
  readonly services: Services;
  readonly registry: CommandRegistry;
  readonly log: Logger;
  readonly config: DiscordConfig;
  /** The language of posts no member asked for; members get their own client's language. */
  readonly locale: string;
  readonly autocomplete?: Autocomplete;
  /** How long stop() waits for interactions under way before closing anyway. Default 10 000. */
  readonly stopTimeoutMs?: number;
}

/**
 * The Discord adapter: a discord.js client whose `interactionCreate` handler translates each
 * interaction for the dispatcher (`interactions.ts`), and an outbox per guild for posts no
 * interaction waits for (`outbox.ts`).
 */
export class DiscordAdapter implements PlatformAdapter {
  readonly platform = 'discord';
  readonly client: Client;
  /** What Discord calls to add the bot to a server, with the scopes and permissions it needs. */
  readonly inviteUrl: string;
  private readonly outboxes = new Map<string, Outbox>();
  /** Interactions under way, which stop() lets finish; while it waits, new ones are refused clearly. */
  private readonly underWay = new WorkUnderWay();
  /** Upcoming workshops as the servers' scheduled events; runs from start() unless DISCORD_SCHEDULED_EVENTS=false. */
  readonly events: ScheduledEventMirror;

  constructor(private readonly deps: DiscordAdapterDeps) {
    this.client = createDiscordClient(deps.config);
    this.inviteUrl = inviteUrl(deps.config.applicationId);
    const { services } = deps;
    this.events = new ScheduledEventMirror({
      client: this.client,
      records: new ScheduledEventRecords(services.store, services.clock),
      clock: services.clock,
      log: deps.log,
      locale: deps.locale,
      // Longer than any one call to Discord with its retries may take.
      leaseMs: 2 * worstCaseMs(retryPolicy(deps.config.platform)) + 60_000,
      inviteUrl: this.inviteUrl,
      enabled: deps.config.scheduledEvents,
    });
  }

  /** Logs in and resolves once the client is ready. */
  async start(): Promise<void> {
    const { client, deps } = this;
    const { log } = deps;
    const handler = new InteractionHandler({
      ...deps,
      autocomplete: deps.autocomplete ?? createAutocomplete(),
      outboxFor: (w) => this.outbox(w),
    });
    client.on(Events.InteractionCreate, (i) => {
      if (this.underWay.stopping) return void refuse(i, log);
      void this.underWay.track(handler.handle(i));
    });
    client.on(Events.Error, (err) => log.error({ err: safeError(err) }, 'Discord client error'));
    client.on(Events.ShardDisconnect, (_event, shard) => log.warn({ shard }, 'Discord gateway disconnected; reconnecting'));
    client.on(Events.ShardResume, (shard) => log.info({ shard }, 'Discord gateway resumed'));

    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    try {
      await client.login(deps.config.token);
      await ready;
    } catch (err) {
      await client.destroy();
      throw new AdapterStartError('could not connect to Discord (is DISCORD_TOKEN right?)', 'log', { cause: err });
    }
    log.info(
      { guilds: client.guilds.cache.size, invite: this.inviteUrl },
      `Discord ready. Invite the bot to a server with ${this.inviteUrl}`,
    );
    this.events.start();
  }

  /** From now on, interactions are answered "the bot is stopping" rather than run (stop() does this first too). */
  refuseNew(): void {
    this.underWay.refuseNew();
  }

  /** Lets interactions under way finish (up to `stopTimeoutMs`, default 10 s), then closes the gateway connection. */
  async stop(): Promise<void> {
    await this.underWay.drain(this.deps.stopTimeoutMs ?? 10_000);
    await this.events.stop();
    await this.client.destroy();
  }

  /** Posts in a guild; one outbox per guild, made when first asked for. */
  outbox(workspace: string): Outbox {
    let outbox = this.outboxes.get(workspace);
    if (!outbox) {
      const { services, log, locale } = this.deps;
      const dmNoticeChannel = (guild: string) => services.chapters.dmNoticeChannel({ platform: this.platform, workspace: guild });
      const namesFor = (reader: string) => commandNamesFor(this.deps.registry, reader);
      outbox = discordOutbox(
        { client: this.client, log, locale, dmFallback: services.config.dmFallback, dmNoticeChannel, namesFor },
        workspace,
      );
      this.outboxes.set(workspace, outbox);
    }
    return outbox;
  }
}

/**
 * Starts the Discord adapter on the app's pieces, with its outbox registered for notifications:
 * what `src/main.ts` does, for tests and benchmarks (which may pass their own registry and dispatcher).
 */
export async function startDiscord(deps: DiscordAdapterDeps): Promise<DiscordAdapter> {
  const adapter = new DiscordAdapter(deps);
  deps.services.notifier.register(adapter.platform, (workspace) => adapter.outbox(workspace));
  await adapter.start();
  return adapter;
}

/** The answer to an interaction that arrives while the bot stops: nothing runs, the member knows why. */
async function refuse(i: DiscordInteraction, log: Logger): Promise<void> {
  try {
    if (i.isAutocomplete()) await i.respond([]);
    else if (i.isRepliable()) await i.reply({ content: translator(i.locale)('error.stopping'), flags: MessageFlags.Ephemeral });
  } catch (err) {
    log.warn({ err: safeError(err) }, 'could not refuse an interaction while stopping');
  }
}
