import { action, defineCommand } from '../src/core/command.js';
import { option } from '../src/core/options.js';
import { channelLink, fill, message, p, SLOT } from '../src/core/reply.js';

/**
 * Learners share what they made, under their own name, in the chapter's showcase channel: the
 * workshop's chapter when they name one (they must have been there), else the chapter bound where
 * they act. Moderators of the share's chapter hide one, with the reason shown in its post.
 */
export const share = defineCommand({
  name: 'share',
  area: 'workshops',
  description: 'cmd.share',
  action: action({
    form: true,
    // A public post under the member's name: a brake well below the default limit, which counts
    // every try, so a few corrections still go through.
    rateLimit: { max: 5, windowSeconds: 1800 },
    options: {
      text: option.text({ description: 'opt.share.text', required: true, minLength: 2, maxLength: 500 }),
      url: option.string({ description: 'opt.share.url', minLength: 8, maxLength: 500 }),
      workshop: option.integer({ description: 'opt.share.workshop', min: 1, autocomplete: 'workshop' }),
    },
    async execute(ctx) {
      const { t, services, options } = ctx;
      const { chapter, workshop } = await services.shares.chapterOf(options.workshop, () => ctx.chapter());
      const { share, ref, invited } = await services.shares.share(
        ctx.actor,
        chapter,
        workshop,
        { text: options.text, url: options.url, workshopId: options.workshop },
        { post: (m) => ctx.post(m), edit: (r, m) => ctx.edit(r, m) },
      );
      return message([
        p(...fill(t('share.done', { id: share.id, channel: SLOT }), channelLink(ref.channel))),
        ...(workshop ? [p(t('share.done.workshop', { workshop: workshop.id }))] : []),
        ...(invited ? [p(t('share.done.invited'))] : []),
      ]);
    },
  }),
  subcommands: {
    hide: action({
      description: 'cmd.share.hide',
      permission: 'moderator',
      target: { kind: 'share', option: 'id' },
      options: {
        id: option.integer({ description: 'opt.share.id', required: true, min: 1 }),
        reason: option.text({ description: 'opt.share.reason', required: true, minLength: 3, maxLength: 500 }),
      },
      async execute(ctx) {
        const { id, reason } = ctx.options;
        const hidden = await ctx.services.shares.hide(id, reason, {
          where: ctx.actor,
          outbox: { post: (m) => ctx.post(m), edit: (r, m) => ctx.edit(r, m) },
        });
        ctx.auditTarget(`share:${hidden.id}`, reason);
        return message(ctx.t('share.hidden', { id: hidden.id }));
      },
    }),
  },
});
