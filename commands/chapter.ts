import { CHANNEL_PURPOSES, type ChannelPurpose, type ChapterPlace, MODERATOR_GROUP, MODERATOR_ROLE } from '../entities/ChapterChannel.js';
import { action, type CommandContext, defineCommand } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { translator } from '../src/core/i18n.js';
import { option } from '../src/core/options.js';
import type { Chapter } from '../entities/Chapter.js';
import { bold, channelLink, fill, type Inline, list, message, p, SLOT, time } from '../src/core/reply.js';

const name = option.string({ description: 'opt.chapter.name', required: true, minLength: 2, maxLength: 64, autocomplete: 'chapter' });

const setExample = '/chapter set name:Berlin questions-channel:#questions moderation-channel:#moderation';

/** `discord:1234`, `slack:T01`, `console:hamburg`, as /chapter show lists places. */
function parsePlace(text: string): { platform: string; workspace: string } | null {
  const m = /^(discord|slack|console):([A-Za-z0-9_-]{1,64})$/.exec(text.trim());
  return m ? { platform: m[1]!, workspace: m[2]! } : null;
}

/**
 * Tells the chapter's moderators in every other place where it is bound, in their moderation
 * channel (here, or through the process that serves that place). Returns how many other places
 * there are and in how many the notice went out or waits; a place with no moderation channel is not told.
 */
