import { AREAS, action, defineCommand } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { measureInline, pageOption, paginate } from '../src/core/paging.js';
import type { Leaf } from '../src/core/registry.js';
import { type Block, bold, code, type Inline, list, message, p } from '../src/core/reply.js';

export const help = defineCommand({
  name: 'help',
  area: 'general',
  description: 'cmd.help',
  action: action({
    options: {
      // `command` names a top-level command, e.g. `chapter`.
      command: { type: 'string', description: 'cmd.help.opt.command', maxLength: 32 },
      page: pageOption,
    },
    async execute(ctx) {
      const { t } = ctx;
      const wanted = ctx.options.command?.replace(/^\//, '').toLowerCase();
      // A command by its declared name or by the name a German Discord client shows (`/hilfe befehl:fragen`).
      const named = (leaf: Leaf): boolean =>
        leaf.path[0] === wanted || ctx.commands.localName(leaf.path.slice(0, 1), ctx.locale).toLowerCase() === wanted;
      const leaves: Leaf[] = [];
      for (const leaf of ctx.commands.leaves) {
        if (wanted && !named(leaf)) continue;
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
      // Grouped by area, in the areas' order (a stable sort keeps the declaration order inside one).
      const byArea = [...leaves].sort((a, b) => AREAS.indexOf(a.area) - AREAS.indexOf(b.area));
      const lines = byArea.map((leaf) => ({
        area: leaf.area,
        line: wanted
          ? [code(ctx.commands.usage(leaf, t)), ` — ${t(leaf.description)}${role(leaf)}`]
          : [bold('/' + leaf.path.join(' ')), ` — ${t(leaf.description)}${role(leaf)}`],
      }));
      // Longer pages than other lists (Discord's description holds 4,096 characters; on Slack each
      // area is a section of its own); each line counts its area's title too, as a page may open with any area.
      const shown = paginate(
        lines,
        { page: ctx.options.page, t, path: ['help'], options: { command: wanted } },
        { size: 30, budget: 3600, measure: (l) => measureInline(l.line) + 40 },
      );
      const sections: Block[] = [];
      let area: string | undefined;
      let items: Inline[][] = [];
      const flush = () => items.length && sections.push(p(bold(t(`help.area.${area as (typeof AREAS)[number]}`))), list(...items));
      for (const l of shown.items) {
        if (l.area !== area) {
          flush();
          area = l.area;
          items = [];
        }
        items.push(l.line);
      }
      flush();
      return message([...sections, p(t('help.footer')), ...(shown.footer ? [p(shown.footer)] : [])], {
        title: t('help.title'),
        buttons: shown.buttons,
      });
    },
  }),
});
