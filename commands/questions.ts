import { action, defineCommand } from '../src/core/command.js';
import { option } from '../src/core/options.js';
import { channelLink, list, message, messageLink } from '../src/core/reply.js';
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
      },
      async execute(ctx) {
        const chapter = await ctx.chapter();
        const rows = await ctx.services.questions.list(chapter, { topic: ctx.options.topic, status: ctx.options.status ?? 'open' });
        if (!rows.length) return message(ctx.t('question.list.empty'));
        // Each line links the question's post (on Discord; its thread holds the answers), or the channel it is posted in.
        const where = (q: (typeof rows)[number]) =>
          q.messageId ? messageLink({ workspace: q.workspace, channel: q.channel, messageId: q.messageId }) : channelLink(q.channel);
        return message([list(...rows.map((q) => [...questionLine(q, ctx.t), ' · ', where(q)]))], { title: ctx.t('question.list.title') });
      },
    }),
  },
});
