import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { ConsoleAdapter } from './adapters/console/console-adapter.js';
import { type App, createApp, startScheduler } from './app.js';
import { type Config, ConfigError, configFromEnvironment } from './config.js';
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
  if (!forceConsole && (config.discord || config.slack)) return runPlatforms(app, config, log, locale);

  const adapter = new ConsoleAdapter({ dispatcher: app.dispatcher, out: process.stdout, locale, moderators: config.consoleModerators, clock: systemClock });
  app.services.notifier.register('console', () => adapter.outboxForNotifications);
  // Delayed posts and reminders: now (any missed while the bot was down), then on their intervals.
  const scheduler = startScheduler(app, log);
  let web;
  try {
    web = await serveWeb(app, config);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    await scheduler.stop();
    await app.close();
    return 1;
  }
  const interactive = Boolean(process.stdin.isTTY);
  if (interactive) process.stdout.write(`Console ready. You are "you"; moderators: ${config.consoleModerators.join(', ')}. Type /help, or @name /command to act as someone else (@name@other: in another workspace). /quit ends.\n`);
  log.debug('console ready');
  // SIGTERM or SIGINT (not the terminal's Ctrl-C, which readline reads): the command under way
  // finishes and is written, lines after it are refused, then the database closes.
  let stopped = false;
  const stop = (signal: string) => {
    if (stopped) return;
    stopped = true;
    log.info({ signal }, 'stopping');
    setTimeout(() => {
      log.error('still busy 10 seconds after the signal: exiting without waiting further');
      process.exit(1);
    }, 10_000).unref();
    void adapter.stop();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  await adapter.run(process.stdin, interactive);
  await web?.stop();
  await scheduler.stop();
  await app.close();
  if (stopped) process.stdin.destroy();
  log.debug('stopped');
  return 0;
}

/**
 * Runs the configured platform adapters (Discord, Slack, or both in one process) until SIGINT or
 * SIGTERM, then stops them, the scheduler and the database cleanly.
 */
async function runPlatforms(app: App, config: Config, log: Logger, locale: string): Promise<number> {
  const running: { refuseNew?(): void; stop(): Promise<void> }[] = [];
  const stopAll = async () => {
    // New commands are refused from the moment of the signal, not only once the adapter's turn
    // to stop comes (the scheduler may still be finishing a post to a slow platform).
    for (const r of running) r.refuseNew?.();
    for (const r of running.reverse()) await r.stop();
    await app.close();
  };
  // Each platform's SDK is loaded only when it is configured: discord.js alone adds about 50 MB
  // of resident memory, which a console or Slack-only process does not need (npm run bench).
  if (config.discord) {
    const { startDiscord } = await import('./adapters/discord/adapter.js');
    try {
      running.push(await startDiscord({ ...app, log, config: config.discord, locale }));
    } catch (err) {
      log.fatal({ err: safeError(err) }, 'could not connect to Discord (is DISCORD_TOKEN right?)');
      await stopAll();
      return 1;
    }
  }
  // With Discord shards, each shard process runs Discord only: run Slack as a process of its own.
  if (config.slack && !config.discord?.shardProcess) {
    const { startSlack } = await import('./adapters/slack/adapter.js');
    const { platformError } = await import('./adapters/slack/web.js');
    try {
      running.push(await startSlack(app, config, log));
    } catch (err) {
      const refused = platformError(err);
      if (refused) process.stderr.write(`Slack refused SLACK_BOT_TOKEN (${refused}): check the token in the app's "OAuth & Permissions".\n`);
      else log.fatal({ err: safeError(err) }, 'could not start the Slack adapter');
      await stopAll();
      return 1;
    }
  }
  running.push(startScheduler(app, log));
  try {
    const web = await serveWeb(app, config);
    if (web) running.push(web);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    await stopAll();
    return 1;
  }
  const code = await untilSignal(log, { stop: stopAll }, STOP_PATIENCE_MS);
  log.info('stopped');
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
    throw new Error(`The public page could not listen on ${config.web.host}:${config.web.port} (WEB_PORT): ${(err as Error).message}`, { cause: err });
  }
}

/** How long work under way may take to finish after SIGTERM or SIGINT before the process gives up on it. */
const STOP_PATIENCE_MS = 10_000;

/**
 * Waits for SIGINT or SIGTERM, then stops what runs and returns the exit code 0. With
 * `patienceMs`, a stop still busy that long after the signal exits the process with 1 (as the
 * console does), so a process manager never waits on a command stuck for good.
 */
async function untilSignal(log: Logger, running: { stop(): Promise<void> }, patienceMs?: number): Promise<number> {
  // `on`, not `once`: a second signal (a process manager and a wrapper both relaying) must not kill the process mid-close.
  const signal = await new Promise<string>((resolve) => {
    process.on('SIGINT', () => resolve('SIGINT'));
    process.on('SIGTERM', () => resolve('SIGTERM'));
  });
  log.info({ signal }, 'stopping');
  if (patienceMs) {
    setTimeout(() => {
      log.error(`still busy ${patienceMs / 1000} seconds after the signal: exiting without waiting further`);
      process.exit(1);
    }, patienceMs).unref();
  }
  await running.stop();
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
