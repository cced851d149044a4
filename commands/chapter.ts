import { CHANNEL_PURPOSES, type ChannelPurpose, type ChapterPlace, MODERATOR_GROUP, MODERATOR_ROLE } from '../entities/ChapterChannel.js';
import { action, type CommandContext, defineCommand } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { option } from '../src/core/options.js';
import { bold, channelLink, type Inline, list, message, p, time } from '../src/core/reply.js';
import { ChapterError } from '../src/services/chapters.js';

const name = option.string({ description: 'opt.chapter.name', required: true, minLength: 2, maxLength: 64, autocomplete: 'chapter' });

/** Turns a chapter service failure into the member’s language (the workshop commands use it too). */
export async function chapterErrors<T>(ctx: CommandContext<unknown>, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (!(err instanceof ChapterError)) throw err;
    switch (err.reason) {
      case 'duplicate':
        throw ctx.fail('chapter.duplicate', 'chapter.duplicate', { name: err.subject });
      case 'not_found':
        throw ctx.fail('chapter.not_found', 'chapter.not_found', { name: err.subject });
      case 'bad_timezone':
        throw ctx.fail('chapter.bad_timezone', 'chapter.bad_timezone', { given: err.subject });
      case 'bad_name':
        throw ctx.fail('chapter.bad_name', 'chapter.bad_name');
    }
  }
}

const setExample = '/chapter set name:Berlin questions-channel:#questions moderation-channel:#moderation';

