import ical, { ICalEventStatus } from 'ical-generator';
import { Brackets, type EntityManager, In } from 'typeorm';
import { Attendance } from '../../entities/Attendance.js';
import type { Chapter } from '../../entities/Chapter.js';
import { Coach } from '../../entities/Coach.js';
import { CoachInvitation } from '../../entities/CoachInvitation.js';
import { Member } from '../../entities/Member.js';
import { Workshop } from '../../entities/Workshop.js';
import { type SignupRole, type SignupState, WorkshopSignup } from '../../entities/WorkshopSignup.js';
import type { Config } from '../config.js';
import type { Clock } from '../core/clock.js';
import { UserError } from '../core/errors.js';
import type { MessageKey, Translate } from '../core/i18n.js';
import type { LocalDate, LocalTime } from '../core/options.js';
import { bold, type Inline, p, time } from '../core/reply.js';
import { isUniqueViolation } from '../db/errors.js';
import type { Store } from '../db/store.js';
import type { DirectMessages } from './direct-messages.js';
import { formatLocalDate, localParts, zonedInstant } from './local-time.js';
import type { MemberService } from './members.js';
import type { ReminderService } from './reminders.js';
import type { Person } from '../core/types.js';


export interface WorkshopInput {
  readonly title?: string;
  readonly topic?: string;
  readonly date?: LocalDate;
  readonly time?: LocalTime;
  /** Minutes. */
  readonly duration?: number;
  readonly learners?: number;
  readonly coaches?: number;
  readonly location?: string;
  readonly description?: string;
  readonly strictRatio?: boolean;
}

/** A change of someone's place, to tell them: promoted from a waitlist, or moved back onto it. */
interface Move {
  readonly signupId: number;
  readonly memberId: number;
  readonly role: SignupRole;
  readonly to: SignupState;
}

export interface SignupResult {
  readonly workshop: Workshop;
  readonly state: SignupState;
  /** 1-based place on the waitlist when waiting. */
  readonly position?: number;
}

export interface Counts {
  readonly coachesWaiting: number;
  readonly learnersWaiting: number;
}

export interface RosterEntry {
  readonly member: Member;
  readonly role: SignupRole;
  readonly state: SignupState;
}

export const DEFAULT_DURATION_MINUTES = 180;
/** How far ahead a workshop may be planned. */
export const MAX_YEARS_AHEAD = 3;

/** What an edit can change, as named to members. */
export type WorkshopChange = 'chapter' | 'title' | 'topic' | 'start' | 'duration' | 'learners' | 'coaches' | 'location' | 'description' | 'strict_ratio';

/** The changes in the reader's language: “start, location”. */
export const describeChanges = (changed: readonly WorkshopChange[], t: Translate): string => changed.map((c) => t(`workshop.change.${c}`)).join(', ');

/** “Title — Sat, 27 Mar 2027, 10:00 CET – 13:00 CET, at Location”: times as inline parts, so each platform shows them in the reader's zone. */
export function workshopWhen(w: Workshop, t: Translate): Inline[] {
  const tz = w.chapter?.timeZone;
  return [bold(w.title), ' — ', time(w.startsAt, 'full', tz), ' – ', time(w.endsAt, 'time', tz), ...(w.location ? [`, ${t('workshop.at')} ${w.location}`] : [])];
}
const q = (column: string) => `"${column}"`;
/** Confirmed learners may grow while below the capacity and, with the strict ratio, below claimed slots × ratio. */
const LEARNER_ROOM = `${q('learnersConfirmed')} < ${q('learnerCapacity')} AND (NOT ${q('strictRatio')} OR ${q('learnersConfirmed')} < ${q('coachesClaimed')} * ${q('learnersPerCoach')})`;
const LEARNER_OVERFLOW = `(${q('learnersConfirmed')} > ${q('learnerCapacity')} OR (${q('strictRatio')} AND ${q('learnersConfirmed')} > ${q('coachesClaimed')} * ${q('learnersPerCoach')}))`;
const COUNTER = { coach: 'coachesClaimed', learner: 'learnersConfirmed' } as const;

