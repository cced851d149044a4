import { Brackets, type EntityManager, In, IsNull, LessThanOrEqual } from 'typeorm';
import { Coach } from '../../../entities/Coach.js';
import { Member } from '../../../entities/Member.js';
import { NoShow } from '../../../entities/NoShow.js';
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
import { coolDownFrom, noteLateLeave } from './no-shows.js';
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
export async function lockOpen(em: EntityManager, id: number, clock: Clock, options: { chapter?: boolean } = {}): Promise<Workshop> {
  const qb = em.createQueryBuilder(Workshop, 'w').where('w.id = :id', { id });
  // With its chapter (in the same statement); only the workshop's row is locked (`FOR UPDATE OF`).
  if (options.chapter) qb.innerJoinAndSelect('w.chapter', 'c');
  if (em.connection.options.type === 'postgres') qb.setLock('pessimistic_write', undefined, options.chapter ? ['w'] : undefined);
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
export async function insertSignup(
  em: EntityManager,
  fields: Pick<WorkshopSignup, 'workshopId' | 'memberId' | 'role' | 'state' | 'createdAt'> &
    Partial<Pick<WorkshopSignup, 'level' | 'goal' | 'language' | 'confirmedAt' | 'heldUntil'>>,
  options: { readBack?: boolean } = {},
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
  const signup = em.create(WorkshopSignup, { ...none, ...fields });
  // Every column is given: `readBack: false` skips what `save` reads back on SQLite (and the id with it).
  if (options.readBack === false) {
    await em.createQueryBuilder().insert().into(WorkshopSignup).values(signup).updateEntity(false).execute();
    return signup;
  }
  return em.save(signup);
}

/** What `settle` would do at a workshop, worked out from its locked row and its signups (see `planSettle`). */
export interface SettlePlan {
  /** Waiting signups moved up, coaches first, each in arrival order. */
  readonly promoted: readonly Queued[];
  /** How much each counter grows. */
  readonly coaches: number;
  readonly learners: number;
  /** How many of each role are left waiting (the newcomer among them, if it waits). */
  readonly waiting: Record<SignupRole, number>;
}

/**
 * `settle(em, id, { now })` worked out in memory, from the locked workshop row and all its signups:
 * first waiting coaches into free slots, then waiting learners (not held by a cool-down at `now`)
 * into allowed seats, in arrival order, by the same limits as COACH_ROOM and LEARNER_ROOM. Null
 * when something would move back down (a workshop over one of its limits): `settle` does that.
 */
export function planSettle(w: Workshop, signups: readonly Queued[], now: Date): SettlePlan | null {
  let coaches = w.coachesClaimed;
  let learners = w.learnersConfirmed;
  const learnerOverflow = () => learners > w.learnerCapacity || (w.strictRatio && learners > coaches * w.learnersPerCoach);
  if (coaches > w.coachSlots) return null;
  const promoted: Queued[] = [];
  const queue = (role: SignupRole) => signups.filter((x) => x.role === role && x.state === 'waiting').sort((a, b) => a.id - b.id);
  const waitingCoaches = queue('coach');
  while (coaches < w.coachSlots && waitingCoaches.length) {
    promoted.push(waitingCoaches.shift()!);
    coaches += 1;
  }
  if (learnerOverflow()) return null;
  const waitingLearners = queue('learner');
  let left = waitingLearners.length;
  for (const x of waitingLearners) {
    if (!(learners < w.learnerCapacity && (!w.strictRatio || learners < coaches * w.learnersPerCoach))) break;
    if (x.heldUntil && x.heldUntil.getTime() > now.getTime()) continue;
    promoted.push(x);
    learners += 1;
    left -= 1;
  }
  return {
    promoted,
    coaches: coaches - w.coachesClaimed,
    learners: learners - w.learnersConfirmed,
    waiting: { coach: waitingCoaches.length, learner: left },
  };
}

/**
 * Moves the locked workshop's counters by a plan, in one conditional update: the database checks
 * the limits COACH_ROOM and LEARNER_ROOM stand for against the counters as they end. Returns the
 * workshop as it is now. A refusal (impossible while the row is locked) fails the transaction.
 */
async function moveCounters(em: EntityManager, w: Workshop, plan: SettlePlan): Promise<Workshop> {
  if (!plan.coaches && !plan.learners) return w;
  const c = column('coachesClaimed');
  const l = column('learnersConfirmed');
  const conditions = [
    ...(plan.coaches ? [`${c} + :dc <= ${column('coachSlots')}`] : []),
    ...(plan.learners
      ? [
          `${l} + :dl <= ${column('learnerCapacity')}`,
          `(NOT ${column('strictRatio')} OR ${l} + :dl <= (${c} + :dc) * ${column('learnersPerCoach')})`,
        ]
      : []),
  ];
  const moved = await em
    .createQueryBuilder()
    .update(Workshop)
    .set({ coachesClaimed: () => `${c} + :dc`, learnersConfirmed: () => `${l} + :dl` })
    .where('id = :id', { id: w.id })
    .andWhere(new Brackets((b) => b.where(conditions.join(' AND '))))
    .setParameters({ dc: plan.coaches, dl: plan.learners })
    .execute();
  if (moved.affected !== 1) throw new Error(`workshop ${w.id}: its counters refused a settled sign-up`);
  return Object.assign(new Workshop(), w, {
    coachesClaimed: w.coachesClaimed + plan.coaches,
    learnersConfirmed: w.learnersConfirmed + plan.learners,
  });
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
 * coachesClaimed = coachesClaimed + 1 WHERE coachesClaimed < coachSlots`); a newcomer joins the
 * end of the line and is promoted by the same rule (`settle`, or `planSettle` worked out from the
 * signups read under the lock, its counters moved by one conditional update) that promotes anyone
 * else, so nobody overtakes the line.
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
    return this.signUp(id, 'coach', async (em, locked) => {
      const found = await memberAndQueue(em, actor, locked, 'coach', this.clock.now());
      if (!found || !found.coachStatus || found.coachStatus === 'retired') throw new UserError('workshop.claim.not_coach');
      if (found.coachStatus === 'paused') throw new UserError('workshop.claim.paused');
      return found;
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
    return this.signUp(
      id,
      'learner',
      async (em, locked) => {
        // The member's row first (created on first need, safe under races), then it and the queue in one read.
        await this.members.insertIfMissing(em, actor, locale);
        const found = await memberAndQueue(em, actor, locked, 'learner', this.clock.now());
        if (!found) throw new Error('the member row just ensured is missing');
        if (found.displayName !== actor.name.slice(0, 100))
          await em.update(Member, { id: found.memberId }, { displayName: actor.name.slice(0, 100) });
        return found;
      },
      Object.keys(fields).length ? fields : undefined,
    );
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
    who: (em: EntityManager, locked: Workshop) => Promise<Found>,
    profile?: Partial<Pick<WorkshopSignup, 'level' | 'goal' | 'language'>>,
  ): Promise<SignupResult> {
    try {
      const result = await this.store.transaction(async (em) => {
        const { result, moves, memberId } = await this.joinOrClaim(em, id, role, who, profile);
        await this.notices.moved(em, result.workshop, moves, memberId);
        return result;
      });
      return result;
    } catch (err) {
      // Two sign-ups by one member racing: the unique key lets one through.
      if (isUniqueViolation(err)) throw new UserError(`workshop.${role}.twice`, { id });
      throw err;
    }
  }

  /**
   * A join or claim in the caller's transaction: the sign-up, the seats settled, who else moved.
   *
   * The workshop's row is locked first, and only then are its signups read (a statement of their own,
   * so on PostgreSQL it sees every signup committed before the lock was granted): every change of a
   * workshop's signups happens under that lock, so what was read is what is there until this commits.
   * `settle`'s promotions are then worked out from it (`planSettle`): the newcomer is inserted in the
   * state it ends in, and the counters move in one conditional update that the database checks against
   * the capacity (a refusal rolls everything back). A workshop not in line with its limits (an edit
   * shrank it) goes the long way, through `settle` itself.
   */
  private async joinOrClaim(
    em: EntityManager,
    id: number,
    role: SignupRole,
    who: (em: EntityManager, locked: Workshop) => Promise<Found>,
    profile?: Partial<Pick<WorkshopSignup, 'level' | 'goal' | 'language'>>,
  ): Promise<{ result: SignupResult; moves: Move[]; memberId: number }> {
    const locked = await lockOpen(em, id, this.clock, { chapter: true });
    // Read once the lock is held: sign-ups' times then follow the order the database admits them.
    const now = this.clock.now();
    const found = await who(em, locked);
    const memberId = found.memberId;
    const existing = found.signups.find((x) => x.memberId === memberId);
    if (existing?.role === role && profile) {
      await em.update(WorkshopSignup, { id: existing.id }, profile);
      return { result: { workshop: locked, state: 'updated' as const }, moves: [], memberId };
    }
    if (existing) throw new UserError(existing.role === role ? `workshop.${role}.twice` : `workshop.${role}.other_role`, { id });
    // Sign-up windows (issue "Fair sign-ups"): a new claim or join only while its window is open.
    await assertWindowOpen(em, locked, role, now);
    // No-shows: a learner in a cool-down in this chapter waits, passed over by `settle` until it ends.
    const heldUntil = role === 'learner' ? coolDownFrom(locked.chapter!, found.noShows, now) : null;
    // Before a lottery's draw, a learner's join enters its pool (lottery.ts).
    const pool = role === 'learner' && inPoolPhase(locked);
    const fields = { workshopId: id, memberId, role, createdAt: now, heldUntil, ...profile };
    if (pool) {
      await insertSignup(em, { ...fields, state: 'pool' }, { readBack: false });
      return { result: { workshop: locked, state: 'pool' as const }, moves: [], memberId };
    }
    // Seats go directly here: a newcomer finds room only when nobody waits, and learners promoted
    // because a coach's claim made room were told they get a message "when yours is confirmed".
    const plan = planSettle(locked, [...found.signups, { id: Infinity, memberId, role, state: 'waiting', heldUntil }], now);
    if (!plan) return this.joinTheLongWay(em, locked, fields, memberId);
    const mine = plan.promoted.find((x) => x.id === Infinity);
    await insertSignup(em, { ...fields, state: mine ? 'confirmed' : 'waiting', confirmedAt: mine ? now : null }, { readBack: false });
    const workshop = await moveCounters(em, locked, plan);
    const others = plan.promoted.filter((x) => x !== mine);
    if (others.length)
      await em.update(WorkshopSignup, { id: In(others.map((x) => x.id)) }, { state: 'confirmed', offerExpiresAt: null, confirmedAt: now });
    const moves: Move[] = others.map((x) => ({ signupId: x.id, memberId: x.memberId, role: x.role, to: 'confirmed' as const }));
    if (mine) return { result: { workshop, state: 'confirmed' as const }, moves, memberId };
    // Its place: last of those of its role still waiting (all joined before it), itself counted.
    const position = plan.waiting[role];
    return { result: { workshop, state: 'waiting' as const, position, ...(heldUntil ? { heldUntil } : {}) }, moves, memberId };
  }

  /** A join or claim at a workshop `planSettle` leaves to `settle`: inserted as waiting, then settled step by step. */
  private async joinTheLongWay(
    em: EntityManager,
    locked: Workshop,
    fields: Pick<WorkshopSignup, 'workshopId' | 'memberId' | 'role' | 'createdAt' | 'heldUntil'> &
      Partial<Pick<WorkshopSignup, 'level' | 'goal' | 'language'>>,
    memberId: number,
  ): Promise<{ result: SignupResult; moves: Move[]; memberId: number }> {
    const id = locked.id;
    const signup = await insertSignup(em, { ...fields, state: 'waiting' });
    const moves = await settle(em, id, { now: this.clock.now() });
    const mine = moves.find((m) => m.memberId === memberId);
    const workshop = Object.assign(await em.findOneByOrFail(Workshop, { id }), { chapter: locked.chapter });
    if (mine?.to === 'confirmed') {
      return { result: { workshop, state: 'confirmed' as const }, moves: moves.filter((m) => m !== mine), memberId };
    }
    const position = await waitlistPosition(em, signup);
    const { heldUntil } = fields;
    return { result: { workshop, state: 'waiting' as const, position, ...(heldUntil ? { heldUntil } : {}) }, moves, memberId };
  }
}

/** A signup as the queue needs it. */
export interface Queued {
  readonly id: number;
  readonly memberId: number;
  readonly role: SignupRole;
  readonly state: SignupState;
  readonly heldUntil: Date | null;
}

/** The member signing up, read with the workshop's signups (and what the role needs) in one statement. */
interface Found {
  readonly memberId: number;
  readonly displayName: string;
  /** Claims: the member's coach status, if they are a coach. */
  readonly coachStatus: string | null;
  /** Joins: the member's live no-show records in the workshop's chapter (how many, the latest). */
  readonly noShows: { readonly count: number; readonly latest: Date | null };
  readonly signups: readonly Queued[];
}

const instant = (value: unknown): Date | null => (value === null || value === undefined ? null : new Date(Number(value)));

/**
 * The member (by platform, workspace and user id) with every signup of the locked workshop, in one
 * read: the member's row joined to the workshop's signups (none: one row with empty signup columns).
 * Null when the member has no row. Run after `lockOpen`, so the signups are those under the lock.
 */
async function memberAndQueue(em: EntityManager, actor: Person, locked: Workshop, role: SignupRole, now: Date): Promise<Found | null> {
  const qb = em
    .createQueryBuilder(Member, 'm')
    .select('m.id', 'memberId')
    .addSelect('m.displayName', 'displayName')
    .leftJoin(WorkshopSignup, 's', 's.workshopId = :workshopId', { workshopId: locked.id })
    .addSelect('s.id', 'signupId')
    .addSelect('s.memberId', 'signupMember')
    .addSelect('s.role', 'signupRole')
    .addSelect('s.state', 'signupState')
    .addSelect('s.heldUntil', 'signupHeldUntil')
    .where('m.platform = :platform AND m.workspace = :workspace AND m.userId = :userId', {
      platform: actor.platform,
      workspace: actor.workspace,
      userId: actor.id,
    });
  if (role === 'coach') qb.leftJoin(Coach, 'c', 'c.memberId = m.id').addSelect('c.status', 'coachStatus');
  else {
    // As `coolDownUntil` counts them: neither cleared nor expired, in the workshop's chapter.
    const live = 'n.memberId = m.id AND n.chapterId = :chapterId AND n.clearedAt IS NULL AND n.expiresAt > :now';
    qb.addSelect((sub) => sub.select('COUNT(*)').from(NoShow, 'n').where(live), 'noShowCount')
      .addSelect((sub) => sub.select('MAX(n.at)').from(NoShow, 'n').where(live), 'noShowLatest')
      .setParameters({ chapterId: locked.chapterId, now: now.getTime() });
  }
  const rows = await qb.getRawMany<Record<string, unknown>>();
  const first = rows[0];
  if (!first) return null;
  const signups = rows
    .filter((r) => r.signupId !== null && r.signupId !== undefined)
    .map((r) => ({
      id: Number(r.signupId),
      memberId: Number(r.signupMember),
      role: r.signupRole as SignupRole,
      state: r.signupState as SignupState,
      heldUntil: instant(r.signupHeldUntil),
    }))
    .sort((a, b) => a.id - b.id);
  return {
    memberId: Number(first.memberId),
    displayName: String(first.displayName),
    coachStatus: (first.coachStatus as string | null | undefined) ?? null,
    noShows: { count: Number(first.noShowCount ?? 0), latest: instant(first.noShowLatest) },
    signups,
  };
}
