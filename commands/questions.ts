import { action, defineCommand } from '../src/core/command.js';
import { option } from '../src/core/options.js';
import { LISTED, pagedList, pageOption } from '../src/core/paging.js';
import { channelLink, message, messageLink } from '../src/core/reply.js';
import { questionLine } from '../src/services/questions/post.js';

export const questions = defineCommand({
  name: 'questions',
  area: 'questions',
  description: 'cmd.questions',
  subcommands: {
    list: action({
      description: 'cmd.questions.list',
      options: {
        topic: option.string({ description: 'opt.ask.topic', maxLength: 64, autocomplete: 'topic' }),
        status: option.choice({ description: 'opt.questions.status', choices: ['open', 'answered', 'all'] }),
        page: pageOption,
      },
      async execute(ctx) {
        const chapter = await ctx.chapter();
        const { topic, status, page } = ctx.options;
        const rows = await ctx.services.questions.list(chapter, { topic, status: status ?? 'open', limit: LISTED });
        if (!rows.length) return message(ctx.t('question.list.empty'));
        // Each line links the question's post (on Discord; its thread holds the answers), or the channel it is posted in.
        const where = (q: (typeof rows)[number]) =>
          q.messageId ? messageLink({ workspace: q.workspace, channel: q.channel, messageId: q.messageId }) : channelLink(q.channel);
        const lines = rows.map((q) => [...questionLine(q, ctx.t), ' · ', where(q)]);
        const { body, buttons } = pagedList(lines, { page, t: ctx.t, path: ctx.path, options: { topic, status } });
        return message(body, { title: ctx.t('question.list.title'), buttons });
      },
    }),
  },
});
