import { renderAuditDetails } from '../src/core/audit-details.js';
import { action, defineCommand } from '../src/core/command.js';
import { shownName } from '../src/core/i18n.js';
import { option } from '../src/core/options.js';
import { pagedList, pageOption } from '../src/core/paging.js';
import { bold, fill, type Inline, message, p, SLOT, time } from '../src/core/reply.js';

const reason = option.text({ description: 'opt.mod.reason', required: true, minLength: 3, maxLength: 500 });

/**
 * The moderators' tools: moderation of anonymous questions, and the audit trail. Moderators act
 * openly (the audit log names them); a block hits the pseudonym behind a question without anyone
 * learning whose it is.
 */
export const mod = defineCommand({
  name: 'mod',
  area: 'moderation',
  description: 'cmd.mod',
  subcommands: {
    hide: action({
      description: 'cmd.mod.hide',
      permission: 'moderator',
      target: { kind: 'question', option: 'id' },
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
      target: { kind: 'question', option: 'question' },
      form: true,
      options: {
        question: option.integer({ description: 'opt.mod.question', required: true, min: 1, autocomplete: 'question' }),
        reason,
        days: option.integer({ description: 'opt.mod.days', required: true, min: 1, max: 365 }),
      },
      async execute(ctx) {
        const { question, days } = ctx.options;
        const block = await ctx.services.questions.block(question, ctx.options.reason, days, ctx.actor);
        ctx.auditTarget(`question:${question}`, { key: 'audit.block', params: { id: block.id, days, reason: ctx.options.reason } });
        // The end in the chapter's time (the platform shows it in the reader's own where it can), not in UTC.
        const { timeZone } = await ctx.services.chapters.byId(ctx.access.chapterId!);
        return message([
          p(...fill(ctx.t('mod.blocked', { block: block.id, id: question, until: SLOT }), time(block.expiresAt, 'full', timeZone))),
        ]);
      },
    }),

    unblock: action({
      description: 'cmd.mod.unblock',
      permission: 'moderator',
      target: { kind: 'block', option: 'block' },
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
      target: { kind: 'here' },
      audit: false,
      options: { page: pageOption },
      async execute(ctx) {
        const blocks = await ctx.services.questions.activeBlocks(ctx.access.chapterId!);
        if (!blocks.length) return message(ctx.t('mod.blocks.empty'));
        const { timeZone } = await ctx.services.chapters.byId(ctx.access.chapterId!);
        const lines = blocks.map((b) =>
          fill(
            ctx.t('mod.blocks.item', {
              block: b.id,
              question: b.questionId,
              until: SLOT,
              moderator: shownName(b.moderatorName, ctx.t),
              reason: b.reason,
            }),
            time(b.expiresAt, 'full', timeZone),
          ),
        );
        const { body, buttons } = pagedList(lines, { page: ctx.options.page, t: ctx.t, path: ctx.path });
        return message(body, { title: ctx.t('mod.blocks.title'), buttons });
      },
    }),
    audit: action({
      description: 'cmd.mod.audit',
      permission: 'moderator',
      target: { kind: 'here' },
      // Reading the trail changes nothing: not an entry of its own.
      audit: false,
      options: {
        limit: option.integer({ description: 'opt.mod.limit', min: 1, max: 100 }),
        action: option.string({ description: 'opt.mod.action', maxLength: 64, placeholder: 'placeholder.mod.action' }),
        page: pageOption,
      },
      async execute(ctx) {
        const { t, actor, options } = ctx;
        // Audit entries name the moderator who acted and what they touched (`question:12`),
        // never an anonymous asker: nothing written to the trail holds one, so nothing read here can show one.
        // The chapter's entries (what was done to it, wherever), and this workspace's entries from before entries had a chapter.
        const entries = await ctx.services.audit.recent(options.limit ?? 20, {
          chapterId: ctx.access.chapterId!,
          platform: actor.platform,
          workspace: actor.workspace,
          action: options.action,
        });
        if (!entries.length)
          return message(t(options.action ? 'mod.audit.empty_kind' : 'mod.audit.empty', { action: options.action ?? '' }));
        const lines = entries.map((e): Inline[] => [
          time(e.at, 'full'),
          ' — ',
          bold(shownName(e.actorName, t)),
          `: /${e.action}`,
          ...(e.target ? [` → ${e.target}`] : []),
          ...(e.details ? [` (${renderAuditDetails(e.details, t)})`] : []),
        ]);
        const { limit, action, page } = options;
        const { body, buttons } = pagedList(lines, { page, t, path: ctx.path, options: { limit, action } });
        return message(body, { title: t('mod.audit.title', { count: entries.length }), buttons });
      },
    }),
  },
});
