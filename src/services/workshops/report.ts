import type { MessageKey, Translate } from '../../core/i18n.js';
import { type Block, bold, list, p } from '../../core/reply.js';
import { toCsv } from '../../core/csv.js';
import type { FeedbackFigures } from './feedback-figures.js';
import type { WorkshopReport } from './feedback.js';

const minutes = (ms: number | null) => (ms === null ? '—' : String(Math.round(ms / 6000) / 10));
const mean = (m: number | null) => (m === null ? '—' : m.toFixed(1));

/** The feedback figures in one line each: answers, pace, learned, coach support, come again. */
function feedbackLines(f: FeedbackFigures, t: Translate): string[] {
  return [
    t('report.feedback.responses', { n: f.responses }),
    `${t('feedback.q.pace')}: ${(['slow', 'right', 'fast'] as const).map((k) => `${t(`feedback.pace.${k}`)} ${f.pace[k]}`).join(' · ')}`,
    `${t('feedback.q.learned')}: ${mean(f.learned.mean)} (${f.learned.counts.join('/')})`,
    `${t('feedback.q.coach')}: ${mean(f.coachSupport.mean)} (${f.coachSupport.counts.join('/')})`,
    `${t('feedback.q.again')}: ${t('feedback.again.yes')} ${f.again.yes} · ${t('feedback.again.no')} ${f.again.no}`,
  ];
}

/** `/workshop report` as text: seats and attendance, coaches and groups, stuck requests, feedback, notes. */
export function reportBody(r: WorkshopReport, t: Translate, minResponses: number): Block[] {
  const texts = r.texts;
  return [
    p(bold(t('report.attendance'))),
    list(
      t('report.seats', { confirmed: r.confirmed, seats: r.seats }),
      t('report.came', { came: r.learnersCame, checkins: r.checkins, walkins: r.walkIns, noshows: r.noShows }),
      t('report.coaches', { came: r.coachesCame, claimed: r.coachesClaimed, groups: r.groups }),
      t('report.stuck', { n: r.stuck.requests, median: minutes(r.stuck.medianWaitMs), p90: minutes(r.stuck.p90WaitMs) }),
    ),
    p(bold(t('report.feedback'))),
    list(...feedbackLines(r.feedback, t)),
    ...(texts
      ? [
          ...(texts.worked.length ? [p(bold(t('feedback.q.worked'))), list(...texts.worked)] : []),
          ...(texts.improve.length ? [p(bold(t('feedback.q.improve'))), list(...texts.improve)] : []),
        ]
      : [p(t('report.texts_hidden', { n: r.feedback.responses, min: minResponses }))]),
    p(bold(t('report.notes'))),
    ...(r.notes.length
      ? r.notes.flatMap((n) => [
          p(
            n.coachName ?? t('report.note.erased'),
            ` (${t(`notes.publish.${n.publish}` as MessageKey)})`,
            n.taught ? ` · ${t('report.note.taught')}: ${n.taught}` : '',
            n.materials
              ? ` · ${t('report.note.materials')}: ${n.materials
                  .split(',')
                  .map((m) => `#${m}`)
                  .join(', ')}`
              : '',
          ),
          list(
            ...(n.went ? [`${t('report.note.went')}: ${n.went}`] : []),
            ...(n.change ? [`${t('report.note.change')}: ${n.change}`] : []),
          ),
        ])
      : [p('—')]),
  ];
}

const COLUMNS = [
  'workshop',
  'date',
  'title',
  'topic',
  'seats',
  'confirmed',
  'learners_came',
  'checkins',
  'walk_ins',
  'no_shows',
  'coaches_claimed',
  'coaches_came',
  'groups',
  'stuck_requests',
  'stuck_median_wait_minutes',
  'stuck_p90_wait_minutes',
  'feedback_responses',
  'pace_slow',
  'pace_right',
  'pace_fast',
  'learned_mean',
  'coach_support_mean',
  'again_yes',
  'again_no',
  // No-shows (issue "Fair sign-ups"): seats given up less than NO_SHOW_CUTOFF_HOURS before the start; never punished.
  'late_leaves',
] as const;

/** One row per workshop: the figures only (no free text: those stay in `/workshop report`, above the threshold). */
function row(r: WorkshopReport): Record<(typeof COLUMNS)[number], string | number> {
  const f = r.feedback;
  return {
    workshop: r.workshop.id,
    date: r.workshop.startsAt.toISOString().slice(0, 10),
    title: r.workshop.title,
    topic: r.workshop.topic,
    seats: r.seats,
    confirmed: r.confirmed,
    learners_came: r.learnersCame,
    checkins: r.checkins,
    walk_ins: r.walkIns,
    no_shows: r.noShows,
    coaches_claimed: r.coachesClaimed,
    coaches_came: r.coachesCame,
    groups: r.groups,
    stuck_requests: r.stuck.requests,
    stuck_median_wait_minutes: minutes(r.stuck.medianWaitMs),
    stuck_p90_wait_minutes: minutes(r.stuck.p90WaitMs),
    feedback_responses: f.responses,
    pace_slow: f.pace.slow,
    pace_right: f.pace.right,
    pace_fast: f.pace.fast,
    learned_mean: f.learned.mean ?? '',
    coach_support_mean: f.coachSupport.mean ?? '',
    again_yes: f.again.yes,
    again_no: f.again.no,
    late_leaves: r.workshop.lateLeaves,
  };
}

/** Per topic, across the chapter's workshops: how many, who came, and the mean ratings (weighted by answers). */
export function topicTrends(reports: readonly WorkshopReport[]) {
  const topics = new Map<string, WorkshopReport[]>();
  for (const r of reports) topics.set(r.workshop.topic, [...(topics.get(r.workshop.topic) ?? []), r]);
  const weighted = (rs: WorkshopReport[], pick: (f: FeedbackFigures) => { mean: number | null; counts: readonly number[] }) => {
    const n = rs.reduce((a, r) => a + pick(r.feedback).counts.reduce((x, y) => x + y, 0), 0);
    const sum = rs.reduce((a, r) => a + pick(r.feedback).counts.reduce((x, c, i) => x + c * (i + 1), 0), 0);
    return n ? Math.round((sum / n) * 10) / 10 : null;
  };
  return [...topics].map(([topic, rs]) => ({
    topic,
    workshops: rs.length,
    learnersCame: rs.reduce((a, r) => a + r.learnersCame, 0),
    noShows: rs.reduce((a, r) => a + r.noShows, 0),
    feedbackResponses: rs.reduce((a, r) => a + r.feedback.responses, 0),
    learnedMean: weighted(rs, (f) => f.learned),
    coachSupportMean: weighted(rs, (f) => f.coachSupport),
  }));
}

/**
 * `/chapter report` as files: a CSV of the workshops' figures, and JSON with the same rows, the
 * trends per topic and, for workshops with at least `minResponses` answers, the free texts (in
 * random order); below that none, as in the report.
 */
export function chapterReportFiles(reports: readonly WorkshopReport[], chapter: string, from: string, to: string) {
  const csv = toCsv(reports.map(row), COLUMNS);
  const json = {
    chapter,
    from,
    to,
    workshops: reports.map((r) => ({ ...row(r), texts: r.texts })),
    topics: topicTrends(reports),
  };
  return { csv, json: `${JSON.stringify(json, null, 2)}\n` };
}
