import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import type { Store } from './store.js';

/** The PostgreSQL notification channel; the payload names the schema, so bots of other schemas in one database ignore it. */
const CHANNEL = 'ots_bot_settings';
/** After the listening connection broke, how long before the next lookup tries to listen again. */
const RETRY_MS = 5_000;
/** More entries than this and the cache starts afresh. */
const MAX_ENTRIES = 10_000;

/** The listening connection as node-postgres hands it out (only what is used here). */
interface Listener {
  on(event: 'notification', fn: (n: { channel: string; payload?: string }) => void): void;
  on(event: 'error' | 'end', fn: () => void): void;
}

/**
 * What almost every command reads and hardly anything writes: which chapter is bound where, the
 * chapters' channels, moderator roles and groups, the chapter rows. Kept per process and dropped
 * whole on every change of those tables (writes are moderators' `/chapter` commands: rare).
 *
 * Explicit invalidation, not a time to live: a stale binding would post a question to a chapter the
 * place just left, and a stale moderator role would keep a right a moderator just took away. So every
 * write path of `chapter`, `chapter_binding` and `chapter_channel` calls `changed(em)` in its
 * transaction. Once that commits the cache is dropped in this process; the other processes hear it by
 * PostgreSQL's LISTEN/NOTIFY (`pg_notify` in the writing transaction is delivered at its commit, and
 * only then). Between the commit and a peer receiving the notification (a network hop) the peer may
 * still answer from its cache, as it would have with a read begun just before the commit.
 *
 * On PostgreSQL the cache is used only while this process listens: until its LISTEN is in place,
 * and whenever the listening connection is lost (until it is back), every lookup reads the database.
 * On SQLite one process serves the file (see Store), so dropping the cache in this process is all.
 * A lookup still running when the cache is dropped is not kept (the generation moved on).
 */
export class SettingsCache {
  private readonly entries = new Map<string, Promise<unknown>>();
  private generation = 0;
  private readonly postgres: boolean;
  private readonly cacheless: boolean;
  private readonly scope: string;
  private listening: 'no' | 'starting' | 'yes' = 'no';
  private runner: QueryRunner | undefined;
  private retryAt = 0;
  private stopped = false;
  /** The LISTEN being set up, if it is. */
  private starting: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: DataSource,
    private readonly store: Store,
  ) {
    // The listener keeps a connection of the pool: with a pool of one it would starve every command, so
    // then nothing is cached (every lookup reads the database).
    const pool = (db.options as { poolSize?: number }).poolSize;
    this.postgres = db.options.type === 'postgres';
    this.cacheless = this.postgres && pool !== undefined && pool < 2;
    this.scope = (db.options as { schema?: string }).schema ?? 'public';
    if (this.postgres && !this.cacheless) {
      // The listening connection goes back before the pool closes: TypeORM returns the connections of
      // its query runners, but not one still connecting (the pool would then wait for it for ever).
      const destroy = db.destroy.bind(db);
      db.destroy = async () => {
        await this.stop();
        return destroy();
      };
    }
  }

  /** The value under `key`, loaded by `load` when not cached (or when it may not be trusted: see the class). */
  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (!this.usable()) return load();
    const hit = this.entries.get(key);
    if (hit) return hit as Promise<T>;
    // One entry per channel commands come from: bounded, however many channels a workspace has.
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    const generation = this.generation;
    const value = load();
    this.entries.set(key, value);
    value.then(
      () => {
        if (generation !== this.generation) this.forget(key, value);
      },
      () => this.forget(key, value),
    );
    return value;
  }

  /**
   * Tells that `em`'s transaction writes a chapter, binding or channel: the cache goes once it
   * commits, here and (PostgreSQL) in every other process.
   */
  async changed(em: EntityManager): Promise<void> {
    if (this.postgres) await em.query('SELECT pg_notify($1, $2)', [CHANNEL, this.scope]);
    const later = this.store.afterCommit(em, async () => this.invalidate());
    if (!later) this.invalidate();
  }

  /** Drops every cached value. */
  invalidate(): void {
    this.generation += 1;
    this.entries.clear();
  }

  /** Stops listening and returns its connection to the pool (called before the data source is destroyed). */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.starting;
    const runner = this.runner;
    this.runner = undefined;
    this.listening = 'no';
    this.invalidate();
    if (runner && !runner.isReleased) await runner.release().catch(() => undefined);
  }

  private forget(key: string, value: Promise<unknown>): void {
    if (this.entries.get(key) === value) this.entries.delete(key);
  }

  private usable(): boolean {
    if (!this.postgres) return true;
    if (this.cacheless || this.stopped) return false;
    if (this.listening === 'yes') return true;
    if (this.listening === 'no' && Date.now() >= this.retryAt && this.db.isInitialized) this.starting = this.listen();
    return false;
  }

  /** LISTEN on a connection of the pool kept for it. */
  private async listen(): Promise<void> {
    this.listening = 'starting';
    const runner = this.db.createQueryRunner();
    let client: Listener;
    try {
      client = (await runner.connect()) as Listener;
    } catch {
      // Not connected: a runner that never got its connection has nothing to return. Tried again later.
      this.failed();
      return;
    }
    try {
      if (this.stopped) throw new Error('stopped');
      client.on('notification', (n) => {
        if (n.channel === CHANNEL && n.payload === this.scope) this.invalidate();
      });
      client.on('error', () => this.lost(runner));
      client.on('end', () => this.lost(runner));
      await runner.query(`LISTEN ${CHANNEL}`);
      if (this.stopped) throw new Error('stopped');
      this.runner = runner;
      // Whatever was read before listening may have missed a change: start afresh.
      this.invalidate();
      this.listening = 'yes';
    } catch {
      this.failed();
      await runner.release().catch(() => undefined);
    }
  }

  private failed(): void {
    this.listening = 'no';
    this.retryAt = Date.now() + RETRY_MS;
    this.invalidate();
  }

  /** The listening connection broke: no cache until another listens. */
  private lost(runner: QueryRunner): void {
    if (this.runner !== runner) return;
    this.runner = undefined;
    this.failed();
    void runner.release().catch(() => undefined);
  }
}
