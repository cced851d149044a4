import type { Question } from '../../../entities/Question.js';
import type { Translate } from '../../core/i18n.js';
import { bold, message, p, type Message } from '../../core/reply.js';

/** How many me-toos and answers a question has. */
export interface QuestionStats {
  readonly meToo: number;
  readonly answers: number;
}

/**
 * The public post of a question, in the bot's language (`t`): its text, topic, workshop, status
 * and counts, and the buttons to add a me-too, answer or report. A hidden question's post says
 * only that it was hidden, and why. Nothing in it names the asker.
 */
export function questionPost(q: Question, stats: QuestionStats, t: Translate): Message {
  const visibility = { kind: 'channel' as const, channel: q.channel };
  if (q.hiddenAt)
    return message([p(t('question.hidden_post', { reason: q.hiddenReason ?? '' }))], {
      title: t('question.post.title', { id: q.id }),
      visibility,
    });
  return message([p(q.text)], {
    title: t('question.post.title', { id: q.id }),
    visibility,
    fields: [
      ...(q.topic ? [{ name: t('question.post.topic'), value: [q.topic], inline: true }] : []),
      ...(q.workshopId ? [{ name: t('question.post.workshop'), value: [`#${q.workshopId}`], inline: true }] : []),
      { name: t('question.post.status'), value: [t(`question.status.${q.status}`)], inline: true },
      ...(stats.answers ? [{ name: t('question.post.answers'), value: [String(stats.answers)], inline: true }] : []),
      ...(stats.meToo
        ? [
            {
              name: '+1',
              value: [stats.meToo === 1 ? t('question.post.metoo.one') : t('question.post.metoo.many', { count: stats.meToo })],
            },
          ]
        : []),
    ],
    buttons:
      q.status === 'closed'
        ? []
        : [
            { label: t('question.button.metoo'), command: `/ask metoo id:${q.id}` },
            { label: t('question.button.answer'), command: `/ask answer id:${q.id}`, style: 'primary' },
            { label: t('question.button.report'), command: `/ask report id:${q.id}`, style: 'danger' },
          ],
  });
}

/** The "#N open · 2 answers · 1 me too · text" line of a question in lists (`/ask mine`, `/questions list`). */
export function questionLine(q: Question & QuestionStats, t: Translate) {
  return [
    bold(`#${q.id}`),
    ` ${t(`question.status.${q.status}`)} · ${t('question.list.counts', { answers: q.answers, metoo: q.meToo })} · `,
    q.text.length > 80 ? q.text.slice(0, 79) + '…' : q.text,
  ];
}
