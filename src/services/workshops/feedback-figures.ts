import type { Pace, WorkshopFeedback } from '../../../entities/WorkshopFeedback.js';

/** The learners' answers on a workshop, added up: what the report and the public record show. */
export interface FeedbackFigures {
  /** How many learners answered anything. */
  readonly responses: number;
  readonly pace: Readonly<Record<Pace, number>>;
  /** Mean of the 1-5 answers given (null when none), and how many gave each value (index 0 is 1). */
  readonly learned: { readonly mean: number | null; readonly counts: readonly number[] };
  readonly coachSupport: { readonly mean: number | null; readonly counts: readonly number[] };
  readonly again: { readonly yes: number; readonly no: number };
}

function scale(values: readonly (number | null)[]): { mean: number | null; counts: number[] } {
  const given = values.filter((v): v is number => v !== null);
  const counts = [1, 2, 3, 4, 5].map((n) => given.filter((v) => v === n).length);
  return { mean: given.length ? Math.round((given.reduce((a, b) => a + b, 0) / given.length) * 10) / 10 : null, counts };
}

/** The figures of a workshop's feedback rows. */
export function feedbackFigures(rows: readonly WorkshopFeedback[]): FeedbackFigures {
  return {
    responses: rows.length,
    pace: {
      slow: rows.filter((r) => r.pace === 'slow').length,
      right: rows.filter((r) => r.pace === 'right').length,
      fast: rows.filter((r) => r.pace === 'fast').length,
    },
    learned: scale(rows.map((r) => r.learned)),
    coachSupport: scale(rows.map((r) => r.coachSupport)),
    again: { yes: rows.filter((r) => r.again === true).length, no: rows.filter((r) => r.again === false).length },
  };
}
