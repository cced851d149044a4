import { action, defineCommand } from '../src/core/command.js';
import { option } from '../src/core/options.js';
import { list, message } from '../src/core/reply.js';

const reason = option.text({ description: 'opt.mod.reason', required: true, minLength: 3, maxLength: 500 });
const utc = (at: Date) => at.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

/**
 * Moderation of anonymous questions. Moderators act openly (the audit log names them);
 * a block hits the pseudonym behind a question without anyone learning whose it is.
 */
export const mod = defineCommand({
  name: 'mod',
  description: 'cmd.mod',
  subcommands: {
    hide: action({
      description: 'cmd.mod.hide',
      permission: 'moderator',
      form: true,
      options: { id: option.integer({ description: 'opt.ask.id', required: true, min: 1, autocomplete: 'question' }), reason },
      async execute(ctx) {
        const q = await ctx.services.questions.hide(ctx.options.id, ctx.options.reason);
        await ctx.services.questions.refresh(q, { post: (m) => ctx.post(m), edit: (ref, m) => ctx.edit(ref, m) });
        ctx.auditTarget(`question:${q.id}`, ctx.options.reason);
        return message(ctx.t('mod.hidden', { id: q.id }));
      },
    }),

    block: action({
      description: 'cmd.mod.block',
      permission: 'moderator',
      form: true,
      options: {
        question: option.integer({ description: 'opt.mod.question', required: true, min: 1, autocomplete: 'question' }),
        reason,
        days: option.integer({ description: 'opt.mod.days', required: true, min: 1, max: 365 }),
      },
      async execute(ctx) {
        const { question, days } = ctx.options;
        const block = await ctx.services.questions.block(question, ctx.options.reason, days, ctx.actor.name);
        ctx.auditTarget(`question:${question}`, `block #${block.id} for ${days} days: ${ctx.options.reason}`);
        return message(ctx.t('mod.blocked', { block: block.id, id: question, until: utc(block.expiresAt) }));
      },
    }),

    unblock: action({
      description: 'cmd.mod.unblock',
      permission: 'moderator',
      options: { block: option.integer({ description: 'opt.mod.block', required: true, min: 1 }) },
      async execute(ctx) {
        await ctx.services.questions.unblock(ctx.options.block);
        ctx.auditTarget(`block:${ctx.options.block}`);
        return message(ctx.t('mod.unblocked', { block: ctx.options.block }));
      },
    }),

    blocks: action({
      description: 'cmd.mod.blocks',
      permission: 'moderator',
      audit: false,
      async execute(ctx) {
        const blocks = await ctx.services.questions.activeBlocks();
        if (!blocks.length) return message(ctx.t('mod.blocks.empty'));
        return message(
          [list(...blocks.map((b) => ctx.t('mod.blocks.item', { block: b.id, question: b.questionId, until: utc(b.expiresAt), moderator: b.moderatorName, reason: b.reason })))],
          { title: ctx.t('mod.blocks.title') },
        );
      },
    }),
  },
});
