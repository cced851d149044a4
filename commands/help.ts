import { action, defineCommand } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import type { Leaf } from '../src/core/registry.js';
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
      if (wanted && leaves.length === 0) throw new UserError('help.no_command', { command: wanted });

      // Who may run it, as the policy sees it: the workspace's administrators, a chapter's moderators, coaches.
      const role = (leaf: Leaf): string => {
        if (leaf.permission === 'member') return '';
        const kinds = leaf.targets.map((target) => target.kind);
        if (kinds.includes('workspace')) return ` (${t('help.role.admin')})`;
        if (leaf.permission === 'coach') return ` (${t(kinds.includes('workshop') ? 'help.role.coach_of' : 'help.role.coach')})`;
        return ` (${t(kinds.includes('here') ? 'help.role.moderator_here' : 'help.role.moderator')})`;
      };
      const lines = leaves.map((leaf) =>
        wanted
          ? [code(ctx.commands.usage(leaf, t)), ` — ${t(leaf.description)}${role(leaf)}`]
          : [bold('/' + leaf.path.join(' ')), ` — ${t(leaf.description)}${role(leaf)}`],
      );
      return message([list(...lines), p(t('help.footer'))], { title: t('help.title') });
    },
  }),
});
