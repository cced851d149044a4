import { LessThan } from 'typeorm';
import { SeenRequest } from '../../entities/SeenRequest.js';
import type { Clock } from '../core/clock.js';
import { isUniqueViolation } from '../db/errors.js';
import { FixedSql } from '../db/fixed-sql.js';
import type { Store } from '../db/store.js';

/** How long a request's signature is kept: Slack accepts a request 5 minutes either side of its timestamp. */
export const SEEN_REQUEST_KEEP_MS = 10 * 60_000;
/** Old rows are deleted at most this often per process (at the next request after it). */
const PURGE_EVERY_MS = 60_000;
/** Every Slack request sends it: fixed SQL (see FixedSql). */
const RECORD = new FixedSql((table) => `INSERT INTO ${table(SeenRequest)}("signature", "seenAt") VALUES (?, ?)`);

/**
 * Requests already run, across every process sharing the database (Slack HTTP instances behind a
 * load balancer share no memory). An insert on the primary key decides: of two processes offered
 * the same request, exactly one inserts its row, and only that one runs it.
 */
export class SeenRequests {
  private lastPurge = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** True the first time `signature` is offered; false for a replay (nothing is written then). */
  async firstSight(signature: string): Promise<boolean> {
    const now = this.clock.now();
    if (now.getTime() - this.lastPurge >= PURGE_EVERY_MS) {
      this.lastPurge = now.getTime();
      await this.purge(now);
    }
    try {
      // One statement, atomic by itself: no transaction around it (Store.write), one round trip per request.
      await this.store.write((em) => RECORD.run(em, [signature, now]));
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  /** Deletes signatures seen more than 10 minutes before `now`; returns how many. */
  async purge(now: Date = this.clock.now()): Promise<number> {
    const { affected } = await this.store.write((em) =>
      em.delete(SeenRequest, { seenAt: LessThan(new Date(now.getTime() - SEEN_REQUEST_KEEP_MS)) }),
    );
    return affected ?? 0;
  }
}
