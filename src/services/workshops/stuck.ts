import type { Logger } from 'pino';
import { type EntityManager, In, IsNull, LessThan } from 'typeorm';
import { Attendance } from '../../../entities/Attendance.js';
import { Member } from '../../../entities/Member.js';
import { StuckRequest } from '../../../entities/StuckRequest.js';
import { Workshop } from '../../../entities/Workshop.js';
import { WorkshopSignup } from '../../../entities/WorkshopSignup.js';
import type { Clock } from '../../core/clock.js';
import { safeError, UserError } from '../../core/errors.js';
import { fill, mention, p, SLOT } from '../../core/reply.js';
import type { Person } from '../../core/types.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { Store } from '../../db/store.js';
import type { DirectMessages } from '../direct-messages.js';
import { checkinWindow } from './day.js';

/** Requests, and the waits to "On my way" (milliseconds), of one workshop: what the feedback report shows. */
export interface StuckFigures {
  readonly requests: number;
  readonly medianWaitMs: number | null;
  readonly p90WaitMs: number | null;
}

export interface StuckAsked {
  readonly request: StuckRequest;
  readonly workshop: Workshop;
  readonly coach: Member;
  readonly group: number;
  /** 1-based place in the coach's queue; 0 when the coach is on the way already. */
  readonly position: number;
  /** The learner had an open request: its note was changed instead. */
  readonly updated: boolean;
}

/** The value at a fraction of the sorted values (nearest rank). */
function percentile(sorted: readonly number[], fraction: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;
}

/**
 * "I'm stuck": a help queue per coach during a workshop. A request reaches the learner's group
 * coach alone, by DM (never a group's place or a channel). A request left waiting for
 * STUCK_ESCALATE_MINUTES is offered to every checked-in coach without an open request; whoever
 * takes it first gets it: every taking is one conditional update (`... WHERE state = 'waiting'`),
 * so two coaches pressing at once, on two processes, cannot both get it. When the workshop ends its
 * requests close, and their members and notes are erased; the times stay, for the figures.
 */
