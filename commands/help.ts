import { action, defineCommand } from '../src/core/command.js';
import { bold, code, list, message, p } from '../src/core/reply.js';

export const help = defineCommand({
  name: 'help',
  description: 'cmd.help',
  action: action({
    options: {
      // `command` names a top-level command, e.g. `chapter`.
      command: { type: 'string', description: 'cmd.help.opt.command', maxLength: 32 },
    },
    async execute(ctx) {
      const { t } = ctx;
      const wanted = ctx.options.command?.replace(/^\//, '').toLowerCase();
      const leaves = [];
      for (const leaf of ctx.commands.leaves) {
        if (wanted && leaf.path[0] !== wanted) continue;
        if (await ctx.mayRun(leaf)) leaves.push(leaf);
      }
      if (wanted && leaves.length === 0) throw ctx.fail('help.unknown', 'help.no_command', { command: wanted });

      const role = (permission: string) =>
        permission === 'moderator' ? ` (${t('help.role.moderator')})` : permission === 'coach' ? ` (${t('help.role.coach')})` : '';
      const lines = leaves.map((leaf) =>
        wanted
          ? [code(ctx.commands.usage(leaf, t)), ` — ${t(leaf.description)}${role(leaf.permission)}`]
          : [bold('/' + leaf.path.join(' ')), ` — ${t(leaf.description)}${role(leaf.permission)}`],
      );
      return message([list(...lines), p(t('help.footer'))], { title: t('help.title') });
    },
  }),
});
