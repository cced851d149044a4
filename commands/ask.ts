import { action, type CommandContext, defineCommand } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { option } from '../src/core/options.js';
import { LIST_LIMITS, LISTED, measureInline, pageOption, paginate } from '../src/core/paging.js';
import { bold, channelLink, fill, list, message, p, SLOT } from '../src/core/reply.js';
import { questionLine } from '../src/services/questions/post.js';
import type { Outbox, Person } from '../src/core/types.js';

const id = option.integer({ description: 'opt.ask.id', required: true, min: 1, autocomplete: 'question' });

/** Who the actor is, for the question service (which turns it into a pseudonym at once). */
const identity = (ctx: CommandContext<unknown>): Person & { locale: string } => ({
  platform: ctx.actor.platform,
  workspace: ctx.actor.workspace,
  id: ctx.actor.id,
  name: ctx.actor.name,
  locale: ctx.locale,
});

/** This interaction's way of posting, for services that post (the question, its thread). */
const outboxOf = (ctx: CommandContext<unknown>): Outbox => ({ post: (m) => ctx.post(m), edit: (ref, m) => ctx.edit(ref, m) });

/**
 * Anonymous questions. The question is posted by the bot as its own message, never as the
 * visible answer to the command (which would show who ran it); the asker only ever gets
 * ephemeral answers and DMs.
 */
