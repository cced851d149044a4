import { In, IsNull, MoreThan, Not } from 'typeorm';
import { Attendance } from '../../../entities/Attendance.js';
import { AuditEntry } from '../../../entities/AuditEntry.js';
import { Chapter } from '../../../entities/Chapter.js';
import { ChapterLinkAttempt } from '../../../entities/ChapterLinkAttempt.js';
import { CheckinAttempt } from '../../../entities/CheckinAttempt.js';
import { NoShow } from '../../../entities/NoShow.js';
import { CoachNote } from '../../../entities/CoachNote.js';
import { Coach } from '../../../entities/Coach.js';
import { CoachInvitation } from '../../../entities/CoachInvitation.js';
import { DirectButton } from '../../../entities/DirectButton.js';
import { OutboxMessage } from '../../../entities/OutboxMessage.js';
import { loadMessage, plainText } from '../outbox/stored.js';
import { Disclaimer } from '../../../entities/Disclaimer.js';
import { Material } from '../../../entities/Material.js';
import { Member } from '../../../entities/Member.js';
import { PartnershipDecision } from '../../../entities/PartnershipDecision.js';
import { PartnershipProposal } from '../../../entities/PartnershipProposal.js';
import { PartnershipRequirement } from '../../../entities/PartnershipRequirement.js';
import { AnonBlock } from '../../../entities/AnonBlock.js';
import { Question } from '../../../entities/Question.js';
import { QuestionAnswer } from '../../../entities/QuestionAnswer.js';
import { QuestionMeToo } from '../../../entities/QuestionMeToo.js';
import { QuestionReport } from '../../../entities/QuestionReport.js';
import { Share } from '../../../entities/Share.js';
import { StuckRequest } from '../../../entities/StuckRequest.js';
import { Workshop } from '../../../entities/Workshop.js';
import { HOLDS_SEAT, WorkshopSignup } from '../../../entities/WorkshopSignup.js';
import type { Clock } from '../../core/clock.js';
import { UserError } from '../../core/errors.js';
import type { Store } from '../../db/store.js';
import { authorKey, pseudonym, scopedPseudonym } from '../anonymity.js';
import { formatLocal } from '../local-time.js';
import { parseNotices } from '../questions/asker-notices.js';
import type { QuestionService } from '../questions/service.js';
import type { ShareService } from '../shares.js';
import type { WorkshopService } from '../workshops/service.js';
import type { NoShows } from '../workshops/no-shows.js';
import { at, ERASED, ERASED_USER, inChunks, MemberRecords, randomPseudonym } from './records.js';
import type { Identity, Person } from '../../core/types.js';

/** What `/privacy export` hands over (dates as ISO strings, as in the JSON). */
export type MemberExport = Awaited<ReturnType<PrivacyService['export']>>;

/** What `delete` did, counted, for the answer. */
export interface Erasure {
  readonly signups: number;
  readonly disclaimers: number;
  readonly questions: number;
  /** Me-toos removed: the counts of those questions went down by one each. */
  readonly meToos: number;
  readonly coach: boolean;
  /** Shared projects removed (their posts now say so). */
  readonly shares: number;
}

export type PrivacyOperation = 'export' | 'delete';

/**
 * Members' data rights: everything the bot holds about a member, as JSON; and erasure. Both
 * find the member's rows by stable keys only, never by display name: the member row by
 * platform, workspace and user id (and through it sign-ups, attendance, coach profile and
 * invitation, proposals, disclaimers, materials added, shared projects); anonymous questions and blocks on them
 * by the member's pseudonym; me-toos and reports by their per-question pseudonyms; answers,
 * requirement ticks, blocks set and partnership decisions by the member's author key; moderator
 * actions by platform, workspace and user id. Export shows exactly what delete touches.
 */
