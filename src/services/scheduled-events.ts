import { In, IsNull, Not } from 'typeorm';
import { ChapterBinding } from '../../entities/ChapterBinding.js';
import { FeedEvent } from '../../entities/FeedEvent.js';
import { ScheduledEvent, type ScheduledEventState } from '../../entities/ScheduledEvent.js';
import { Workshop } from '../../entities/Workshop.js';
import type { Clock } from '../core/clock.js';
import { isUniqueViolation } from '../db/errors.js';
import type { Store } from '../db/store.js';

/** What a guild should show: its chapters' upcoming workshops, nearest first, and what the bot made there. */
export interface GuildMirror {
  /** Chapters bound in the guild (to the whole guild or to a channel in it). */
  readonly chapterIds: ReadonlySet<number>;
  /** Scheduled workshops of those chapters that have not begun, nearest first, with their chapter; at most `limit`. */
  readonly upcoming: readonly Workshop[];
  /** The rows of the guild, each with its workshop (undefined: the workshop no longer exists). */
  readonly records: readonly { readonly record: ScheduledEvent; readonly workshop: Workshop | undefined }[];
  /** The page of a workshop imported from its chapter's calendar feed (the event on Meetup), by workshop id. */
  readonly detailsUrls: ReadonlyMap<number, string>;
}

/**
 * The bookkeeping of workshops mirrored as scheduled events on a platform's servers (Discord's, in
 * `src/adapters/discord/scheduled-events.ts`, which makes the calls). Nothing here calls a platform,
 * and the workshop service needs no hook: the mirror compares what is with what should be.
 *
 * Two processes reconciling the same guild cannot make two events for one workshop: a row per
 * workshop and guild (a unique key) is inserted before the event is made, and only the process
 * whose insert went in makes it. Every later call for a row (edit, cancel, delete, a retry of a failed
 * create) is made under the row's lease, taken by a conditional update.
 */
export class ScheduledEventRecords {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /**
   * Guilds (workspaces) of this platform to reconcile: those some chapter is bound to, and those where
   * events are still mirrored (a chapter unbound from its last guild leaves events there to delete).
   */
  async guilds(platform: string): Promise<string[]> {
    const bound = await this.store.manager
      .getRepository(ChapterBinding)
      .createQueryBuilder('b')
      .select('DISTINCT b.workspace', 'workspace')
      .where('b.platform = :platform', { platform })
      .getRawMany<{ workspace: string }>();
    const mirrored = await this.store.manager
      .getRepository(ScheduledEvent)
      .createQueryBuilder('e')
      .select('DISTINCT e.guild', 'workspace')
      .where('e.state = :state', { state: 'mirrored' })
      .getRawMany<{ workspace: string }>();
    return [...new Set([...bound, ...mirrored].map((r) => r.workspace))].sort();
  }

  /**
   * The guild's chapters, their upcoming workshops (`status` scheduled, not begun: a workshop that
   * began is left to Discord, which starts and ends external events itself) and the guild's rows.
   */
  async guild(platform: string, guild: string, limit: number): Promise<GuildMirror> {
    const bindings = await this.store.manager.getRepository(ChapterBinding).findBy({ platform, workspace: guild });
    const chapterIds = new Set(bindings.map((b) => b.chapterId));
    const now = this.clock.now().getTime();
    // The same workshops `/workshop list` shows as upcoming, less those cancelled or begun.
    const upcoming = chapterIds.size
      ? await this.store.manager
          .getRepository(Workshop)
          .createQueryBuilder('w')
          .innerJoinAndSelect('w.chapter', 'c')
          .where('w.chapterId IN (:...ids)', { ids: [...chapterIds] })
          .andWhere('w.status = :status', { status: 'scheduled' })
          .andWhere('w.startsAt > :now', { now })
          .orderBy('w.startsAt', 'ASC')
          .addOrderBy('w.id', 'ASC')
          .take(limit)
          .getMany()
      : [];
    const rows = await this.store.manager.getRepository(ScheduledEvent).find({ where: { guild }, order: { id: 'ASC' } });
    const missing = rows.map((r) => r.workshopId).filter((id) => !upcoming.some((w) => w.id === id));
    const others = missing.length
      ? await this.store.manager.getRepository(Workshop).find({ where: { id: In(missing) }, relations: { chapter: true } })
      : [];
    const byId = new Map([...upcoming, ...others].map((w) => [w.id, w]));
    const imported = byId.size
      ? await this.store.manager.getRepository(FeedEvent).find({ where: { workshopId: In([...byId.keys()]), url: Not(IsNull()) } })
      : [];
    const detailsUrls = new Map(imported.map((e) => [e.workshopId, e.url!] as const));
    return { chapterIds, upcoming, records: rows.map((record) => ({ record, workshop: byId.get(record.workshopId) })), detailsUrls };
  }

