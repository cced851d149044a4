import { type EntityManager, In } from 'typeorm';
import type { Member } from '../../../entities/Member.js';
import { Workshop } from '../../../entities/Workshop.js';
import { type SignupRole, type SignupState, WorkshopSignup } from '../../../entities/WorkshopSignup.js';
import type { Clock } from '../../core/clock.js';
import type { Person } from '../../core/types.js';
import type { Store } from '../../db/store.js';

export interface Counts {
  readonly coachesWaiting: number;
  readonly learnersWaiting: number;
}

export interface RosterEntry {
  readonly member: Member;
  readonly role: SignupRole;
  readonly state: SignupState;
  /** A learner's profile, for the workshop's coaches and moderators only. */
  readonly profile?: Pick<WorkshopSignup, 'level' | 'goal' | 'language' | 'groupNumber'>;
}

/** Who is signed up where: reads of the signups, outside any transaction. */
export class Rosters {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Everyone signed up for the workshop, in any role and state, in order of signing up. */
  async of(id: number, em: EntityManager = this.store.manager): Promise<RosterEntry[]> {
    const signups = await em
      .getRepository(WorkshopSignup)
      .find({ where: { workshopId: id }, relations: { member: true }, order: { id: 'ASC' } });
    return signups.map((s) => ({
      member: s.member!,
      role: s.role,
      state: s.state,
      profile: { level: s.level, goal: s.goal, language: s.language, groupNumber: s.groupNumber },
    }));
  }

  /** Waitlist lengths (what `show` and `list` print besides the counters). */
  async counts(ids: readonly number[]): Promise<Map<number, Counts>> {
    const rows: { workshopId: number | string; role: SignupRole; n: number | string }[] = ids.length
      ? await this.store.manager
          .getRepository(WorkshopSignup)
          .createQueryBuilder('s')
          .select('s.workshopId', 'workshopId')
          .addSelect('s.role', 'role')
          .addSelect('COUNT(*)', 'n')
          .where({ workshopId: In([...ids]), state: 'waiting' })
          .groupBy('s.workshopId')
          .addGroupBy('s.role')
          .getRawMany()
      : [];
    const out = new Map<number, Counts>(ids.map((id) => [id, { coachesWaiting: 0, learnersWaiting: 0 }]));
    for (const r of rows) {
      const c = out.get(Number(r.workshopId))!;
      out.set(Number(r.workshopId), r.role === 'coach' ? { ...c, coachesWaiting: Number(r.n) } : { ...c, learnersWaiting: Number(r.n) });
    }
    return out;
  }

  /** Whether the actor holds a claimed coach slot at the workshop (they may see its roster). */
  async isCoachOf(actor: Person, id: number): Promise<boolean> {
    const row = await this.store.manager
      .getRepository(WorkshopSignup)
      .createQueryBuilder('s')
      .innerJoin('s.member', 'm')
      .where('s.workshopId = :id AND s.role = :role AND s.state = :state', { id, role: 'coach', state: 'confirmed' })
      .andWhere('m.platform = :platform AND m.workspace = :workspace AND m.userId = :userId', {
        platform: actor.platform,
        workspace: actor.workspace,
        userId: actor.id,
      })
      .getOne();
    return row !== null;
  }

  /** Upcoming workshops where the member holds a claimed coach slot. */
  async claimedUpcoming(memberId: number): Promise<Workshop[]> {
    return this.store.manager
      .getRepository(Workshop)
      .createQueryBuilder('w')
      .innerJoinAndSelect('w.chapter', 'c')
      .innerJoin(WorkshopSignup, 's', 's.workshopId = w.id')
      .where('s.memberId = :memberId AND s.role = :role AND s.state = :state', { memberId, role: 'coach', state: 'confirmed' })
      .andWhere('w.status = :status AND w.startsAt > :now', { status: 'scheduled', now: this.clock.now().getTime() })
      .orderBy('w.startsAt', 'ASC')
      .getMany();
  }

  /** Upcoming workshops where the member has a signup in any role or state (a retiring coach leaves them). */
  async upcomingSignups(memberId: number, role: SignupRole): Promise<number[]> {
    const rows = await this.store.manager
      .getRepository(WorkshopSignup)
      .createQueryBuilder('s')
      .innerJoin('s.workshop', 'w')
      .where('s.memberId = :memberId AND s.role = :role', { memberId, role })
      .andWhere('w.status = :status AND w.startsAt > :now', { status: 'scheduled', now: this.clock.now().getTime() })
      .getMany();
    return rows.map((r) => r.workshopId);
  }
}
