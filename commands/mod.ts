import type { OutboxMessage } from '../entities/OutboxMessage.js';
import { renderAuditDetails } from '../src/core/audit-details.js';
import { action, defineCommand } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { shownName, type Translate } from '../src/core/i18n.js';
import { option } from '../src/core/options.js';
import { commandLine, LIST_LIMITS, measureInline, pagedList, pageOption } from '../src/core/paging.js';
import { bold, type Button, fill, type Inline, message, p, SLOT, time } from '../src/core/reply.js';

/** Rows of `/mod outbox` on a page: each has its button, and a Discord message holds 25 (five rows of five). */
const OUTBOX_PAGE = { ...LIST_LIMITS, size: 10, measure: measureInline } as const;

/**
 * One undelivered message as `/mod outbox` shows it: its number, what it is, what it is about and
 * how far its delivery got. Never who it was for (a member, an anonymous asker, a channel).
 */
function outboxLine(row: OutboxMessage, t: Translate, timeZone: string): Inline[] {
  const about = row.kind === 'question_post' || row.kind === 'asker_notice' ? 'outbox.subject.question' : 'outbox.subject.workshop';
  const subject = row.subject === null ? '' : t(about, { id: row.subject });
  const state = row.givenUpAt
    ? t('outbox.state.given_up', { attempts: row.attempts, error: row.lastError ?? '—' })
    : row.lastError
      ? t('outbox.state.retrying', { attempts: row.attempts, next: SLOT, error: row.lastError })
      : t('outbox.state.waiting', { attempts: row.attempts, next: SLOT });
  const line = t('outbox.line', { id: row.id, kind: t(`outbox.kind.${row.kind}`), subject, state });
  return row.givenUpAt ? [line] : fill(line, time(row.dueAt, 'full', timeZone));
}

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
    outbox: action({
      description: 'cmd.mod.outbox',
      permission: 'moderator',
      target: { kind: 'here' },
      // Listing changes nothing; a retry is an entry (`outbox:<id>`).
      audit: 'if-targeted',
      options: {
        retry: option.integer({ description: 'opt.mod.outbox.retry', min: 1 }),
        page: pageOption,
      },
      async execute(ctx) {
        const { t, options } = ctx;
        const chapterId = ctx.access.chapterId!;
        const outbox = ctx.services.outbox;
        if (options.retry !== undefined) {
          const id = options.retry;
          const { outcome, row } = await outbox.retryUndelivered(chapterId, id);
          if (outcome === 'not_found') throw new UserError('outbox.not_found', { id });
          ctx.auditTarget(`outbox:${id}`);
          switch (outcome) {
            case 'sent':
              return message(t('outbox.retried', { id }));
            case 'elsewhere':
              return message(t('outbox.retried.elsewhere', { id }));
            case 'busy':
              return message(t('outbox.retried.busy', { id }));
            case 'dropped':
              return message(t('outbox.retried.dropped', { id }));
            case 'failed':
              return message(t('outbox.retried.failed', { id, error: row?.lastError ?? '—' }));
          }
        }
        const rows = await outbox.undelivered(chapterId);
        if (!rows.length) return message(t('outbox.empty'));
        const { timeZone } = await ctx.services.chapters.byId(chapterId);
        const lines = rows.map((row) => outboxLine(row, t, timeZone));
        const { body, buttons, page } = pagedList(lines, { page: options.page, t, path: ctx.path }, OUTBOX_PAGE);
        const retry = rows.slice(page.offset, page.offset + page.items.length).map((row): Button => ({
          label: t('outbox.retry', { id: row.id }),
          command: commandLine(ctx.path, { retry: row.id }),
          style: 'primary',
          row: 0,
        }));
        return message(body, { title: t('outbox.title'), buttons: [...retry, ...buttons.map((b) => ({ ...b, row: 1 }))] });
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
