import type { DataSource, Logger as TypeOrmLogger } from 'typeorm';

/**
 * Counts the statements TypeORM sends, as its logger sees them: every query runner's `query`
 * (better-sqlite3 and PostgreSQL alike) calls `logQuery` before it runs the statement, whether
 * or not logging is on, and that includes transaction control (`BEGIN TRANSACTION` /
 * `START TRANSACTION`, `COMMIT`, `ROLLBACK`, `SAVEPOINT`, `RELEASE SAVEPOINT`), which the query
 * runners send through the same `query` (typeorm 1.1: AbstractSqliteQueryRunner and
 * PostgresQueryRunner `startTransaction` / `commitTransaction` / `rollbackTransaction`).
 * Set on the app's DataSource with `setOptions({ logger })` (the benchmark's bot only; the app
 * runs with `logging: false`, whose logger prints nothing, so nothing else changes).
 */
export class StatementCounter implements TypeOrmLogger {
  /** Statements sent since the counter was made. */
  count = 0;
  /** When set, the statements are also written here (to show what one command sends). */
  recording: string[] | undefined;

  logQuery(query: string): void {
    this.count++;
    this.recording?.push(query);
  }
  // A failed statement was counted by logQuery before it ran; slow ones likewise.
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}

/**
 * A second count, below TypeORM: every statement the driver executes (better-sqlite3's
 * `Statement#run/all/get/iterate` and `Database#exec`; node-postgres's `Client#query`), to check
 * that the logger missed none (a service calling the driver directly, a statement TypeORM sends
 * without logging). Patched on the driver's prototypes until `uninstall`, which the benchmark
 * calls before anything else (the raw-driver comparison) uses the driver.
 */
export interface DriverCount {
  readonly count: number;
  uninstall(): void;
}

type Method = (this: unknown, ...args: unknown[]) => unknown;

export function countDriverCalls(db: DataSource): DriverCount {
  const counter = { count: 0 };
  const restore: (() => void)[] = [];
  const wrap = (proto: Record<string, unknown>, names: readonly string[]) => {
    for (const name of names) {
      const original = proto[name] as Method | undefined;
      if (typeof original !== 'function') continue;
      proto[name] = function (this: unknown, ...args: unknown[]) {
        counter.count++;
        return original.apply(this, args);
      };
      restore.push(() => (proto[name] = original));
    }
  };
  const driver = db.driver as unknown as {
    databaseConnection?: { prepare(sql: string): object; constructor: { prototype: Record<string, unknown> } };
    postgres?: { Client: { prototype: Record<string, unknown> } };
  };
  if (db.options.type === 'better-sqlite3') {
    const conn = driver.databaseConnection!;
    wrap(Object.getPrototypeOf(conn.prepare('SELECT 1')) as Record<string, unknown>, ['run', 'all', 'get', 'iterate']);
    wrap(conn.constructor.prototype, ['exec']);
  } else if (db.options.type === 'postgres') {
    wrap(driver.postgres!.Client.prototype, ['query']);
  } else throw new Error(`bench: cannot count the statements of a ${db.options.type} driver`);
  return {
    get count() {
      return counter.count;
    },
    uninstall: () => {
      for (const r of restore.reverse()) r();
    },
  };
}

/** Median, maximum and minimum of the statements counted per command of one kind. */
export interface StatementFigures {
  readonly median: number;
  readonly max: number;
  readonly min: number;
}

export function statementFigures(counts: readonly number[]): StatementFigures {
  if (!counts.length) return { median: 0, max: 0, min: 0 };
  const sorted = [...counts].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, max: sorted.at(-1)!, min: sorted[0]! };
}
