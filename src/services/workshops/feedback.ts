import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import { type EntityManager, In, IsNull, LessThanOrEqual, MoreThan } from 'typeorm';
import { Attendance } from '../../../entities/Attendance.js';
import { CoachNote, type NotePublishing } from '../../../entities/CoachNote.js';
import { Material } from '../../../entities/Material.js';
import { Member } from '../../../entities/Member.js';
import { Workshop } from '../../../entities/Workshop.js';
import { type Pace, WorkshopFeedback } from '../../../entities/WorkshopFeedback.js';
import { WorkshopSignup } from '../../../entities/WorkshopSignup.js';
import type { Clock } from '../../core/clock.js';
import { safeError, UserError } from '../../core/errors.js';
import type { Translate } from '../../core/i18n.js';
import { type Button, p } from '../../core/reply.js';
import type { Identity, Person } from '../../core/types.js';
import type { Store } from '../../db/store.js';
import { scopedPseudonym } from '../anonymity.js';
import type { DirectMessages } from '../direct-messages.js';
import { type FeedbackFigures, feedbackFigures } from './feedback-figures.js';
import { workshopWhen } from './notices.js';
import type { StuckFigures, StuckQueue } from './stuck.js';
import { INTEGER_MAX } from '../../core/validate.js';

/** Feedback is asked for this long after the end, and may be given or changed until `FEEDBACK_DAYS` after it. */
export const FEEDBACK_ASK_AFTER_MS = 60 * 60_000;
export const FEEDBACK_DAYS = 14;
/** The one reminder goes this long after the request. */
export const FEEDBACK_REMIND_AFTER_MS = 3 * 86_400_000;

export interface FeedbackInput {
  readonly pace?: Pace;
  readonly learned?: number;
  readonly coachSupport?: number;
  readonly again?: boolean;
  readonly worked?: string;
  readonly improve?: string;
}

export interface NoteInput {
  readonly taught?: string;
  readonly materials?: readonly number[];
  readonly went?: string;
  readonly change?: string;
  readonly publish?: NotePublishing;
}

/** A workshop's figures for its chapter's moderators and its coaches (`/workshop report`). */
export interface WorkshopReport {
  readonly workshop: Workshop;
  readonly seats: number;
  readonly confirmed: number;
  /** Learners who came (checked in, walked in, or recorded present by a moderator). */
  readonly learnersCame: number;
  readonly checkins: number;
  readonly walkIns: number;
  /** Confirmed learners who did not come. */
  readonly noShows: number;
  readonly coachesClaimed: number;
  readonly coachesCame: number;
  readonly groups: number;
  readonly stuck: StuckFigures;
  readonly feedback: FeedbackFigures;
  /** The learners' free texts in random order, or null below FEEDBACK_MIN_RESPONSES. */
  readonly texts: { readonly worked: readonly string[]; readonly improve: readonly string[] } | null;
  readonly notes: readonly (CoachNote & { readonly coachName: string | null })[];
}

/** Random order (Fisher-Yates with a cryptographic source), so the order of answers says nothing of who wrote them. */
function shuffled<T>(items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * After the workshop: learners' anonymous feedback, coaches' notes, and the report.
 *
 * Feedback is stored under a per-workshop pseudonym, `HMAC(ANON_SECRET, "feedback:<id>" NUL member)`:
 * each learner answers once and may change it, and no row holds a member id, name, address or time,
 * nor can one be linked to the member's feedback on another workshop or to their questions (another
 * scope of the key). The requests go an hour after the end, the reminder three days later, each once
 * per workshop (a conditional update claims it, also across processes).
 */