export const ask = defineCommand({
  name: 'ask',
  area: 'questions',
  description: 'cmd.ask',
  action: action({
    form: true,
    // Anonymous asks have their own per-pseudonym limit (ANON_RATE_LIMIT_*), counted in the database.
    options: {
      text: option.text({ description: 'opt.ask.text', required: true, minLength: 10, maxLength: 1500 }),
      topic: option.string({ description: 'opt.ask.topic', maxLength: 64, autocomplete: 'topic' }),
      workshop: option.integer({ description: 'opt.ask.workshop', min: 1, autocomplete: 'workshop' }),
    },
    async execute(ctx) {
      const { t, services, actor } = ctx;
      const chapter = await ctx.chapter();
      const channel = (await services.chapters.channels(chapter, actor)).questions;
      if (!channel)
        throw new UserError('question.no_channel', { chapter: chapter.name.includes(' ') ? `"${chapter.name}"` : chapter.name });
      // A question about a workshop must name one that exists (get() says clearly when not).
      if (ctx.options.workshop !== undefined) await services.workshops.get(ctx.options.workshop);
      const q = await services.questions.ask({
        asker: identity(ctx),
        chapter,
        channel,
        text: ctx.options.text,
        topic: ctx.options.topic,
        workshopId: ctx.options.workshop,
      });
      // Its post went through the outbox: sent by now unless delayed, or unless the platform
      // refused it for the moment (the outbox keeps trying; the moderators hear if it gives up).
      const now = services.clock.now();
      const where = q.messageId
        ? p(t('question.asked', { id: q.id }), channelLink(q.channel), '.')
        : q.postAt > now
          ? p(
              t('question.asked.delayed', {
                id: q.id,
                minutes: Math.max(1, Math.ceil((q.postAt.getTime() - now.getTime()) / 60_000)),
              }),
            )
          : p(...fill(t('question.asked.waiting', { id: q.id, channel: SLOT }), channelLink(q.channel)));
      return message([where, p(t('question.privacy'))]);
    },
  }),
  subcommands: {
    followup: action({
      description: 'cmd.ask.followup',
      options: { id, text: option.text({ description: 'opt.ask.more', required: true, minLength: 1, maxLength: 1500 }) },
      async execute(ctx) {
        const q = await ctx.services.questions.followup(ctx.options.id, identity(ctx));
        await ctx.post(
          message([p(bold(ctx.t('question.followup.prefix')), ' ', ctx.options.text)], {
            visibility: { kind: 'thread', channel: q.channel, messageId: q.messageId! },
          }),
        );
        return message(ctx.t('question.followup.done', { id: q.id }));
      },
    }),

    close: action({
      description: 'cmd.ask.close',
      // The asker, or a moderator of the question's chapter.
      target: { kind: 'question', option: 'id' },
      options: { id },
      // A moderator closing someone's question is logged; an asker closing their own is not (the
      // entry would name them beside their question).
      audit: 'if-targeted',
      async execute(ctx) {
        const q = await ctx.services.questions.close(ctx.options.id, identity(ctx), ctx.access.moderator);
        if (!ctx.services.questions.isAsker(q, identity(ctx))) ctx.auditTarget(`question:${q.id}`, { key: 'audit.question.closed' });
        await ctx.services.questions.refresh(q, outboxOf(ctx));
        return message(ctx.t('question.closed', { id: q.id }));
      },
    }),

    reopen: action({
      description: 'cmd.ask.reopen',
      options: { id },
      async execute(ctx) {
        const q = await ctx.services.questions.reopen(ctx.options.id, identity(ctx));
        await ctx.services.questions.refresh(q, outboxOf(ctx));
        return message(ctx.t('question.reopened', { id: q.id }));
      },
    }),

    metoo: action({
      description: 'cmd.ask.metoo',
      options: { id },
      async execute(ctx) {
        const { outcome, count, question, stats } = await ctx.services.questions.meToo(ctx.options.id, identity(ctx));
        if (outcome === 'counted') await ctx.services.questions.refresh(question, outboxOf(ctx), stats);
        return message(ctx.t(`question.metoo.${outcome}`, { id: question.id, count }));
      },
    }),

    answer: action({
      description: 'cmd.ask.answer',
      form: true,
      options: { id, text: option.text({ description: 'opt.ask.answer', required: true, minLength: 1, maxLength: 1500 }) },
      async execute(ctx) {
        const { questions } = ctx.services;
        const { question } = await questions.answer(ctx.options.id, identity(ctx), ctx.options.text);
        await ctx.post(
          message([p(bold(ctx.t('question.answer.prefix', { name: ctx.actor.name })), ' ', ctx.options.text)], {
            visibility: { kind: 'thread', channel: question.channel, messageId: question.messageId! },
          }),
        );
        await questions.refresh(question, outboxOf(ctx));
        await questions.notifyAsker(question);
        return message(ctx.t('question.answer.done', { id: question.id }));
      },
    }),

    report: action({
      description: 'cmd.ask.report',
      form: true,
      options: { id, reason: option.text({ description: 'opt.ask.reason', required: true, minLength: 3, maxLength: 500 }) },
      async execute(ctx) {
        const { t, services, actor } = ctx;
        const { question, recorded } = await services.questions.report(ctx.options.id, identity(ctx), ctx.options.reason);
        if (!recorded) return message(t('question.report.already', { id: question.id }));
        const chapter = await services.chapters.byId(question.chapterId);
        const moderation = (await services.chapters.channels(chapter, actor)).moderation;
        if (moderation) {
          await ctx.post(
            message([p(ctx.options.reason)], {
              title: t('question.report.title', { id: question.id }),
              visibility: { kind: 'channel', channel: moderation },
              buttons: [
                { label: t('question.report.button.hide'), command: `/mod hide id:${question.id}`, style: 'danger' },
                { label: t('question.report.button.block'), command: `/mod block question:${question.id}`, style: 'danger' },
              ],
            }),
          );
        }
        return message([p(t('question.report.done', { id: question.id })), ...(moderation ? [] : [p(t('question.report.no_channel'))])]);
      },
    }),

    mine: action({
      description: 'cmd.ask.mine',
      options: { page: pageOption },
      async execute(ctx) {
        const { questions } = ctx.services;
        const rows = await questions.mine(identity(ctx), LISTED);
        // Notices no DM could carry (DMs closed, no address left): shown here once, to the asker alone.
        const notices = await questions.takeNotices(identity(ctx));
        if (!rows.length && !notices.length) return message(ctx.t('question.mine.empty'));
        const missed = notices.length ? [p(bold(ctx.t('question.mine.notices'))), list(...notices.map((n) => ctx.t(n.key, n.params)))] : [];
        // Paged by each line as it would read with large counts; only the page shown is counted.
        const big = { meToo: 99_999, answers: 99_999 };
        const shown = paginate(
          rows,
          { page: ctx.options.page, t: ctx.t, path: ctx.path },
          { ...LIST_LIMITS, measure: (q) => measureInline(questionLine({ ...q, ...big }, ctx.t)) },
        );
        const lines = (await questions.withStats(shown.items)).map((q) => questionLine(q, ctx.t));
        return message([...(lines.length ? [list(...lines)] : []), ...(shown.footer ? [p(shown.footer)] : []), ...missed], {
          title: ctx.t('question.mine.title'),
          buttons: shown.buttons,
          sensitive: true,
        });
      },
    }),
  },
});
