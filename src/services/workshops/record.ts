import { In } from 'typeorm';
import { Attendance } from '../../../entities/Attendance.js';
import { CoachNote } from '../../../entities/CoachNote.js';
import { Material } from '../../../entities/Material.js';
import { Workshop } from '../../../entities/Workshop.js';
import { WorkshopFeedback } from '../../../entities/WorkshopFeedback.js';
import { WorkshopMaterial } from '../../../entities/WorkshopMaterial.js';
import type { Clock } from '../../core/clock.js';
import { UserError } from '../../core/errors.js';
import type { Store } from '../../db/store.js';
import { FEEDBACK_DAYS } from './feedback.js';
import { type FeedbackFigures, feedbackFigures } from './feedback-figures.js';

/** A material on the public record: from the directory, so public already. */
export interface RecordMaterial {
  readonly id: number;
  readonly title: string;
  readonly url: string;
  readonly language: string;
  readonly license: string;
}

/** A coach's note as published: `coach` is their display name for a `named` note, null for an `anonymous` one. */
export interface RecordNote {
  readonly coach: string | null;
  readonly taught: readonly string[];
  readonly went: string | null;
  readonly change: string | null;
}

/** One past workshop as the chapter's public record shows it. */
export interface PastWorkshop {
  readonly id: number;
  readonly title: string;
  readonly topic: string;
  readonly startsAt: Date;
  readonly endsAt: Date;
  /** The topics of every coach's note, once each (see `PublicRecord`). */
  readonly taught: readonly string[];
  readonly materials: readonly RecordMaterial[];
  /** Present attendance rows by role: counts only, never who. */
  readonly learners: number;
  readonly coaches: number;
  /** The learners' answers added up; null while fewer than `publicMin` learners answered, or while feedback is open. */
  readonly ratings: FeedbackFigures | null;
  /**
   * Feedback is still open (until 14 days after the end): the ratings wait until it closes, so they
   * never change on the page after they appear. Were they shown at once, comparing the page before and
   * after one more answer would give away that learner's answer.
   */
  readonly ratingsPending: boolean;
  /** `named` and `anonymous` notes, oldest first; `private` ones never. */
  readonly notes: readonly RecordNote[];
}

/** `Loops, functions ,, Loops` → `Loops`, `functions`: as typed, empty ones and repeats (any case) dropped. */
export function topicsOf(texts: readonly (string | null)[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const topic of texts.flatMap((t) => (t ?? '').split(',')).map((t) => t.trim())) {
    if (!topic || seen.has(topic.toLowerCase())) continue;
    seen.add(topic.toLowerCase());
    out.push(topic);
  }
  return out;
}

