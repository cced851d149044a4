import { Brackets, type EntityManager, In, IsNull, LessThanOrEqual } from 'typeorm';
import { Chapter } from '../../../entities/Chapter.js';
import { Coach } from '../../../entities/Coach.js';
import { Member } from '../../../entities/Member.js';
import { NoShow } from '../../../entities/NoShow.js';
import { Workshop } from '../../../entities/Workshop.js';
import { HOLDS_SEAT, type LearnerLevel, type SignupRole, type SignupState, WorkshopSignup } from '../../../entities/WorkshopSignup.js';
import type { Clock } from '../../core/clock.js';
import { UserError } from '../../core/errors.js';
import type { Person } from '../../core/types.js';
import { isUniqueViolation } from '../../db/errors.js';
import { columnList, FixedSql, hydrate, selectColumns, type TableName } from '../../db/fixed-sql.js';
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
export async function lockOpen(em: EntityManager, id: number, clock: Clock): Promise<Workshop> {
  const qb = em.createQueryBuilder(Workshop, 'w').where('w.id = :id', { id });
  if (em.connection.options.type === 'postgres') qb.setLock('pessimistic_write');
  const w = await qb.getOne();
  if (!w) throw new UserError('workshop.not_found', { id });
  assertOpen(w, clock.now());
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
    return this.signUp(actor, id, 'coach', async (_em, found) => {
      if (!found.memberId || !found.coachStatus || found.coachStatus === 'retired') throw new UserError('workshop.claim.not_coach');
      if (found.coachStatus === 'paused') throw new UserError('workshop.claim.paused');
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
    const name = actor.name.slice(0, 100);
    return this.signUp(
      actor,
      id,
      'learner',
      async (em, found) => {
        if (found.displayName !== name) await em.update(Member, { id: found.memberId! }, { displayName: name });
      },
      Object.keys(fields).length ? fields : undefined,
      locale,
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
    actor: Person,
    id: number,
    role: SignupRole,
    check: (em: EntityManager, found: Found) => Promise<void>,
    profile?: Partial<Pick<WorkshopSignup, 'level' | 'goal' | 'language'>>,
    locale?: string,
  ): Promise<SignupResult> {
    try {
      const result = await this.store.transaction(async (em) => {
        const { result, moves, memberId } = await this.joinOrClaim(em, actor, id, role, check, profile, locale);
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
   * The workshop's row is locked first (PostgreSQL), and only then is it read, with its chapter, the
   * member and the state of its waitlists (one statement; on PostgreSQL a statement of its own after the
   * lock, so it sees every signup committed before the lock was granted; SQLite's transactions are serial).
   * Every change of a workshop's signups happens under that lock, so what was read is what is there until
   * this commits. A workshop in line (nobody who could move up waits while there is room) takes the
   * newcomer by the counts alone: a seat or slot if there is room, else the end of the line; it is
   * inserted in the state it ends in and its counter moves by a conditional update that the database
   * checks against the capacity (on PostgreSQL in the insert's statement; a refusal rolls everything back).
   * Otherwise (someone waiting would move up too, or an edit left the workshop over a limit) the whole
   * line is read and `settle`'s promotions worked out from it (`planSettle`), or settled step by step.
   */
  private async joinOrClaim(
    em: EntityManager,
    actor: Person,
    id: number,
    role: SignupRole,
    check: (em: EntityManager, found: Found) => Promise<void>,
    profile?: Partial<Pick<WorkshopSignup, 'level' | 'goal' | 'language'>>,
    locale?: string,
  ): Promise<{ result: SignupResult; moves: Move[]; memberId: number }> {
    // A learner's member row is created on first need; a member this process has seen signed up skips that statement.
    const key = `${actor.platform}\u0000${actor.workspace}\u0000${actor.id}`;
    if (role === 'learner' && !this.knownMembers.has(key)) await this.members.insertIfMissing(em, actor, locale);
    if (em.connection.options.type === 'postgres' && !(await LOCK.run<unknown[]>(em, [id])).length)
      throw new UserError('workshop.not_found', { id });
    // Read once the lock is held: sign-ups' times then follow the order the database admits them.
    const now = this.clock.now();
    let read = await readSignUp(em, role, actor, id, now);
    if (!read) throw new UserError('workshop.not_found', { id });
    if (role === 'learner' && !read.found.memberId) {
      // Known here, but gone since (`/privacy delete`, maybe in another process): created again. Rare; on
      // PostgreSQL it runs under the workshop's lock, unlike the first insert above.
      await this.members.insertIfMissing(em, actor, locale);
      read = (await readSignUp(em, role, actor, id, now))!;
    }
    const { workshop: locked, found, line } = read;
    assertOpen(locked, now);
    await check(em, found);
    const memberId = found.memberId!;
    if (role === 'learner') this.rememberMember(key);
    const existing = found.own;
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
    const quick = byTheCounts(locked, line, role, heldUntil !== null);
    if (quick) {
      const state = quick.seat ? 'confirmed' : 'waiting';
      await insertSignUp(em, { ...fields, state, confirmedAt: quick.seat ? now : null }, quick.seat);
      if (quick.seat) {
        // The row as it is now (`locked` is this sign-up's own copy).
        locked[COUNTER_COLUMN[role]] += 1;
        return { result: { workshop: locked, state }, moves: [], memberId };
      }
      const position = (role === 'coach' ? line.waitingCoaches : line.waitingLearners) + 1;
      return { result: { workshop: locked, state, position, ...(heldUntil ? { heldUntil } : {}) }, moves: [], memberId };
    }
    // Seats go directly here: a newcomer finds room only when nobody waits, and learners promoted
    // because a coach's claim made room were told they get a message "when yours is confirmed".
    const signups = await queueOf(em, id);
    const plan = planSettle(locked, [...signups, { id: Infinity, memberId, role, state: 'waiting', heldUntil }], now);
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

  /** Members whose row this process has seen (a hint only: a join finding no row creates it again). Bounded. */
  private readonly knownMembers = new Set<string>();

  private rememberMember(key: string): void {
    if (this.knownMembers.size >= 10_000) this.knownMembers.clear();
    this.knownMembers.add(key);
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

/** The member signing up, as the sign-up's read finds them. */
interface Found {
  /** Null when the member has no row (yet). */
  readonly memberId: number | null;
  readonly displayName: string | null;
  /** Claims: the member's coach status, if they are a coach. */
  readonly coachStatus: string | null;
  /** Joins: the member's live no-show records in the workshop's chapter (how many, the latest). */
  readonly noShows: { readonly count: number; readonly latest: Date | null };
  /** Their signup at this workshop, if any. */
  readonly own: { readonly id: number; readonly role: SignupRole } | null;
}

/** A workshop's waitlists as the sign-up's read counts them. */
interface Line {
  readonly waitingCoaches: number;
  readonly waitingLearners: number;
  /** Whether a waiting learner is free to move up now (no cool-down holds them). */
  readonly learnerCouldMove: boolean;
}

const instant = (value: unknown): Date | null => (value === null || value === undefined ? null : new Date(Number(value)));

/** Throws unless the workshop takes changes: not cancelled, not started. */
function assertOpen(w: Workshop, now: Date): void {
  if (w.status === 'cancelled') throw new UserError('workshop.cancelled', { id: w.id });
  if (w.startsAt.getTime() <= now.getTime()) throw new UserError('workshop.past', { id: w.id });
}

/**
 * Where a newcomer goes by the counts alone, in a workshop in line: `settle` would move nobody else and
 * take them in arrival order, so a seat or slot if there is room, else the end of their line. Null when
 * the whole line is needed: someone waiting could move up (too), or a limit is exceeded.
 */
function byTheCounts(w: Workshop, line: Line, role: SignupRole, held: boolean): { seat: boolean } | null {
  const learnerRoom = (coaches: number) =>
    w.learnersConfirmed < w.learnerCapacity && (!w.strictRatio || w.learnersConfirmed < coaches * w.learnersPerCoach);
  const learnerOverflow =
    w.learnersConfirmed > w.learnerCapacity || (w.strictRatio && w.learnersConfirmed > w.coachesClaimed * w.learnersPerCoach);
  if (w.coachesClaimed > w.coachSlots || learnerOverflow) return null;
  const coachRoom = w.coachesClaimed < w.coachSlots;
  if ((line.waitingCoaches > 0 && coachRoom) || (line.learnerCouldMove && learnerRoom(w.coachesClaimed))) return null;
  if (role === 'learner') return { seat: !held && learnerRoom(w.coachesClaimed) };
  // A coach taking a slot may make room for learners waiting on the ratio: they move up with it.
  if (coachRoom && line.learnerCouldMove && learnerRoom(w.coachesClaimed + 1)) return null;
  return { seat: coachRoom };
}

/** Every signup of a workshop, as the queue needs them, in arrival order. */
async function queueOf(em: EntityManager, workshopId: number): Promise<Queued[]> {
  const rows = await em.find(WorkshopSignup, {
    select: { id: true, memberId: true, role: true, state: true, heldUntil: true },
    where: { workshopId },
    order: { id: 'ASC' },
  });
  return rows.map(({ id, memberId, role, state, heldUntil }) => ({ id, memberId, role, state, heldUntil }));
}

type NewSignup = Pick<WorkshopSignup, 'workshopId' | 'memberId' | 'role' | 'state' | 'createdAt' | 'heldUntil' | 'confirmedAt'> &
  Partial<Pick<WorkshopSignup, 'level' | 'goal' | 'language'>>;

// The statements of a claim or join, as fixed SQL (src/db/fixed-sql.ts); exported for the raw-driver
// benchmark (scripts/bench/orm-vs-raw.ts), which must send the same statements.

/** PostgreSQL: locks the workshop's row (SQLite's transactions are serial). */
const LOCK = new FixedSql((table) => `SELECT w."id" FROM ${table(Workshop)} w WHERE w."id" = ? FOR UPDATE`);

/**
 * The workshop with its chapter, the member (and their coach status or no-shows, by role), their signup
 * here, and the workshop's waitlists as counts, in one statement. Parameters: for learners the time twice
 * (no-shows), then the time (cool-downs), platform, workspace, user id, workshop id.
 */
const readFor = (role: SignupRole) =>
  new FixedSql((table, _postgres, db) => {
    const waiting = (r: SignupRole) =>
      `(SELECT COUNT(*) FROM ${table(WorkshopSignup)} q WHERE q."workshopId" = w."id" AND q."role" = '${r}' AND q."state" = 'waiting')`;
    // As `coolDownUntil` counts them: neither cleared nor expired, in the workshop's chapter.
    const live = `n."memberId" = m."id" AND n."chapterId" = w."chapterId" AND n."clearedAt" IS NULL AND n."expiresAt" > ?`;
    const byRole =
      role === 'coach'
        ? `(SELECT co."status" FROM ${table(Coach)} co WHERE co."memberId" = m."id") AS "coachStatus"`
        : `(SELECT COUNT(*) FROM ${table(NoShow)} n WHERE ${live}) AS "noShowCount", ` +
          `(SELECT MAX(n."at") FROM ${table(NoShow)} n WHERE ${live}) AS "noShowLatest"`;
    const couldMove =
      `EXISTS (SELECT 1 FROM ${table(WorkshopSignup)} q WHERE q."workshopId" = w."id" AND q."role" = 'learner' AND q."state" = 'waiting' ` +
      `AND (q."heldUntil" IS NULL OR q."heldUntil" <= ?)) AS "learnerCouldMove"`;
    return (
      `SELECT ${selectColumns(db, Workshop, 'w', 'w_')}, ${selectColumns(db, Chapter, 'c', 'c_')}, ` +
      `m."id" AS "memberId", m."displayName" AS "displayName", o."id" AS "ownId", o."role" AS "ownRole", ${byRole}, ${couldMove}, ` +
      `${waiting('coach')} AS "waitingCoaches", ${waiting('learner')} AS "waitingLearners" ` +
      `FROM ${table(Workshop)} w INNER JOIN ${table(Chapter)} c ON c."id" = w."chapterId" ` +
      `LEFT JOIN ${table(Member)} m ON m."platform" = ? AND m."workspace" = ? AND m."userId" = ? ` +
      `LEFT JOIN ${table(WorkshopSignup)} o ON o."workshopId" = w."id" AND o."memberId" = m."id" WHERE w."id" = ?`
    );
  });
const READ: Record<SignupRole, FixedSql> = { coach: readFor('coach'), learner: readFor('learner') };

const SIGNUP_COLUMNS = columnList([
  'workshopId',
  'memberId',
  'role',
  'state',
  'createdAt',
  'level',
  'goal',
  'language',
  'groupNumber',
  'groupPinned',
  'offerExpiresAt',
  'confirmedAt',
  'heldUntil',
]);
const insertText = (table: TableName) => `INSERT INTO ${table(WorkshopSignup)} (${SIGNUP_COLUMNS.names}) VALUES (${SIGNUP_COLUMNS.marks})`;

/** The signup, every column given. */
const INSERT = new FixedSql(insertText);

/**
 * Its role's counter moved by one, on the room's condition (the database refuses past a limit); on
 * PostgreSQL with the insert before it, in one statement (a data-modifying WITH).
 */
const countFor = (role: SignupRole) =>
  new FixedSql((table, postgres) => {
    const counter = column(COUNTER_COLUMN[role]);
    const update = `UPDATE ${table(Workshop)} SET ${counter} = ${counter} + 1 WHERE "id" = ? AND (${role === 'coach' ? COACH_ROOM : LEARNER_ROOM})`;
    return postgres ? `WITH "added" AS (${insertText(table)}) ${update}` : update;
  });
const COUNT: Record<SignupRole, FixedSql> = { coach: countFor('coach'), learner: countFor('learner') };

/** The statements of a claim or join, for the raw-driver benchmark. */
export const SIGNUP_SQL = { lock: LOCK, read: READ, insert: INSERT, count: COUNT } as const;

/** The sign-up's read (`READ`): null without the workshop. */
async function readSignUp(
  em: EntityManager,
  role: SignupRole,
  actor: Person,
  id: number,
  now: Date,
): Promise<{ workshop: Workshop; found: Found; line: Line } | null> {
  const parameters = [...(role === 'learner' ? [now, now] : []), now, actor.platform, actor.workspace, actor.id, id];
  const row = (await READ[role].run<Record<string, unknown>[]>(em, parameters))[0];
  if (!row) return null;
  const workshop = hydrate(em.connection, Workshop, row, 'w_');
  workshop.chapter = hydrate(em.connection, Chapter, row, 'c_');
  const found: Found = {
    memberId: row.memberId === null || row.memberId === undefined ? null : Number(row.memberId),
    displayName: (row.displayName as string | null) ?? null,
    coachStatus: (row.coachStatus as string | null | undefined) ?? null,
    noShows: { count: Number(row.noShowCount ?? 0), latest: instant(row.noShowLatest) },
    own: row.ownId === null || row.ownId === undefined ? null : { id: Number(row.ownId), role: row.ownRole as SignupRole },
  };
  const line: Line = {
    waitingCoaches: Number(row.waitingCoaches),
    waitingLearners: Number(row.waitingLearners),
    learnerCouldMove: row.learnerCouldMove === true || Number(row.learnerCouldMove) === 1,
  };
  return { workshop, found, line };
}

/** Inserts the signup; with `seat`, moves its role's counter too (on PostgreSQL in the insert's statement). */
async function insertSignUp(em: EntityManager, x: NewSignup, seat: boolean): Promise<void> {
  const values = [
    ...[x.workshopId, x.memberId, x.role, x.state, x.createdAt, x.level ?? null, x.goal ?? null, x.language ?? null],
    ...[null, false, null, x.confirmedAt, x.heldUntil],
  ];
  const postgres = em.connection.options.type === 'postgres';
  if (!seat || !postgres) await INSERT.run(em, values);
  if (!seat) return;
  // Impossible while the row is locked and in line; the transaction rolls back with the insert.
  if ((await COUNT[x.role].change(em, [...(postgres ? values : []), x.workshopId])) !== 1)
    throw new Error(`workshop ${x.workshopId}: its counter refused a sign-up the counts allowed`);
}