export class StuckQueue {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly escalateMinutes: number,
    private readonly dms: DirectMessages,
    private readonly log: Logger,
  ) {}

  /** A learner asks for help (or changes the note of their open request). */
  async ask(actor: Person, workshopId: number | undefined, note: string | undefined): Promise<StuckAsked> {
    const learner = await this.member(actor);
    const signup = await this.learnerSignup(learner, workshopId);
    const workshop = await this.store.manager.findOneOrFail(Workshop, { where: { id: signup.workshopId }, relations: { chapter: true } });
    const coachSignup = await this.store.manager.findOne(WorkshopSignup, {
      where: { workshopId: workshop.id, role: 'coach', state: 'confirmed', groupNumber: signup.groupNumber! },
      relations: { member: true },
    });
    if (!coachSignup) throw new UserError('stuck.no_group', { id: workshop.id });
    const coach = coachSignup.member!;
    const text = note?.trim() || null;
    const now = this.clock.now();
    const group = signup.groupNumber!;
    /** The request, and the DM to the coach whose queue it is in (an outbox row of the same transaction). */
    const upsert = async (): Promise<{ request: StuckRequest; updated: boolean; position: number }> =>
      this.store.transaction(async (em) => {
        const { request, updated } = await write(em);
        const position = request.state === 'waiting' ? await this.position(request, em) : 0;
        const inQueue = request.coachId ? await em.findOneBy(Member, { id: request.coachId }) : null;
        if (inQueue) await this.tellCoach(em, inQueue, learner, request, workshop, group, position, updated);
        return { request, updated, position };
      });
    const write = async (em: EntityManager): Promise<{ request: StuckRequest; updated: boolean }> => {
      const open = await em.findOneBy(StuckRequest, { workshopId: workshop.id, learnerId: learner.id, open: true });
      if (open) {
        if (note !== undefined) await em.update(StuckRequest, { id: open.id }, { note: text });
        return { request: { ...open, note: note !== undefined ? text : open.note }, updated: true };
      }
      const request = await em.save(
        em.create(StuckRequest, {
          workshopId: workshop.id,
          learnerId: learner.id,
          coachId: coach.id,
          note: text,
          state: 'waiting',
          open: true,
          createdAt: now,
          takenAt: null,
          escalatedAt: null,
          closedAt: null,
        }),
      );
      return { request, updated: false };
    };
    let result: { request: StuckRequest; updated: boolean; position: number };
    try {
      result = await upsert();
    } catch (err) {
      // The same learner pressing twice at once: the unique key lets one in; the other updates it.
      if (!isUniqueViolation(err)) throw err;
      result = await upsert();
    }
    const { request, updated, position } = result;
    return { request, workshop, coach, group, position, updated };
  }

  /** "On my way": the coach takes a request waiting for them, or one offered to every free coach. */
  async take(actor: Person, requestId: number): Promise<{ request: StuckRequest; learner: Member | null }> {
    const coach = await this.member(actor);
    const request = await this.store.manager.findOneBy(StuckRequest, { id: requestId });
    if (!request || !(await this.coaches(coach, request.workshopId))) throw new UserError('stuck.not_found', { id: requestId });
    const now = this.clock.now();
    // The take and the learner's DM (an outbox row): one transaction.
    const taken = await this.store.transaction(async (em) => {
      const result = await em
        .createQueryBuilder()
        .update(StuckRequest)
        .set({ state: 'coming', coachId: coach.id, takenAt: now })
        .where('id = :id AND state = :waiting', { id: requestId, waiting: 'waiting' })
        .andWhere('("coachId" = :me OR "escalatedAt" IS NOT NULL)', { me: coach.id })
        .execute();
      if (result.affected !== 1) return null;
      const learner = request.learnerId ? await em.findOneBy(Member, { id: request.learnerId }) : null;
      if (learner) {
        const workshop = await em.findOneByOrFail(Workshop, { id: request.workshopId });
        await this.dms.send(
          learner,
          (t) => ({
            body: [p(...fill(t('stuck.dm.coming', { coach: SLOT }), mention({ id: coach.userId, name: coach.displayName })))],
          }),
          { chapterId: workshop.chapterId, kind: 'stuck', subject: workshop.id },
          em,
        );
      }
      return { learner };
    });
    const after = await this.store.manager.findOneByOrFail(StuckRequest, { id: requestId });
    if (!taken) {
      if (after.state === 'coming' && after.coachId === coach.id) return { request: after, learner: null };
      if (after.state === 'coming') throw new UserError('stuck.taken', { id: requestId });
      if (after.state !== 'waiting') throw new UserError('stuck.closed', { id: requestId });
      throw new UserError('stuck.not_yours', { id: requestId });
    }
    const learner = taken.learner;
    return { request: after, learner };
  }

  /** `/stuck next`: the coach takes the oldest request in their queue, else the oldest one offered to all. */
  async next(actor: Person, workshopId: number): Promise<{ request: StuckRequest; learner: Member | null } | null> {
    const coach = await this.member(actor);
    if (!(await this.coaches(coach, workshopId))) throw new UserError('stuck.not_coach', { id: workshopId });
    for (let attempt = 0; attempt < 5; attempt++) {
      const mine = await this.store.manager.findOne(StuckRequest, {
        where: { workshopId, state: 'waiting', coachId: coach.id },
        order: { id: 'ASC' },
      });
      const offered =
        mine ??
        (await this.store.manager
          .getRepository(StuckRequest)
          .createQueryBuilder('r')
          .where('r.workshopId = :workshopId AND r.state = :waiting AND r.escalatedAt IS NOT NULL', { workshopId, waiting: 'waiting' })
          .orderBy('r.id', 'ASC')
          .getOne());
      if (!offered) return null;
      try {
        return await this.take(actor, offered.id);
      } catch (err) {
        // Another coach took that one in between: try the next.
        if (!(err instanceof UserError) || err.key !== 'stuck.taken') throw err;
      }
    }
    return null;
  }

  /** "Done": the coach closes a request of theirs. */
  async done(actor: Person, requestId: number): Promise<StuckRequest> {
    const coach = await this.member(actor);
    const request = await this.store.manager.findOneBy(StuckRequest, { id: requestId });
    if (!request || !(await this.coaches(coach, request.workshopId))) throw new UserError('stuck.not_found', { id: requestId });
    const now = this.clock.now();
    const closed = await this.store.transaction(
      async (em) =>
        (
          await em
            .createQueryBuilder()
            .update(StuckRequest)
            .set({ state: 'done', open: null, closedAt: now, takenAt: () => `COALESCE("takenAt", ${now.getTime()})` })
            .where('id = :id AND open = :open AND ("coachId" = :me OR "escalatedAt" IS NOT NULL)', {
              id: requestId,
              open: true,
              me: coach.id,
            })
            .execute()
        ).affected === 1,
    );
    const after = await this.store.manager.findOneByOrFail(StuckRequest, { id: requestId });
    if (!closed && after.state !== 'done') throw new UserError(after.open ? 'stuck.not_yours' : 'stuck.closed', { id: requestId });
    return after;
  }

  /** The learner withdraws their open request; its coach is told. */
  async cancel(actor: Person, workshopId: number | undefined): Promise<StuckRequest> {
    const learner = await this.member(actor);
    const open = await this.store.manager.findBy(StuckRequest, {
      learnerId: learner.id,
      open: true,
      ...(workshopId !== undefined ? { workshopId } : {}),
    });
    if (!open.length) throw new UserError('stuck.cancel.none');
    const now = this.clock.now();
    await this.store.transaction(async (em) => {
      for (const r of open) {
        // Only the requests this call closed (not one a coach finished meanwhile); their coaches' DMs in the same transaction.
        const closed = await em.update(StuckRequest, { id: r.id, open: true }, { state: 'cancelled', open: null, closedAt: now });
        const coach = closed.affected === 1 && r.coachId ? await em.findOneBy(Member, { id: r.coachId }) : null;
        if (!coach) continue;
        const workshop = await em.findOneByOrFail(Workshop, { id: r.workshopId });
        await this.dms.send(
          coach,
          (t) => ({
            body: [p(...fill(t('stuck.dm.cancelled', { learner: SLOT }), mention({ id: learner.userId, name: learner.displayName })))],
          }),
          { chapterId: workshop.chapterId, kind: 'stuck', subject: workshop.id },
          em,
        );
      }
    });
    return open[0]!;
  }

  /**
   * Offers requests waiting longer than STUCK_ESCALATE_MINUTES to every checked-in coach with no
   * open request (the scheduler calls it). Each request is offered once: a conditional update
   * marks it, so several processes offer it once between them.
   */
  async escalate(): Promise<number> {
    const now = this.clock.now();
    const due = await this.store.manager.find(StuckRequest, {
      where: { state: 'waiting', escalatedAt: IsNull(), createdAt: LessThan(new Date(now.getTime() - this.escalateMinutes * 60_000)) },
      order: { id: 'ASC' },
      take: 50,
    });
    let offered = 0;
    for (const r of due) {
      try {
        // The mark and the offers to the other coaches (outbox rows): one transaction, so offered exactly once.
        const claimed = await this.store.transaction(async (em) => {
          const marked = await em.update(StuckRequest, { id: r.id, escalatedAt: IsNull(), state: 'waiting' }, { escalatedAt: now });
          if (marked.affected !== 1) return false;
          await this.offer(em, r);
          return true;
        });
        if (claimed) offered++;
      } catch (err) {
        this.log.warn({ err: safeError(err) }, 'a waiting stuck request could not be offered to the other coaches');
      }
    }
    return offered;
  }

  /**
   * Closes the requests of workshops that ended (or were cancelled), and erases who asked whom and
   * the notes: only the times stay, for the figures.
   */
  async closeEnded(): Promise<number> {
    const now = this.clock.now();
    const rows: { workshopId: number | string }[] = await this.store.manager
      .getRepository(StuckRequest)
      .createQueryBuilder('r')
      .select('DISTINCT r.workshopId', 'workshopId')
      .innerJoin(Workshop, 'w', 'w.id = r.workshopId')
      .where('(w.endsAt <= :now OR w.status = :cancelled)', { now: now.getTime(), cancelled: 'cancelled' })
      .andWhere('(r.open IS NOT NULL OR r.learnerId IS NOT NULL OR r.coachId IS NOT NULL OR r.note IS NOT NULL)')
      .getRawMany();
    if (!rows.length) return 0;
    const workshopId = In(rows.map((r) => Number(r.workshopId)));
    return this.store.transaction(async (em) => {
      const closed = await em.update(StuckRequest, { workshopId, open: true }, { state: 'closed', open: null, closedAt: now });
      await em.update(StuckRequest, { workshopId }, { learnerId: null, coachId: null, note: null });
      return closed.affected ?? 0;
    });
  }

  /** The number of requests of a workshop, and the median and 90th percentile wait to "On my way". */
  async figures(workshopId: number): Promise<StuckFigures> {
    const rows = await this.store.manager.find(StuckRequest, { where: { workshopId }, select: { createdAt: true, takenAt: true } });
    const waits = rows
      .filter((r) => r.takenAt)
      .map((r) => r.takenAt!.getTime() - r.createdAt.getTime())
      .sort((a, b) => a - b);
    return { requests: rows.length, medianWaitMs: percentile(waits, 0.5), p90WaitMs: percentile(waits, 0.9) };
  }

  private async offer(em: EntityManager, r: StuckRequest): Promise<void> {
    const workshop = await em.findOneOrFail(Workshop, { where: { id: r.workshopId }, relations: { chapter: true } });
    const learner = r.learnerId ? await em.findOneBy(Member, { id: r.learnerId }) : null;
    if (!learner) return;
    const present = await em.find(Attendance, {
      where: { workshopId: r.workshopId, role: 'coach', present: true },
      relations: { member: true },
    });
    const busy = new Set((await em.findBy(StuckRequest, { workshopId: r.workshopId, state: 'coming', open: true })).map((x) => x.coachId));
    const signup = await em.findOneBy(WorkshopSignup, { workshopId: r.workshopId, memberId: learner.id });
    for (const coach of present.map((a) => a.member!)) {
      if (coach.id === r.coachId || busy.has(coach.id)) continue;
      await this.dms.send(
        coach,
        (t) => ({
          body: [
            p(
              ...fill(
                t('stuck.dm.offer', { learner: SLOT, group: signup?.groupNumber ?? '?', minutes: this.escalateMinutes }),
                mention({ id: learner.userId, name: learner.displayName }),
              ),
            ),
            ...(r.note ? [p(t('stuck.dm.note', { note: r.note }))] : []),
          ],
          buttons: [{ label: t('stuck.button.take'), command: `/stuck take request:${r.id}`, style: 'primary' }],
        }),
        { chapterId: workshop.chapterId, kind: 'stuck', subject: workshop.id },
        em,
      );
    }
  }

  private async tellCoach(
    em: EntityManager,
    coach: Member,
    learner: Member,
    r: StuckRequest,
    w: Workshop,
    group: number,
    position: number,
    updated: boolean,
  ): Promise<void> {
    await this.dms.send(
      coach,
      (t) => ({
        body: [
          p(
            ...fill(
              t(updated ? 'stuck.dm.coach.updated' : 'stuck.dm.coach', { learner: SLOT, group, id: w.id, title: w.title }),
              mention({ id: learner.userId, name: learner.displayName }),
            ),
          ),
          ...(r.note ? [p(t('stuck.dm.note', { note: r.note }))] : []),
          p(position ? t('stuck.dm.coach.position', { position }) : t('stuck.dm.coach.coming')),
        ],
        buttons: [
          ...(r.state === 'waiting'
            ? [{ label: t('stuck.button.coming'), command: `/stuck take request:${r.id}`, style: 'primary' as const }]
            : []),
          { label: t('stuck.button.done'), command: `/stuck done request:${r.id}` },
        ],
      }),
      { chapterId: w.chapterId, kind: 'stuck', subject: w.id },
      em,
    );
  }

  /** 1-based place of a waiting request in its coach's queue. */
  private async position(r: StuckRequest, em: EntityManager = this.store.manager): Promise<number> {
    return (
      (await em
        .getRepository(StuckRequest)
        .createQueryBuilder('r')
        .where('r.workshopId = :w AND r.coachId = :c AND r.state = :waiting AND r.id < :id', {
          w: r.workshopId,
          c: r.coachId,
          waiting: 'waiting',
          id: r.id,
        })
        .getCount()) + 1
    );
  }

  /** Whether the member holds a claimed coach slot at the workshop. */
  private async coaches(coach: Member, workshopId: number): Promise<boolean> {
    return (await this.store.manager.countBy(WorkshopSignup, { workshopId, memberId: coach.id, role: 'coach', state: 'confirmed' })) > 0;
  }

  private async member(actor: Person): Promise<Member> {
    const member = await this.store.manager.findOneBy(Member, { platform: actor.platform, workspace: actor.workspace, userId: actor.id });
    if (!member) throw new UserError('stuck.no_workshop');
    return member;
  }

  /** The learner's grouped seat at the workshop named, or at the one under way now. */
  private async learnerSignup(learner: Member, workshopId: number | undefined): Promise<WorkshopSignup> {
    const signups = await this.store.manager.find(WorkshopSignup, {
      where: { memberId: learner.id, role: 'learner', state: 'confirmed', ...(workshopId !== undefined ? { workshopId } : {}) },
      relations: { workshop: true },
    });
    const now = this.clock.now().getTime();
    const underWay = signups.filter((s) => {
      const { opens, closes } = checkinWindow(s.workshop!);
      return s.workshop!.status === 'scheduled' && opens.getTime() <= now && now < closes.getTime();
    });
    if (!underWay.length) throw new UserError(workshopId !== undefined && signups.length ? 'stuck.not_now' : 'stuck.no_workshop');
    if (underWay.length > 1) throw new UserError('stuck.which', { ids: underWay.map((s) => `#${s.workshopId}`).join(', ') });
    const signup = underWay[0]!;
    if (!signup.groupNumber) throw new UserError('stuck.no_group', { id: signup.workshopId });
    return signup;
  }
}