export class FeedbackService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly secret: string,
    private readonly settings: { readonly minResponses: number; readonly reminder: boolean },
    private readonly dms: DirectMessages,
    private readonly stuck: StuckQueue,
    private readonly log: Logger,
    private readonly get: (id: number) => Promise<Workshop>,
  ) {}

  /** A learner's pseudonym for one workshop. */
  pseudonym(who: Identity, workshopId: number): string {
    return scopedPseudonym(this.secret, `feedback:${workshopId}`, who);
  }

  /** A learner who came answers (some of) the questions, or changes their answer, until 14 days after the end. */
  async answer(actor: Person, workshopId: number, input: FeedbackInput): Promise<WorkshopFeedback> {
    const w = await this.get(workshopId);
    this.assertWindow(w);
    await this.assertCame(actor, workshopId, 'learner');
    const pseudonym = this.pseudonym(actor, workshopId);
    const fields = {
      ...(input.pace !== undefined ? { pace: input.pace } : {}),
      ...(input.learned !== undefined ? { learned: input.learned } : {}),
      ...(input.coachSupport !== undefined ? { coachSupport: input.coachSupport } : {}),
      ...(input.again !== undefined ? { again: input.again } : {}),
      ...(input.worked !== undefined ? { worked: input.worked.trim() || null } : {}),
      ...(input.improve !== undefined ? { improve: input.improve.trim() || null } : {}),
    };
    if (!Object.keys(fields).length)
      throw new UserError('feedback.which', { id: workshopId, example: `/workshop feedback id:${workshopId} pace:right learned:4` });
    await this.store.transaction(async (em) => {
      await em
        .createQueryBuilder()
        .insert()
        .into(WorkshopFeedback)
        .values({
          workshopId,
          pseudonym,
          pace: null,
          learned: null,
          coachSupport: null,
          again: null,
          worked: null,
          improve: null,
          ...fields,
        })
        .orUpdate(Object.keys(fields), ['workshopId', 'pseudonym'])
        .execute();
    });
    return this.store.manager.findOneByOrFail(WorkshopFeedback, { workshopId, pseudonym });
  }

  /** A coach who came writes or changes their note on the workshop. */
  async note(actor: Person, workshopId: number, input: NoteInput): Promise<CoachNote> {
    const w = await this.get(workshopId);
    if (w.status === 'cancelled') throw new UserError('workshop.cancelled', { id: workshopId });
    if (w.startsAt.getTime() > this.clock.now().getTime()) throw new UserError('notes.too_early', { id: workshopId });
    const member = await this.assertCame(actor, workshopId, 'coach');
    const fields = {
      ...(input.taught !== undefined ? { taught: input.taught.trim() || null } : {}),
      ...(input.materials !== undefined ? { materials: input.materials.join(',') || null } : {}),
      ...(input.went !== undefined ? { went: input.went.trim() || null } : {}),
      ...(input.change !== undefined ? { change: input.change.trim() || null } : {}),
      ...(input.publish !== undefined ? { publish: input.publish } : {}),
    };
    if (!Object.keys(fields).length)
      throw new UserError('notes.which', { id: workshopId, example: `/workshop notes id:${workshopId} went:"…"` });
    const now = this.clock.now();
    await this.store.transaction(async (em) => {
      await em
        .createQueryBuilder()
        .insert()
        .into(CoachNote)
        .values({
          workshopId,
          memberId: member.id,
          taught: null,
          materials: null,
          went: null,
          change: null,
          // Published without the coach's name unless they say otherwise.
          publish: 'anonymous',
          ...fields,
          updatedAt: now,
        })
        .orUpdate([...Object.keys(fields), 'updatedAt'], ['workshopId', 'memberId'])
        .execute();
    });
    return this.store.manager.findOneByOrFail(CoachNote, { workshopId, memberId: member.id });
  }

  /** The workshop's figures; free texts only from FEEDBACK_MIN_RESPONSES answers on, in random order. */
  async report(workshopId: number): Promise<WorkshopReport> {
    const w = await this.get(workshopId);
    const em = this.store.manager;
    const [attendance, signups, rows, notes, stuck] = await Promise.all([
      em.findBy(Attendance, { workshopId, present: true }),
      em.findBy(WorkshopSignup, { workshopId, state: 'confirmed' }),
      em.findBy(WorkshopFeedback, { workshopId }),
      em.find(CoachNote, { where: { workshopId }, relations: { member: true }, order: { id: 'ASC' } }),
      this.stuck.figures(workshopId),
    ]);
    const came = new Set(attendance.map((a) => a.memberId));
    const learners = attendance.filter((a) => a.role === 'learner');
    const feedback = feedbackFigures(rows);
    const texts = (key: 'worked' | 'improve') => shuffled(rows.flatMap((r) => (r[key] ? [r[key]!] : [])));
    return {
      workshop: w,
      seats: w.learnerCapacity,
      confirmed: w.learnersConfirmed,
      learnersCame: learners.length,
      checkins: learners.filter((a) => a.source === 'checkin').length,
      walkIns: learners.filter((a) => a.source === 'walk-in').length,
      noShows: signups.filter((s) => s.role === 'learner' && !came.has(s.memberId)).length,
      coachesClaimed: w.coachesClaimed,
      coachesCame: attendance.filter((a) => a.role === 'coach').length,
      groups: new Set(signups.filter((s) => s.role === 'coach' && s.groupNumber !== null).map((s) => s.groupNumber)).size,
      stuck,
      feedback,
      texts: feedback.responses >= this.settings.minResponses ? { worked: texts('worked'), improve: texts('improve') } : null,
      notes: notes.map((n) => Object.assign(n, { coachName: n.member?.displayName ?? null })),
    };
  }

  /** Reports of a chapter's workshops that ended between two instants, oldest first. */
  async reports(chapterId: number, from: Date, to: Date): Promise<WorkshopReport[]> {
    const workshops = await this.store.manager
      .getRepository(Workshop)
      .createQueryBuilder('w')
      .where('w.chapterId = :chapterId AND w.status = :status', { chapterId, status: 'scheduled' })
      .andWhere('w.startsAt >= :from AND w.startsAt < :to AND w.endsAt <= :now', {
        from: from.getTime(),
        to: to.getTime(),
        now: this.clock.now().getTime(),
      })
      .orderBy('w.startsAt', 'ASC')
      .take(500)
      .getMany();
    const out: WorkshopReport[] = [];
    for (const w of workshops) out.push(await this.report(w.id));
    return out;
  }

  /**
   * Asks the learners and coaches who came to workshops that ended an hour ago (the scheduler
   * calls it), and reminds learners who have not answered three days later. Each once per workshop.
   */
  async askDue(): Promise<number> {
    const now = this.clock.now().getTime();
    const due = await this.store.manager.find(Workshop, {
      where: {
        status: 'scheduled',
        feedbackAskedAt: IsNull(),
        endsAt: LessThanOrEqual(new Date(now - FEEDBACK_ASK_AFTER_MS)) as never,
      },
      relations: { chapter: true },
      take: 20,
    });
    let asked = 0;
    for (const w of due) {
      // Past the window there is nothing to ask: mark it done without a message.
      const late = w.endsAt.getTime() + FEEDBACK_DAYS * 86_400_000 <= now;
      if (await this.claim(w.id, 'feedbackAskedAt', late ? undefined : 'ask')) asked += late ? 0 : 1;
    }
    if (this.settings.reminder) {
      const remind = await this.store.manager.find(Workshop, {
        where: {
          status: 'scheduled',
          feedbackAskedAt: LessThanOrEqual(new Date(now - FEEDBACK_REMIND_AFTER_MS)) as never,
          feedbackRemindedAt: IsNull(),
          endsAt: MoreThan(new Date(now - FEEDBACK_DAYS * 86_400_000)) as never,
        },
        relations: { chapter: true },
        take: 20,
      });
      for (const w of remind) await this.claim(w.id, 'feedbackRemindedAt', 'remind');
    }
    return asked;
  }

  /**
   * Marks the workshop asked (or reminded) once across processes, a conditional update, and in the
   * same transaction writes the DMs (`kind`) into the outbox: they exist exactly when the mark does.
   */
  private async claim(id: number, column: 'feedbackAskedAt' | 'feedbackRemindedAt', kind?: 'ask' | 'remind'): Promise<boolean> {
    try {
      return await this.store.transaction(async (em) => {
        if ((await em.update(Workshop, { id, [column]: IsNull() }, { [column]: this.clock.now() })).affected !== 1) return false;
        if (kind) await this.send(em, await em.findOneOrFail(Workshop, { where: { id }, relations: { chapter: true } }), kind);
        return true;
      });
    } catch (err) {
      this.log.warn({ err: safeError(err) }, 'feedback requests could not be queued; will retry');
      return false;
    }
  }

  /** The form by DM: learners get the questions as buttons (and one for the texts), coaches theirs for the note; a reminder goes to learners who did not answer. */
  private async send(em: EntityManager, w: Workshop, kind: 'ask' | 'remind'): Promise<void> {
    const present = await em.find(Attendance, { where: { workshopId: w.id, present: true }, relations: { member: true } });
    const filed = { chapterId: w.chapterId, kind: 'feedback', subject: w.id } as const;
    for (const a of present) {
      const member = a.member!;
      if (a.role === 'learner') {
        if (
          kind === 'remind' &&
          (await em.existsBy(WorkshopFeedback, { workshopId: w.id, pseudonym: this.pseudonym(identityOf(member), w.id) }))
        )
          continue;
        await this.dms.send(member, (t) => learnerForm(w, t, kind), filed, em);
      } else if (kind === 'ask') {
        await this.dms.send(member, (t) => coachForm(w, t), filed, em);
      }
    }
  }

  private assertWindow(w: Workshop): void {
    if (w.status === 'cancelled') throw new UserError('workshop.cancelled', { id: w.id });
    const now = this.clock.now().getTime();
    if (now < w.endsAt.getTime()) throw new UserError('feedback.too_early', { id: w.id });
    if (now > w.endsAt.getTime() + FEEDBACK_DAYS * 86_400_000) throw new UserError('feedback.closed', { id: w.id, days: FEEDBACK_DAYS });
  }

  /** The member, who must have come to the workshop in that role. */
  private async assertCame(actor: Person, workshopId: number, role: 'learner' | 'coach'): Promise<Member> {
    const member = await this.store.manager.findOneBy(Member, { platform: actor.platform, workspace: actor.workspace, userId: actor.id });
    const came = member && (await this.store.manager.existsBy(Attendance, { workshopId, memberId: member.id, role, present: true }));
    if (!member || !came) throw new UserError(role === 'learner' ? 'feedback.not_there' : 'notes.not_there', { id: workshopId });
    return member;
  }

  /** Which of these material ids are in the directory (a note names only those). */
  async existingMaterials(ids: readonly number[]): Promise<number[]> {
    // An id past the INTEGER column's range is in no directory (PostgreSQL would refuse to compare it).
    const possible = ids.filter((id) => id <= INTEGER_MAX);
    if (!possible.length) return [];
    return (await this.store.manager.findBy(Material, { id: In(possible) })).map((m) => m.id);
  }
}

