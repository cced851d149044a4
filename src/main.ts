import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { ConsoleAdapter } from './adapters/console/console-adapter.js';
import { type App, createApp, startScheduler } from './app.js';
import { type Config, ConfigError, configFromEnvironment } from './config.js';
import { AdapterStartError, type PlatformAdapter } from './core/adapter.js';
import { systemClock } from './core/clock.js';
import { safeError } from './core/errors.js';
import { normaliseLocale } from './core/i18n.js';
import { createLogger } from './logger.js';
import { startWeb, type WebServer } from './web/server.js';

/**
 * `npm start`: the console when no platform token is configured (or with --console);
 * otherwise the platform adapters. `--locale de` sets the console's language.
 */
async function main(argv: readonly string[]): Promise<number> {
  const config = configFromEnvironment();
  if (!config) return 1;
  const log = createLogger(config.logLevel);
  const forceConsole = argv.includes('--console');
  const localeArg = argv[argv.indexOf('--locale') + 1];
  const locale = normaliseLocale(argv.includes('--locale') ? localeArg : config.locale);

  const discordShards = !forceConsole && config.discord && config.discord.shards !== 1 && !config.discord.shardProcess;
  let app;
  try {
    app = await createApp(config, log, systemClock);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    log.fatal({ err: safeError(err) }, 'could not start: the database could not be opened or migrated');
    return 1;
  }
  if (discordShards) {
    // This process only supervises: the database is migrated here once, then each shard process runs the bot.
    await app.close();
    process.env.DB_MIGRATE_ON_START = 'false';
    const { runShards } = await import('./adapters/discord/sharding.js');
    return untilSignal(log, await runShards({ file: fileURLToPath(import.meta.url), args: argv, config: config.discord!, log }));
  }
  const platforms = !forceConsole && (config.discord || config.slack);
  const interactive = Boolean(process.stdin.isTTY);
  const consoleAdapter = () =>
    new ConsoleAdapter({
      dispatcher: app.dispatcher,
      out: process.stdout,
      locale,
      moderators: config.consoleModerators,
      clock: systemClock,
      input: { stream: process.stdin, interactive },
      log,
    });
  const adapters = platforms ? await platformAdapters(app, config, log, locale) : [consoleAdapter()];
  return run(app, config, log, adapters);
}

/**
 * The configured platform adapters (Discord, Slack, or both in one process). Each platform's SDK is
 * loaded only when it is configured: discord.js alone adds about 50 MB of resident memory, which a
 * console or Slack-only process does not need (npm run bench).
 */
async function platformAdapters(app: App, config: Config, log: Logger, locale: string): Promise<PlatformAdapter[]> {
  const adapters: PlatformAdapter[] = [];
  if (config.discord) {
    const { DiscordAdapter } = await import('./adapters/discord/adapter.js');
    adapters.push(new DiscordAdapter({ ...app, log, config: config.discord, locale }));
  }
  // With Discord shards, each shard process runs Discord only: run Slack as a process of its own.
  if (config.slack && !config.discord?.shardProcess) {
    const { SlackAdapter } = await import('./adapters/slack/adapter.js');
    adapters.push(new SlackAdapter(app, config, log));
  }
  return adapters;
}

/**
 * Runs the adapters, every one the same way, until SIGINT or SIGTERM (or until they end on their own:
 * the console at the end of its input), then stops them, the scheduler and the database cleanly:
 * the public page, then each adapter's outbox registered for notifications and the adapter started,
 * then the scheduler (delayed posts and reminders: now, for any missed while the bot was down, then
 * on their intervals).
 */
async function run(app: App, config: Config, log: Logger, adapters: readonly PlatformAdapter[]): Promise<number> {
  let web: WebServer | undefined;
  try {
    web = await serveWeb(app, config);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    await app.close();
    return 1;
  }
  const started: PlatformAdapter[] = [];
  // The public page and the scheduler, stopped in this order before the adapters they post through.
  const beside: { stop(): Promise<void> }[] = web ? [web] : [];
  const stopAll = async () => {
    // New work is refused everywhere from the moment of the signal, not only once an adapter's turn
    // to stop comes (the scheduler may still be finishing a post to a slow platform).
    for (const adapter of started) adapter.refuseNew();
    for (const other of beside) await other.stop();
    for (const adapter of [...started].reverse()) await adapter.stop();
    await app.close();
  };
  for (const adapter of adapters) {
    app.services.notifier.register(adapter.platform, (workspace) => adapter.outbox(workspace));
    try {
      await adapter.start();
    } catch (err) {
      if (err instanceof AdapterStartError && err.report === 'line') process.stderr.write(`${err.message}\n`);
      else if (err instanceof AdapterStartError) log.fatal({ err: safeError(err.cause) }, err.message);
      else log.fatal({ err: safeError(err) }, `could not start the ${adapter.platform} adapter`);
      await stopAll();
      return 1;
    }
    started.push(adapter);
  }
  beside.push(startScheduler(app, log));
  const ended = adapters.every((a) => a.ended) ? Promise.all(adapters.map((a) => a.ended)) : undefined;
  const code = await untilSignal(log, { stop: stopAll }, STOP_PATIENCE_MS, ended);
  // A shard process's IPC channel to its ShardingManager would keep it alive.
  if (process.connected) process.disconnect();
  return code;
}

/** The public page when WEB_PORT is set; a port that cannot be listened on is an error naming it. */
async function serveWeb(app: App, config: Config): Promise<WebServer | undefined> {
  if (!config.web) return undefined;
  try {
    return await startWeb(app.services, config.web, app.services.log);
  } catch (err) {
    throw new Error(`The public page could not listen on ${config.web.host}:${config.web.port} (WEB_PORT): ${(err as Error).message}`, {
      cause: err,
    });
  }
}

/** How long work under way may take to finish after SIGTERM or SIGINT before the process gives up on it. */
const STOP_PATIENCE_MS = 10_000;

/**
 * Waits for SIGINT or SIGTERM (or for `ended`: the console's input ran out), then stops what runs
 * and returns the exit code 0. With `patienceMs`, a stop still busy that long after the signal
 * exits the process with 1, so a process manager never waits on a command stuck for good.
 */
async function untilSignal(
  log: Logger,
  running: { stop(): Promise<void> },
  patienceMs?: number,
  ended?: Promise<unknown>,
): Promise<number> {
  // `on`, not `once`: a second signal (a process manager and a wrapper both relaying) must not kill the process mid-close.
  const signalled = new Promise<string>((resolve) => {
    process.on('SIGINT', () => resolve('SIGINT'));
    process.on('SIGTERM', () => resolve('SIGTERM'));
  });
  const signal = await Promise.race([signalled, ...(ended ? [ended.then(() => undefined)] : [])]);
  if (signal) {
    log.info({ signal }, 'stopping');
    if (patienceMs) {
      setTimeout(() => {
        log.error(`still busy ${patienceMs / 1000} seconds after the signal: exiting without waiting further`);
        process.exit(1);
      }, patienceMs).unref();
    }
  }
  await running.stop();
  if (signal) log.info('stopped');
  else log.debug('stopped');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`Fatal: ${safeError(err).message}\n`);
    process.exitCode = 1;
  },
);
