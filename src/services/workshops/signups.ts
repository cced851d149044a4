import { Brackets, type EntityManager, IsNull, LessThanOrEqual } from 'typeorm';
import { Chapter } from '../../../entities/Chapter.js';
import { Coach } from '../../../entities/Coach.js';
import { Member } from '../../../entities/Member.js';
import { Workshop } from '../../../entities/Workshop.js';
import { HOLDS_SEAT, type LearnerLevel, type SignupRole, type SignupState, WorkshopSignup } from '../../../entities/WorkshopSignup.js';
import type { Clock } from '../../core/clock.js';
import { UserError } from '../../core/errors.js';
import type { Person } from '../../core/types.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { Store } from '../../db/store.js';
import type { MemberService } from '../members.js';
import type { WorkshopNotices } from './notices.js';
import { offerDeadline } from './offer-rules.js';
import { coolDownUntil, noteLateLeave } from './no-shows.js';
import { assertWindowOpen } from './windows.js';

/** What a learner says of themselves on joining (`level:`, `goal:`, `language:`); each may be left out. */
export interface LearnerProfile {
  readonly level?: LearnerLevel;
  readonly goal?: string;
  readonly language?: string;
}

export interface SignupResult {
  readonly workshop: Workshop;
  /** `updated`: the learner was signed up already and changed their profile. */
  readonly state: SignupState | 'updated';
  /** 1-based place on the waitlist when waiting. */
  readonly position?: number;
  /** No-shows: waiting because of a no-show cool-down, which ends then. */
  readonly heldUntil?: Date;
}

/** A change of someone's place, to tell them: promoted from a waitlist, or moved back onto it. */
export interface Move {
  readonly signupId: number;
  readonly memberId: number;
  readonly role: SignupRole;
  readonly to: SignupState;
  /** For `offered`: until when the offer waits. */
  readonly until?: Date;
}

// The capacity rules as SQL conditions on the workshop row; exported for the raw-driver benchmark
// (scripts/bench/orm-vs-raw.ts), which must run the same statements.

/** A column of the workshop row, quoted for raw SQL (PostgreSQL folds unquoted names to lower case). */
export const column = (name: string) => `"${name}"`;
/** The counter on the workshop row that counts each role's confirmed signups. */
export const COUNTER_COLUMN = { coach: 'coachesClaimed', learner: 'learnersConfirmed' } as const;
export const COACH_OVERFLOW = `${column('coachesClaimed')} > ${column('coachSlots')}`;
export const COACH_ROOM = `${column('coachesClaimed')} < ${column('coachSlots')}`;
/** Confirmed learners may grow while below the capacity and, with the strict ratio, below claimed slots × ratio. */
export const LEARNER_ROOM =
  `${column('learnersConfirmed')} < ${column('learnerCapacity')} AND ` +
  `(NOT ${column('strictRatio')} OR ${column('learnersConfirmed')} < ${column('coachesClaimed')} * ${column('learnersPerCoach')})`;
export const LEARNER_OVERFLOW =
  `(${column('learnersConfirmed')} > ${column('learnerCapacity')} OR ` +
  `(${column('strictRatio')} AND ${column('learnersConfirmed')} > ${column('coachesClaimed')} * ${column('learnersPerCoach')}))`;

/**
 * Locks the workshop's row for the rest of the transaction (PostgreSQL; SQLite's transactions are serial anyway)
 * and checks it is open: not cancelled, not started.
 */
export async function lockOpen(em: EntityManager, id: number, clock: Clock): Promise<Workshop> {
  const qb = em.createQueryBuilder(Workshop, 'w').where('w.id = :id', { id });
  if (em.connection.options.type === 'postgres') qb.setLock('pessimistic_write');
  const w = await qb.getOne();
  if (!w) throw new UserError('workshop.not_found', { id });
  if (w.status === 'cancelled') throw new UserError('workshop.cancelled', { id: w.id });
  if (w.startsAt.getTime() <= clock.now().getTime()) throw new UserError('workshop.past', { id: w.id });
  return w;
}