/** Material ids in a note as typed (`3, #7 12`); anything that is not a number is ignored. */
function materialIds(text: string | null): number[] {
  return (text ?? '')
    .split(/[\s,]+/)
    .map((s) => s.replace(/^#/, ''))
    .filter((s) => /^\d{1,9}$/.test(s))
    .map(Number);
}

/**
 * A chapter's public record of its past workshops: the chapter page's "Past workshops" and
 * `/chapters/<name>/report.json`. What it publishes, and what never:
 *
 * - Workshops that ended, not cancelled, not taken off by a moderator (`recordHidden`).
 * - What was taught: the topics of every coach's note, private ones included. A topic says what
 *   the workshop covered, not what a coach thought of it, and the workshop's topic is public
 *   anyway; the same for the material ids in notes, which name entries of the public directory
 *   (an id that names no material, or one since removed, is skipped).
 * - How many learners and coaches came (present attendance rows), never who.
 * - The learners' ratings only once at least `publicMin` (FEEDBACK_PUBLIC_MIN) answered: below
 *   that, nothing at all, not even how many answered, since a count of 1 and its figures would be
 *   that learner's answers. The free texts (`worked`, `improve`) are not even read here.
 * - Coaches' notes the coach published: `named` with their display name (an erased coach's note
 *   has no member and is shown without a name), `anonymous` without; `private` ones never.
 */
export class PublicRecord {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** FEEDBACK_PUBLIC_MIN. */
    readonly publicMin: number,
  ) {}

  /** The chapter's past workshops on the record, newest first. */
  async pastWorkshops(chapterId: number, options: { limit: number }): Promise<PastWorkshop[]> {
    const em = this.store.manager;
    const now = this.clock.now().getTime();
    const pending = (w: Workshop) => now < w.endsAt.getTime() + FEEDBACK_DAYS * 86_400_000;
    const workshops = await em
      .getRepository(Workshop)
      .createQueryBuilder('w')
      .where('w.chapterId = :chapterId AND w.endsAt <= :now', { chapterId, now: this.clock.now().getTime() })
      .andWhere('w.status = :status AND w.recordHidden = :hidden', { status: 'scheduled', hidden: false })
      .orderBy('w.startsAt', 'DESC')
      .addOrderBy('w.id', 'DESC')
      .take(options.limit)
      .getMany();
    if (!workshops.length) return [];
    const ids = workshops.map((w) => w.id);

    const [attendance, notes, feedback, attached] = await Promise.all([
      em
        .getRepository(Attendance)
        .createQueryBuilder('a')
        .select('a.workshopId', 'workshopId')
        .addSelect('a.role', 'role')
        .addSelect('COUNT(*)', 'n')
        .where({ workshopId: In(ids), present: true })
        .groupBy('a.workshopId')
        .addGroupBy('a.role')
        .getRawMany<{ workshopId: number | string; role: string; n: number | string }>(),
      em.getRepository(CoachNote).find({ where: { workshopId: In(ids) }, relations: { member: true }, order: { id: 'ASC' } }),
      // The answers only: the free texts stay in the database.
      em.getRepository(WorkshopFeedback).find({
        select: { id: true, workshopId: true, pace: true, learned: true, coachSupport: true, again: true },
        where: { workshopId: In(ids) },
      }),
      em.getRepository(WorkshopMaterial).find({ where: { workshopId: In(ids) }, order: { id: 'ASC' } }),
    ]);

    // Each workshop's material ids in order: its own, then those the notes name.
    const wanted = new Map<number, number[]>(ids.map((id) => [id, []]));
    for (const m of attached) wanted.get(m.workshopId)!.push(m.materialId);
    for (const n of notes) wanted.get(n.workshopId)!.push(...materialIds(n.materials));
    const allIds = [...new Set([...wanted.values()].flat())];
    const directory = new Map(
      (allIds.length ? await em.getRepository(Material).findBy({ id: In(allIds) }) : []).map((m) => [m.id, m] as const),
    );

    return workshops.map((w): PastWorkshop => {
      const count = (role: string) => Number(attendance.find((a) => Number(a.workshopId) === w.id && a.role === role)?.n ?? 0);
      const own = notes.filter((n) => n.workshopId === w.id);
      const figures = feedbackFigures(feedback.filter((f) => f.workshopId === w.id));
      return {
        id: w.id,
        title: w.title,
        topic: w.topic,
        startsAt: w.startsAt,
        endsAt: w.endsAt,
        taught: topicsOf(own.map((n) => n.taught)),
        materials: [...new Set(wanted.get(w.id))].flatMap((id) => {
          const m = directory.get(id);
          return m ? [{ id: m.id, title: m.title, url: m.url, language: m.language, license: m.license }] : [];
        }),
        learners: count('learner'),
        coaches: count('coach'),
        ratings: !pending(w) && figures.responses >= this.publicMin ? figures : null,
        ratingsPending: pending(w),
        notes: own
          .filter((n) => n.publish === 'named' || n.publish === 'anonymous')
          .map((n) => ({
            coach: n.publish === 'named' ? (n.member?.displayName ?? null) : null,
            taught: topicsOf([n.taught]),
            went: n.went,
            change: n.change,
          }))
          .filter((n) => n.taught.length || n.went || n.change),
      };
    });
  }

  /** A moderator puts a workshop on the public record or takes it off (`/workshop publish`). */
  async setVisible(workshopId: number, visible: boolean): Promise<Workshop> {
    return this.store.transaction(async (em) => {
      const w = await em.findOne(Workshop, { where: { id: workshopId }, relations: { chapter: true } });
      if (!w) throw new UserError('workshop.not_found', { id: workshopId });
      await em.update(Workshop, { id: workshopId }, { recordHidden: !visible });
      w.recordHidden = !visible;
      return w;
    });
  }
}
