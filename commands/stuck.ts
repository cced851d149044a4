import { action, defineCommand } from '../src/core/command.js';
import type { Translate } from '../src/core/i18n.js';
import { option } from '../src/core/options.js';
import { fill, mention, message, p, SLOT } from '../src/core/reply.js';

const workshop = option.integer({ description: 'opt.stuck.workshop', min: 1, autocomplete: 'workshop' });
const request = option.integer({ description: 'opt.stuck.request', required: true, min: 1 });

/**
 * "I'm stuck" on the workshop day: a learner calls their group's coach, who alone is told, by DM;
 * the coach answers "On my way" and "Done" (buttons on that DM, or these subcommands). See
 * `StuckQueue` for the queue, the escalation to the other coaches and the figures kept.
 */
export const stuck = defineCommand({
  name: 'stuck',
  area: 'day',
  description: 'cmd.stuck',
  action: action({
    description: 'cmd.stuck',
    options: { note: option.text({ description: 'opt.stuck.note', maxLength: 300 }), workshop },
    async execute(ctx) {
      const r = await ctx.services.stuck.ask(ctx.actor, ctx.options.workshop, ctx.options.note);
      const coach = mention({ id: r.coach.userId, name: r.coach.displayName });
      const key = r.position === 0 ? 'stuck.asked.coming' : r.updated ? 'stuck.asked.updated' : 'stuck.asked';
      return message([
        p(...fill(ctx.t(key, { coach: SLOT, position: r.position }), coach)),
        p(ctx.t('stuck.asked.cancel', { example: `/stuck cancel workshop:${r.workshop.id}` })),
      ]);
    },
  }),
  subcommands: {
    next: action({
      description: 'cmd.stuck.next',
      options: { id: option.integer({ description: 'opt.workshop.id', required: true, min: 1, autocomplete: 'workshop' }) },
      async execute(ctx) {
        const taken = await ctx.services.stuck.next(ctx.actor, ctx.options.id);
        if (!taken) return message(ctx.t('stuck.next.none', { id: ctx.options.id }));
        return message(onTheWay(ctx.t, taken));
      },
    }),
    take: action({
      description: 'cmd.stuck.take',
      options: { request },
      async execute(ctx) {
        return message(onTheWay(ctx.t, await ctx.services.stuck.take(ctx.actor, ctx.options.request)));
      },
    }),
    done: action({
      description: 'cmd.stuck.done',
      options: { request },
      async execute(ctx) {
        await ctx.services.stuck.done(ctx.actor, ctx.options.request);
        return message(ctx.t('stuck.done', { request: ctx.options.request }));
      },
    }),
    cancel: action({
      description: 'cmd.stuck.cancel',
      options: { workshop },
      async execute(ctx) {
        await ctx.services.stuck.cancel(ctx.actor, ctx.options.workshop);
        return message(ctx.t('stuck.cancelled'));
      },
    }),
  },
});

/** "You are on your way to Ben: the note", with the command that closes it. */
function onTheWay(
  t: Translate,
  taken: { request: { id: number; note: string | null }; learner: { userId: string; displayName: string } | null },
) {
  return [
    p(
      ...fill(
        t('stuck.taken.done', { learner: SLOT, example: `/stuck done request:${taken.request.id}` }),
        taken.learner ? mention({ id: taken.learner.userId, name: taken.learner.displayName }) : '—',
      ),
    ),
    ...(taken.request.note ? [p(t('stuck.taken.note', { note: taken.request.note }))] : []),
  ];
}