/**
 * Brings a locked workshop's signups in line with its counters' limits: first waiting
 * coaches into free slots, then waiting learners into allowed seats, in arrival order;
 * when limits shrank (an edit, a release without a replacement), the last confirmed move
 * back to the front of their waitlist. Every step is a conditional update of the counter.
 *
 * With `offer` (a learner gave a seat up, at `now`), a waiting learner moving up is offered the seat
 * (`offered`, held in the counter) rather than given it, unless the start is too near to ask
 * (see offer-rules.ts); a shrinking workshop takes back seats on offer before confirmed ones.
 * No-shows: a learner held by a cool-down (`heldUntil` after `now`; without `now`, any hold) is passed
 * over, keeping their place for when it ends; `confirmedAt` records each promotion at `now`.
 */
export async function settle(em: EntityManager, id: number, options: { now?: Date; offer?: boolean } = {}): Promise<Move[]> {
  const { now } = options;
  const moves: Move[] = [];
  const until = options.offer && now ? offerDeadline(await em.findOneByOrFail(Workshop, { id }), now) : null;
  const moveOne = async (role: SignupRole, direction: 'up' | 'down', condition: string): Promise<boolean> => {
    const last = (state: SignupState) => em.findOne(WorkshopSignup, { where: { workshopId: id, role, state }, order: { id: 'DESC' } });
    const waiting = { workshopId: id, role, state: 'waiting' as const };
    const next =
      direction === 'up'
        ? await em.findOne(WorkshopSignup, {
            where:
              role === 'learner'
                ? [{ ...waiting, heldUntil: IsNull() }, ...(now ? [{ ...waiting, heldUntil: LessThanOrEqual(now) as never }] : [])]
                : waiting,
            order: { id: 'ASC' },
          })
        : ((await last('offered')) ?? (await last('confirmed')));
    if (!next) return false;
    const counter = column(COUNTER_COLUMN[role]);
    const moved = await em
      .createQueryBuilder()
      .update(Workshop)
      .set({ [COUNTER_COLUMN[role]]: () => (direction === 'up' ? `${counter} + 1` : `${counter} - 1`) })
      .where('id = :id', { id })
      .andWhere(new Brackets((b) => b.where(condition)))
      .execute();
    if (moved.affected !== 1) return false;
    const offer = direction === 'up' && role === 'learner' && until ? until : null;
    const to: SignupState = direction === 'down' ? 'waiting' : offer ? 'offered' : 'confirmed';
    await em.update(
      WorkshopSignup,
      { id: next.id },
      { state: to, offerExpiresAt: offer, confirmedAt: to === 'confirmed' ? (now ?? null) : null },
    );
    moves.push({ signupId: next.id, memberId: next.memberId, role, to, ...(offer ? { until: offer } : {}) });
    return true;
  };
  while (await moveOne('coach', 'down', COACH_OVERFLOW));
  while (await moveOne('coach', 'up', COACH_ROOM));
  while (await moveOne('learner', 'down', LEARNER_OVERFLOW));
  while (await moveOne('learner', 'up', LEARNER_ROOM));
  // A member moved up and back down in one settle ends where they began: tell nobody.
  return moves.filter((m, i) => !moves.some((o, j) => j !== i && o.memberId === m.memberId && o.role === m.role));
}

/** Whether a learner's join now enters the workshop's lottery pool: a lottery not yet drawn. */
export const inPoolPhase = (w: Pick<Workshop, 'allocation' | 'drawnAt'>): boolean => w.allocation === 'lottery' && !w.drawnAt;

/** Inserts a signup with no profile and no group, unless `fields` give them. */
export function insertSignup(
  em: EntityManager,
  fields: Pick<WorkshopSignup, 'workshopId' | 'memberId' | 'role' | 'state' | 'createdAt'> &
    Partial<Pick<WorkshopSignup, 'level' | 'goal' | 'language' | 'confirmedAt' | 'heldUntil'>>,
): Promise<WorkshopSignup> {
  const none = {
    level: null,
    goal: null,
    language: null,
    groupNumber: null,
    groupPinned: false,
    offerExpiresAt: null,
    confirmedAt: null,
    heldUntil: null,
  };
  return em.save(em.create(WorkshopSignup, { ...none, ...fields }));
}

