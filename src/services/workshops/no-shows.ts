import { type EntityManager, IsNull, LessThanOrEqual, MoreThan } from 'typeorm';
import { Attendance } from '../../../entities/Attendance.js';
import { Chapter } from '../../../entities/Chapter.js';
import { Member } from '../../../entities/Member.js';
import { NoShow } from '../../../entities/NoShow.js';
import { Workshop } from '../../../entities/Workshop.js';
import { WorkshopSignup } from '../../../entities/WorkshopSignup.js';
import type { Clock } from '../../core/clock.js';
import { UserError } from '../../core/errors.js';
import type { Person } from '../../core/types.js';
import type { SettingsCache } from '../../db/settings-cache.js';
import type { Store } from '../../db/store.js';
import type { WorkshopNotices } from './notices.js';
import { lockOpen, settle } from './signups.js';

/** No-shows, fairly (issue "Fair sign-ups"): the records, the chapters' policy and the cool-down it leads to. */

export const NO_SHOW_DEFAULTS = { limit: 3, windowDays: 180, cooldownDays: 30 } as const;
const DAY_MS = 86_400_000;

export interface NoShowPolicy {
  readonly limit: number;
  readonly windowDays: number;
  readonly cooldownDays: number;
}

export const policyOf = (c: Pick<Chapter, 'noShowLimit' | 'noShowWindowDays' | 'noShowCooldownDays'>): NoShowPolicy => ({
  limit: c.noShowLimit ?? NO_SHOW_DEFAULTS.limit,
  windowDays: c.noShowWindowDays ?? NO_SHOW_DEFAULTS.windowDays,
  cooldownDays: c.noShowCooldownDays ?? NO_SHOW_DEFAULTS.cooldownDays,
});

/**
 * The end of the member's cool-down in the chapter, or null when there is none now: with at least the
 * chapter's limit of records that are neither cleared nor expired, it runs for the chapter's cool-down days
 * from the latest of them. A record expiring or cleared can end it early; that is the point of expiry.
 */
export async function coolDownUntil(em: EntityManager, memberId: number, chapterId: number, now: Date): Promise<Date | null> {
  const chapter = await em.findOneBy(Chapter, { id: chapterId });
  if (!chapter) return null;
  const live = await em.find(NoShow, {
    where: { memberId, chapterId, clearedAt: IsNull(), expiresAt: MoreThan(now) as never },
    order: { at: 'DESC' },
  });
  return coolDownFrom(chapter, { count: live.length, latest: live[0]?.at ?? null }, now);
}

/** `coolDownUntil` from the member's live records in the chapter as counted elsewhere: how many, and the latest one's time. */
export function coolDownFrom(
  chapter: Pick<Chapter, 'noShowLimit' | 'noShowWindowDays' | 'noShowCooldownDays'>,
  live: { readonly count: number; readonly latest: Date | null },
  now: Date,
): Date | null {
  const policy = policyOf(chapter);
  if (live.count < policy.limit || !live.latest) return null;
  const until = new Date(live.latest.getTime() + policy.cooldownDays * DAY_MS);
  return until.getTime() > now.getTime() ? until : null;
}

/**
 * A confirmed learner gave their seat up: less than the cutoff before the start, it is counted on the
 * workshop for the chapter's report (not punished). Runs in the withdrawal's transaction, under its lock.
 */
export async function noteLateLeave(em: EntityManager, w: Workshop, now: Date, cutoffHours: number): Promise<void> {
  if (w.startsAt.getTime() - now.getTime() >= cutoffHours * 3_600_000) return;
  await em
    .createQueryBuilder()
    .update(Workshop)
    .set({ lateLeaves: () => '"lateLeaves" + 1' })
    .where('id = :id', { id: w.id })
    .execute();
}

/** A member's own records (not expired) and any cool-downs, for `/progress`. */
export interface MyNoShows {
  readonly records: NoShow[];
  readonly coolDowns: { chapter: Chapter; until: Date }[];
}

