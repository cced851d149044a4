import { action, defineCommand } from '../src/core/command.js';
import { option } from '../src/core/options.js';
import { bold, type Inline, list, message, time } from '../src/core/reply.js';

export const mod = defineCommand({
  name: 'mod',
  description: 'cmd.mod',
  subcommands: {
    audit: action({
      description: 'cmd.mod.audit',
      permission: 'moderator',
      // Reading the trail changes nothing: not an entry of its own.
      audit: false,
      options: {
        limit: option.integer({ description: 'opt.mod.limit', min: 1, max: 100 }),
        action: option.string({ description: 'opt.mod.action', maxLength: 64, placeholder: 'placeholder.mod.action' }),
      },
      async execute(ctx) {
        const { t, actor, options } = ctx;
        // Audit entries name the moderator who acted and what they touched (`question:12`),
        // never an anonymous asker: nothing written to the trail holds one, so nothing read here can show one.
        const entries = await ctx.services.audit.recent(options.limit ?? 20, { platform: actor.platform, workspace: actor.workspace, action: options.action });
        if (!entries.length) return message(t(options.action ? 'mod.audit.empty_kind' : 'mod.audit.empty', { action: options.action ?? '' }));
        return message(
          [
            list(
              ...entries.map((e): Inline[] => [
                time(e.at, 'full'),
                ' — ',
                bold(e.actorName),
                `: /${e.action}`,
                ...(e.target ? [` → ${e.target}`] : []),
                ...(e.details ? [` (${e.details})`] : []),
              ]),
            ),
          ],
          { title: t('mod.audit.title', { count: entries.length }) },
        );
      },
    }),
  },
});
