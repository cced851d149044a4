import type { EntityManager } from 'typeorm';
import { Chapter } from '../../../entities/Chapter.js';
import { FeedEvent } from '../../../entities/FeedEvent.js';
import type { Member } from '../../../entities/Member.js';
import { type Allocation, Workshop } from '../../../entities/Workshop.js';
import { type SignupRole, type SignupState, WorkshopSignup } from '../../../entities/WorkshopSignup.js';
import type { Config } from '../../config.js';
import type { Clock } from '../../core/clock.js';
import { UserError } from '../../core/errors.js';
import type { LocalDate, LocalTime } from '../../core/options.js';
import type { Person } from '../../core/types.js';
import type { Store } from '../../db/store.js';
import type { DirectMessages } from '../direct-messages.js';
import { formatLocalDate, localParts, zonedInstant } from '../local-time.js';
import type { MemberService } from '../members.js';
import type { ReminderService } from '../reminders.js';
import { workshopCalendar, workshopUid } from './calendar.js';
import { newCheckinCode } from './day.js';
import { WorkshopNotices, type WorkshopChange } from './notices.js';
import { type AttendanceRecorded, type ProgressReport, ProgressRecords } from './progress.js';
import { type Counts, type RosterEntry, Rosters } from './roster.js';
import { LotteryDraws } from './draws.js';
import { DRAW_BEFORE_START_MS, drawTime, newSeed, seedHash } from './lottery.js';
import { WaitlistOffers } from './offers.js';
import { type LearnerProfile, lockOpen, settle, type SignupResult, Signups, waitlistPosition } from './signups.js';
import { type WindowInput, windowColumns } from './windows.js';

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
  // Fair sign-ups (issue 21): the lottery and waitlist offers.
  /** Default: the chapter's (`/chapter set allocation:`), else first-come. */
  readonly allocation?: Allocation;
  /** The lottery draws this many hours after sign-ups open (default 24), at the latest an hour before the start. */
  readonly drawHours?: number;
  /** How long a waitlist offer waits, in hours (default 12). */
  readonly offerHours?: number;
  /** Sign-up windows: `opens:`, `closes:`, `coaches-open:` as typed (see windows.ts). */
  readonly window?: WindowInput;
}

/** A member's own place at a workshop as a learner (`/workshop show`): never anyone else's. */
export type LearnerPlace =
  | { readonly state: 'confirmed' | 'pool' }
  | { readonly state: 'waiting'; readonly position: number }
  | { readonly state: 'offered'; readonly until: Date };

export const DEFAULT_DURATION_MINUTES = 180;
/** How far ahead a workshop may be planned. */
export const MAX_YEARS_AHEAD = 3;

/** The columns an edit may change; the counters move only in `settle`. */
function editableColumns(w: Workshop) {
  const { chapterId, title, topic, startsAt, endsAt, learnerCapacity, coachSlots, location, description, strictRatio, revision } = w;
  const { allocation, drawAt, lotterySeed, lotterySeedHash, offerHours } = w;
  const { signupsOpenAt, signupsCloseAt, coachesOpenAt } = w;
  return {
    chapterId,
    title,
    topic,
    startsAt,
    endsAt,
    learnerCapacity,
    coachSlots,
    location,
    description,
    strictRatio,
    revision,
    allocation,
    drawAt,
    lotterySeed,
    lotterySeedHash,
    offerHours,
    signupsOpenAt,
    signupsCloseAt,
    coachesOpenAt,
  };
}

/** What a lottery's draw must come an hour before: the close of sign-ups (`closes:`) or the start, whichever is first. */
const drawDeadline = (closes: Date | null, startsAt: Date): Date => (closes && closes.getTime() < startsAt.getTime() ? closes : startsAt);

