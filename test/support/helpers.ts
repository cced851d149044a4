import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import pg from 'pg';
import { pino, type Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { loadConfig, type Config } from '../../src/config.js';
import type { Clock } from '../../src/core/clock.js';
import type { DatabaseTarget } from '../../src/config.js';
import { createDataSource } from '../../src/db/data-source.js';
import { Dispatcher } from '../../src/core/dispatcher.js';
import { RateLimiter } from '../../src/core/rate-limit.js';
import type { CommandRegistry } from '../../src/core/registry.js';
import { createServices, type Services } from '../../src/services/index.js';

export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A temporary folder, removed by the returned function. */
export function tempDir(prefix = 'bot-test-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

let pgReachable: Promise<string | null> | undefined;
/** Null when PostgreSQL answers; otherwise the reason, printed by the tests that skip. */
export function postgresUnavailable(): Promise<string | null> {
  pgReachable ??= (async () => {
    const client = new pg.Client({ connectionString: TEST_POSTGRES_URL, connectionTimeoutMillis: 3000 });
    try {
      await client.connect();
      await client.query('select 1');
      return null;
    } catch (err) {
      return `PostgreSQL not reachable at ${TEST_POSTGRES_URL}: ${(err as Error).message}`;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return pgReachable;
}

/** A database of each kind, fresh for one test: an SQLite file, and a PostgreSQL schema of its own. */
export interface TestDatabase {
  readonly kind: 'sqlite' | 'postgres';
  readonly target: DatabaseTarget;
  /** What to put in DATABASE_URL for a child process. */
  readonly url: string;
  drop(): Promise<void>;
}

export async function freshDatabase(kind: 'sqlite' | 'postgres'): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const tmp = tempDir('bot-db-');
    const path = join(tmp.dir, 'bot.sqlite');
    return { kind, target: { kind: 'sqlite', path }, url: `sqlite:${path}`, drop: async () => tmp.remove() };
  }
  const schema = `t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  await admin.end();
  const url = new URL(TEST_POSTGRES_URL);
  url.searchParams.set('schema', schema);
  return {
    kind,
    target: { kind: 'postgres', url: TEST_POSTGRES_URL, schema },
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: TEST_POSTGRES_URL });
      await c.connect();
      await c.query(`DROP SCHEMA "${schema}" CASCADE`);
      await c.end();
    },
  };
}

/**
 * Runs `body` once per database kind as subtests: SQLite always, PostgreSQL when it
 * answers (otherwise the subtest is skipped with the reason printed).
 */
export function eachDatabase(
  t: { test: (name: string, fn: (t: { skip: (reason: string) => void }) => Promise<void>) => Promise<void> },
  body: (db: TestDatabase) => Promise<void>,
): Promise<void> {
  return Promise.all(
    (['sqlite', 'postgres'] as const).map((kind) =>
      t.test(kind, async (sub) => {
        if (kind === 'postgres') {
          const reason = await postgresUnavailable();
          if (reason) return sub.skip(reason);
        }
        const db = await freshDatabase(kind);
        try {
          await body(db);
        } finally {
          await db.drop();
        }
      }),
    ),
  ).then(() => undefined);
}

/** A logger whose lines the test can read back. */
export function capturedLogger(): { log: Logger; lines: () => string[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { log: pino({ level: 'debug', base: undefined }, stream), lines: () => chunks.join('').split('\n').filter(Boolean) };
}

/** A migrated DataSource and real services on it. */
export async function servicesOn(
  target: DatabaseTarget,
  clock: Clock,
  log: Logger = capturedLogger().log,
  env: Record<string, string> = {},
): Promise<{ db: DataSource; services: Services; config: Config }> {
  const config = loadConfig({ ANON_SECRET: 'x'.repeat(32), ...env });
  const db = createDataSource(target);
  await db.initialize();
  await db.runMigrations({ transaction: 'each' });
  return { db, config, services: createServices({ config, db, clock, log, anonSecret: 'x'.repeat(32) }) };
}

/** A dispatcher wired as the app wires it (audit hook included): `rateLimitMax` commands a minute, auto-defer after `autoDeferMs`. */
export function testDispatcher(deps: {
  registry: CommandRegistry;
  services: Services;
  log: Logger;
  clock: Clock;
  rateLimitMax?: number;
  autoDeferMs?: number;
}): Dispatcher {
  const { registry, services, log, clock } = deps;
  return new Dispatcher({
    registry,
    services,
    log,
    rateLimiter: new RateLimiter(clock),
    rateLimit: { max: deps.rateLimitMax ?? 100, windowSeconds: 60 },
    onAudit: (record) => services.audit.record(record),
    ...(deps.autoDeferMs !== undefined ? { autoDeferMs: deps.autoDeferMs } : {}),
  });
}

/** A loopback port nobody listens on right now. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