/**
 * Workshops, coach slot claims and learner seats with their waitlists, attendance.
 *
 * Every change of a workshop's signups runs in one transaction that first locks the
 * workshop's row (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite has one writer), so claims,
 * joins and releases of one workshop happen one after another, in arrival order, across
 * processes. The capacity itself is checked by the database: the counters on the workshop
 * row only move by conditional updates (`SET coachesClaimed = coachesClaimed + 1 WHERE
 * coachesClaimed < coachSlots`); a newcomer is inserted as waiting and promoted by the same
 * `settle` step that promotes anyone else, so nobody overtakes the line.
 */
export class WorkshopService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly config: Config,
    private readonly members: MemberService,
    private readonly reminders: ReminderService,
    private readonly dms: DirectMessages,
  ) {}

  ratioFor(chapter: Chapter): number {
    return chapter.learnersPerCoach ?? this.config.workshops.learnersPerCoach;
  }

  async create(chapter: Chapter, input: WorkshopInput & Required<Pick<WorkshopInput, 'title' | 'topic' | 'date' | 'time' | 'learners'>>): Promise<Workshop> {
    const startsAt = this.startFrom(input.date, input.time, chapter.timeZone);
    const ratio = this.ratioFor(chapter);
    const learners = input.learners;
    return this.store.transaction(async (em) => {
      const workshop = await em.save(
        em.create(Workshop, {
          chapterId: chapter.id,
          title: input.title.trim(),
          topic: input.topic.trim(),
          startsAt,
          endsAt: new Date(startsAt.getTime() + (input.duration ?? DEFAULT_DURATION_MINUTES) * 60_000),
          learnerCapacity: learners,
          coachSlots: input.coaches ?? Math.ceil(learners / ratio),
          learnersPerCoach: ratio,
          strictRatio: input.strictRatio ?? true,
          location: input.location?.trim() || null,
          description: input.description?.trim() || null,
          status: 'scheduled',
          cancelReason: null,
          coachesClaimed: 0,
          learnersConfirmed: 0,
          revision: 0,
          createdAt: this.clock.now(),
        }),
      );
      await this.reminders.schedule(em, workshop);
      workshop.chapter = chapter;
      return workshop;
    });
  }

  /**
   * Changes a workshop; returns the names of the options that changed. Everyone signed up
   * is told; seats and slots are settled again (a smaller workshop moves the last confirmed
   * back onto the waitlists, a bigger one promotes from them); reminders follow the new time.
   */
  async edit(id: number, input: WorkshopInput & { chapter?: Chapter }): Promise<{ workshop: Workshop; changed: WorkshopChange[] }> {
    const before = await this.get(id);
    const chapter = input.chapter ?? before.chapter!;
    const { moves, workshop, changed } = await this.store.transaction(async (em) => {
      const w = await this.lockOpen(em, id);
      const changed: WorkshopChange[] = [];
      const set = <K extends keyof Workshop>(key: K, value: Workshop[K], name: WorkshopChange) => {
        const old = w[key];
        const same = old instanceof Date && value instanceof Date ? old.getTime() === value.getTime() : old === value;
        if (!same) {
          w[key] = value;
          changed.push(name);
        }
      };
      if (input.title !== undefined) set('title', input.title.trim(), 'title');
      if (input.topic !== undefined) set('topic', input.topic.trim(), 'topic');
      const duration = input.duration ?? (w.endsAt.getTime() - w.startsAt.getTime()) / 60_000;
      set('chapterId', chapter.id, 'chapter');
      if (input.date || input.time || changed.includes('chapter')) {
        // Moved to another chapter, it keeps its wall-clock date and time, now in that chapter's zone.
        const local = localParts(w.startsAt, before.chapter!.timeZone);
        set('startsAt', this.startFrom(input.date ?? local.date, input.time ?? local.time, chapter.timeZone), 'start');
      }
      // Without a new duration the end moves with the start.
      const endsAt = new Date(w.startsAt.getTime() + duration * 60_000);
      if (input.duration !== undefined) set('endsAt', endsAt, 'duration');
      else w.endsAt = endsAt;
      if (input.learners !== undefined) set('learnerCapacity', input.learners, 'learners');
      const coaches = input.coaches ?? (input.learners !== undefined ? Math.max(w.coachSlots, Math.ceil(input.learners / w.learnersPerCoach)) : undefined);
      if (coaches !== undefined) set('coachSlots', coaches, 'coaches');
      if (input.location !== undefined) set('location', input.location.trim() || null, 'location');
      if (input.description !== undefined) set('description', input.description.trim() || null, 'description');
      if (input.strictRatio !== undefined) set('strictRatio', input.strictRatio, 'strict_ratio');
      if (!changed.length) return { moves: [], workshop: w, changed };
      w.revision += 1;
      const { chapterId, title, topic, startsAt, endsAt: end, learnerCapacity, coachSlots, location, description, strictRatio, revision } = w;
      await em.update(Workshop, { id }, { chapterId, title, topic, startsAt, endsAt: end, learnerCapacity, coachSlots, location, description, strictRatio, revision });
      const moves = await this.settle(em, id);
      if (changed.includes('start')) await this.reminders.schedule(em, w);
      return { moves, workshop: await em.findOneByOrFail(Workshop, { id }), changed };
    });
    workshop.chapter = chapter;
    if (changed.length) {
      for (const member of await this.signedUp(id)) {
        await this.dms.send(member, (t) => ({
          body: [p(t('workshop.dm.edited', { id, title: workshop.title, changes: describeChanges(changed, t) })), p(...workshopWhen(workshop, t))],
        }));
      }
      await this.tell(workshop, moves, null);
    }
    return { workshop, changed };
  }

  /** Cancels a workshop: its reminders are dropped and everyone signed up is told why. */
  async cancel(id: number, reason: string): Promise<Workshop> {
    const workshop = await this.store.transaction(async (em) => {
      const w = await this.lockOpen(em, id);
      await em.update(Workshop, { id }, { status: 'cancelled', cancelReason: reason.trim() });
      await this.reminders.drop(em, id);
      return { ...w, status: 'cancelled' as const, cancelReason: reason.trim() };
    });
    const chapter = (await this.get(id)).chapter!;
    for (const member of await this.signedUp(id)) {
      await this.dms.send(member, (t) => ({ body: [p(t('workshop.dm.cancelled', { id, title: workshop.title, reason: reason.trim() })), p(time(workshop.startsAt, 'full', chapter.timeZone))] }));
    }
    return Object.assign(new Workshop(), workshop, { chapter });
  }

  /** A workshop with its chapter; an unknown id is a UserError. */
  async get(id: number): Promise<Workshop> {
    const w = await this.store.manager.getRepository(Workshop).findOne({ where: { id }, relations: { chapter: true } });
    if (!w) throw new UserError('workshop.not_found', { id });
    return w;
  }

  async list(filter: { chapterId?: number; topic?: string; when: 'upcoming' | 'past'; limit?: number }): Promise<Workshop[]> {
    const now = this.clock.now().getTime();
    const qb = this.store.manager
      .getRepository(Workshop)
      .createQueryBuilder('w')
      .innerJoinAndSelect('w.chapter', 'c')
      .where(filter.when === 'upcoming' ? 'w.endsAt > :now' : 'w.endsAt <= :now', { now })
      .orderBy('w.startsAt', filter.when === 'upcoming' ? 'ASC' : 'DESC')
      .addOrderBy('w.id', 'ASC')
      .take(filter.limit ?? 25);
    if (filter.chapterId !== undefined) qb.andWhere('w.chapterId = :chapterId', { chapterId: filter.chapterId });
    if (filter.topic) qb.andWhere('LOWER(w.topic) = :topic', { topic: filter.topic.trim().toLowerCase() });
    return qb.getMany();
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

  /** A learner takes a seat, or joins the learner waitlist; their member row is created with it. */
  join(actor: Person, id: number, locale?: string): Promise<SignupResult> {
    return this.signUp(id, 'learner', (em) => this.members.ensureIn(em, actor, locale));
  }

  /** Frees a coach slot (or leaves the coach waitlist); the first waiting coach is promoted. */
  release(actor: Person, id: number): Promise<SignupState> {
    return this.withdraw(actor, id, 'coach');
  }

  /** Gives a seat up (or leaves the learner waitlist); the first waiting learner is promoted. */
  leave(actor: Person, id: number): Promise<SignupState> {
    return this.withdraw(actor, id, 'learner');
  }

  private async signUp(id: number, role: SignupRole, who: (em: EntityManager) => Promise<Member>): Promise<SignupResult> {
    try {
      const { result, moves, member } = await this.store.transaction(async (em) => {
        await this.lockOpen(em, id);
        const member = await who(em);
        const existing = await em.findOneBy(WorkshopSignup, { workshopId: id, memberId: member.id });
        if (existing) throw new UserError(existing.role === role ? `workshop.${role}.twice` : `workshop.${role}.other_role`, { id });
        const signup = await em.save(em.create(WorkshopSignup, { workshopId: id, memberId: member.id, role, state: 'waiting', createdAt: this.clock.now() }));
        const moves = await this.settle(em, id);
        const mine = moves.find((m) => m.memberId === member.id);
        const workshop = await em.findOneByOrFail(Workshop, { id });
        if (mine?.to === 'confirmed') return { result: { workshop, state: 'confirmed' as const }, moves: moves.filter((m) => m !== mine), member };
        return { result: { workshop, state: 'waiting' as const, position: await this.position(em, signup) }, moves, member };
      });
      result.workshop.chapter = (await this.get(id)).chapter!;
      await this.tell(result.workshop, moves, member.id);
      return result;
    } catch (err) {
      // Two sign-ups by one member racing: the unique key lets one through.
      if (isUniqueViolation(err)) throw new UserError(`workshop.${role}.twice`, { id });
      throw err;
    }
  }

  private async withdraw(actor: Person, id: number, role: SignupRole): Promise<SignupState> {
    const member = await this.store.manager.getRepository(Member).findOneBy({ platform: actor.platform, workspace: actor.workspace, userId: actor.id });
    const { state, moves, workshop } = await this.store.transaction(async (em) => {
      await this.lockOpen(em, id);
      const signup = member && (await em.findOneBy(WorkshopSignup, { workshopId: id, memberId: member.id, role }));
      if (!signup) throw new UserError(`workshop.${role}.not_signed_up`, { id });
      await em.delete(WorkshopSignup, { id: signup.id });
      if (signup.state === 'confirmed') {
        await em.createQueryBuilder().update(Workshop).set({ [COUNTER[role]]: () => `${q(COUNTER[role])} - 1` }).where('id = :id', { id }).execute();
      }
      return { state: signup.state, moves: await this.settle(em, id), workshop: await em.findOneByOrFail(Workshop, { id }) };
    });
    workshop.chapter = (await this.get(id)).chapter!;
    await this.tell(workshop, moves, null);
    return state;
  }

  /**
   * Brings a locked workshop's signups in line with its counters' limits: first waiting
   * coaches into free slots, then waiting learners into allowed seats, in arrival order;
   * when limits shrank (an edit, a release without a replacement), the last confirmed move
   * back to the front of their waitlist. Every step is a conditional update of the counter.
   */
  private async settle(em: EntityManager, id: number): Promise<Move[]> {
    const moves: Move[] = [];
    const step = async (role: SignupRole, direction: 'up' | 'down', condition: string): Promise<boolean> => {
      const from: SignupState = direction === 'up' ? 'waiting' : 'confirmed';
      const next = await em.findOne(WorkshopSignup, { where: { workshopId: id, role, state: from }, order: { id: direction === 'up' ? 'ASC' : 'DESC' } });
      if (!next) return false;
      const counter = q(COUNTER[role]);
      const moved = await em
        .createQueryBuilder()
        .update(Workshop)
        .set({ [COUNTER[role]]: () => (direction === 'up' ? `${counter} + 1` : `${counter} - 1`) })
        .where('id = :id', { id })
        .andWhere(new Brackets((b) => b.where(condition)))
        .execute();
      if (moved.affected !== 1) return false;
      const to: SignupState = direction === 'up' ? 'confirmed' : 'waiting';
      await em.update(WorkshopSignup, { id: next.id }, { state: to });
      moves.push({ signupId: next.id, memberId: next.memberId, role, to });
      return true;
    };
    while (await step('coach', 'down', `${q('coachesClaimed')} > ${q('coachSlots')}`));
    while (await step('coach', 'up', `${q('coachesClaimed')} < ${q('coachSlots')}`));
    while (await step('learner', 'down', LEARNER_OVERFLOW));
    while (await step('learner', 'up', LEARNER_ROOM));
    // A member moved up and back down in one settle ends where they began: tell nobody.
    return moves.filter((m, i) => !moves.some((o, j) => j !== i && o.memberId === m.memberId && o.role === m.role));
  }

  private async position(em: EntityManager, signup: WorkshopSignup): Promise<number> {
    const ahead = await em
      .getRepository(WorkshopSignup)
      .createQueryBuilder('s')
      .where('s.workshopId = :w AND s.role = :role AND s.state = :state AND s.id < :id', { w: signup.workshopId, role: signup.role, state: 'waiting', id: signup.id })
      .getCount();
    return ahead + 1;
  }

  /** DMs everyone whose place changed, except the member whose own command it was (they got the answer). */
  private async tell(workshop: Workshop, moves: readonly Move[], except: number | null): Promise<void> {
    const others = moves.filter((m) => m.memberId !== except);
    if (!others.length) return;
    const members = await this.store.manager.getRepository(Member).findBy({ id: In(others.map((m) => m.memberId)) });
    for (const move of others) {
      const member = members.find((m) => m.id === move.memberId);
      if (!member) continue;
      const key: MessageKey = move.to === 'confirmed' ? `workshop.dm.promoted.${move.role}` : `workshop.dm.demoted.${move.role}`;
      // Several members moved back at once are each told their own place on the waitlist.
      const signup = move.to === 'waiting' ? await this.store.manager.findOneBy(WorkshopSignup, { id: move.signupId }) : null;
      const position = signup?.state === 'waiting' ? await this.position(this.store.manager, signup) : 1;
      await this.dms.send(member, (t) => ({ body: [p(t(key, { id: workshop.id, title: workshop.title, position })), p(...workshopWhen(workshop, t))] }));
    }
  }

  /** Members signed up in any role and state, for edit and cancel notices. */
  private async signedUp(id: number): Promise<Member[]> {
    const signups = await this.store.manager.getRepository(WorkshopSignup).find({ where: { workshopId: id }, relations: { member: true }, order: { id: 'ASC' } });
    return signups.map((s) => s.member!);
  }

  async roster(id: number): Promise<RosterEntry[]> {
    const signups = await this.store.manager.getRepository(WorkshopSignup).find({ where: { workshopId: id }, relations: { member: true }, order: { id: 'ASC' } });
    return signups.map((s) => ({ member: s.member!, role: s.role, state: s.state }));
  }

  /** Whether the actor holds a claimed coach slot at the workshop (they may see its roster). */
  async isCoachOf(actor: Person, id: number): Promise<boolean> {
    const row = await this.store.manager
      .getRepository(WorkshopSignup)
      .createQueryBuilder('s')
      .innerJoin('s.member', 'm')
      .where('s.workshopId = :id AND s.role = :role AND s.state = :state', { id, role: 'coach', state: 'confirmed' })
      .andWhere('m.platform = :platform AND m.workspace = :workspace AND m.userId = :userId', { platform: actor.platform, workspace: actor.workspace, userId: actor.id })
      .getOne();
    return row !== null;
  }

  /**
   * Records who was present (members signed up in any role, matched by platform id or
   * display name). All named must be signed up, or nothing is written. Learners who reach
   * INVITE_TO_COACH_AFTER attended workshops get their one invitation to coach.
   */
  async recordAttendance(id: number, present: readonly string[]): Promise<{ recorded: RosterEntry[]; invited: Member[] }> {
    const w = await this.get(id);
    if (w.status === 'cancelled') throw new UserError('workshop.cancelled', { id });
    if (w.startsAt.getTime() > this.clock.now().getTime()) throw new UserError('workshop.attendance.too_early', { id });
    const roster = await this.roster(id);
    const unknown: string[] = [];
    const recorded: RosterEntry[] = [];
    for (const name of present) {
      const key = name.toLowerCase();
      const found = roster.find((r) => r.member.userId === name) ?? roster.find((r) => r.member.displayName.toLowerCase() === key);
      if (!found) unknown.push(name);
      else if (!recorded.includes(found)) recorded.push(found);
    }
    if (unknown.length) throw new UserError('workshop.attendance.unknown', { id, names: unknown.join(', ') });
    await this.store.transaction(async (em) => {
      for (const r of recorded) {
        await em.createQueryBuilder().insert().into(Attendance).values({ workshopId: id, memberId: r.member.id, role: r.role, recordedAt: this.clock.now() }).orIgnore().execute();
      }
    });
    const invited: Member[] = [];
    for (const r of recorded.filter((x) => x.role === 'learner')) {
      if (await this.invite(r.member)) invited.push(r.member);
    }
    return { recorded, invited };
  }

  /** The one invitation to coach, once a learner has attended enough workshops and is not a coach yet. */
  private async invite(member: Member): Promise<boolean> {
    const repo = this.store.manager.getRepository(Attendance);
    const attended = await repo.countBy({ memberId: member.id, role: 'learner' });
    if (attended < this.config.workshops.inviteToCoachAfter) return false;
    const coach = await this.store.manager.getRepository(Coach).findOneBy({ memberId: member.id });
    if (coach && coach.status !== 'retired') return false;
    try {
      await this.store.transaction((em) => em.insert(CoachInvitation, { memberId: member.id, sentAt: this.clock.now() }));
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
    await this.dms.send(member, (t) => ({ body: [p(t('workshop.dm.invite_to_coach', { count: attended })), p(t('workshop.dm.invite_to_coach.how'))] }));
    return true;
  }

  /** A member's record: workshops attended as a learner, workshops coached, and what is coming. */
  async progress(actor: Person): Promise<{ attended: Workshop[]; coached: Workshop[]; upcoming: { workshop: Workshop; role: SignupRole; state: SignupState }[] }> {
    const member = await this.store.manager.getRepository(Member).findOneBy({ platform: actor.platform, workspace: actor.workspace, userId: actor.id });
    if (!member) return { attended: [], coached: [], upcoming: [] };
    const now = this.clock.now().getTime();
    const attendance = await this.store.manager.getRepository(Attendance).find({ where: { memberId: member.id }, relations: { workshop: { chapter: true } } });
    const signups = await this.store.manager.getRepository(WorkshopSignup).find({ where: { memberId: member.id }, relations: { workshop: { chapter: true } } });
    const byStart = (a: Workshop, b: Workshop) => a.startsAt.getTime() - b.startsAt.getTime();
    const attended = attendance.filter((a) => a.role === 'learner').map((a) => a.workshop!);
    // Coached: recorded as present coach, or held a claimed slot at a workshop that took place.
    const coached = new Map<number, Workshop>();
    for (const a of attendance.filter((x) => x.role === 'coach')) coached.set(a.workshopId, a.workshop!);
    for (const s of signups) {
      if (s.role === 'coach' && s.state === 'confirmed' && s.workshop!.status === 'scheduled' && s.workshop!.startsAt.getTime() <= now) coached.set(s.workshopId, s.workshop!);
    }
    const upcoming = signups
      .filter((s) => s.workshop!.status === 'scheduled' && s.workshop!.startsAt.getTime() > now)
      .map((s) => ({ workshop: s.workshop!, role: s.role, state: s.state }))
      .sort((a, b) => byStart(a.workshop, b.workshop));
    return { attended: attended.sort(byStart), coached: [...coached.values()].sort(byStart), upcoming };
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

  /**
   * An iCalendar file (RFC 5545) of workshops: UTC times, one UID per workshop that never
   * changes, SEQUENCE counting edits, cancelled ones marked CANCELLED.
   */
  calendar(workshops: readonly Workshop[], name: string): string {
    const cal = ical({ name, prodId: { company: this.config.communityName, product: 'community-bot', language: 'EN' } });
    // Workshops stored before dates were limited to 3 years ahead may end after year 9999, which
    // no iCalendar date can hold: left out, so one of them does not spoil the whole file.
    for (const w of workshops.filter((x) => x.endsAt.getUTCFullYear() <= 9999)) {
      cal.createEvent({
        id: this.uid(w),
        sequence: w.revision,
        stamp: this.clock.now(),
        start: w.startsAt,
        end: w.endsAt,
        summary: w.title,
        description: [w.topic, w.description].filter(Boolean).join('\n\n'),
        location: w.location ?? undefined,
        status: w.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
      });
    }
    return cal.toString();
  }

  uid(w: Workshop): string {
    const community = this.config.communityName.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'community';
    return `workshop-${w.id}@${community}.community-bot`;
  }

  private startFrom(date: LocalDate, at: LocalTime, timeZone: string): Date {
    // At most MAX_YEARS_AHEAD years ahead, to the day in the chapter's zone: a typo such as
    // 9999-12-31 is refused rather than stored (its end, a day later, fell in year 10000,
    // which no calendar file can hold), and every accepted workshop fits a valid .ics.
    const limit = new Date(this.clock.now().getTime());
    limit.setUTCFullYear(limit.getUTCFullYear() + MAX_YEARS_AHEAD);
    const latest = localParts(limit, timeZone).date;
    const ordinal = (d: LocalDate) => d.year * 10_000 + d.month * 100 + d.day;
    if (ordinal(date) > ordinal(latest)) throw new UserError('workshop.time.too_far', { years: MAX_YEARS_AHEAD, latest: formatLocalDate(latest) });
    const startsAt = zonedInstant(date, at, timeZone);
    if (!startsAt) throw new UserError('workshop.time.nonexistent', { time: `${String(at.hour).padStart(2, '0')}:${String(at.minute).padStart(2, '0')}`, timeZone });
    if (startsAt.getTime() <= this.clock.now().getTime()) throw new UserError('workshop.time.past');
    return startsAt;
  }

  private assertOpen(w: Workshop): Workshop {
    if (w.status === 'cancelled') throw new UserError('workshop.cancelled', { id: w.id });
    if (w.startsAt.getTime() <= this.clock.now().getTime()) throw new UserError('workshop.past', { id: w.id });
    return w;
  }

  /** Locks the workshop's row for the rest of the transaction (PostgreSQL; SQLite's transactions are serial anyway) and checks it is open. */
  private async lockOpen(em: EntityManager, id: number): Promise<Workshop> {
    const qb = em.createQueryBuilder(Workshop, 'w').where('w.id = :id', { id });
    if (em.connection.options.type === 'postgres') qb.setLock('pessimistic_write');
    const w = await qb.getOne();
    if (!w) throw new UserError('workshop.not_found', { id });
    return this.assertOpen(w);
  }
}
