import { action, defineCommand } from '../src/core/command.js';
import { option } from '../src/core/options.js';
import { bold, list, message, p } from '../src/core/reply.js';

export const privacy = defineCommand({
  name: 'privacy',
  area: 'privacy',
  description: 'cmd.privacy',
  subcommands: {
    export: action({
      description: 'cmd.privacy.export',
      async execute(ctx) {
        ctx.services.privacy.admit(ctx.actor, 'export');
        const data = await ctx.services.privacy.export(ctx.actor);
        return message([p(bold(ctx.t('privacy.export.done'))), p(ctx.t('privacy.export.note'))], {
          attachments: [{ filename: 'my-data.json', contentType: 'application/json', data: `${JSON.stringify(data, null, 2)}\n` }],
        });
      },
    }),
    delete: action({
      description: 'cmd.privacy.delete',
      options: { confirm: option.boolean({ description: 'opt.privacy.confirm' }) },
      async execute(ctx) {
        const { t } = ctx;
        if (ctx.options.confirm !== true) {
          return message([
            p(bold(t('privacy.delete.what'))),
            list(
              t('privacy.delete.item.profile'),
              t('privacy.delete.item.signups'),
              t('privacy.delete.item.questions'),
              t('privacy.delete.item.metoo'),
              t('privacy.delete.item.shares'),
              t('privacy.delete.item.names'),
            ),
            p(t('privacy.delete.how')),
          ]);
        }
        ctx.services.privacy.admit(ctx.actor, 'delete');
        const done = await ctx.services.privacy.delete(ctx.actor);
        return message([
          p(bold(t('privacy.delete.done'))),
          p(
            t('privacy.delete.counts', {
              signups: done.signups,
              disclaimers: done.disclaimers,
              questions: done.questions,
              metoo: done.meToos,
            }),
          ),
          ...(done.shares ? [p(t('privacy.delete.shares', { shares: done.shares }))] : []),
        ]);
      },
    }),
  },
});
