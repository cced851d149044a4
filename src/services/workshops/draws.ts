import { coolDownUntil } from './no-shows.js';
import { type EntityManager, In, IsNull, LessThanOrEqual, MoreThan } from 'typeorm';
import { Attendance } from '../../../entities/Attendance.js';
import { Chapter } from '../../../entities/Chapter.js';
import { Member } from '../../../entities/Member.js';
import { Workshop } from '../../../entities/Workshop.js';
import { WorkshopSignup } from '../../../entities/WorkshopSignup.js';
import type { Clock } from '../../core/clock.js';
import { UserError } from '../../core/errors.js';
import { p } from '../../core/reply.js';
import type { Store } from '../../db/store.js';
import type { DirectMessages } from '../direct-messages.js';
import { drawOrder } from './lottery.js';
import { type WorkshopNotices, workshopWhen } from './notices.js';
import { insertSignup, lockOpen, settle, waitlistPosition } from './signups.js';

/** What `/workshop draw` shows: never a name, never a tier. */
export interface DrawInfo {
  readonly workshop: Workshop;
  readonly hash: string;
  readonly drawAt: Date;
  /** Null before the draw: the seed is revealed only then. */
  readonly seed: string | null;
  readonly drawnAt: Date | null;
  /** Entries in the pool now (before the draw) or at the draw. */
  readonly poolSize: number;
  /** Sign-up numbers (1 = first to join the pool) in draw order; null before the draw. */
  readonly order: number[] | null;
}

/** One pool member's result, for their DM. */
interface Result {
  readonly memberId: number;
  readonly seat: boolean;
  readonly position: number;
}

/** Whether the member is in a no-show cool-down in the chapter now (no-shows.ts), which puts them in the lottery's last tier. */
export async function inNoShowCooldown(em: EntityManager, memberId: number, chapterId: number, now: Date): Promise<boolean> {
  return (await coolDownUntil(em, memberId, chapterId, now)) !== null;
}

/**
 * Lottery draws (issue 21). Before the draw, learners' joins wait in the pool (state `pool`, not
 * counted); at the draw the pool is shuffled (lottery.ts) and put on the learner waitlist in draw
 * order, and `settle` gives the free seats to the first in line, as it does for any waitlist.
 *
 * The waitlist is ordered by signup id (WorkshopSignup): rather than add an order column that
 * every waitlist query would have to learn, the draw deletes the pool's rows and inserts them again
 * in draw order, keeping their join time and profile, so their ids follow the draw. Joins after the
 * draw get later ids: the end of the waitlist.
 *
 * Exactly once: the draw claims the workshop with `UPDATE ... SET drawnAt WHERE drawnAt IS NULL`
 * while holding the workshop row's lock; a second process (or a restart) finds it drawn.
 */
