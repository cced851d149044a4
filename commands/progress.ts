import type { Workshop } from '../entities/Workshop.js';
import { action, defineCommand } from '../src/core/command.js';
import { bold, type Field, fill, type Inline, message, p, SLOT, time } from '../src/core/reply.js';
import { truncate } from '../src/core/text.js';
import type { Translate } from '../src/core/i18n.js';
import type { MyNoShows } from '../src/services/workshops/no-shows.js';

const line = (w: Workshop): Inline[] => [bold(`#${w.id} ${w.title}`), ' — ', time(w.startsAt, 'date', w.chapter?.timeZone)];
const lines = (ws: readonly Workshop[]): Inline[] => ws.flatMap((w, i) => [...(i ? ['; '] : []), ...line(w)]);
const amount = (n: number) => (n === 0 ? 'zero' : n === 1 ? 'one' : 'many');

/** The topics of the workshops attended, each once (as first written), in the order attended. */
function topicsOf(attended: readonly Workshop[]): string[] {
  const seen = new Map<string, string>();
  for (const w of attended) if (!seen.has(w.topic.toLowerCase())) seen.set(w.topic.toLowerCase(), w.topic);
  return [...seen.values()];
}

/** The member's no-show records (cleared ones with the reason) and any cool-down, as one field; none without records. */
function noShowFields({ records, coolDowns }: MyNoShows, t: Translate): Field[] {
  if (!records.length) return [];
  const lines = records.map((r): Inline[] =>
    r.clearedAt
      ? [t('progress.no_show.cleared', { id: r.workshopId, title: r.workshop!.title, reason: r.clearReason ?? '' })]
      : fill(
          t('progress.no_show.line', { id: r.workshopId, title: r.workshop!.title, expires: SLOT }),
          time(r.expiresAt, 'date', r.chapter?.timeZone),
        ),
  );
  const cool = coolDowns.map((c): Inline[] =>
    fill(t('progress.cool_down', { chapter: c.chapter.name, until: SLOT }), time(c.until, 'full', c.chapter.timeZone)),
  );
  return [{ name: t('progress.no_shows'), value: [...lines, ...cool].flatMap((l, i): Inline[] => [...(i ? ['\n'] : []), ...l]) }];
}

/**
 * A member's path as a short story: what they attended (and on which topics), shared and coached,
 * then what comes next: the invitation to coach once their workshops and shares reach
 * INVITE_TO_COACH_AFTER, else a workshop to go to. The details follow as fields.
 */
export const progress = defineCommand({
  name: 'progress',
  area: 'workshops',
  description: 'cmd.progress',
  action: action({
    async execute(ctx) {
      const { t, services, actor } = ctx;
      const here = await services.chapters.resolve({ platform: actor.platform, workspace: actor.workspace, channel: ctx.channel });
      const { attended, coached, upcoming, shares, credits, coach, next } = await services.workshops.progress(actor, here?.id ?? null);
      const topics = topicsOf(attended);
      const story =
        attended.length || shares.length || coached.length
          ? t('progress.story', {
              attended: `${t(`progress.count.workshops.${amount(attended.length)}`, { n: attended.length })}${topics.length ? ` (${topics.join(', ')})` : ''}`,
              shared: t(`progress.count.projects.${amount(shares.length)}`, { n: shares.length }),
              coached: t(`progress.count.workshops.${amount(coached.length)}`, { n: coached.length }),
            })
          : t('progress.story.new');
      const invite = !coach && credits >= services.config.workshops.inviteToCoachAfter;
      const soonest = upcoming[0]?.workshop;
      const at = (w: Workshop): Inline[] => [bold(`#${w.id} ${w.title}`), time(w.startsAt, 'date', w.chapter?.timeZone)];
      const whatNext = invite
        ? [t('progress.next.coach')]
        : next
          ? fill(
              t(next.byTopic ? 'progress.next.topic' : 'progress.next.any', {
                workshop: SLOT,
                date: SLOT,
                topic: next.byTopic ?? '',
                chapter: next.workshop.chapter?.name ?? '',
                id: next.workshop.id,
              }),
              ...at(next.workshop),
            )
          : soonest
            ? fill(t('progress.next.signed_up', { workshop: SLOT, date: SLOT }), ...at(soonest))
            : [t('progress.next.none')];
      const fields: Field[] = [
        { name: t('progress.attended', { n: attended.length }), value: attended.length ? lines(attended) : [t('progress.none')] },
        { name: t('progress.coached', { n: coached.length }), value: coached.length ? lines(coached) : [t('progress.none')] },
        ...(shares.length
          ? [
              {
                name: t('progress.shared', { n: shares.length }),
                value: [shares.map((s) => `#${s.id} ${truncate(s.text, 60)}`).join('; ')],
              },
            ]
          : []),
        ...(upcoming.length
          ? [
              {
                name: t('progress.upcoming'),
                value: upcoming.flatMap((u, i): Inline[] => [
                  ...(i ? ['; '] : []),
                  ...line(u.workshop),
                  ` (${t(`progress.as.${u.role}.${u.state}`)})`,
                ]),
              },
            ]
          : []),
        // No-shows (issue "Fair sign-ups"): the member's own records and cool-downs; /progress answers only them.
        ...noShowFields(await services.noShows.mine(actor), t),
      ];
      return message([p(story), p(...whatNext), ...(attended.length && !shares.length && !invite ? [p(t('progress.next.share'))] : [])], {
        title: t('progress.title'),
        fields,
      });
    },
  }),
});
