import type { Workshop } from '../entities/Workshop.js';
import { action, defineCommand } from '../src/core/command.js';
import { bold, type Field, type Inline, message, time } from '../src/core/reply.js';

const line = (w: Workshop): Inline[] => [bold(`#${w.id} ${w.title}`), ' — ', time(w.startsAt, 'date', w.chapter?.timeZone)];
const lines = (ws: readonly Workshop[]): Inline[] => ws.flatMap((w, i) => [...(i ? ['; '] : []), ...line(w)]);

export const progress = defineCommand({
  name: 'progress',
  description: 'cmd.progress',
  action: action({
    async execute(ctx) {
      const { t } = ctx;
      const { attended, coached, upcoming } = await ctx.services.workshops.progress(ctx.actor);
      const fields: Field[] = [
        { name: t('progress.attended', { n: attended.length }), value: attended.length ? lines(attended) : [t('progress.none')] },
        { name: t('progress.coached', { n: coached.length }), value: coached.length ? lines(coached) : [t('progress.none')] },
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
      ];
      const nudge = coached.length === 0 && attended.length >= ctx.services.config.workshops.inviteToCoachAfter;
      return message(nudge ? t('progress.nudge') : [], { title: t('progress.title'), fields });
    },
  }),
});