export const chapter = defineCommand({
  name: 'chapter',
  description: 'cmd.chapter',
  subcommands: {
    create: action({
      description: 'cmd.chapter.create',
      permission: 'moderator',
      // A new chapter belongs to no one yet: the workspace's administrators create it.
      target: { kind: 'workspace' },
      options: {
        // A new name: no completion from the existing chapters.
        name: option.string({ description: 'opt.chapter.name', required: true, minLength: 2, maxLength: 64 }),
        timezone: option.string({ description: 'opt.chapter.timezone', required: true, maxLength: 64, placeholder: 'placeholder.timezone' }),
        city: option.string({ description: 'opt.chapter.city', maxLength: 100 }),
      },
      async execute(ctx) {
        const { actor, t } = ctx;
        const { chapter, bound } = await chapterErrors(ctx, () =>
          ctx.services.chapters.create({
            name: ctx.options.name,
            timeZone: ctx.options.timezone,
            city: ctx.options.city,
            bindTo: { platform: actor.platform, workspace: actor.workspace },
          }),
        );
        ctx.auditTarget(`chapter:${chapter.name}`, `time zone ${chapter.timeZone}${bound ? ', bound to this workspace' : ''}`, chapter.id);
        return message([
          p(t('chapter.created', { name: chapter.name, timeZone: chapter.timeZone })),
          ...(bound ? [p(t('chapter.created_bound'))] : []),
          p(t('chapter.next_steps', { example: setExample.replace('Berlin', chapter.name.includes(' ') ? `"${chapter.name}"` : chapter.name) })),
        ]);
      },
    }),

    list: action({
      description: 'cmd.chapter.list',
      async execute(ctx) {
        const { t, actor } = ctx;
        const chapters = await ctx.services.chapters.list();
        if (!chapters.length) return message(t('chapter.list.empty', { example: '/chapter create name:Berlin timezone:Europe/Berlin' }));
        const here = await ctx.services.chapters.resolve({ platform: actor.platform, workspace: actor.workspace, channel: ctx.channel });
        const items = chapters.map((c): Inline[] => [
          bold(c.name),
          ` — ${c.city && c.city !== c.name ? `${c.city}, ` : ''}${c.timeZone}`,
          ...(here?.id === c.id ? [` (${t('chapter.list.bound_here')})`] : []),
        ]);
        return message([list(...items)], { title: t('chapter.list.title') });
      },
    }),

    show: action({
      description: 'cmd.chapter.show',
      // Without a name: the chapter bound here.
      options: { name: option.string({ description: 'opt.chapter.name', minLength: 2, maxLength: 64, autocomplete: 'chapter' }) },
      async execute(ctx) {
        const { t, actor } = ctx;
        const found = ctx.options.name ? await chapterErrors(ctx, () => ctx.services.chapters.get(ctx.options.name!)) : await ctx.chapter();
        const place = { platform: actor.platform, workspace: actor.workspace, channel: ctx.channel };
        const [binding, channels, moderatorGroup] = await Promise.all([
          ctx.services.chapters.bindingKind(found, place),
          ctx.services.chapters.channels(found, place),
          ctx.services.chapters.moderatorGroup(found, place),
        ]);
        const set = CHANNEL_PURPOSES.filter((purpose) => channels[purpose]);
        return message([], {
          title: found.name,
          fields: [
            ...(found.city ? [{ name: t('chapter.field.city'), value: [found.city], inline: true }] : []),
            { name: t('chapter.field.timezone'), value: [found.timeZone], inline: true },
            { name: t('chapter.field.now'), value: [time(ctx.services.clock.now(), 'full', found.timeZone)], inline: true },
            { name: t('chapter.field.bound'), value: [t(binding ? `chapter.bound.${binding}` : 'chapter.bound.no')], inline: true },
            {
              name: t('chapter.field.channels'),
              value: set.length ? set.flatMap((purpose, i) => [i ? ', ' : '', `${t(`purpose.${purpose}`)}: `, channelLink(channels[purpose]!)]) : [t('chapter.channels.none')],
            },
            ...(moderatorGroup ? [{ name: t('chapter.field.moderator_group'), value: [moderatorGroup] }] : []),
          ],
        });
      },
    }),

    set: action({
      description: 'cmd.chapter.set',
      permission: 'moderator',
      target: { kind: 'chapter', option: 'name' },
      options: {
        name,
        'questions-channel': option.channel({ description: 'opt.chapter.questions_channel' }),
        'announcements-channel': option.channel({ description: 'opt.chapter.announcements_channel' }),
        'moderation-channel': option.channel({ description: 'opt.chapter.moderation_channel' }),
        'disclaimers-channel': option.channel({ description: 'opt.chapter.disclaimers_channel' }),
        'learners-per-coach': option.integer({ description: 'opt.chapter.learners_per_coach', min: 1, max: 20 }),
        'moderator-role': option.role({ description: 'opt.chapter.moderator_role' }),
        'moderator-group': option.string({ description: 'opt.chapter.moderator_group', maxLength: 64, placeholder: 'placeholder.moderator_group' }),
      },
      async execute(ctx) {
        const { t, actor, options } = ctx;
        const channels: Partial<Record<ChannelPurpose, string>> = {};
        for (const purpose of CHANNEL_PURPOSES) {
          const given = options[`${purpose}-channel`];
          if (given) channels[purpose] = given.id;
        }
        const ratio = options['learners-per-coach'];
        const role = options['moderator-role'];
        const group = options['moderator-group'];
        const rows: Partial<Record<ChapterPlace, string>> = { ...channels, ...(role ? { [MODERATOR_ROLE]: role.id } : {}), ...(group ? { [MODERATOR_GROUP]: group } : {}) };
        if (!Object.keys(rows).length && ratio === undefined) throw new UserError('chapter.set.nothing', t('chapter.set.nothing', { example: setExample }));
        const where = { platform: actor.platform, workspace: actor.workspace };
        const found = await chapterErrors(ctx, async () => {
          const named = Object.keys(rows).length ? await ctx.services.chapters.setChannels(options.name, where, rows) : await ctx.services.chapters.get(options.name);
          return ratio === undefined ? named : ctx.services.chapters.setLearnersPerCoach(named.name, ratio);
        });
        // Channels in one sentence; the moderator role and user group each in their own (they are not channels).
        const summary = Object.entries(channels).flatMap(([purpose, id], i): Inline[] => [i ? ', ' : '', `${t(`purpose.${purpose as ChannelPurpose}`)} → `, channelLink(id)]);
        const details = Object.entries(rows).map(([purpose, id]) => `${purpose}=${id}`);
        ctx.auditTarget(`chapter:${found.name}`, [...details, ...(ratio !== undefined ? [`learners-per-coach=${ratio}`] : [])].join(' '));
        return message([
          ...(summary.length ? [p(t('chapter.set.done', { name: found.name }), ...summary, '.')] : []),
          ...(role ? [p(t('chapter.set.moderator_role', { name: found.name, role: role.name ?? role.id }))] : []),
          ...(group ? [p(t('chapter.set.moderator_group', { name: found.name, group }))] : []),
          ...(ratio !== undefined ? [p(t('chapter.set.ratio', { name: found.name, ratio }))] : []),
        ]);
      },
    }),

    use: action({
      description: 'cmd.chapter.use',
      permission: 'moderator',
      target: { kind: 'workspace' },
      options: {
        name,
        scope: option.choice({ description: 'opt.chapter.scope', choices: ['workspace', 'channel'] }),
      },
      async execute(ctx) {
        const { t, actor } = ctx;
        const scope = ctx.options.scope ?? 'workspace';
        const found = await chapterErrors(ctx, () =>
          ctx.services.chapters.bind(ctx.options.name, { platform: actor.platform, workspace: actor.workspace, channel: scope === 'channel' ? ctx.channel : '' }),
        );
        ctx.auditTarget(`chapter:${found.name}`, scope === 'channel' ? `bound channel ${ctx.channel}` : 'bound workspace', found.id);
        return message(t(scope === 'channel' ? 'chapter.use.done.channel' : 'chapter.use.done.workspace', { name: found.name }));
      },
    }),
  },
});