async function tellModerators(ctx: CommandContext<unknown>, chapter: Chapter, text: string): Promise<{ places: number; told: number }> {
  const { services, actor } = ctx;
  let told = 0;
  let places = 0;
  for (const place of await services.chapters.places(chapter)) {
    if (place.platform === actor.platform && place.workspace === actor.workspace) continue;
    places++;
    const moderation = (await services.chapters.channels(chapter, place)).moderation;
    if (!moderation) continue;
    // Posted here, or by the process that serves that place (another Slack workspace's, say).
    if ((await services.notices.send(place, moderation, text)) !== 'failed') told++;
  }
  return { places, told };
}

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
        timezone: option.string({
          description: 'opt.chapter.timezone',
          required: true,
          maxLength: 64,
          placeholder: 'placeholder.timezone',
        }),
        city: option.string({ description: 'opt.chapter.city', maxLength: 100 }),
      },
      async execute(ctx) {
        const { actor, t } = ctx;
        const { chapter, bound } = await ctx.services.chapters.create({
          name: ctx.options.name,
          timeZone: ctx.options.timezone,
          city: ctx.options.city,
          // Bound from the start: to this workspace if it is free, otherwise to this channel.
          bindTo: { platform: actor.platform, workspace: actor.workspace, channel: ctx.channel },
        });
        ctx.auditTarget(`chapter:${chapter.name}`, `time zone ${chapter.timeZone}, bound to this ${bound}`, chapter.id);
        return message([
          p(t('chapter.created', { name: chapter.name, timeZone: chapter.timeZone })),
          p(t(bound === 'channel' ? 'chapter.created_channel' : 'chapter.created_bound', { name: chapter.name })),
          p(
            t('chapter.next_steps', {
              example: setExample.replace('Berlin', chapter.name.includes(' ') ? `"${chapter.name}"` : chapter.name),
            }),
          ),
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
        const found = await ctx.chapter(ctx.options.name);
        const place = { platform: actor.platform, workspace: actor.workspace, channel: ctx.channel };
        const [binding, channels, moderatorGroup, moderator] = await Promise.all([
          ctx.services.chapters.bindingKind(found, place),
          ctx.services.chapters.channels(found, place),
          ctx.services.chapters.moderatorGroup(found, place),
          ctx.moderates(found.id),
        ]);
        // Where else the chapter is bound (other communities' server and workspace ids, for /chapter unlink): its moderators only.
        const places = moderator ? await ctx.services.chapters.places(found) : [];
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
              value: set.length
                ? set.flatMap((purpose, i) => [i ? ', ' : '', `${t(`purpose.${purpose}`)}: `, channelLink(channels[purpose]!)])
                : [t('chapter.channels.none')],
            },
            ...(moderatorGroup ? [{ name: t('chapter.field.moderator_group'), value: [moderatorGroup] }] : []),
            ...(places.length
              ? [{ name: t('chapter.field.places'), value: [places.map((b) => `${b.platform}:${b.workspace}`).join(', ')] }]
              : []),
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
        'moderator-group': option.string({
          description: 'opt.chapter.moderator_group',
          maxLength: 64,
          placeholder: 'placeholder.moderator_group',
        }),
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
        const rows: Partial<Record<ChapterPlace, string>> = {
          ...channels,
          ...(role ? { [MODERATOR_ROLE]: role.id } : {}),
          ...(group ? { [MODERATOR_GROUP]: group } : {}),
        };
        if (!Object.keys(rows).length && ratio === undefined) throw new UserError('chapter.set.nothing', { example: setExample });
        const where = { platform: actor.platform, workspace: actor.workspace };
        const named = Object.keys(rows).length
          ? await ctx.services.chapters.setChannels(options.name, where, rows)
          : await ctx.services.chapters.get(options.name);
        const found = ratio === undefined ? named : await ctx.services.chapters.setLearnersPerCoach(named.name, ratio);
        // Channels in one sentence; the moderator role and user group each in their own (they are not channels).
        const summary = Object.entries(channels).flatMap(([purpose, id], i): Inline[] => [
          i ? ', ' : '',
          `${t(`purpose.${purpose as ChannelPurpose}`)} → `,
          channelLink(id),
        ]);
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
      // The workspace's administrators bind their own workspace; the chapter consents with a link
      // code, unless it is bound in this workspace already (ChapterService.bind).
      target: { kind: 'workspace' },
      options: {
        name,
        code: option.string({ description: 'opt.chapter.code', minLength: 8, maxLength: 12, placeholder: 'placeholder.link_code' }),
        scope: option.choice({ description: 'opt.chapter.scope', choices: ['workspace', 'channel'] }),
      },
      async execute(ctx) {
        const { t, actor, services } = ctx;
        const scope = ctx.options.scope ?? 'workspace';
        const { chapter: found, linked } = await services.chapters.bind(
          ctx.options.name,
          { platform: actor.platform, workspace: actor.workspace, channel: scope === 'channel' ? ctx.channel : '' },
          { code: ctx.options.code, member: actor },
        );
        ctx.auditTarget(
          `chapter:${found.name}`,
          `${scope === 'channel' ? `bound channel ${ctx.channel}` : 'bound workspace'}${linked ? ' with a link code' : ''}`,
          found.id,
        );
        // The notice names the place, not the member: it may wait in the database for another process (/mod audit names who).
        const notice = translator(services.config.locale)('chapter.link.notice', {
          name: found.name,
          place: `${actor.platform}:${actor.workspace}`,
        });
        // A chapter bound nowhere before (claimed with an operator's code) has no moderators elsewhere to tell.
        const { places, told } = linked ? await tellModerators(ctx, found, notice) : { places: 0, told: 0 };
        return message([
          p(t(scope === 'channel' ? 'chapter.use.done.channel' : 'chapter.use.done.workspace', { name: found.name })),
          // Said only when true: otherwise they find the link in their audit trail.
          ...(places ? [p(t(told ? 'chapter.use.linked' : 'chapter.use.linked_untold'))] : []),
        ]);
      },
    }),

    link: action({
      description: 'cmd.chapter.link',
      permission: 'moderator',
      // Only the chapter's moderators, where it is bound, can let another workspace in.
      target: { kind: 'chapter', option: 'name' },
      options: { name },
      // A moderator's action, in the audit log; the code itself is never written anywhere but the answer.
      async execute(ctx) {
        const { t, services } = ctx;
        const found = await services.chapters.byId(ctx.access.chapterId!);
        const { code, expiresAt } = await services.chapters.makeLinkCode(found, 'moderator');
        ctx.auditTarget(`chapter:${found.name}`, 'link code made');
        // An answer only the moderator sees (answers are ephemeral unless a command says otherwise).
        return message([
          p(...fill(t('chapter.link.done', { name: found.name, code, until: SLOT }), time(expiresAt, 'full', found.timeZone))),
        ]);
      },
    }),

    unlink: action({
      description: 'cmd.chapter.unlink',
      permission: 'moderator',
      // The chapter's moderators where they act: a workspace's administrators for their own, and any place for the chapter's moderators.
      target: { kind: 'chapter', option: 'name' },
      options: {
        name,
        place: option.string({ description: 'opt.chapter.place', maxLength: 90, placeholder: 'placeholder.place' }),
      },
      async execute(ctx) {
        const { t, actor, services } = ctx;
        const found = await services.chapters.byId(ctx.access.chapterId!);
        const where = ctx.options.place ? parsePlace(ctx.options.place) : { platform: actor.platform, workspace: actor.workspace };
        if (!where) throw new UserError('chapter.unlink.bad_place');
        const place = `${where.platform}:${where.workspace}`;
        const count = await services.chapters.unbind(found, where);
        if (!count) throw new UserError('chapter.unlink.not_bound', { name: found.name, place });
        ctx.auditTarget(`chapter:${found.name}`, `unbound ${place}`);
        const left = await services.chapters.places(found);
        return message([
          p(t('chapter.unlink.done', { name: found.name, place, count })),
          ...(left.length ? [] : [p(t('chapter.unlink.last', { name: found.name }))]),
        ]);
      },
    }),
  },
});
