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
  /** Work to run once a transaction has committed, by its manager (see `afterCommit`). */
  private readonly committed = new WeakMap<EntityManager, (() => Promise<void>)[]>();

  constructor(readonly db: DataSource) {
    this.serialise = db.options.type === 'better-sqlite3';
  }

  /**
   * Runs `work` in a transaction; then, once it has committed, what `afterCommit` asked for
   * (delivering the outbox rows it wrote), before the returned promise resolves. Outside the
   * SQLite queue, so that work may start transactions of its own.
   */
  async transaction<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    const hooks: (() => Promise<void>)[] = [];
    const tracked = (em: EntityManager) => {
      this.committed.set(em, hooks);
      return work(em);
    };
    let result: Promise<T>;
    if (!this.serialise) result = this.db.transaction(tracked);
    else {
      result = this.queue.then(() => this.db.transaction(tracked));
      this.queue = result.catch(() => undefined);
    }
    const value = await result;
    for (const hook of hooks) await hook();
    return value;
  }

  /**
   * Runs `work`, which sends ONE write statement (atomic on its own), without a transaction around
   * it: no BEGIN and COMMIT, two round trips fewer. On SQLite it waits in the same queue as the
   * transactions, so it never runs while one is open on the shared connection (and joins it); on
   * PostgreSQL it runs on a pooled connection of its own and commits by itself. Work of more than
   * one statement, or that must roll back with another, belongs in `transaction`.
   */
  write<T>(work: (em: EntityManager) => Promise<T>): Promise<T> {
    if (!this.serialise) return work(this.db.manager);
    const result = this.queue.then(() => work(this.db.manager));
    this.queue = result.catch(() => undefined);
    return result;
  }

  /**
   * Asks for `hook` to run after the transaction of `em` commits (never if it rolls back). False
   * when `em` is not one of `transaction`'s (the shared manager): the caller decides then.
   * The hook must not throw: it runs after the caller's work is done.
   */
  afterCommit(em: EntityManager, hook: () => Promise<void>): boolean {
    const hooks = this.committed.get(em);
    if (!hooks) return false;
    hooks.push(hook);
    return true;
  }

  /** For reads: the shared manager (a read needs no transaction). */
  get manager(): EntityManager {
    return this.db.manager;
  }
}