  /**
   * Claims a workshop for this guild: inserts its row, pending and leased to the caller. Null when
   * the row exists already (another process claimed it first, or it was claimed before).
   */
  async claim(workshopId: number, guild: string, leaseMs: number): Promise<ScheduledEvent | null> {
    const now = this.clock.now();
    try {
      return await this.store.transaction(async (em) =>
        em.save(
          em.create(ScheduledEvent, {
            workshopId,
            guild,
            eventId: null,
            state: 'pending',
            revision: -1,
            leaseUntil: new Date(now.getTime() + leaseMs),
            updatedAt: now,
          }),
        ),
      );
    } catch (err) {
      if (isUniqueViolation(err)) return null;
      throw err;
    }
  }

  /** Takes the row's lease if nobody holds it (or theirs ran out); returns the row as it is now, or null. */
  async lease(id: number, leaseMs: number): Promise<ScheduledEvent | null> {
    const now = this.clock.now().getTime();
    return this.store.transaction(async (em) => {
      const { affected } = await em
        .createQueryBuilder()
        .update(ScheduledEvent)
        .set({ leaseUntil: new Date(now + leaseMs) })
        .where('id = :id AND ("leaseUntil" IS NULL OR "leaseUntil" <= :now)', { id, now })
        .execute();
      return affected === 1 ? em.findOneBy(ScheduledEvent, { id }) : null;
    });
  }

  /** Writes what the call under the lease did (or nothing, when it failed) and gives the lease back. */
  async release(
    id: number,
    outcome: { state: ScheduledEventState; eventId: string | null; revision: number } | 'unchanged' = 'unchanged',
  ): Promise<void> {
    const now = this.clock.now();
    await this.store.transaction((em) =>
      em.update(ScheduledEvent, { id }, { ...(outcome === 'unchanged' ? {} : outcome), leaseUntil: null, updatedAt: now }),
    );
  }

  /**
   * A cheap fingerprint of everything the mirror follows (workshops made, edited, cancelled; chapters
   * bound or unbound on the platform): when it changes, a reconcile is due. One aggregate query.
   */
  async fingerprint(platform: string): Promise<string> {
    const w = await this.store.manager
      .getRepository(Workshop)
      .createQueryBuilder('w')
      .select('COUNT(*)', 'n')
      .addSelect('COALESCE(MAX(w.id), 0)', 'last')
      .addSelect('COALESCE(SUM(w.revision), 0)', 'revisions')
      .addSelect("COALESCE(SUM(CASE WHEN w.status = 'cancelled' THEN 1 ELSE 0 END), 0)", 'cancelled')
      .getRawOne<Record<string, unknown>>();
    const b = await this.store.manager
      .getRepository(ChapterBinding)
      .createQueryBuilder('b')
      .select('COUNT(*)', 'n')
      .addSelect('COALESCE(SUM(b.id), 0)', 'ids')
      .addSelect('COALESCE(SUM(b.chapterId), 0)', 'chapters')
      .where('b.platform = :platform', { platform })
      .getRawOne<Record<string, unknown>>();
    return JSON.stringify([w, b].map((r) => Object.values(r ?? {}).map(String)));
  }
}
