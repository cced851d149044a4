import { IsNull } from 'typeorm';
import { Attendance } from '../../../entities/Attendance.js';
import { Coach } from '../../../entities/Coach.js';
import { CoachInvitation } from '../../../entities/CoachInvitation.js';
import { Member } from '../../../entities/Member.js';
import { Share } from '../../../entities/Share.js';
import { Workshop } from '../../../entities/Workshop.js';
import { type SignupRole, type SignupState, WorkshopSignup } from '../../../entities/WorkshopSignup.js';
import type { Config } from '../../config.js';
import type { Clock } from '../../core/clock.js';
import { UserError } from '../../core/errors.js';
import type { Person } from '../../core/types.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { Store } from '../../db/store.js';
import type { WorkshopNotices } from './notices.js';
import type { RosterEntry, Rosters } from './roster.js';

/** Who was recorded present, and which learners got their invitation to coach with it. */
export interface AttendanceRecorded {
  readonly recorded: RosterEntry[];
  readonly removed: RosterEntry[];
  readonly invited: Member[];
}

/** A member's record: workshops attended as a learner, workshops coached, and what is coming. */
export interface ProgressReport {
  readonly attended: Workshop[];
  readonly coached: Workshop[];
  readonly upcoming: { workshop: Workshop; role: SignupRole; state: SignupState }[];
  /** Their shared projects, not hidden ones, oldest first. */
  readonly shares: Share[];
  /** What INVITE_TO_COACH_AFTER counts: the workshops attended as a learner, and one more for each of them with a share. */
  readonly credits: number;
  /** Whether they are a coach (active or paused; a retired coach may volunteer again). */
  readonly coach: boolean;
  /** A workshop to go to next (see `next`), or null when none is planned. */
  readonly next: { workshop: Workshop; byTopic: string | null } | null;
}

/** How a learner's workshops count towards the invitation to coach. */
export interface Credits {
  /** Workshops attended as a learner (present). */
  readonly attended: number;
  /** Of those, the workshops with a share of theirs that is not hidden: each counts once more, however many shares it has. */
  readonly shared: number;
}

