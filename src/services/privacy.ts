import { randomBytes } from 'node:crypto';
import { In, IsNull, MoreThan } from 'typeorm';
import { Attendance } from '../../entities/Attendance.js';
import { AuditEntry } from '../../entities/AuditEntry.js';
import { Coach } from '../../entities/Coach.js';
import { CoachInvitation } from '../../entities/CoachInvitation.js';
import { Disclaimer } from '../../entities/Disclaimer.js';
import { Member } from '../../entities/Member.js';
import { PartnershipDecision, PartnershipProposal, PartnershipRequirement } from '../../entities/Partnership.js';
import { AnonBlock, Question, QuestionAnswer, QuestionMeToo, QuestionReport } from '../../entities/Question.js';
import { Workshop } from '../../entities/Workshop.js';
import { WorkshopSignup } from '../../entities/WorkshopSignup.js';
import type { Clock } from '../core/clock.js';
import type { Actor } from '../core/command.js';
import { DomainError } from '../core/errors.js';
import type { Store } from '../db/store.js';
import { pseudonym, scopedPseudonym } from './anonymity.js';
import { parseNotices } from './questions.js';
import { WorkshopError, type WorkshopService } from './workshops.js';

type Who = Pick<Actor, 'platform' | 'workspace' | 'id' | 'name'>;

/** What stands where an erased member's id or name was: proposals, audit entries and answers outlive the member. */
export const ERASED = '(erased member)';
/** The user id of the one stand-in member per workspace that keeps an erased member's proposals. */
export const ERASED_USER = '~erased';

const randomPseudonym = (): string => randomBytes(32).toString('hex');

/**
 * `find` over a long list of keys, a few hundred at a time: a statement has at most 32,766
 * parameters on SQLite and 65,535 on PostgreSQL, and a busy community's me-toos exceed that.
 */
async function inChunks<K, T>(keys: readonly K[], find: (chunk: K[]) => Promise<T[]>, size = 500): Promise<T[]> {
  const found: T[] = [];
  for (let i = 0; i < keys.length; i += size) found.push(...(await find(keys.slice(i, i + size))));
  return found;
}
const at = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/** What `/privacy export` hands over (dates as ISO strings, as in the JSON). */
export type MemberExport = Awaited<ReturnType<PrivacyService['export']>>;

/** What `delete` did, counted, for the answer. */
export interface Erasure {
  readonly signups: number;
  readonly disclaimers: number;
  readonly questions: number;
  readonly coach: boolean;
}

/**
 * Members' data rights: everything the bot holds about a member, as JSON; and erasure. Anonymous
 * questions are found by the member's pseudonym (and me-toos and reports by their per-question
 * pseudonyms), so the export proves what the bot can link to them and erasure unlinks exactly that.
 */