/** A waiting signup's 1-based place on its role's waitlist. */
export async function waitlistPosition(em: EntityManager, signup: WorkshopSignup): Promise<number> {
  const ahead = await em
    .getRepository(WorkshopSignup)
    .createQueryBuilder('s')
    .where('s.workshopId = :w AND s.role = :role AND s.state = :state AND s.id < :id', {
      w: signup.workshopId,
      role: signup.role,
      state: 'waiting',
      id: signup.id,
    })
    .getCount();
  return ahead + 1;
}

/**
 * Coach slot claims and learner seats with their waitlists.
 *
 * Every change of a workshop's signups runs in one transaction that first locks the
 * workshop's row (`lockOpen`: `SELECT ... FOR UPDATE` on PostgreSQL; SQLite has one writer), so
 * claims, joins and releases of one workshop happen one after another, in arrival order, across
 * processes. The capacity itself is checked by the
 * database: the counters on the workshop row only move by conditional updates (`SET
 * coachesClaimed = coachesClaimed + 1 WHERE coachesClaimed < coachSlots`); a newcomer is
 * inserted as waiting and promoted by the same `settle` step that promotes anyone else, so
 * nobody overtakes the line.
 */
export class Signups {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly members: MemberService,
    private readonly notices: WorkshopNotices,
    /** NO_SHOW_CUTOFF_HOURS: a confirmed learner leaving later than this before the start is a late leave. */
    private readonly noShowCutoffHours: number,
  ) {}

  /**
   * A coach claims a slot, or joins the coach waitlist when all are taken. Checks and
   * writes are one transaction, queued at the call: arrival order is the order of calls
   * in one process, and the order of the workshop row's lock between processes.
   */
  claim(actor: Person, id: number): Promise<SignupResult> {
    return this.signUp(id, 'coach', async (em) => {
      const member = await em.findOneBy(Member, { platform: actor.platform, workspace: actor.workspace, userId: actor.id });
      const coach = member && (await em.findOneBy(Coach, { memberId: member.id }));
      if (!member || !coach || coach.status === 'retired') throw new UserError('workshop.claim.not_coach');
      if (coach.status === 'paused') throw new UserError('workshop.claim.paused');
      return member;
    });
  }

  /**
   * A learner takes a seat, or joins the learner waitlist; their member row is created with it,
   * and their profile kept on the signup. Joining again with a profile changes the profile.
   */
  join(actor: Person, id: number, locale?: string, profile: LearnerProfile = {}): Promise<SignupResult> {
    const fields = {
      ...(profile.level !== undefined ? { level: profile.level } : {}),
      ...(profile.goal !== undefined ? { goal: profile.goal.trim() || null } : {}),
      ...(profile.language !== undefined ? { language: profile.language.trim().toLowerCase() || null } : {}),
    };
    return this.signUp(id, 'learner', (em) => this.members.ensureIn(em, actor, locale), Object.keys(fields).length ? fields : undefined);
  }

  /** Gives a slot or seat up (or leaves the waitlist); the first one waiting in that role is promoted. */
  async withdraw(actor: Person, id: number, role: SignupRole): Promise<SignupState> {
    const member = await this.store.manager
      .getRepository(Member)
      .findOneBy({ platform: actor.platform, workspace: actor.workspace, userId: actor.id });
    const { state } = await this.store.transaction(async (em) => {
      const locked = await lockOpen(em, id, this.clock);
      const signup = member && (await em.findOneBy(WorkshopSignup, { workshopId: id, memberId: member.id, role }));
      if (!signup) throw new UserError(`workshop.${role}.not_signed_up`, { id });
      await em.delete(WorkshopSignup, { id: signup.id });
      if (HOLDS_SEAT.includes(signup.state)) {
        const counter = column(COUNTER_COLUMN[role]);
        await em
          .createQueryBuilder()
          .update(Workshop)
          .set({ [COUNTER_COLUMN[role]]: () => `${counter} - 1` })
          .where('id = :id', { id })
          .execute();
        // No-shows: counted for the chapter's report when late, never punished.
        if (role === 'learner') await noteLateLeave(em, locked, this.clock.now(), this.noShowCutoffHours);
      }
      // A learner's seat freed up: the first waiting learner is offered it (waitlist offers).
      const moves = await settle(em, id, { now: this.clock.now(), offer: role === 'learner' });
      const workshop = await em.findOneOrFail(Workshop, { where: { id }, relations: { chapter: true } });
      await this.notices.moved(em, workshop, moves, null);
      return { state: signup.state };
    });
    return state;
  }

  private async signUp(
    id: number,
    role: SignupRole,
    who: (em: EntityManager) => Promise<Member>,
    profile?: Partial<Pick<WorkshopSignup, 'level' | 'goal' | 'language'>>,
  ): Promise<SignupResult> {
    try {
      const result = await this.store.transaction(async (em) => {
        const { result, moves, member } = await this.joinOrClaim(em, id, role, who, profile);
        result.workshop.chapter = await em.findOneByOrFail(Chapter, { id: result.workshop.chapterId });
        await this.notices.moved(em, result.workshop, moves, member.id);
        return result;
      });
      return result;
    } catch (err) {
      // Two sign-ups by one member racing: the unique key lets one through.
      if (isUniqueViolation(err)) throw new UserError(`workshop.${role}.twice`, { id });
      throw err;
    }
  }

  /** A join or claim in the caller's transaction: the sign-up, the seats settled, who else moved. */
  private async joinOrClaim(
    em: EntityManager,
    id: number,
    role: SignupRole,
    who: (em: EntityManager) => Promise<Member>,
    profile?: Partial<Pick<WorkshopSignup, 'level' | 'goal' | 'language'>>,
  ): Promise<{ result: SignupResult; moves: Move[]; member: Member }> {
    const locked = await lockOpen(em, id, this.clock);
    const member = await who(em);
    const existing = await em.findOneBy(WorkshopSignup, { workshopId: id, memberId: member.id });
    if (existing?.role === role && profile) {
      await em.update(WorkshopSignup, { id: existing.id }, profile);
      return { result: { workshop: await em.findOneByOrFail(Workshop, { id }), state: 'updated' as const }, moves: [], member };
    }
    if (existing) throw new UserError(existing.role === role ? `workshop.${role}.twice` : `workshop.${role}.other_role`, { id });
    // Sign-up windows (issue "Fair sign-ups"): a new claim or join only while its window is open.
    await assertWindowOpen(em, locked, role, this.clock.now());
    // No-shows: a learner in a cool-down in this chapter waits, passed over by `settle` until it ends.
    const heldUntil = role === 'learner' ? await coolDownUntil(em, member.id, locked.chapterId, this.clock.now()) : null;
    // Before a lottery's draw, a learner's join enters its pool (lottery.ts).
    const pool = role === 'learner' && inPoolPhase(locked);
    const signup = await insertSignup(em, {
      workshopId: id,
      memberId: member.id,
      role,
      state: pool ? 'pool' : 'waiting',
      createdAt: this.clock.now(),
      heldUntil,
      ...profile,
    });
    if (pool) return { result: { workshop: locked, state: 'pool' as const }, moves: [], member };
    // Seats go directly here: a newcomer finds room only when nobody waits, and learners promoted
    // because a coach's claim made room were told they get a message "when yours is confirmed".
    const moves = await settle(em, id, { now: this.clock.now() });
    const mine = moves.find((m) => m.memberId === member.id);
    const workshop = await em.findOneByOrFail(Workshop, { id });
    if (mine?.to === 'confirmed') {
      return { result: { workshop, state: 'confirmed' as const }, moves: moves.filter((m) => m !== mine), member };
    }
    const position = await waitlistPosition(em, signup);
    return { result: { workshop, state: 'waiting' as const, position, ...(heldUntil ? { heldUntil } : {}) }, moves, member };
  }
}