/** Adds fields to what a moderator changed by hand on an imported workshop (its row is locked by the caller). */
async function markHandEdited(em: EntityManager, workshopId: number, changed: readonly WorkshopChange[]): Promise<void> {
  for (const row of await em.findBy(FeedEvent, { workshopId })) {
    const fields = new Set([...row.handEdited.split(',').filter(Boolean), ...changed]);
    await em.update(FeedEvent, { id: row.id }, { handEdited: [...fields].sort().join(',') });
  }
}

/**
 * Workshops, as commands and other services see them: planned, edited and cancelled here; coach slot claims and learner seats with their
 * waitlists in `signups.ts` (the locking and the counters are explained there); who is signed up in
 * `roster.ts`; the DMs to members in `notices.ts`; iCalendar files in `calendar.ts`; attendance and a
 * member's progress in `progress.ts`.
 */
export class WorkshopService {
  private readonly rosters: Rosters;
  private readonly notices: WorkshopNotices;
  private readonly signups: Signups;
  private readonly progressRecords: ProgressRecords;
  /** Lottery draws (`drawDue` is a scheduler step) and `/workshop draw`'s facts. */
  readonly lottery: LotteryDraws;
  /** Waitlist offers: answers, and expiries (`expireDue`, a scheduler step). */
  readonly offers: WaitlistOffers;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly config: Config,
    members: MemberService,
    private readonly reminders: ReminderService,
    dms: DirectMessages,
  ) {
    this.rosters = new Rosters(store, clock);
    this.notices = new WorkshopNotices(dms, this.rosters);
    this.signups = new Signups(store, clock, members, this.notices, config.workshops.noShowCutoffHours);
    this.progressRecords = new ProgressRecords(store, clock, config, this.rosters, this.notices, (id) => this.get(id));
    this.lottery = new LotteryDraws(store, clock, dms, this.notices);
    this.offers = new WaitlistOffers(store, clock, dms, this.notices);
  }

  ratioFor(chapter: Chapter): number {
    return chapter.learnersPerCoach ?? this.config.workshops.learnersPerCoach;
  }

  /**
   * Plans a workshop. `within` runs in the same transaction once the row exists (a feed records
   * which event it came from there, so a refused record leaves no workshop behind).
   */
  async create(
    chapter: Chapter,
    input: WorkshopInput & Required<Pick<WorkshopInput, 'title' | 'topic' | 'date' | 'time' | 'learners'>>,
    within?: (em: EntityManager, workshop: Workshop) => Promise<void>,
  ): Promise<Workshop> {
    const startsAt = this.startFrom(input.date, input.time, chapter.timeZone);
    const ratio = this.ratioFor(chapter);
    const learners = input.learners;
    const now = this.clock.now();
    // A lottery commits to its seed when sign-ups open (today: now): the hash is published, the seed kept until the draw.
    const allocation = input.allocation ?? chapter.allocation ?? 'first-come';
    const seed = allocation === 'lottery' ? newSeed() : null;
    const none = { signupsOpenAt: null, signupsCloseAt: null, coachesOpenAt: null };
    const window = windowColumns(input.window, { ...none, startsAt, createdAt: this.clock.now() }, chapter.timeZone);
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
          createdAt: now,
          checkinCode: newCheckinCode(),
          allocation,
          drawAt: seed ? drawTime(window.signupsOpenAt ?? now, drawDeadline(window.signupsCloseAt, startsAt), input.drawHours) : null,
          lotterySeed: seed,
          lotterySeedHash: seed && seedHash(seed),
          drawnAt: null,
          drawOrder: null,
          offerHours: input.offerHours ?? null,
          ...window,
        }),
      );
      await this.reminders.schedule(em, workshop);
      await within?.(em, workshop);
      workshop.chapter = chapter;
      return workshop;
    });
  }

  /**
   * Changes a workshop; returns the names of the options that changed. Everyone signed up
   * is told; seats and slots are settled again (a smaller workshop moves the last confirmed
   * back onto the waitlists, a bigger one promotes from them); reminders follow the new time.
   * An edit by anyone but the chapter's feed (`by: 'feed'`) of a workshop that came from a feed
   * records the fields changed, and the feed leaves them alone from then on.
   */
  async edit(
    id: number,
    input: WorkshopInput & { chapter?: Chapter },
    options: { by?: 'moderator' | 'feed' } = {},
  ): Promise<{ workshop: Workshop; changed: WorkshopChange[] }> {
    const before = await this.get(id);
    const chapter = input.chapter ?? before.chapter!;
    const { workshop, changed } = await this.store.transaction(async (em) => {
      const w = await lockOpen(em, id, this.clock);
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
      const length = (w.endsAt.getTime() - w.startsAt.getTime()) / 60_000;
      const duration = input.duration ?? length;
      set('chapterId', chapter.id, 'chapter');
      if (input.date || input.time || changed.includes('chapter')) {
        // Moved to another chapter, it keeps its wall-clock date and time, now in that chapter's zone.
        const local = localParts(w.startsAt, before.chapter!.timeZone);
        set('startsAt', this.startFrom(input.date ?? local.date, input.time ?? local.time, chapter.timeZone), 'start');
      }
      // The end moves with the start; the duration counts as changed only when the length does.
      w.endsAt = new Date(w.startsAt.getTime() + duration * 60_000);
      if (duration !== length) changed.push('duration');
      if (input.learners !== undefined) set('learnerCapacity', input.learners, 'learners');
      const coaches =
        input.coaches ??
        (input.learners !== undefined ? Math.max(w.coachSlots, Math.ceil(input.learners / w.learnersPerCoach)) : undefined);
      if (coaches !== undefined) set('coachSlots', coaches, 'coaches');
      if (input.location !== undefined) set('location', input.location.trim() || null, 'location');
      if (input.description !== undefined) set('description', input.description.trim() || null, 'description');
      if (input.strictRatio !== undefined) set('strictRatio', input.strictRatio, 'strict_ratio');
      if (input.window) {
        const next = windowColumns(input.window, w, chapter.timeZone);
        for (const key of ['signupsOpenAt', 'signupsCloseAt', 'coachesOpenAt'] as const) {
          const same = (next[key]?.getTime() ?? null) === (w[key]?.getTime() ?? null);
          if (!same) {
            w[key] = next[key];
            if (!changed.includes('window')) changed.push('window');
          }
        }
      }
      const toFirstCome = this.editAllocation(w, input, set);
      if (!changed.length) return { moves: [], workshop: w, changed };
      w.revision += 1;
      await em.update(Workshop, { id }, editableColumns(w));
      if (options.by !== 'feed') await markHandEdited(em, id, changed);
      // A lottery given up before its draw: the pool joins the waitlist in join order (ids follow joins).
      if (toFirstCome) await em.update(WorkshopSignup, { workshopId: id, state: 'pool' }, { state: 'waiting' });
      // New seats go directly, as before offers: only a seat a learner gives up is offered (signups.ts).
      const moves = await settle(em, id, { now: this.clock.now() });
      if (changed.includes('start')) await this.reminders.schedule(em, w);
      const edited = await em.findOneByOrFail(Workshop, { id });
      edited.chapter = chapter;
      await this.notices.edited(em, edited, changed);
      await this.notices.moved(em, edited, moves, null);
      return { moves, workshop: edited, changed };
    });
    workshop.chapter = chapter;
    return { workshop, changed };
  }

  /**
   * Applies the lottery's and offers' options of an edit to the locked row `w` through `set`; true
   * when a lottery not yet drawn became first-come (its pool must join the waitlist). A drawn
   * lottery keeps its allocation and draw. A changed start pulls a later draw time to an hour before it.
   */
  private editAllocation(
    w: Workshop,
    input: WorkshopInput,
    set: <K extends keyof Workshop>(key: K, value: Workshop[K], name: WorkshopChange) => void,
  ): boolean {
    if (input.offerHours !== undefined) set('offerHours', input.offerHours, 'offer_hours');
    const wasLottery = w.allocation === 'lottery';
    if (w.drawnAt) {
      if ((input.allocation !== undefined && input.allocation !== w.allocation) || input.drawHours !== undefined)
        throw new UserError('lottery.drawn_already', { id: w.id });
      return false;
    }
    if (input.allocation !== undefined) set('allocation', input.allocation, 'allocation');
    if (w.allocation === 'lottery') {
      if (!w.lotterySeed) {
        const seed = newSeed();
        w.lotterySeed = seed;
        w.lotterySeedHash = seedHash(seed);
      }
      // The draw time counts from when sign-ups open (`opens:`, else the creation), and comes an hour before they close at the latest.
      const deadline = drawDeadline(w.signupsCloseAt, w.startsAt);
      const latest = deadline.getTime() - DRAW_BEFORE_START_MS;
      if (input.drawHours !== undefined || !w.drawAt)
        set('drawAt', drawTime(w.signupsOpenAt ?? w.createdAt, deadline, input.drawHours), 'draw');
      else if (w.drawAt.getTime() > latest) set('drawAt', new Date(latest), 'draw');
      return false;
    }
    if (wasLottery) {
      w.drawAt = null;
      w.lotterySeed = null;
      w.lotterySeedHash = null;
    }
    return wasLottery;
  }

  /** The actor's own place at the workshop as a learner, or null when not signed up as one. */
  async learnerPlace(actor: Person, id: number): Promise<LearnerPlace | null> {
    const signup = await this.store.manager
      .getRepository(WorkshopSignup)
      .createQueryBuilder('s')
      .innerJoin('s.member', 'm')
      .where('s.workshopId = :id AND s.role = :role', { id, role: 'learner' })
      .andWhere('m.platform = :platform AND m.workspace = :workspace AND m.userId = :userId', {
        platform: actor.platform,
        workspace: actor.workspace,
        userId: actor.id,
      })
      .getOne();
    if (!signup) return null;
    if (signup.state === 'waiting') return { state: 'waiting', position: await waitlistPosition(this.store.manager, signup) };
    if (signup.state === 'offered') return { state: 'offered', until: signup.offerExpiresAt! };
    return { state: signup.state };
  }

  /** Cancels a workshop: its reminders are dropped and everyone signed up is told why. */
  async cancel(id: number, reason: string): Promise<Workshop> {
    const { workshop, chapter } = await this.store.transaction(async (em) => {
      const w = await lockOpen(em, id, this.clock);
      await em.update(Workshop, { id }, { status: 'cancelled', cancelReason: reason.trim() });
      await this.reminders.drop(em, id);
      const chapter = await em.findOneByOrFail(Chapter, { id: w.chapterId });
      const workshop = { ...w, status: 'cancelled' as const, cancelReason: reason.trim() };
      await this.notices.cancelled(em, Object.assign(new Workshop(), workshop), reason.trim(), chapter.timeZone);
      return { workshop, chapter };
    });
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
      // One row per workshop (its one chapter): a plain LIMIT, not `take`'s two queries (ids first, then rows).
      .limit(filter.limit ?? 25);
    if (filter.chapterId !== undefined) qb.andWhere('w.chapterId = :chapterId', { chapterId: filter.chapterId });
    if (filter.topic) qb.andWhere('LOWER(w.topic) = :topic', { topic: filter.topic.trim().toLowerCase() });
    return qb.getMany();
  }

  /** A coach claims a slot, or joins the coach waitlist when all are taken (see `Signups.claim`). */
  claim(actor: Person, id: number): Promise<SignupResult> {
    return this.signups.claim(actor, id);
  }

  /** A learner takes a seat, or joins the learner waitlist; their member row is created with it. */
  join(actor: Person, id: number, locale?: string, profile?: LearnerProfile): Promise<SignupResult> {
    return this.signups.join(actor, id, locale, profile);
  }

  /** Frees a coach slot (or leaves the coach waitlist); the first waiting coach is promoted. */
  release(actor: Person, id: number): Promise<SignupState> {
    return this.signups.withdraw(actor, id, 'coach');
  }

  /** Gives a seat up (or leaves the learner waitlist); the first waiting learner is promoted. */
  leave(actor: Person, id: number): Promise<SignupState> {
    return this.signups.withdraw(actor, id, 'learner');
  }

  /** Waitlist lengths (what `show` and `list` print besides the counters). */
  counts(ids: readonly number[]): Promise<Map<number, Counts>> {
    return this.rosters.counts(ids);
  }

  roster(id: number): Promise<RosterEntry[]> {
    return this.rosters.of(id);
  }

  /** Whether the actor holds a claimed coach slot at the workshop (they may see its roster). */
  isCoachOf(actor: Person, id: number): Promise<boolean> {
    return this.rosters.isCoachOf(actor, id);
  }

  /** Upcoming workshops where the member holds a claimed coach slot. */
  claimedUpcoming(memberId: number): Promise<Workshop[]> {
    return this.rosters.claimedUpcoming(memberId);
  }

  /** Upcoming workshops where the member has a signup in any role or state (a retiring coach leaves them). */
  upcomingSignups(memberId: number, role: SignupRole): Promise<number[]> {
    return this.rosters.upcomingSignups(memberId, role);
  }

  /**
   * A moderator's correction of the attendance: who was there and who was not, whatever they
   * checked in as; learners who reach the threshold get their one invitation to coach (see `ProgressRecords`).
   */
  recordAttendance(id: number, present: readonly string[], absent: readonly string[] = []): Promise<AttendanceRecorded> {
    return this.progressRecords.recordAttendance(id, present, absent);
  }

  /**
   * Sends the one invitation to coach if the member's credits (workshops attended as a learner,
   * and one more for each with a share of theirs) reached INVITE_TO_COACH_AFTER; true when sent now.
   */
  inviteToCoachIfDue(member: Member): Promise<boolean> {
    return this.progressRecords.inviteToCoach(member);
  }

  /** A member's record: attended, coached, coming up, shared, and a next step (`here`: the chapter bound where they ask). */
  progress(actor: Person, here: number | null = null): Promise<ProgressReport> {
    return this.progressRecords.progress(actor, here);
  }

  /** An iCalendar file (RFC 5545) of workshops. */
  calendar(workshops: readonly Workshop[], name: string): string {
    return workshopCalendar(workshops, name, this.config.communityName, this.clock);
  }

  uid(w: Workshop): string {
    return workshopUid(w, this.config.communityName);
  }

  private startFrom(date: LocalDate, at: LocalTime, timeZone: string): Date {
    // At most MAX_YEARS_AHEAD years ahead, to the day in the chapter's zone: a typo such as
    // 9999-12-31 is refused rather than stored (its end, a day later, fell in year 10000,
    // which no calendar file can hold), and every accepted workshop fits a valid .ics.
    const limit = new Date(this.clock.now().getTime());
    limit.setUTCFullYear(limit.getUTCFullYear() + MAX_YEARS_AHEAD);
    const latest = localParts(limit, timeZone).date;
    const ordinal = (d: LocalDate) => d.year * 10_000 + d.month * 100 + d.day;
    if (ordinal(date) > ordinal(latest))
      throw new UserError('workshop.time.too_far', { years: MAX_YEARS_AHEAD, latest: formatLocalDate(latest) });
    const startsAt = zonedInstant(date, at, timeZone);
    if (!startsAt) {
      const time = `${String(at.hour).padStart(2, '0')}:${String(at.minute).padStart(2, '0')}`;
      throw new UserError('workshop.time.nonexistent', { time, timeZone });
    }
    if (startsAt.getTime() <= this.clock.now().getTime()) throw new UserError('workshop.time.past');
    return startsAt;
  }
}