/** Attendance at workshops that took place, the invitation to coach it leads to, and a member's progress report. */
export class ProgressRecords {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly config: Config,
    private readonly rosters: Rosters,
    private readonly notices: WorkshopNotices,
    /** The workshop with its chapter; an unknown id is a UserError. */
    private readonly get: (id: number) => Promise<Workshop>,
  ) {}

  /**
   * A moderator's correction: who was present and who was not (members signed up in any role,
   * matched by platform id or display name), over what they checked in as; a correction has the
   * last word (a later check-in does not undo an "absent"). All named must be signed up, or nothing
   * is written. Learners who reach INVITE_TO_COACH_AFTER attended workshops get their one invitation to coach.
   */
  async recordAttendance(id: number, present: readonly string[], absent: readonly string[] = []): Promise<AttendanceRecorded> {
    const w = await this.get(id);
    if (w.status === 'cancelled') throw new UserError('workshop.cancelled', { id });
    if (w.startsAt.getTime() > this.clock.now().getTime()) throw new UserError('workshop.attendance.too_early', { id });
    const roster = await this.rosters.of(id);
    const unknown: string[] = [];
    const find = (names: readonly string[]): RosterEntry[] => {
      const out: RosterEntry[] = [];
      for (const name of names) {
        const key = name.toLowerCase();
        const found = roster.find((r) => r.member.userId === name) ?? roster.find((r) => r.member.displayName.toLowerCase() === key);
        if (!found) unknown.push(name);
        else if (!out.includes(found)) out.push(found);
      }
      return out;
    };
    const recorded = find(present);
    const removed = find(absent).filter((r) => !recorded.includes(r));
    if (unknown.length) throw new UserError('workshop.attendance.unknown', { id, names: unknown.join(', ') });
    await this.store.transaction(async (em) => {
      for (const [entries, isPresent] of [
        [recorded, true],
        [removed, false],
      ] as const) {
        for (const r of entries) {
          await em
            .createQueryBuilder()
            .insert()
            .into(Attendance)
            .values({
              workshopId: id,
              memberId: r.member.id,
              role: r.role,
              recordedAt: this.clock.now(),
              source: 'correction',
              present: isPresent,
            })
            .orUpdate(['role', 'recordedAt', 'source', 'present'], ['workshopId', 'memberId'])
            .execute();
        }
      }
    });
    const invited: Member[] = [];
    for (const r of recorded.filter((x) => x.role === 'learner')) {
      if (await this.inviteToCoach(r.member)) invited.push(r.member);
    }
    return { recorded, removed, invited };
  }

  /** What counts towards the invitation to coach (issue "After the workshop": a share counts as one more attended workshop). */
  async credits(memberId: number): Promise<Credits> {
    const m = this.store.manager;
    const attended = await m.getRepository(Attendance).countBy({ memberId, role: 'learner', present: true });
    const row = await m
      .getRepository(Share)
      .createQueryBuilder('s')
      .select('COUNT(DISTINCT s.workshopId)', 'n')
      .innerJoin(
        Attendance,
        'a',
        'a.workshopId = s.workshopId AND a.memberId = s.memberId AND a.role = :learner AND a.present = :present',
        {
          learner: 'learner',
          present: true,
        },
      )
      .where('s.memberId = :memberId AND s.hiddenAt IS NULL', { memberId })
      .getRawOne<{ n: string | number }>();
    return { attended, shared: Number(row?.n ?? 0) };
  }

  /**
   * The one invitation to coach, once a learner's credits (attended workshops, and their shares of
   * them) reach INVITE_TO_COACH_AFTER and they are not a coach yet. True when it was sent now.
   */
  async inviteToCoach(member: Member): Promise<boolean> {
    const { attended, shared } = await this.credits(member.id);
    if (attended + shared < this.config.workshops.inviteToCoachAfter) return false;
    const coach = await this.store.manager.getRepository(Coach).findOneBy({ memberId: member.id });
    if (coach && coach.status !== 'retired') return false;
    try {
      // The invitation's row and its DM (an outbox row): one transaction, so it is sent exactly once.
      await this.store.transaction(async (em) => {
        await em.insert(CoachInvitation, { memberId: member.id, sentAt: this.clock.now() });
        await this.notices.inviteToCoach(member, attended, shared, em);
      });
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
    return true;
  }

  /**
   * A member's record: workshops attended as a learner, workshops coached, what is coming, their
   * shares, and a workshop to go to next. `here` is the chapter bound where they ask, if any: a
   * newcomer is shown its next workshop.
   */
  async progress(actor: Person, here: number | null = null): Promise<ProgressReport> {
    const member = await this.store.manager
      .getRepository(Member)
      .findOneBy({ platform: actor.platform, workspace: actor.workspace, userId: actor.id });
    if (!member) {
      const next = await this.next([], here === null ? [] : [here], []);
      return { attended: [], coached: [], upcoming: [], shares: [], credits: 0, coach: false, next };
    }
    const now = this.clock.now().getTime();
    const withChapter = { workshop: { chapter: true } } as const;
    const attendance = await this.store.manager
      .getRepository(Attendance)
      .find({ where: { memberId: member.id, present: true }, relations: withChapter });
    const signups = await this.store.manager.getRepository(WorkshopSignup).find({ where: { memberId: member.id }, relations: withChapter });
    const byStart = (a: Workshop, b: Workshop) => a.startsAt.getTime() - b.startsAt.getTime();
    const attended = attendance.filter((a) => a.role === 'learner').map((a) => a.workshop!);
    // Coached: recorded as present coach, or held a claimed slot at a workshop that took place.
    const coached = new Map<number, Workshop>();
    for (const a of attendance.filter((x) => x.role === 'coach')) coached.set(a.workshopId, a.workshop!);
    const tookPlace = (w: Workshop) => w.status === 'scheduled' && w.startsAt.getTime() <= now;
    for (const s of signups) {
      if (s.role === 'coach' && s.state === 'confirmed' && tookPlace(s.workshop!)) coached.set(s.workshopId, s.workshop!);
    }
    const upcoming = signups
      .filter((s) => s.workshop!.status === 'scheduled' && s.workshop!.startsAt.getTime() > now)
      .map((s) => ({ workshop: s.workshop!, role: s.role, state: s.state }))
      .sort((a, b) => byStart(a.workshop, b.workshop));
    const shares = await this.store.manager
      .getRepository(Share)
      .find({ where: { memberId: member.id, hiddenAt: IsNull() }, order: { id: 'ASC' } });
    const { attended: learned, shared } = await this.credits(member.id);
    const profile = await this.store.manager.getRepository(Coach).findOneBy({ memberId: member.id });
    attended.sort(byStart);
    // The chapters they know: those of the workshops they went to or signed up for, and the one bound where they ask.
    const chapters = [
      ...new Set([...attended.map((w) => w.chapterId), ...signups.map((s) => s.workshop!.chapterId), ...(here === null ? [] : [here])]),
    ];
    const next = await this.next(
      attended.map((w) => w.topic),
      chapters,
      signups.map((s) => s.workshopId),
    );
    return {
      attended,
      coached: [...coached.values()].sort(byStart),
      upcoming,
      shares,
      credits: learned + shared,
      coach: !!profile && profile.status !== 'retired',
      next,
    };
  }

  /**
   * The next workshop to suggest, in the chapters the member knows: the earliest upcoming one on a
   * topic they attended before, else the earliest upcoming one; never one they are signed up for
   * already (in any role or state).
   */
  private async next(
    topics: readonly string[],
    chapters: readonly number[],
    signedUp: readonly number[],
  ): Promise<{ workshop: Workshop; byTopic: string | null } | null> {
    if (!chapters.length) return null;
    const find = (topic?: readonly string[]) => {
      const qb = this.store.manager
        .getRepository(Workshop)
        .createQueryBuilder('w')
        .innerJoinAndSelect('w.chapter', 'c')
        .where('w.status = :scheduled AND w.startsAt > :now', { scheduled: 'scheduled', now: this.clock.now().getTime() })
        .andWhere('w.chapterId IN (:...chapters)', { chapters })
        .orderBy('w.startsAt', 'ASC')
        .addOrderBy('w.id', 'ASC');
      if (signedUp.length) qb.andWhere('w.id NOT IN (:...signedUp)', { signedUp });
      if (topic) qb.andWhere('LOWER(w.topic) IN (:...topic)', { topic });
      return qb.getOne();
    };
    const known = [...new Set(topics.map((x) => x.trim().toLowerCase()))];
    const byTopic = known.length ? await find(known) : null;
    if (byTopic) return { workshop: byTopic, byTopic: byTopic.topic };
    const any = await find();
    return any ? { workshop: any, byTopic: null } : null;
  }
}