export class PrivacyService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly workshops: WorkshopService,
    private readonly secret: string,
  ) {}

  private member(who: Who): Promise<Member | null> {
    return this.store.manager.findOneBy(Member, { platform: who.platform, workspace: who.workspace, userId: who.id });
  }

  /**
   * The per-question pseudonyms the member's me-toos and reports would carry, by question id.
   * They cannot be linked to the member without computing them (that is their point), so one is
   * computed per question that has any me-too (or report): not per question in the database.
   */
  private async scoped(who: Who): Promise<{ metoo: Map<string, number>; report: Map<string, number> }> {
    const questionsWith = async (entity: typeof QuestionMeToo | typeof QuestionReport): Promise<number[]> =>
      (await this.store.manager.getRepository(entity).createQueryBuilder('x').select('DISTINCT x.questionId', 'id').getRawMany<{ id: number }>()).map((r) => Number(r.id));
    const [metooIds, reportIds] = await Promise.all([questionsWith(QuestionMeToo), questionsWith(QuestionReport)]);
    const identity = { platform: who.platform, workspace: who.workspace, id: who.id };
    return {
      metoo: new Map(metooIds.map((id) => [scopedPseudonym(this.secret, `metoo:${id}`, identity), id])),
      report: new Map(reportIds.map((id) => [scopedPseudonym(this.secret, `report:${id}`, identity), id])),
    };
  }

  /** Everything the bot holds about the member, as a plain object (the command turns it into JSON). */
  async export(who: Who) {
    const em = this.store.manager;
    const member = await this.member(who);
    const mid = member?.id ?? -1;
    const pseudo = pseudonym(this.secret, { platform: who.platform, workspace: who.workspace, id: who.id });
    const { metoo, report } = await this.scoped(who);
    const [coach, signups, attendance, proposals, disclaimers, questions, blocks, meToos, reports, audit] = await Promise.all([
      em.findOneBy(Coach, { memberId: mid }),
      em.find(WorkshopSignup, { where: { memberId: mid }, relations: { workshop: true }, order: { id: 'ASC' } }),
      em.find(Attendance, { where: { memberId: mid }, relations: { workshop: true }, order: { id: 'ASC' } }),
      em.find(PartnershipProposal, { where: { proposerId: mid }, order: { id: 'ASC' } }),
      em.find(Disclaimer, { where: { memberId: mid }, order: { id: 'ASC' } }),
      em.find(Question, { where: { pseudonym: pseudo }, order: { id: 'ASC' } }),
      em.find(AnonBlock, { where: { pseudonym: pseudo }, order: { id: 'ASC' } }),
      inChunks([...metoo.keys()], (chunk) => em.find(QuestionMeToo, { where: { pseudonym: In(chunk) } })),
      inChunks([...report.keys()], (chunk) => em.find(QuestionReport, { where: { pseudonym: In(chunk) } })),
      em.find(AuditEntry, { where: { platform: who.platform, workspace: who.workspace, actorId: who.id }, order: { id: 'ASC' } }),
    ]);
    const decisions = proposals.length ? await em.findBy(PartnershipDecision, { proposalId: In(proposals.map((x) => x.id)) }) : [];
    return {
      exportedAt: at(this.clock.now()),
      identity: { platform: who.platform, workspace: who.workspace, userId: who.id },
      profile: member && { displayName: member.displayName, locale: member.locale, createdAt: at(member.createdAt) },
      coachProfile: coach && {
        topics: coach.topics, languages: coach.languages, level: coach.level, bio: coach.bio, status: coach.status, chapterId: coach.chapterId,
        createdAt: at(coach.createdAt), updatedAt: at(coach.updatedAt),
      },
      signups: signups.map((s) => ({ workshop: s.workshopId, title: s.workshop?.title ?? null, startsAt: at(s.workshop?.startsAt), role: s.role, state: s.state, createdAt: at(s.createdAt) })),
      attendance: attendance.map((a) => ({ workshop: a.workshopId, title: a.workshop?.title ?? null, startsAt: at(a.workshop?.startsAt), role: a.role, recordedAt: at(a.recordedAt) })),
      proposals: proposals.map((x) => {
        const d = decisions.find((y) => y.proposalId === x.id);
        return {
          id: x.id, chapterId: x.chapterId, partner: x.partner, event: x.event, eventDate: x.eventDate, contributions: x.contributions, coOrganised: x.coOrganised,
          url: x.url, details: x.details, status: x.status, createdAt: at(x.createdAt), decision: d ? { decision: d.decision, reason: d.reason, decidedAt: at(d.decidedAt) } : null,
        };
      }),
      disclaimers: disclaimers.map((d) => ({
        id: d.id, chapterId: d.chapterId, event: d.event, eventDate: d.eventDate, organiser: d.organiser, role: d.role, notes: d.notes, createdAt: at(d.createdAt), withdrawnAt: at(d.withdrawnAt),
      })),
      anonymousQuestions: questions.map((q) => ({
        id: q.id, chapterId: q.chapterId, text: q.text, topic: q.topic, workshop: q.workshopId, status: q.status, createdAt: at(q.createdAt), postedAt: at(q.postedAt),
        hiddenAt: at(q.hiddenAt), hiddenReason: q.hiddenReason, replyAddressKeptUntil: q.replyTo ? at(q.replyToExpiresAt) : null,
        // Notices no direct message could carry, waiting for `/ask mine` (catalogue keys and their values).
        undeliveredNotices: parseNotices(q.pendingNotices),
      })),
      meToo: meToos.map((m) => ({ question: metoo.get(m.pseudonym) })),
      reports: reports.map((r) => ({ question: report.get(r.pseudonym), reason: r.reason, createdAt: at(r.createdAt) })),
      blocks: blocks.map((b) => ({ question: b.questionId, reason: b.reason, createdAt: at(b.createdAt), expiresAt: at(b.expiresAt), liftedAt: at(b.liftedAt) })),
      moderatorActions: audit.map((a) => ({ action: a.action, target: a.target, details: a.details, at: at(a.at) })),
    };
  }

  /**
   * Erases the member's personal data. Sign-ups are withdrawn through the workshop service
   * first, so waitlists move up and the people promoted are told, exactly as after `/workshop leave`;
   * everything else is one transaction. Refused while a moderation block is in force: the block
   * is kept by the pseudonym, and erasing it would lift it.
   */
  async delete(who: Who): Promise<Erasure> {
    const identity = { platform: who.platform, workspace: who.workspace, id: who.id };
    const pseudo = pseudonym(this.secret, identity);
    const active = await this.store.manager.findOne(AnonBlock, { where: { pseudonym: pseudo, liftedAt: IsNull(), expiresAt: MoreThan(this.clock.now()) }, order: { expiresAt: 'DESC' } });
    if (active) throw new DomainError('privacy.delete.blocked', { until: active.expiresAt.toISOString().slice(0, 10) });
    const member = await this.member(who);
    let signups = 0;
    if (member) {
      for (const s of await this.store.manager.findBy(WorkshopSignup, { memberId: member.id })) {
        try {
          await (s.role === 'coach' ? this.workshops.release(who, s.workshopId) : this.workshops.leave(who, s.workshopId));
        } catch (err) {
          // Past or cancelled workshops have no waitlist to move: the row goes with the rest below.
          if (!(err instanceof WorkshopError)) throw err;
        }
        signups++;
      }
    }
    const { metoo, report } = await this.scoped(who);
    return this.store.transaction(async (em) => {
      // Questions stay (their counts and answers belong to everyone) but lose the link to the member.
      const questions = await em.find(Question, { select: { id: true }, where: { pseudonym: pseudo } });
      for (const q of questions) await em.update(Question, { id: q.id }, { pseudonym: randomPseudonym(), replyTo: null, replyToExpiresAt: null, pendingNotices: null });
      await em.delete(AnonBlock, { pseudonym: pseudo });
      for (const [entity, scoped] of [[QuestionMeToo, metoo], [QuestionReport, report]] as const) {
        const rows = await inChunks([...scoped.keys()], (chunk) => em.find(entity, { select: { id: true }, where: { pseudonym: In(chunk) } }));
        for (const r of rows) await em.update(entity, { id: r.id }, { pseudonym: randomPseudonym() });
      }
      // Where they acted openly under their name, the action stays and the name goes.
      await em.update(AuditEntry, { platform: who.platform, workspace: who.workspace, actorId: who.id }, { actorId: ERASED_USER, actorName: ERASED });
      await em.update(PartnershipDecision, { moderatorId: who.id }, { moderatorId: ERASED_USER, moderatorName: ERASED });
      const names = [...new Set([who.name.slice(0, 100), ...(member ? [member.displayName] : [])])];
      await em.update(QuestionAnswer, { authorName: In(names) }, { authorName: ERASED });
      await em.update(PartnershipRequirement, { confirmedBy: In(names) }, { confirmedBy: ERASED });
      await em.update(AnonBlock, { moderatorName: In(names) }, { moderatorName: ERASED });
      if (!member) return { signups, disclaimers: 0, questions: questions.length, coach: false };
      const disclaimers = (await em.delete(Disclaimer, { memberId: member.id })).affected ?? 0;
      const coach = ((await em.delete(Coach, { memberId: member.id })).affected ?? 0) > 0;
      // Sign-ups of past or cancelled workshops: the counters follow the rows, as everywhere.
      for (const s of await em.findBy(WorkshopSignup, { memberId: member.id, state: 'confirmed' })) {
        const counter = s.role === 'coach' ? 'coachesClaimed' : 'learnersConfirmed';
        await em.createQueryBuilder().update(Workshop).set({ [counter]: () => `"${counter}" - 1` }).where('id = :id', { id: s.workshopId }).execute();
      }
      await em.delete(WorkshopSignup, { memberId: member.id });
      await em.delete(Attendance, { memberId: member.id });
      await em.delete(CoachInvitation, { memberId: member.id });
      // Proposals are the chapter's record of its decisions: they move to the workspace's stand-in.
      if (await em.existsBy(PartnershipProposal, { proposerId: member.id })) {
        await em.createQueryBuilder().insert().into(Member)
          .values({ platform: who.platform, workspace: who.workspace, userId: ERASED_USER, displayName: ERASED, locale: null, createdAt: this.clock.now() })
          .orIgnore().execute();
        const standIn = await em.findOneByOrFail(Member, { platform: who.platform, workspace: who.workspace, userId: ERASED_USER });
        await em.update(PartnershipProposal, { proposerId: member.id }, { proposerId: standIn.id });
      }
      await em.delete(Member, { id: member.id });
      return { signups, disclaimers, questions: questions.length, coach };
    });
  }
}
