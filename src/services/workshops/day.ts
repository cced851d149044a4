import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import { type EntityManager, In, MoreThan } from 'typeorm';
import { CheckinAttempt } from '../../../entities/CheckinAttempt.js';
import { Coach } from '../../../entities/Coach.js';
import { Attendance } from '../../../entities/Attendance.js';
import { Member } from '../../../entities/Member.js';
import { Workshop } from '../../../entities/Workshop.js';
import { WorkshopGroup } from '../../../entities/WorkshopGroup.js';
import { type SignupRole, WorkshopSignup } from '../../../entities/WorkshopSignup.js';
import type { Clock } from '../../core/clock.js';
import { safeError, UserError } from '../../core/errors.js';
import { translator } from '../../core/i18n.js';
import type { Notifier } from '../../core/notifier.js';
import { fill, mention, p, SLOT, type Inline } from '../../core/reply.js';
import type { Outbox, Person } from '../../core/types.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { Store } from '../../db/store.js';
import { scopedPseudonym } from '../anonymity.js';
import type { ChapterService } from '../chapters.js';
import type { DirectMessages } from '../direct-messages.js';
import { formatLocal } from '../local-time.js';
import type { MemberService } from '../members.js';
import { type Grouping, type GroupLearner, makeGroups, placeLate } from './grouping.js';
import { workshopWhen } from './notices.js';
import { insertSignup } from './signups.js';

/** Check-in codes: no 0/O, no 1/I/l, so a code read off a projector is typed right. */
export const CHECKIN_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const CHECKIN_CODE_LENGTH = 5;
/** Check-in opens this long before the start and closes at the end. */
export const CHECKIN_OPENS_BEFORE_MS = 60 * 60_000;
/** Wrong codes a member may type within `CHECKIN_GUESS_MINUTES`; the next is refused unread. */
export const CHECKIN_GUESSES = 5;
export const CHECKIN_GUESS_MINUTES = 15;
/** A claim to make a group's place that did not finish in this time (its process died) is taken again. */
const PLACE_CLAIM_MS = 5 * 60_000;

export function newCheckinCode(): string {
  return Array.from({ length: CHECKIN_CODE_LENGTH }, () => CHECKIN_ALPHABET[randomInt(CHECKIN_ALPHABET.length)]).join('');
}

/** A code as typed (`ab3 kx`, `Ab3-Kx`) in the form it was issued. */
const normaliseCode = (typed: string) => typed.toUpperCase().replace(/[\s-]/g, '');

/** When check-in is open: an hour before the start until the end. */
export function checkinWindow(w: Workshop): { opens: Date; closes: Date } {
  return { opens: new Date(w.startsAt.getTime() - CHECKIN_OPENS_BEFORE_MS), closes: w.endsAt };
}

/** A member in a group, as rosters and DMs show them; the profile is for the workshop's coaches and moderators only. */
export interface GroupMember {
  readonly member: Member;
  readonly level: string | null;
  readonly language: string | null;
  readonly goal: string | null;
  readonly pinned: boolean;
}

export interface GroupView {
  readonly number: number;
  readonly coach: Member;
  readonly learners: readonly GroupMember[];
}

export interface GroupsMade {
  readonly workshop: Workshop;
  readonly groups: readonly GroupView[];
  /** Coaches needed beyond those present for every group to keep the ratio. */
  readonly missingCoaches: number;
  /** No coach present: no groups were made. */
  readonly noCoach: boolean;
  /** Who the groups were made from: checked-in members, or (before check-in opens) confirmed signups. */
  readonly from: 'checkins' | 'signups';
  /** Wishes that could not be followed, by learner, with the reason's code. */
  readonly unmet: readonly { readonly member: Member; readonly wish: string; readonly reason: string }[];
  /** Groups whose place could not be made, with why (a message key). */
  readonly placeProblems: readonly { readonly number: number; readonly error: UserError }[];
}

