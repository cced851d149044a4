import type { DataSource, EntityManager } from 'typeorm';

/**
 * The database as services use it. Every write goes through `transaction`.
 *
 * Why: TypeORM's SQLite drivers share one connection, so two transactions started at once
 * collide ("cannot start a transaction within a transaction"), and a write issued outside a
 * transaction while another is open would silently join it (and be rolled back with it).
 * On SQLite, transactions are therefore queued in this process (SQLite has one writer
 * anyway; better-sqlite3 is synchronous, so a queued transaction waits microseconds, not
 * milliseconds). On PostgreSQL each transaction has its own pooled connection and
 * correctness between processes comes from constraints and row locks.
 */
export class Store {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly serialise: boolean;

  constructor(readonly db: DataSource) {
    this.serialise = db.options.type === 'better-sqlite3';
  }

  transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    if (!this.serialise) return this.db.transaction(work);
    const result = this.queue.then(() => this.db.transaction(work));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /** For reads: the shared manager (a read needs no transaction). */
  get manager(): EntityManager {
    return this.db.manager;
  }
}
