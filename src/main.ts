import { existsSync } from 'node:fs';
import { ConsoleAdapter } from './adapters/console/console-adapter.js';
import { startSlack } from './adapters/slack/adapter.js';
import { platformError } from './adapters/slack/web.js';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { systemClock } from './core/clock.js';
import { safeError } from './core/errors.js';
import { normaliseLocale } from './core/i18n.js';
import { createLogger } from './logger.js';

/**
 * `npm start`: the console when no platform token is configured (or with --console);
 * otherwise the platform adapters. `--locale de` sets the console's language.
 */
async function main(argv: readonly string[]): Promise<number> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const log = createLogger(config.logLevel);
  const forceConsole = argv.includes('--console');
  const localeArg = argv[argv.indexOf('--locale') + 1];
  const locale = normaliseLocale(argv.includes('--locale') ? localeArg : config.locale);

  if (!forceConsole && config.discord) {
    process.stderr.write('DISCORD_TOKEN is set, but this version has no Discord adapter yet (see README, "Status"). Unset it, or run npm run console.\n');
    return 1;
  }

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
  if (!forceConsole && config.slack) {
    let slack;
    try {
      slack = await startSlack(app, config, log);
    } catch (err) {
      const refused = platformError(err);
      if (refused) process.stderr.write(`Slack refused SLACK_BOT_TOKEN (${refused}): check the token in the app's "OAuth & Permissions".\n`);
      else log.fatal({ err: safeError(err) }, 'could not start the Slack adapter');
      await app.close();
      return 1;
    }
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    log.info('stopping');
    await slack.stop();
    await app.close();
    log.info('stopped');
    return 0;
  }
  const adapter = new ConsoleAdapter({ dispatcher: app.dispatcher, out: process.stdout, locale, moderators: config.consoleModerators, clock: systemClock });
  app.services.notifier.register('console', () => adapter.outboxForNotifications);
  const interactive = Boolean(process.stdin.isTTY);
  if (interactive) process.stdout.write(`Console ready. You are "you"; moderators: ${config.consoleModerators.join(', ')}. Type /help, or @name /command to act as someone else. /quit ends.\n`);
  log.debug('console ready');
  await adapter.run(process.stdin, interactive);
  await app.close();
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