export class PrivacyService {
  /** When each member last ran each operation, in this process (see `admit`). */
  private readonly lastRun = new Map<string, number>();
  /** Finds the member's rows by their stable keys. */
  private readonly records: MemberRecords;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly workshops: WorkshopService,
    private readonly questions: QuestionService,
    private readonly shares: ShareService,
    private readonly secret: string,
    /** PRIVACY_COOLDOWN_SECONDS: one export and one erasure per member in that time (0: no limit). */
    private readonly cooldownSeconds: number,
    /** No-shows: their records are exported and erased; a cool-down in force refuses erasure. */
    private readonly noShows: NoShows,
  ) {
    this.records = new MemberRecords(store, secret);
  }

  /**
   * The per-member cooldown of `/privacy export` and `/privacy delete confirm:true`: each scans
   * tables that grow with the community, so one member cannot run them back to back. Kept in
   * this process's memory like the command rate limit: each process brakes its own work.
   * Counts the run; a UserError saying how long to wait when it comes too soon.
   */
  admit(who: Identity, operation: PrivacyOperation): void {
    if (this.cooldownSeconds <= 0) return;
    const now = this.clock.now().getTime();
    const windowMs = this.cooldownSeconds * 1000;
    const key = `${operation}\u0000${who.platform}\u0000${who.workspace}\u0000${who.id}`;
    const last = this.lastRun.get(key);
    if (last !== undefined && now - last < windowMs) {
      throw new UserError('privacy.cooldown', {
        command: `/privacy ${operation}`,
        minutes: Math.max(1, Math.ceil((last + windowMs - now) / 60_000)),
      });
    }
    this.lastRun.set(key, now);
    if (this.lastRun.size > 10_000) for (const [k, t] of this.lastRun) if (now - t >= windowMs) this.lastRun.delete(k);
  }

  /**
   * Everything the bot holds about the member, as a plain object (the command turns it into JSON).
   * Not the buttons of DMs sent to her (`direct_button`): the bot wrote them, not she, and they
   * repeat commands the DMs show; `delete` removes them with the rest.
   */
  async export(who: Person) {
    const em = this.store.manager;
    const member = await this.records.member(who);
    const mid = member?.id ?? -1;
    const identity = { platform: who.platform, workspace: who.workspace, id: who.id };
    const pseudo = pseudonym(this.secret, identity);
    const key = authorKey(this.secret, identity);
    const meToos = await this.records.scopedRows(QuestionMeToo, 'metoo', who);
    const reportIds = await this.records.scopedRows(QuestionReport, 'report', who);
    const reports = await inChunks(
      reportIds.map((r) => r.id),
      (ids) => em.find(QuestionReport, { where: { id: In(ids) }, order: { id: 'ASC' } }),
    );
    const linkKey = scopedPseudonym(this.secret, 'chapter-link', identity);
    const [
      coach,
      invitation,
      signups,
      attendance,
      proposals,
      disclaimers,
      materials,
      questions,
      blocks,
      answers,
      ticks,
      blocksSet,
      decided,
      audit,
      wrongCodes,
      stuck,
      wrongCheckins,
      notes,
      shares,
      noShows,
      waiting,
    ] = await Promise.all([
      em.findOneBy(Coach, { memberId: mid }),
      em.findOneBy(CoachInvitation, { memberId: mid }),
      em.find(WorkshopSignup, { where: { memberId: mid }, relations: { workshop: true }, order: { id: 'ASC' } }),
      em.find(Attendance, { where: { memberId: mid }, relations: { workshop: true }, order: { id: 'ASC' } }),
      em.find(PartnershipProposal, { where: { proposerId: mid }, order: { id: 'ASC' } }),
      em.find(Disclaimer, { where: { memberId: mid }, order: { id: 'ASC' } }),
      em.find(Material, { where: { addedById: mid }, order: { id: 'ASC' } }),
      em.find(Question, { where: { pseudonym: pseudo }, order: { id: 'ASC' } }),
      em.find(AnonBlock, { where: { pseudonym: pseudo }, order: { id: 'ASC' } }),
      em.find(QuestionAnswer, { where: { authorKey: key }, order: { id: 'ASC' } }),
      em.find(PartnershipRequirement, { where: { authorKey: key }, order: { id: 'ASC' } }),
      em.find(AnonBlock, { where: { authorKey: key }, order: { id: 'ASC' } }),
      this.records.decisionsBy(em, who, key),
      em.find(AuditEntry, { where: { platform: who.platform, workspace: who.workspace, actorId: who.id }, order: { id: 'ASC' } }),
      em.find(ChapterLinkAttempt, { where: { memberKey: linkKey }, order: { id: 'ASC' } }),
      // Calls for help while a workshop is under way (after it, they name nobody).
      em.find(StuckRequest, { where: { learnerId: mid }, order: { id: 'ASC' } }),
      em.find(CheckinAttempt, { where: { memberKey: scopedPseudonym(this.secret, 'checkin', identity) }, order: { id: 'ASC' } }),
      // A coach's notes on workshops. Learners' feedback is not here: nothing in it names the member.
      em.find(CoachNote, { where: { memberId: mid }, order: { id: 'ASC' } }),
      this.shares.of(mid),
      this.noShows.exportOf(mid),
      // Direct messages to the member the outbox has not delivered yet (or gave up on).
      em.find(OutboxMessage, { where: { memberId: mid }, order: { id: 'ASC' } }),
    ]);
    const coolDown = member ? await this.noShows.activeCoolDown(member.id) : null;
    const decisions = proposals.length ? await em.findBy(PartnershipDecision, { proposalId: In(proposals.map((x) => x.id)) }) : [];
    return {
      exportedAt: at(this.clock.now()),
      identity: { platform: who.platform, workspace: who.workspace, userId: who.id },
      profile: member && { displayName: member.displayName, locale: member.locale, createdAt: at(member.createdAt) },
      coachProfile: coach && {
        topics: coach.topics,
        languages: coach.languages,
        level: coach.level,
        bio: coach.bio,
        status: coach.status,
        chapterId: coach.chapterId,
        public: coach.public,
        createdAt: at(coach.createdAt),
        updatedAt: at(coach.updatedAt),
      },
      coachInvitation: invitation && { sentAt: at(invitation.sentAt) },
      signups: signups.map((s) => ({
        workshop: s.workshopId,
        title: s.workshop?.title ?? null,
        startsAt: at(s.workshop?.startsAt),
        role: s.role,
        state: s.state,
        createdAt: at(s.createdAt),
        level: s.level,
        goal: s.goal,
        language: s.language,
        group: s.groupNumber,
        offerExpiresAt: at(s.offerExpiresAt),
      })),
      attendance: attendance.map((a) => ({
        workshop: a.workshopId,
        title: a.workshop?.title ?? null,
        startsAt: at(a.workshop?.startsAt),
        role: a.role,
        recordedAt: at(a.recordedAt),
        source: a.source,
        present: a.present,
      })),
      proposals: proposals.map((x) => {
        const d = decisions.find((y) => y.proposalId === x.id);
        return {
          id: x.id,
          chapterId: x.chapterId,
          partner: x.partner,
          event: x.event,
          eventDate: x.eventDate,
          contributions: x.contributions,
          coOrganised: x.coOrganised,
          url: x.url,
          details: x.details,
          status: x.status,
          createdAt: at(x.createdAt),
          decision: d ? { decision: d.decision, reason: d.reason, decidedAt: at(d.decidedAt) } : null,
        };
      }),
      disclaimers: disclaimers.map((d) => ({
        id: d.id,
        chapterId: d.chapterId,
        event: d.event,
        eventDate: d.eventDate,
        organiser: d.organiser,
        role: d.role,
        notes: d.notes,
        createdAt: at(d.createdAt),
        withdrawnAt: at(d.withdrawnAt),
      })),
      materialsAdded: materials.map((m) => ({
        id: m.id,
        title: m.title,
        url: m.url,
        topic: m.topic,
        language: m.language,
        license: m.license,
        createdAt: at(m.createdAt),
      })),
      anonymousQuestions: questions.map((q) => ({
        id: q.id,
        chapterId: q.chapterId,
        text: q.text,
        topic: q.topic,
        workshop: q.workshopId,
        status: q.status,
        createdAt: at(q.createdAt),
        postedAt: at(q.postedAt),
        hiddenAt: at(q.hiddenAt),
        hiddenReason: q.hiddenReason,
        replyAddressKeptUntil: q.replyTo ? at(q.replyToExpiresAt) : null,
        // Notices no direct message could carry, waiting for `/ask mine` (catalogue keys and their values).
        undeliveredNotices: parseNotices(q.pendingNotices),
      })),
      meToo: meToos.map((m) => ({ question: m.question })),
      reports: reports
        .sort((a, b) => a.questionId - b.questionId)
        .map((r) => ({ question: r.questionId, reason: r.reason, createdAt: at(r.createdAt) })),
      blocks: blocks.map((b) => ({
        question: b.questionId,
        reason: b.reason,
        createdAt: at(b.createdAt),
        expiresAt: at(b.expiresAt),
        liftedAt: at(b.liftedAt),
      })),
      answers: answers.map((a) => ({ question: a.questionId, name: a.authorName, text: a.text, createdAt: at(a.createdAt) })),
      requirementsTicked: ticks.map((r) => ({
        proposal: r.proposalId,
        requirement: r.key,
        name: r.confirmedBy,
        confirmedAt: at(r.confirmedAt),
      })),
      blocksSet: blocksSet.map((b) => ({
        block: b.id,
        question: b.questionId,
        reason: b.reason,
        name: b.moderatorName,
        createdAt: at(b.createdAt),
        expiresAt: at(b.expiresAt),
        liftedAt: at(b.liftedAt),
      })),
      decisionsMade: decided.map((d) => ({
        proposal: d.proposalId,
        decision: d.decision,
        reason: d.reason,
        forced: d.forced,
        name: d.moderatorName,
        decidedAt: at(d.decidedAt),
      })),
      moderatorActions: audit.map((a) => ({ action: a.action, target: a.target, details: a.details, at: at(a.at) })),
      // Wrong chapter link codes typed in the last hour, kept to refuse a sixth (under a keyed hash of the member).
      wrongLinkCodes: wrongCodes.map((a) => ({ at: at(a.at) })),
      stuckRequests: stuck.map((r) => ({
        workshop: r.workshopId,
        note: r.note,
        state: r.state,
        createdAt: at(r.createdAt),
        takenAt: at(r.takenAt),
        closedAt: at(r.closedAt),
      })),
      wrongCheckinCodes: wrongCheckins.map((a) => ({ at: at(a.at) })),
      undeliveredMessages: waiting.map((o) => ({
        kind: o.kind,
        workshop: o.subject,
        text: plainText(loadMessage(o.message)),
        createdAt: at(o.createdAt),
        givenUpAt: at(o.givenUpAt),
      })),
      coachNotes: notes.map((n) => ({
        workshop: n.workshopId,
        taught: n.taught,
        materials: n.materials,
        went: n.went,
        change: n.change,
        publish: n.publish,
        updatedAt: at(n.updatedAt),
      })),
      sharedProjects: shares.map((x) => ({
        id: x.id,
        chapterId: x.chapterId,
        workshop: x.workshopId,
        text: x.text,
        url: x.url,
        postedIn: { platform: x.platform, workspace: x.workspace, channel: x.channelId, message: x.messageId },
        createdAt: at(x.createdAt),
        hiddenAt: at(x.hiddenAt),
        hiddenReason: x.hiddenReason,
      })),
      // No-shows (never shown to anyone else), cleared ones with the moderator's reason, and a cool-down in force.
      noShows: noShows.map((r) => ({
        workshop: r.workshopId,
        chapterId: r.chapterId,
        at: at(r.at),
        expiresAt: at(r.expiresAt),
        clearedAt: at(r.clearedAt),
        clearReason: r.clearReason,
      })),
      noShowCoolDownUntil: at(coolDown),
    };
  }

  /**
   * Erases the member's personal data. Sign-ups are withdrawn through the workshop service
   * first, so waitlists move up and the people promoted are told, exactly as after `/workshop leave`;
   * everything else is one transaction. Refused while a moderation block on the member is in
   * force: the block is kept by the pseudonym, and erasing it would lift it.
   */
  async delete(who: Person): Promise<Erasure> {
    const identity = { platform: who.platform, workspace: who.workspace, id: who.id };
    const pseudo = pseudonym(this.secret, identity);
    const key = authorKey(this.secret, identity);
    const active = await this.store.manager.findOne(AnonBlock, {
      where: { pseudonym: pseudo, liftedAt: IsNull(), expiresAt: MoreThan(this.clock.now()) },
      order: { expiresAt: 'DESC' },
    });
    if (active) {
      // The block's end in its chapter's time (an error is text: the wall clock and the zone), not UTC.
      const chapter = active.chapterId === null ? null : await this.store.manager.findOneBy(Chapter, { id: active.chapterId });
      throw new UserError('privacy.delete.blocked', { until: formatLocal(active.expiresAt, chapter?.timeZone ?? 'UTC') });
    }
    const member = await this.records.member(who);
    // A no-show cool-down in force is kept like a block: erasing the records would lift it.
    const coolDown = member ? await this.noShows.activeCoolDown(member.id) : null;
    if (coolDown) throw new UserError('privacy.delete.no_show_cooldown', { until: coolDown.toISOString().slice(0, 10) });
    let signups = 0;
    if (member) {
      for (const s of await this.store.manager.findBy(WorkshopSignup, { memberId: member.id })) {
        try {
          await (s.role === 'coach' ? this.workshops.release(who, s.workshopId) : this.workshops.leave(who, s.workshopId));
        } catch (err) {
          // Past or cancelled workshops have no waitlist to move (the workshop service refuses): the row goes with the rest below.
          if (!(err instanceof UserError)) throw err;
        }
        signups++;
      }
    }
    // Found before the transaction, a page at a time (see scopedRows); removed inside it by id.
    const meToos = await this.records.scopedRows(QuestionMeToo, 'metoo', who);
    const reports = await this.records.scopedRows(QuestionReport, 'report', who);
    // Her shared projects go with her; their posts are edited once the rows are gone (below).
    const shares = member ? await this.shares.of(member.id) : [];
    const erasure = await this.store.transaction(async (em) => {
      // Questions stay (their counts and answers belong to everyone) but lose the link to the member.
      const questions = await em.find(Question, { select: { id: true }, where: { pseudonym: pseudo } });
      for (const q of questions)
        await em.update(
          Question,
          { id: q.id },
          { pseudonym: randomPseudonym(), replyTo: null, replyToExpiresAt: null, pendingNotices: null },
        );
      // Notices to her still waiting in the outbox hold her sealed address: they go too.
      await inChunks(
        questions.map((q) => q.id),
        async (ids) => (await this.questions.forgetAskers(em, ids), []),
      );
      await em.delete(AnonBlock, { pseudonym: pseudo });
      // A me-too is only a count: it goes, and the count with it. Kept under a random code it
      // would still count, and the member's next press would count a second time.
      await inChunks(
        meToos.map((m) => m.id),
        async (ids) => (await em.delete(QuestionMeToo, { id: In(ids) }), []),
      );
      // A report is the moderators' record: it stays, unlinked. A report made after this is a new one.
      // Each gets a code of its own (one shared code would tie her reports together), made by the database.
      const random =
        em.connection.options.type === 'postgres'
          ? "replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')"
          : 'lower(hex(randomblob(32)))';
      await inChunks(
        reports.map((r) => r.id),
        async (ids) => (
          await em
            .createQueryBuilder()
            .update(QuestionReport)
            .set({ pseudonym: () => random })
            .whereInIds(ids)
            .execute(),
          []
        ),
      );
      // Where they acted openly under their name, the action stays and the name and key go. Decisions
      // first: older ones are found through the audit entries, which are anonymised next.
      const decisions = await this.records.decisionsBy(em, who, key);
      await inChunks(
        decisions.map((d) => d.id),
        async (ids) => (
          await em.update(PartnershipDecision, { id: In(ids) }, { moderatorId: ERASED_USER, moderatorName: ERASED, authorKey: null }),
          []
        ),
      );
      await em.update(
        AuditEntry,
        { platform: who.platform, workspace: who.workspace, actorId: who.id },
        { actorId: ERASED_USER, actorName: ERASED },
      );
      await em.update(QuestionAnswer, { authorKey: key }, { authorName: ERASED, authorKey: null });
      await em.update(PartnershipRequirement, { authorKey: key }, { confirmedBy: ERASED, authorKey: null });
      await em.update(AnonBlock, { authorKey: key }, { moderatorName: ERASED, authorKey: null });
      await em.delete(ChapterLinkAttempt, { memberKey: scopedPseudonym(this.secret, 'chapter-link', identity) });
      await em.delete(CheckinAttempt, { memberKey: scopedPseudonym(this.secret, 'checkin', identity) });
      const counted = { signups, questions: questions.length, meToos: meToos.length, shares: shares.length };
      if (!member) return { ...counted, disclaimers: 0, coach: false };
      const disclaimers = (await em.delete(Disclaimer, { memberId: member.id })).affected ?? 0;
      const coach = ((await em.delete(Coach, { memberId: member.id })).affected ?? 0) > 0;
      // Sign-ups of past or cancelled workshops: the counters follow the rows, as everywhere.
      for (const s of await em.findBy(WorkshopSignup, { memberId: member.id, state: In([...HOLDS_SEAT]) })) {
        const counter = s.role === 'coach' ? 'coachesClaimed' : 'learnersConfirmed';
        await em
          .createQueryBuilder()
          .update(Workshop)
          .set({ [counter]: () => `"${counter}" - 1` })
          .where('id = :id', { id: s.workshopId })
          .execute();
      }
      await em.delete(WorkshopSignup, { memberId: member.id });
      await em.delete(Attendance, { memberId: member.id });
      await em.delete(NoShow, { memberId: member.id });
      // Her calls for help go; those she took as a coach stay in the learners' queues, without her.
      await em.delete(StuckRequest, { learnerId: member.id });
      await em.update(StuckRequest, { coachId: member.id }, { coachId: null });
      // Her notes as a coach stay in the chapter's record, without her: never named again.
      await em.update(CoachNote, { memberId: member.id, publish: 'named' }, { publish: 'anonymous' });
      await em.update(CoachNote, { memberId: member.id }, { memberId: null });
      await em.delete(CoachInvitation, { memberId: member.id });
      // Deleted here, not left to the member row's ON DELETE CASCADE, so they go even where the row is kept.
      await em.delete(Share, { memberId: member.id });
      // Buttons sent to her by DM. The member row's deletion below would take them too (ON DELETE
      // CASCADE); deleted here so they go even where the row is kept.
      await em.delete(DirectButton, { memberId: member.id });
      // Materials belong to the directory: they stay, without who added them.
      await em.update(Material, { addedById: member.id }, { addedById: null });
      // Proposals are the chapter's record of its decisions: they move to the workspace's stand-in.
      if (await em.existsBy(PartnershipProposal, { proposerId: member.id })) {
        await em
          .createQueryBuilder()
          .insert()
          .into(Member)
          .values({
            platform: who.platform,
            workspace: who.workspace,
            userId: ERASED_USER,
            displayName: ERASED,
            locale: null,
            createdAt: this.clock.now(),
          })
          .orIgnore()
          .execute();
        const standIn = await em.findOneByOrFail(Member, { platform: who.platform, workspace: who.workspace, userId: ERASED_USER });
        await em.update(PartnershipProposal, { proposerId: member.id }, { proposerId: standIn.id });
      }
      await em.delete(Member, { id: member.id });
      return { ...counted, disclaimers, coach };
    });
    // The public posts show the me-too counts: the questions whose count went down are shown again.
    const posted = await inChunks([...new Set(meToos.map((m) => m.question))], (ids) =>
      this.store.manager.findBy(Question, { id: In(ids), messageId: Not(IsNull()) }),
    );
    for (const q of posted) await this.questions.refresh(q, undefined);
    // Where her shares were posted, the posts say they were removed at her request (without her name or words).
    await this.shares.removed(shares);
    return erasure;
  }
}
