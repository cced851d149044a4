import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { commands } from '../commands/index.js';
import { resolveAnonSecret } from './anon-secret.js';
import type { Config } from './config.js';
import type { Clock } from './core/clock.js';
import { Dispatcher } from './core/dispatcher.js';
import { RateLimiter } from './core/rate-limit.js';
import { CommandRegistry } from './core/registry.js';
import { createDataSource } from './db/data-source.js';
import { createServices, type Services } from './services/index.js';

export interface App {
  readonly db: DataSource;
  readonly services: Services;
  readonly registry: CommandRegistry;
  readonly dispatcher: Dispatcher;
  close(): Promise<void>;
}

/**
 * Builds everything but the adapters, the same way for `npm start`, the tests and the
 * benchmarks: data source (migrated if configured), services, registry, dispatcher.
 */
export async function createApp(config: Config, log: Logger, clock: Clock): Promise<App> {
  const registry = new CommandRegistry(commands);
  const anonSecret = resolveAnonSecret(config.anonSecret, config.dataDir, log);
  const db = createDataSource(config.database);
  await db.initialize();
  try {
    if (config.migrateOnStart) {
      const applied = await db.runMigrations({ transaction: 'each' });
      if (applied.length) log.info({ migrations: applied.map((m) => m.name) }, 'database migrated');
    }
  } catch (err) {
    await db.destroy();
    throw err;
  }
  const services = createServices({ config, db, clock, log, anonSecret });
  const dispatcher = new Dispatcher({
    registry,
    services,
    log,
    rateLimiter: new RateLimiter(clock),
    rateLimit: config.rateLimit,
    // Active coaches only: paused and retired ones pass no coach check.
    isCoach: (actor) => services.coaches.isActive(actor),
    onAudit: (record) => services.audit.record(record),
  });
  return { db, services, registry, dispatcher, close: () => db.destroy() };
}