export class LotteryDraws {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly dms: DirectMessages,
    private readonly notices: WorkshopNotices,
  ) {}

  /** Draws every lottery whose time has come (the scheduler); returns how many this process drew. */
  async drawDue(): Promise<number> {
    const now = this.clock.now();
    const due = await this.store.manager.find(Workshop, {
      where: { allocation: 'lottery', drawnAt: IsNull(), drawAt: LessThanOrEqual(now), status: 'scheduled', startsAt: MoreThan(now) },
      order: { id: 'ASC' },
    });
    let drawn = 0;
    for (const w of due) if (await this.draw(w.id)) drawn++;
    return drawn;
  }

  /** Draws one workshop's lottery unless drawn already; true when this call drew it. */
  async draw(id: number): Promise<boolean> {
    const now = this.clock.now();
    const done = await this.store.transaction(async (em) => {
      let w: Workshop;
      try {
        w = await lockOpen(em, id, this.clock);
      } catch (err) {
        // Cancelled or started meanwhile: nothing to draw.
        if (err instanceof UserError) return null;
        throw err;
      }
      if (w.allocation !== 'lottery' || !w.lotterySeed) return null;
      if ((await em.update(Workshop, { id, drawnAt: IsNull() }, { drawnAt: now })).affected !== 1) return null;
      const pool = await em.find(WorkshopSignup, { where: { workshopId: id, role: 'learner', state: 'pool' }, order: { id: 'ASC' } });
      const chapter = await em.findOneByOrFail(Chapter, { id: w.chapterId });
      const tiers = await this.tiers(em, pool, chapter.lotteryFirstTimers, chapter.id, now);
      const order = drawOrder(w.lotterySeed, pool.length, tiers ? (k) => tiers[k - 1]! : undefined);
      if (pool.length) await em.delete(WorkshopSignup, { id: In(pool.map((s) => s.id)) });
      const again = new Map<number, WorkshopSignup>();
      for (const k of order) {
        // A member in a no-show cool-down keeps their hold: drawn last, and passed over by `settle` until it ends.
        const { workshopId, memberId, role, createdAt, level, goal, language, heldUntil } = pool[k - 1]!;
        again.set(
          memberId,
          await insertSignup(em, { workshopId, memberId, role, state: 'waiting', createdAt, level, goal, language, heldUntil }),
        );
      }
      // The seats go directly: the draw is the allocation, not a seat freeing up.
      const moves = await settle(em, id);
      await em.update(Workshop, { id }, { drawOrder: order.join(',') });
      const results: Result[] = [];
      for (const signup of again.values()) {
        const row = await em.findOneByOrFail(WorkshopSignup, { id: signup.id });
        results.push({
          memberId: row.memberId,
          seat: row.state === 'confirmed',
          position: row.state === 'waiting' ? await waitlistPosition(em, row) : 0,
        });
      }
      // The results are outbox rows of the draw's transaction: told exactly when the draw happened.
      const workshop = await em.findOneOrFail(Workshop, { where: { id }, relations: { chapter: true } });
      await this.notices.moved(
        em,
        workshop,
        moves.filter((m) => m.role === 'coach'),
        null,
      );
      const members = await em.findBy(Member, { id: In(results.map((r) => r.memberId)) });
      for (const r of results) {
        const member = members.find((m) => m.id === r.memberId);
        if (!member) continue;
        await this.dms.send(
          member,
          (t) => ({
            body: [
              p(
                r.seat
                  ? t('lottery.dm.seat', { id, title: workshop.title })
                  : t('lottery.dm.waiting', { id, title: workshop.title, position: r.position }),
              ),
              p(...workshopWhen(workshop, t)),
              p(t('lottery.dm.check', { example: `/workshop draw id:${id}` })),
            ],
          }),
          { chapterId: workshop.chapterId, kind: 'draw', subject: id },
          em,
        );
      }
      return true;
    });
    return done ?? false;
  }

  /**
   * Each pool entry's tier, in join order, or null without tiers: 0 first-timers (no attendance
   * recorded present, anywhere), 1 everyone else, 2 members in a no-show cool-down (always last).
   */
  private async tiers(
    em: EntityManager,
    pool: readonly WorkshopSignup[],
    firstTimers: boolean,
    chapterId: number,
    now: Date,
  ): Promise<number[] | null> {
    const tiers: number[] = [];
    for (const s of pool) {
      if (await inNoShowCooldown(em, s.memberId, chapterId, now)) tiers.push(2);
      else if (firstTimers && !(await em.existsBy(Attendance, { memberId: s.memberId, present: true }))) tiers.push(0);
      else tiers.push(1);
    }
    return tiers.some((tier) => tier !== 1) ? tiers : null;
  }

  /** The lottery's public facts (`/workshop draw`); a workshop without a lottery is a UserError. */
  async info(id: number): Promise<DrawInfo> {
    const workshop = await this.store.manager.findOne(Workshop, { where: { id }, relations: { chapter: true } });
    if (!workshop) throw new UserError('workshop.not_found', { id });
    if (workshop.allocation !== 'lottery' || !workshop.lotterySeedHash || !workshop.drawAt)
      throw new UserError('lottery.none', { id, title: workshop.title });
    const order = workshop.drawnAt && workshop.drawOrder !== null ? workshop.drawOrder.split(',').filter(Boolean).map(Number) : null;
    return {
      workshop,
      hash: workshop.lotterySeedHash,
      drawAt: workshop.drawAt,
      seed: workshop.drawnAt ? workshop.lotterySeed : null,
      drawnAt: workshop.drawnAt,
      poolSize: order ? order.length : await this.store.manager.countBy(WorkshopSignup, { workshopId: id, role: 'learner', state: 'pool' }),
      order,
    };
  }
}