const identityOf = (m: Member): Identity => ({ platform: m.platform, workspace: m.workspace, id: m.userId });

/** The learners' form: one row of buttons per question, and one that opens the form for the two texts. */
export function learnerForm(w: Workshop, t: Translate, kind: 'ask' | 'remind' = 'ask') {
  const cmd = (option: string) => `/workshop feedback id:${w.id} ${option}`;
  const buttons: Button[] = [
    ...(['slow', 'right', 'fast'] as const).map((pace) => ({ label: t(`feedback.pace.${pace}`), command: cmd(`pace:${pace}`), row: 1 })),
    ...[1, 2, 3, 4, 5].map((n) => ({ label: t('feedback.button.learned', { n }), command: cmd(`learned:${n}`), row: 2 })),
    ...[1, 2, 3, 4, 5].map((n) => ({ label: t('feedback.button.coach', { n }), command: cmd(`coach:${n}`), row: 3 })),
    { label: t('feedback.again.yes'), command: cmd('again:true'), row: 4 },
    { label: t('feedback.again.no'), command: cmd('again:false'), row: 4 },
    { label: t('feedback.button.texts'), command: `/workshop feedback id:${w.id}`, style: 'primary', row: 5 },
  ];
  return {
    body: [
      p(t(kind === 'ask' ? 'feedback.dm.ask' : 'feedback.dm.remind', { id: w.id, title: w.title })),
      p(...workshopWhen(w, t)),
      p(t('feedback.dm.questions')),
      p(
        t('feedback.dm.anonymous', {
          days: FEEDBACK_DAYS,
          example: `/workshop feedback id:${w.id} pace:right learned:4 coach:5 again:true`,
        }),
      ),
    ],
    buttons,
  };
}

/** The coaches' form: a button that opens the form for their note. */
export function coachForm(w: Workshop, t: Translate) {
  return {
    body: [
      p(t('notes.dm.ask', { id: w.id, title: w.title })),
      p(...workshopWhen(w, t)),
      p(t('notes.dm.how', { example: `/workshop notes id:${w.id} taught:"loops, lists" went:"…" change:"…" publish:named` })),
    ],
    buttons: [{ label: t('notes.button'), command: `/workshop notes id:${w.id}`, style: 'primary' as const }],
  };
}
