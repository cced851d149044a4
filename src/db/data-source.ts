import 'reflect-metadata';
import { dirname } from 'node:path';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { entities } from '../../entities/index.js';
import { migrations } from './migrations/index.js';
import type { DatabaseTarget } from '../config.js';
import { makePrivateDir, makePrivateFile } from '../private-files.js';
import { asBound } from './fixed-sql.js';

export function dataSourceOptions(target: DatabaseTarget): DataSourceOptions {
  const common = { entities, migrations, synchronize: false, migrationsRun: false, logging: false } as const;
  if (target.kind === 'sqlite') {
    if (target.path !== ':memory:') {
      // The folder 0700 and a new file 0600: only the bot's user reads the data (and SQLite gives the WAL the file's mode).
      makePrivateDir(dirname(target.path));
      makePrivateFile(target.path);
    }
    return {
      ...common,
      type: 'better-sqlite3',
      database: target.path,
      // WAL lets readers go on while one writer writes; the busy timeout makes a second
      // writer wait instead of failing with SQLITE_BUSY.
      enableWAL: true,
      timeout: 5000,
      // Erased values (an asker's encrypted reply address) are overwritten, not left in free pages.
      prepareDatabase: (db: { pragma: (sql: string) => unknown }) => {
        db.pragma('secure_delete = ON');
      },
    };
  }
  return {
    ...common,
    type: 'postgres',
    url: target.url,
    ...(target.schema ? { schema: target.schema } : {}),
    ...(target.poolSize ? { poolSize: target.poolSize } : {}),
    // A statement that hangs (a lock held by a crashed peer) fails instead of blocking a command
    // forever; a connection attempt during an outage gives up quickly so the member hears so.
    // Waiting for a free pooled connection counts too: a burst of commands on one busy workshop
    // queues here (answers are deferred meanwhile) before anyone is told to try again.
    extra: { statement_timeout: target.statementTimeoutMs ?? 10_000, connectionTimeoutMillis: 10_000 },
  };
}

/** The one DataSource factory, used by the app, the tests and the migration CLI. */
export function createDataSource(target: DatabaseTarget): DataSource {
  const db = new DataSource(dataSourceOptions(target));
  if (target.kind === 'sqlite') bindNumbersAsParameters(db.driver as unknown as SqliteEscaping);
  return db;
}

interface SqliteEscaping {
  escapeQueryWithParameters(sql: string, parameters: Record<string, unknown>, native: Record<string, unknown>): [string, unknown[]];
}

/**
 * TypeORM's SQLite drivers write number parameters into the SQL text (`WHERE "w"."id" = 17`),
 * so every id makes a statement of its own, which better-sqlite3 prepares again: the driver's
 * cache of prepared statements (per SQL text) rarely hits, and preparing was a large part of
 * a command's time (BENCHMARKS.md). Here numbers are bound like every other value, so one
 * query shape is one prepared statement: integers as SQLite INTEGERs (a BigInt binds as
 * int64, exactly as the literal did; a plain number would bind as REAL), other numbers as REAL (`asBound`).
 */
function bindNumbersAsParameters(driver: SqliteEscaping): void {
  const escape = driver.escapeQueryWithParameters.bind(driver);
  driver.escapeQueryWithParameters = (sql, parameters, native) => {
    if (!parameters) return escape(sql, parameters, native);
    const bound: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(parameters)) bound[key] = Array.isArray(value) ? value.map(asBound) : asBound(value);
    return escape(sql, bound, native);
  };
}

/**
 * Applies pending migrations. On PostgreSQL several bot processes may start at once: a
 * session-level advisory lock (per schema) makes them migrate one after the other, so the
 * second finds nothing left to do instead of failing on tables the first just created.
 */
export async function migrate(db: DataSource): Promise<{ name: string }[]> {
  if (db.options.type !== 'postgres') return db.runMigrations({ transaction: 'each' });
  const lock = db.createQueryRunner();
  await lock.connect();
  const key = `ots-bot migrations ${(db.options as { schema?: string }).schema ?? 'public'}`;
  try {
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
    return await db.runMigrations({ transaction: 'each' });
  } finally {
    await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [key]).catch(() => undefined);
    await lock.release();
  }
}
