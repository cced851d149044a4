import { Attendance } from '../../../entities/Attendance.js';
import { Coach } from '../../../entities/Coach.js';
import { CoachInvitation } from '../../../entities/CoachInvitation.js';
import { Member } from '../../../entities/Member.js';
import type { Workshop } from '../../../entities/Workshop.js';
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

  /** The one invitation to coach, once a learner has attended enough workshops and is not a coach yet. */
  private async inviteToCoach(member: Member): Promise<boolean> {
    const attended = await this.store.manager.getRepository(Attendance).countBy({ memberId: member.id, role: 'learner', present: true });
    if (attended < this.config.workshops.inviteToCoachAfter) return false;
    const coach = await this.store.manager.getRepository(Coach).findOneBy({ memberId: member.id });
    if (coach && coach.status !== 'retired') return false;
    try {
      await this.store.transaction((em) => em.insert(CoachInvitation, { memberId: member.id, sentAt: this.clock.now() }));
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
    await this.notices.inviteToCoach(member, attended);
    return true;
  }

  /** A member's record: workshops attended as a learner, workshops coached, and what is coming. */
  async progress(actor: Person): Promise<ProgressReport> {
    const member = await this.store.manager
      .getRepository(Member)
      .findOneBy({ platform: actor.platform, workspace: actor.workspace, userId: actor.id });
    if (!member) return { attended: [], coached: [], upcoming: [] };
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
    return { attended: attended.sort(byStart), coached: [...coached.values()].sort(byStart), upcoming };
  }
}
