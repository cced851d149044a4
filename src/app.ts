import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { commands } from '../commands/index.js';
import { resolveAnonSecret } from './anon-secret.js';
import type { Config } from './config.js';
import type { Clock } from './core/clock.js';
import { Dispatcher } from './core/dispatcher.js';
import { safeError } from './core/errors.js';
import type { Autocomplete } from './core/autocomplete.js';
import { createAutocomplete } from './services/autocomplete.js';
import { RateLimiter, suggestionLimit } from './core/rate-limit.js';
import { CommandRegistry } from './core/registry.js';
import { createDataSource, migrate } from './db/data-source.js';
import { commandNames } from './i18n/command-names.js';
import { createServices, type Services } from './services/index.js';

export interface App {
  readonly db: DataSource;
  readonly services: Services;
  readonly registry: CommandRegistry;
  readonly dispatcher: Dispatcher;
  /** Option suggestions (Discord's autocomplete), rate-limited by the dispatcher's limiter. */
  readonly autocomplete: Autocomplete;
  close(): Promise<void>;
}

/**
 * Builds everything but the adapters, the same way for `npm start`, the tests and the
 * benchmarks: data source (migrated if configured), services, registry, dispatcher.
 */
export async function createApp(config: Config, log: Logger, clock: Clock): Promise<App> {
  const registry = new CommandRegistry(commands, commandNames);
  const anonSecret = resolveAnonSecret(config.anonSecret, config.dataDir, log);
  const db = createDataSource(config.database);
  await db.initialize();
  try {
    if (config.migrateOnStart) {
      const applied = await migrate(db);
      if (applied.length) log.info({ migrations: applied.map((m) => m.name) }, 'database migrated');
    }
  } catch (err) {
    await db.destroy();
    throw err;
  }
  const services = createServices({ config, db, clock, log, anonSecret });
  const rateLimiter = new RateLimiter(clock);
  const dispatcher = new Dispatcher({
    registry,
    services,
    log,
    rateLimiter,
    rateLimit: config.rateLimit,
    onAudit: (record) => services.audit.record(record),
  });
  const autocomplete = createAutocomplete({ limiter: rateLimiter, limit: suggestionLimit(config.rateLimit) });
  return { db, services, registry, dispatcher, autocomplete, close: () => db.destroy() };
}

/**
 * Work no interaction waits for: erasing askers' reply addresses after 30 days, the outbox's due
 * messages for the platforms this process runs (delayed anonymous posts among them), buttons of direct
 * messages past their time, lotteries whose draw time came, waitlist offers whose time ran out, every few seconds;
 * workshop reminders; chapters' calendar feeds. Each step is safe to run in
 * several processes at once (rows are claimed with conditional updates).
 */
export function startScheduler(app: App, log: Logger, everyMs = 5000): { tick: () => Promise<void>; stop: () => Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = running.then(async () => {
      try {
        await app.services.questions.eraseExpiredAddresses();
        await app.services.outbox.deliverDue();
        await app.services.stuck.escalate();
        await app.services.stuck.closeEnded();
        await app.services.feedback.askDue();
        await app.services.noShows.tick();
        await app.services.directButtons.purge();
        await app.services.workshops.lottery.drawDue();
        await app.services.workshops.offers.expireDue();
      } catch (err) {
        log.error({ err: safeError(err) }, 'scheduled work failed; will retry');
      }
    });
    return running;
  };
  void tick();
  const timer = setInterval(() => void tick(), everyMs);
  timer.unref();
  // Workshop reminders keep their own interval (REMINDER_INTERVAL_SECONDS); started and stopped together.
  app.services.reminders.start();
  // So do chapters' calendar feeds (each fetched every FEED_POLL_MINUTES, by one process at a time).
  app.services.feeds.start();
  return {
    tick,
    stop: async () => {
      clearInterval(timer);
      await running;
      await app.services.reminders.stop();
      await app.services.feeds.stop();
    },
  };
}