export interface CheckedIn {
  readonly workshop: Workshop;
  readonly role: SignupRole;
  readonly already: boolean;
  /** The group a learner joined on checking in after the groups were made. */
  readonly group?: GroupView;
}

/**
 * The workshop day: check-in codes and check-ins (walk-ins included), and the small groups of
 * learners with their coach, with a place to talk for each. Attendance is the check-ins plus the
 * moderators' corrections (`progress.ts`); a workshop "has check-in" once one check-in is recorded.
 */
export class WorkshopDay {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly members: MemberService,
    private readonly dms: DirectMessages,
    private readonly chapters: ChapterService,
    private readonly notifier: Notifier,
    private readonly secret: string,
    private readonly log: Logger,
    private readonly get: (id: number) => Promise<Workshop>,
    private readonly ratioOf: (w: Workshop) => number,
    /** The community's language, for a place whose coach set none. */
    private readonly locale: string,
    /** A learner was recorded present: attendance feeds the invitation to coach (`WorkshopService.inviteToCoachIfDue`). */
    private readonly attended: (memberId: number) => Promise<unknown> = async () => undefined,
  ) {}

  /** The workshop's check-in code, made on first need (a conditional update: two processes agree on one). */
  async code(id: number): Promise<{ workshop: Workshop; code: string; opens: Date; closes: Date }> {
    const w = await this.get(id);
    if (w.status === 'cancelled') throw new UserError('workshop.cancelled', { id });
    if (!w.checkinCode) {
      await this.store.transaction((em) =>
        em
          .createQueryBuilder()
          .update(Workshop)
          .set({ checkinCode: newCheckinCode() })
          .where('id = :id AND checkinCode IS NULL', { id })
          .execute(),
      );
      w.checkinCode = (await this.store.manager.findOneByOrFail(Workshop, { id })).checkinCode;
    }
    return { workshop: w, code: w.checkinCode!, ...checkinWindow(w) };
  }

  /** Whether at least one check-in was recorded (what later features mean by "has check-in"). */
  async hasCheckin(id: number): Promise<boolean> {
    return (await this.store.manager.countBy(Attendance, { workshopId: id, source: In(['checkin', 'walk-in']) })) > 0;
  }

  /** A confirmed learner or claimed coach checks themselves in with the code shown at the venue. */
  async checkIn(actor: Person, id: number, typed: string): Promise<CheckedIn> {
    const w = await this.get(id);
    this.assertOpen(w);
    const memberKey = scopedPseudonym(this.secret, 'checkin', actor);
    const now = this.clock.now();
    const since = new Date(now.getTime() - CHECKIN_GUESS_MINUTES * 60_000);
    const wrong = await this.store.manager.countBy(CheckinAttempt, { memberKey, at: MoreThan(since) });
    if (wrong >= CHECKIN_GUESSES) throw new UserError('workshop.checkin.too_many', { minutes: CHECKIN_GUESS_MINUTES });
    const { code } = await this.code(id);
    // Each attempt is recorded before its code is read and the attempts are counted after, so of
    // guesses sent at once (to one process or several) each sees those before it, and no more than
    // CHECKIN_GUESSES are read. A right code, and one refused unread, is no wrong guess: its row goes.
    const attempt = await this.store.transaction(async (em) => {
      await em.createQueryBuilder().delete().from(CheckinAttempt).where('at < :since', { since: since.getTime() }).execute();
      return em.save(em.create(CheckinAttempt, { memberKey, at: now }));
    });
    const tries = await this.store.manager.countBy(CheckinAttempt, { memberKey, at: MoreThan(since) });
    const right = normaliseCode(typed) === code;
    if (right || tries > CHECKIN_GUESSES) await this.store.transaction((em) => em.delete(CheckinAttempt, { id: attempt.id }));
    if (tries > CHECKIN_GUESSES) throw new UserError('workshop.checkin.too_many', { minutes: CHECKIN_GUESS_MINUTES });
    if (!right) throw new UserError('workshop.checkin.wrong_code', { id, left: CHECKIN_GUESSES - tries });
    const member = await this.store.manager.findOneBy(Member, { platform: actor.platform, workspace: actor.workspace, userId: actor.id });
    const signup = member && (await this.store.manager.findOneBy(WorkshopSignup, { workshopId: id, memberId: member.id }));
    if (!member || !signup) throw new UserError('workshop.checkin.not_signed_up', { id });
    if (signup.state !== 'confirmed') throw new UserError('workshop.checkin.waiting', { id });
    const already = await this.record(id, member.id, signup.role, 'checkin');
    const group = signup.role === 'learner' && !already ? await this.placeLate(w, signup) : undefined;
    return { workshop: w, role: signup.role, already, ...(group ? { group } : {}) };
  }

  /**
   * A moderator or the workshop's coach checks someone in: a confirmed member as usual; a member
   * who was not signed up, or waited, takes a free seat as a walk-in (a confirmed seat counts as taken).
   */
  async walkIn(id: number, person: Person): Promise<CheckedIn & { walkIn: boolean }> {
    const w = await this.get(id);
    this.assertOpen(w);
    const { signup, walkIn } = await this.store.transaction(async (em) => {
      await lockDay(em, id);
      const member = await this.members.ensureIn(em, person);
      const existing = await em.findOneBy(WorkshopSignup, { workshopId: id, memberId: member.id });
      if (existing?.state === 'confirmed') return { signup: existing, walkIn: false };
      if (existing?.role === 'coach') throw new UserError('workshop.walkin.waiting_coach', { id });
      // A seat on offer is held in the counter already (waitlist offers): checking in takes it.
      if (existing?.state === 'offered') {
        await em.update(WorkshopSignup, { id: existing.id }, { state: 'confirmed', offerExpiresAt: null, confirmedAt: this.clock.now() });
        return { signup: { ...existing, state: 'confirmed' as const, offerExpiresAt: null }, walkIn: true };
      }
      const seated = await em
        .createQueryBuilder()
        .update(Workshop)
        .set({ learnersConfirmed: () => '"learnersConfirmed" + 1' })
        .where('id = :id AND "learnersConfirmed" < "learnerCapacity"', { id })
        .execute();
      if (seated.affected !== 1) throw new UserError('workshop.walkin.full', { id });
      if (existing) {
        await em.update(WorkshopSignup, { id: existing.id }, { state: 'confirmed', confirmedAt: this.clock.now() });
        return { signup: { ...existing, state: 'confirmed' as const }, walkIn: true };
      }
      const row = await insertSignup(em, {
        workshopId: id,
        memberId: member.id,
        role: 'learner',
        state: 'confirmed',
        createdAt: this.clock.now(),
        confirmedAt: this.clock.now(),
      });
      return { signup: row, walkIn: true };
    });
    const already = await this.record(id, signup.memberId, signup.role, walkIn ? 'walk-in' : 'checkin');
    const group = signup.role === 'learner' && !already ? await this.placeLate(w, signup) : undefined;
    return { workshop: w, role: signup.role, already, walkIn, ...(group ? { group } : {}) };
  }

  /**
   * Forms the groups (see `grouping.ts` for the rules) from the checked-in learners and coaches,
   * or before check-in opens from the confirmed ones; keeps learners moved by hand with their coach
   * unless `keepMoves` is false. Everyone whose group changed is told by DM, and each group gets
   * its place to talk, made once.
   */
  async make(id: number, keepMoves = true): Promise<GroupsMade> {
    const w = await this.get(id);
    if (w.status === 'cancelled') throw new UserError('workshop.cancelled', { id });
    if (w.endsAt.getTime() <= this.clock.now().getTime()) throw new UserError('workshop.groups.ended', { id });
    const from = this.clock.now().getTime() >= checkinWindow(w).opens.getTime() ? 'checkins' : 'signups';
    const { grouping, before, signups } = await this.store.transaction(async (em) => {
      await lockDay(em, id);
      const signups = await em.find(WorkshopSignup, { where: { workshopId: id, state: 'confirmed' }, relations: { member: true } });
      const present =
        from === 'checkins'
          ? new Set((await em.findBy(Attendance, { workshopId: id, present: true })).map((a) => a.memberId))
          : new Set(signups.map((s) => s.memberId));
      const here = signups.filter((s) => present.has(s.memberId));
      const coachSignups = here.filter((s) => s.role === 'coach');
      const coachOfGroup = new Map(signups.filter((s) => s.role === 'coach' && s.groupNumber).map((s) => [s.groupNumber!, s.memberId]));
      const profiles = await em.findBy(Coach, { memberId: In(coachSignups.map((s) => s.memberId)) });
      const learners: GroupLearner[] = here
        .filter((s) => s.role === 'learner')
        .map((s) => ({
          id: s.memberId,
          level: s.level,
          language: s.language,
          pinnedCoach: keepMoves && s.groupPinned && s.groupNumber ? (coachOfGroup.get(s.groupNumber) ?? null) : null,
        }));
      const coaches = coachSignups.map((s) => ({
        id: s.memberId,
        languages: (profiles.find((c) => c.memberId === s.memberId)?.languages ?? '')
          .split(',')
          .map((l) => l.trim().toLowerCase())
          .filter(Boolean),
      }));
      const chapter = w.chapter!;
      const grouping = makeGroups({ learners, coaches, ratio: this.ratioOf(w), mode: chapter.groupsMode ?? 'mixed' });
      const before = new Map(signups.map((s) => [s.memberId, s.groupNumber]));
      if (grouping.groups.length) {
        const after = groupOf(grouping);
        for (const s of signups) {
          const number = after.get(s.memberId) ?? null;
          const pinned =
            number !== null && s.groupPinned && keepMoves && coachOfGroup.get(s.groupNumber ?? 0) === coachIn(grouping, number);
          if (number !== s.groupNumber || pinned !== s.groupPinned) {
            await em.update(WorkshopSignup, { id: s.id }, { groupNumber: number, groupPinned: pinned });
          }
        }
      }
      return { grouping, before, signups };
    });
    const byId = new Map(signups.map((s) => [s.memberId, s]));
    const groups = grouping.groups.map((g) => this.view(g.number, g.coach, g.learners, byId));
    const changed = groups.filter((g) => [g.coach, ...g.learners.map((l) => l.member)].some((m) => before.get(m.id) !== g.number));
    const placeProblems = await this.openPlaces(w, changed);
    for (const g of changed) await this.announce(w, g, before);
    return {
      workshop: w,
      groups,
      missingCoaches: grouping.missingCoaches,
      noCoach: grouping.groups.length === 0 && grouping.missingCoaches > 0,
      from,
      unmet: grouping.unmet.flatMap((u) => {
        const s = byId.get(u.learner);
        return s ? [{ member: s.member!, wish: u.wish === 'language' ? (s.language ?? '') : '', reason: u.reason }] : [];
      }),
      placeProblems,
    };
  }

  /** The groups as they are. */
  async groups(id: number): Promise<GroupView[]> {
    const signups = await this.store.manager.find(WorkshopSignup, {
      where: { workshopId: id, state: 'confirmed' },
      relations: { member: true },
      order: { id: 'ASC' },
    });
    const byId = new Map(signups.map((s) => [s.memberId, s]));
    const coaches = signups.filter((s) => s.role === 'coach' && s.groupNumber !== null).sort((a, b) => a.groupNumber! - b.groupNumber!);
    return coaches.map((c) =>
      this.view(
        c.groupNumber!,
        c.memberId,
        signups.filter((s) => s.role === 'learner' && s.groupNumber === c.groupNumber).map((s) => s.memberId),
        byId,
      ),
    );
  }

  /** The member's own group at the workshop, or null. */
  async mine(actor: Person, id: number): Promise<GroupView | null> {
    const groups = await this.groups(id);
    const isMe = (m: Member) => m.platform === actor.platform && m.workspace === actor.workspace && m.userId === actor.id;
    return groups.find((g) => isMe(g.coach) || g.learners.some((l) => isMe(l.member))) ?? null;
  }

  /** Moves a learner into another group by hand; remaking the groups keeps them there (see `make`). */
  async move(id: number, person: Person, number: number): Promise<GroupView> {
    const w = await this.get(id);
    if (w.status === 'cancelled') throw new UserError('workshop.cancelled', { id });
    const before = await this.store.transaction(async (em) => {
      await lockDay(em, id);
      const member = await this.members.ensureIn(em, person);
      const signup = await em.findOneBy(WorkshopSignup, { workshopId: id, memberId: member.id, role: 'learner', state: 'confirmed' });
      if (!signup) throw new UserError('workshop.groups.not_learner', { id, name: person.name });
      const coach = await em.findOneBy(WorkshopSignup, { workshopId: id, role: 'coach', state: 'confirmed', groupNumber: number });
      if (!coach) throw new UserError('workshop.groups.no_such_group', { id, group: number });
      await em.update(WorkshopSignup, { id: signup.id }, { groupNumber: number, groupPinned: true });
      return new Map([[member.id, signup.groupNumber]]);
    });
    const group = (await this.groups(id)).find((g) => g.number === number)!;
    await this.openPlaces(w, [group]);
    await this.announce(w, group, before);
    return group;
  }

  /** A learner checking in after the groups were made joins the smallest suitable group. */
  private async placeLate(w: Workshop, signup: WorkshopSignup): Promise<GroupView | undefined> {
    const groups = await this.groups(w.id);
    if (!groups.length || signup.groupNumber) return undefined;
    const coaches = await this.store.manager.findBy(Coach, { memberId: In(groups.map((g) => g.coach.id)) });
    const number = placeLate(
      groups.map((g) => ({ number: g.number, coach: g.coach.id, learners: g.learners.map((l) => l.member.id) })),
      groups.map((g) => ({
        id: g.coach.id,
        languages: (coaches.find((c) => c.memberId === g.coach.id)?.languages ?? '')
          .split(',')
          .map((l) => l.trim().toLowerCase())
          .filter(Boolean),
      })),
      { id: signup.memberId, level: signup.level, language: signup.language },
    );
    if (number === null) return undefined;
    await this.store.transaction((em) => em.update(WorkshopSignup, { id: signup.id }, { groupNumber: number }));
    const group = (await this.groups(w.id)).find((g) => g.number === number)!;
    await this.openPlaces(w, [group]);
    await this.announce(w, group, new Map([[signup.memberId, null]]), [signup.memberId]);
    return group;
  }

  /** Records a check-in; true when the member was checked in already. A moderator's "absent" correction has the last word. */
  private async record(id: number, memberId: number, role: SignupRole, source: 'checkin' | 'walk-in'): Promise<boolean> {
    const row = await this.store.manager.findOneBy(Attendance, { workshopId: id, memberId });
    if (row && row.source === 'correction' && !row.present) throw new UserError('workshop.checkin.corrected', { id });
    if (row) return true;
    try {
      await this.store.transaction((em) =>
        em.insert(Attendance, { workshopId: id, memberId, role, source, present: true, recordedAt: this.clock.now() }),
      );
      if (role === 'learner') {
        await this.attended(memberId).catch((err: unknown) =>
          this.log.warn({ err: safeError(err) }, 'the invitation to coach could not be checked after a check-in'),
        );
      }
      return false;
    } catch (err) {
      if (isUniqueViolation(err)) return true;
      throw err;
    }
  }

  private assertOpen(w: Workshop): void {
    if (w.status === 'cancelled') throw new UserError('workshop.cancelled', { id: w.id });
    const { opens, closes } = checkinWindow(w);
    const now = this.clock.now().getTime();
    const tz = w.chapter!.timeZone;
    if (now < opens.getTime()) throw new UserError('workshop.checkin.not_yet', { id: w.id, opens: formatLocal(opens, tz) });
    if (now >= closes.getTime()) throw new UserError('workshop.checkin.over', { id: w.id });
  }

  private view(number: number, coachId: number, learnerIds: readonly number[], byId: Map<number, WorkshopSignup>): GroupView {
    return {
      number,
      coach: byId.get(coachId)!.member!,
      learners: learnerIds.flatMap((l) => {
        const s = byId.get(l);
        return s ? [{ member: s.member!, level: s.level, language: s.language, goal: s.goal, pinned: s.groupPinned }] : [];
      }),
    };
  }

  /**
   * Each group's place to talk, per platform and workspace its members are on, made once: the
   * row's unique key and a conditional claim let one process make it; a changed group's existing
   * place gets its new members. Returns the groups whose place could not be made, and why.
   */
  private async openPlaces(w: Workshop, groups: readonly GroupView[]): Promise<{ number: number; error: UserError }[]> {
    const problems: { number: number; error: UserError }[] = [];
    for (const g of groups) {
      const everyone = [g.coach, ...g.learners.map((l) => l.member)];
      const places = new Map<string, Member[]>();
      for (const m of everyone)
        places.set(`${m.platform}\u0000${m.workspace}`, [...(places.get(`${m.platform}\u0000${m.workspace}`) ?? []), m]);
      for (const members of places.values()) {
        const { platform, workspace } = members[0]!;
        const outbox = this.notifier.outbox(platform, workspace);
        if (!outbox?.openGroup) continue;
        try {
          await this.openPlace(w, g, platform, workspace, members, outbox.openGroup.bind(outbox));
        } catch (err) {
          if (err instanceof UserError) problems.push({ number: g.number, error: err });
          else {
            this.log.warn({ err: safeError(err), platform }, "a group's place could not be made");
            problems.push({ number: g.number, error: new UserError('workshop.groups.place_failed') });
          }
        }
      }
    }
    return problems;
  }

  private async openPlace(
    w: Workshop,
    g: GroupView,
    platform: string,
    workspace: string,
    members: readonly Member[],
    open: NonNullable<Outbox['openGroup']>,
  ): Promise<void> {
    const key = { workshopId: w.id, number: g.number, platform, workspace };
    await this.store.transaction((em) =>
      em
        .createQueryBuilder()
        .insert()
        .into(WorkshopGroup)
        .values({ ...key, place: null, claimedAt: null })
        .orIgnore()
        .execute(),
    );
    const row = await this.store.manager.findOneByOrFail(WorkshopGroup, key);
    const channels = await this.chapters.channels(w.chapter!, { platform, workspace });
    const t = translator(g.coach.locale ?? this.locale);
    const place = {
      channel: channels.workshops ?? channels.announcements ?? null,
      name: `workshop-${w.id}-group-${g.number}`,
      members: members.map((m) => ({ id: m.userId, name: m.displayName })),
      intro: {
        title: t('workshop.group.place_title', { group: g.number, id: w.id, title: w.title }),
        body: [
          p(
            ...fill(
              t('workshop.group.place_intro', { coach: SLOT, learners: SLOT }),
              mention({ id: g.coach.userId, name: g.coach.displayName }),
              names(g.learners.map((l) => l.member)),
            ),
          ),
          p(t('workshop.group.place_stuck', { id: w.id })),
        ],
      },
    };
    if (row.place) {
      const now = await open(place, row.place);
      if (now !== row.place) await this.store.transaction((em) => em.update(WorkshopGroup, { id: row.id }, { place: now }));
      return;
    }
    const now = this.clock.now();
    const claimed = await this.store.transaction(
      async (em) =>
        (
          await em
            .createQueryBuilder()
            .update(WorkshopGroup)
            .set({ claimedAt: now })
            .where('id = :id AND place IS NULL AND ("claimedAt" IS NULL OR "claimedAt" < :stale)', {
              id: row.id,
              stale: now.getTime() - PLACE_CLAIM_MS,
            })
            .execute()
        ).affected === 1,
    );
    if (!claimed) return;
    try {
      const made = await open(place);
      await this.store.transaction((em) => em.update(WorkshopGroup, { id: row.id }, { place: made }));
    } catch (err) {
      // Let the next attempt (another `make`, a late check-in) try again at once.
      await this.store.transaction((em) => em.update(WorkshopGroup, { id: row.id }, { claimedAt: null }));
      throw err;
    }
  }

  /** DMs the members of a group whose group changed: learners their coach and group, the coach their learners. */
  private async announce(w: Workshop, g: GroupView, before: Map<number, number | null>, only?: readonly number[]): Promise<void> {
    // The group's DMs are outbox rows written together: all of them or none.
    await this.store.transaction((em) => this.announceIn(em, w, g, before, only));
  }

  private async announceIn(
    em: EntityManager,
    w: Workshop,
    g: GroupView,
    before: Map<number, number | null>,
    only?: readonly number[],
  ): Promise<void> {
    const concerned = (m: Member) => (only ? only.includes(m.id) : before.get(m.id) !== g.number);
    for (const l of g.learners) {
      if (!concerned(l.member)) continue;
      const others = g.learners.filter((o) => o.member.id !== l.member.id).map((o) => o.member);
      await this.dms.send(
        l.member,
        (t) => ({
          body: [
            p(
              ...fill(
                t(others.length ? 'workshop.dm.group' : 'workshop.dm.group.alone', { group: g.number, coach: SLOT, others: SLOT }),
                mention({ id: g.coach.userId, name: g.coach.displayName }),
                names(others),
              ),
            ),
            p(...workshopWhen(w, t)),
            p(t('workshop.dm.group.stuck')),
          ],
          buttons: [{ label: t('stuck.button'), command: `/stuck workshop:${w.id}`, style: 'primary' }],
        }),
        { chapterId: w.chapterId, kind: 'day', subject: w.id },
        em,
      );
    }
    if (concerned(g.coach) || g.learners.some((l) => concerned(l.member))) {
      await this.dms.send(
        g.coach,
        (t) => ({
          body: [
            p(...fill(t('workshop.dm.group.coach', { group: g.number, learners: SLOT }), names(g.learners.map((l) => l.member)))),
            p(...workshopWhen(w, t)),
          ],
          buttons: [{ label: t('stuck.button.next'), command: `/stuck next id:${w.id}` }],
        }),
        { chapterId: w.chapterId, kind: 'day', subject: w.id },
        em,
      );
    }
  }
}

/** Members as mentions without a ping ("Ben, Chen"), or a dash. */
function names(members: readonly Member[]): Inline {
  const parts: Inline[] = members.flatMap((m, i): Inline[] => [i ? ', ' : '', mention({ id: m.userId, name: m.displayName })]);
  return { kind: 'bold', children: parts.length ? parts : ['—'] };
}

function groupOf(grouping: Grouping): Map<number, number> {
  const out = new Map<number, number>();
  for (const g of grouping.groups) {
    out.set(g.coach, g.number);
    for (const l of g.learners) out.set(l, g.number);
  }
  return out;
}

const coachIn = (grouping: Grouping, number: number) => grouping.groups.find((g) => g.number === number)?.coach;

/** Locks the workshop's row (PostgreSQL) for a change on the day; a cancelled workshop is refused. */
export async function lockDay(em: EntityManager, id: number): Promise<Workshop> {
  const qb = em.createQueryBuilder(Workshop, 'w').where('w.id = :id', { id });
  if (em.connection.options.type === 'postgres') qb.setLock('pessimistic_write');
  const w = await qb.getOne();
  if (!w) throw new UserError('workshop.not_found', { id });
  if (w.status === 'cancelled') throw new UserError('workshop.cancelled', { id });
  return w;
}