export class NoShows {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly cutoffHours: number,
    /** "Has check-in" as the workshop day defines it (`WorkshopDay.hasCheckin`). */
    private readonly hasCheckin: (workshopId: number) => Promise<boolean>,
    private readonly notices: WorkshopNotices,
    /** The chapters cached per process: a policy change drops them. */
    private readonly settings: SettingsCache,
  ) {}

  /**
   * The scheduler's step: records the no-shows of workshops that ended, once each (the workshop's
   * `noShowsRecordedAt` is set by a conditional update in the same transaction as the records, so of two
   * processes one records); drops expired records; lets learners whose cool-down ended move up.
   * Cancelled workshops are never looked at; workshops without check-in are marked and get no records.
   */
  async tick(): Promise<number> {
    const now = this.clock.now();
    const due = await this.store.manager.find(Workshop, {
      where: { status: 'scheduled', noShowsRecordedAt: IsNull(), endsAt: LessThanOrEqual(now) as never },
      order: { endsAt: 'ASC' },
      take: 20,
    });
    let recorded = 0;
    for (const w of due) recorded += await this.record(w, now);
    await this.store.transaction((em) => em.delete(NoShow, { expiresAt: LessThanOrEqual(now) as never }));
    await this.releaseEndedHolds(now);
    return recorded;
  }

  private async record(w: Workshop, now: Date): Promise<number> {
    const checked = await this.hasCheckin(w.id);
    return this.store.transaction(async (em) => {
      const claimed = await em.update(Workshop, { id: w.id, noShowsRecordedAt: IsNull() }, { noShowsRecordedAt: now });
      if (claimed.affected !== 1 || !checked) return 0;
      const chapter = await em.findOneByOrFail(Chapter, { id: w.chapterId });
      const { windowDays } = policyOf(chapter);
      const signups = await em.findBy(WorkshopSignup, { workshopId: w.id, role: 'learner', state: 'confirmed' });
      // Present rows are check-ins, walk-ins and moderators' corrections alike.
      const present = new Set((await em.findBy(Attendance, { workshopId: w.id, present: true })).map((a) => a.memberId));
      // Promoted less than the cutoff before the start, a learner could not be expected to plan for it.
      const latest = w.startsAt.getTime() - this.cutoffHours * 3_600_000;
      const missing = signups.filter((s) => !present.has(s.memberId) && (s.confirmedAt ?? s.createdAt).getTime() <= latest);
      for (const s of missing)
        await em
          .createQueryBuilder()
          .insert()
          .into(NoShow)
          .values({
            chapterId: w.chapterId,
            workshopId: w.id,
            memberId: s.memberId,
            at: w.endsAt,
            expiresAt: new Date(w.endsAt.getTime() + windowDays * DAY_MS),
            clearedAt: null,
            clearReason: null,
          })
          .orIgnore()
          .execute();
      return missing.length;
    });
  }

  /** Waiting learners whose cool-down ended: their hold goes and their workshop settles (they may move up). */
  private async releaseEndedHolds(now: Date): Promise<void> {
    const ended = await this.store.manager.find(WorkshopSignup, {
      where: { state: 'waiting', heldUntil: LessThanOrEqual(now) as never },
      take: 50,
    });
    for (const workshopId of new Set(ended.map((s) => s.workshopId))) {
      try {
        await this.store.transaction(async (em) => {
          await lockOpen(em, workshopId, this.clock);
          await em.update(WorkshopSignup, { workshopId, state: 'waiting', heldUntil: LessThanOrEqual(now) as never }, { heldUntil: null });
          const moves = await settle(em, workshopId, { now });
          const workshop = await em.findOneOrFail(Workshop, { where: { id: workshopId }, relations: { chapter: true } });
          await this.notices.moved(em, workshop, moves, null);
        });
      } catch (err) {
        // Begun or cancelled meanwhile: nobody moves up any more; the hold can go.
        if (!(err instanceof UserError)) throw err;
        await this.store.transaction((em) =>
          em.update(WorkshopSignup, { workshopId, heldUntil: LessThanOrEqual(now) as never }, { heldUntil: null }),
        );
      }
    }
  }

  /** Sets a chapter's policy; options left out keep their value. */
  async setPolicy(chapter: Chapter, change: Partial<NoShowPolicy>): Promise<NoShowPolicy> {
    await this.store.transaction(async (em) => {
      await this.settings.changed(em);
      await em.update(
        Chapter,
        { id: chapter.id },
        {
          ...(change.limit !== undefined ? { noShowLimit: change.limit } : {}),
          ...(change.windowDays !== undefined ? { noShowWindowDays: change.windowDays } : {}),
          ...(change.cooldownDays !== undefined ? { noShowCooldownDays: change.cooldownDays } : {}),
        },
      );
    });
    return policyOf(await this.store.manager.findOneByOrFail(Chapter, { id: chapter.id }));
  }

  /** The member's records (not expired, cleared ones with their reason) and cool-downs: for them alone. */
  async mine(actor: Person): Promise<MyNoShows> {
    const now = this.clock.now();
    const member = await this.store.manager.findOneBy(Member, { platform: actor.platform, workspace: actor.workspace, userId: actor.id });
    if (!member) return { records: [], coolDowns: [] };
    return this.ofMember(member.id, now);
  }

  async ofMember(memberId: number, now = this.clock.now()): Promise<MyNoShows> {
    const records = await this.store.manager.find(NoShow, {
      where: { memberId, expiresAt: MoreThan(now) as never },
      relations: { workshop: true, chapter: true },
      order: { at: 'ASC' },
    });
    const coolDowns: { chapter: Chapter; until: Date }[] = [];
    for (const chapterId of new Set(records.map((r) => r.chapterId))) {
      const until = await coolDownUntil(this.store.manager, memberId, chapterId, now);
      if (until) coolDowns.push({ chapter: records.find((r) => r.chapterId === chapterId)!.chapter!, until });
    }
    return { records, coolDowns };
  }

  /** A moderator clears a member's record at a workshop, with the reason (the command audits it). */
  async clear(workshopId: number, who: Person, reason: string): Promise<NoShow> {
    const member = await this.store.manager.findOneBy(Member, { platform: who.platform, workspace: who.workspace, userId: who.id });
    const record = member && (await this.store.manager.findOneBy(NoShow, { workshopId, memberId: member.id }));
    if (!record) throw new UserError('noshow.clear.none', { id: workshopId });
    if (record.clearedAt) throw new UserError('noshow.clear.already', { id: workshopId });
    const cleared = await this.store.transaction(
      async (em) =>
        (await em.update(NoShow, { id: record.id, clearedAt: IsNull() }, { clearedAt: this.clock.now(), clearReason: reason.trim() }))
          .affected === 1,
    );
    if (!cleared) throw new UserError('noshow.clear.already', { id: workshopId });
    return { ...record, clearedAt: this.clock.now(), clearReason: reason.trim() };
  }

  /** The member's records with their workshops, for `/privacy export`. */
  exportOf(memberId: number): Promise<NoShow[]> {
    return this.store.manager.find(NoShow, { where: { memberId }, order: { id: 'ASC' } });
  }

  /** The latest end of a cool-down in force for the member, in any chapter (`/privacy delete` waits for it). */
  async activeCoolDown(memberId: number): Promise<Date | null> {
    const chapters = await this.store.manager.find(NoShow, { select: { chapterId: true }, where: { memberId } });
    let latest: Date | null = null;
    for (const chapterId of new Set(chapters.map((c) => c.chapterId))) {
      const until = await coolDownUntil(this.store.manager, memberId, chapterId, this.clock.now());
      if (until && (!latest || until > latest)) latest = until;
    }
    return latest;
  }
}
