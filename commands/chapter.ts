import { ALLOCATIONS } from '../entities/Workshop.js';
import { CHANNEL_PURPOSES, type ChannelPurpose, type ChapterPlace, MODERATOR_GROUP, MODERATOR_ROLE } from '../entities/ChapterChannel.js';
import { action, type CommandContext, defineCommand } from '../src/core/command.js';
import { type Phrase, say, UserError } from '../src/core/errors.js';
import type { Translate } from '../src/core/i18n.js';
import { DEFAULT_LEARNERS } from '../src/services/feeds/apply.js';
import { formatLocalDate, zonedInstant } from '../src/services/local-time.js';
import { chapterReportFiles, topicTrends } from '../src/services/workshops/report.js';
import type { SyncOutcome } from '../src/services/feeds/service.js';
import { translator } from '../src/core/i18n.js';
import { option } from '../src/core/options.js';
import type { Chapter } from '../entities/Chapter.js';
import { pagedList, pageOption } from '../src/core/paging.js';
import { bold, channelLink, fill, type Inline, list, message, p, SLOT, time } from '../src/core/reply.js';

const name = option.string({ description: 'opt.chapter.name', required: true, minLength: 2, maxLength: 64, autocomplete: 'chapter' });

/** What a sync did, in one sentence. */
function syncText(t: Translate, outcome: SyncOutcome): string {
  if (outcome.kind === 'busy') return t('feed.busy');
  const s = outcome.summary;
  if (s.notModified) return t('feed.not_modified');
  const { created, updated, cancelled, unchanged, skipped } = s;
  return [t('feed.summary', { created, updated, cancelled, unchanged }), ...(skipped ? [t('feed.summary.skipped', { skipped })] : [])].join(
    ' ',
  );
}

/** A feed's options as typed (`learners=12 topic=Python`), for the audit trail: option syntax reads the same in every language. */
function feedOptions(learners: number | undefined, topic: string | undefined): string {
  return [...(learners !== undefined ? [`learners=${learners}`] : []), ...(topic ? [`topic=${topic}`] : [])].join(' ');
}

const setExample = '/chapter set name:Berlin questions-channel:#questions moderation-channel:#moderation';

/** `discord:1234`, `slack:T01`, `console:hamburg`, as /chapter show lists places. */
function parsePlace(text: string): { platform: string; workspace: string } | null {
  const m = /^(discord|slack|console):([A-Za-z0-9_-]{1,64})$/.exec(text.trim());
  return m ? { platform: m[1]!, workspace: m[2]! } : null;
}

/**
 * Tells the chapter's moderators in every other place where it is bound, in their moderation
 * channel (here, or through the process that serves that place). Returns how many other places
 * there are and in how many the notice was queued (the outbox sends it once); a place with no moderation channel is not told.
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
    await services.notices.send({ ...place, chapterId: chapter.id }, moderation, text);
    told++;
  }
  return { places, told };
}

export const chapter = defineCommand({
  name: 'chapter',
  area: 'chapters',
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
        ctx.auditTarget(
          `chapter:${chapter.name}`,
          { key: bound ? `audit.chapter.created.${bound}` : 'audit.chapter.created', params: { zone: chapter.timeZone } },
          chapter.id,
        );
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
      options: { page: pageOption },
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
        const { body, buttons } = pagedList(items, { page: ctx.options.page, t, path: ctx.path });
        return message(body, { title: t('chapter.list.title'), buttons });
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

    report: action({
      description: 'cmd.chapter.report',
      permission: 'moderator',
      target: { kind: 'chapter', option: 'name' },
      audit: false,
      options: {
        name,
        from: option.date({ description: 'opt.chapter.report_from' }),
        to: option.date({ description: 'opt.chapter.report_to' }),
      },
      async execute(ctx) {
        const { t } = ctx;
        const chapter = await ctx.chapter(ctx.options.name);
        // Days in the chapter's zone; `to` is the whole day. Without `from`: everything; without `to`: up to now.
        const midnight = (d: { year: number; month: number; day: number }) =>
          zonedInstant(d, { hour: 0, minute: 0 }, chapter.timeZone) ?? new Date(Date.UTC(d.year, d.month - 1, d.day));
        const from = ctx.options.from ? midnight(ctx.options.from) : new Date(0);
        const to = ctx.options.to
          ? new Date(midnight(ctx.options.to).getTime() + 86_400_000)
          : new Date(ctx.services.clock.now().getTime() + 1);
        if (to.getTime() <= from.getTime())
          throw new UserError('report.range', { example: `/chapter report name:${chapter.name} from:2027-01-01 to:2027-06-30` });
        const reports = await ctx.services.feedback.reports(chapter.id, from, to);
        const span = {
          from: ctx.options.from ? formatLocalDate(ctx.options.from) : '…',
          to: ctx.options.to ? formatLocalDate(ctx.options.to) : '…',
        };
        if (!reports.length) return message(t('report.chapter.none', { name: chapter.name, ...span }));
        const files = chapterReportFiles(reports, chapter.name, span.from, span.to);
        const trends = topicTrends(reports);
        return message(
          [
            p(t('report.chapter.summary', { n: reports.length, ...span })),
            list(
              ...trends.map((x) =>
                t('report.chapter.topic', {
                  topic: x.topic,
                  workshops: x.workshops,
                  came: x.learnersCame,
                  learned: x.learnedMean?.toFixed(1) ?? '—',
                  coach: x.coachSupportMean?.toFixed(1) ?? '—',
                }),
              ),
            ),
          ],
          {
            title: t('report.chapter.title', { name: chapter.name }),
            attachments: [
              { filename: `report-${chapter.nameKey}.csv`, contentType: 'text/csv', data: files.csv },
              { filename: `report-${chapter.nameKey}.json`, contentType: 'application/json', data: files.json },
            ],
          },
        );
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
        'workshops-channel': option.channel({ description: 'opt.chapter.workshops_channel' }),
        'showcase-channel': option.channel({ description: 'opt.chapter.showcase_channel' }),
        groups: option.choice({ description: 'opt.chapter.groups', choices: ['mixed', 'by-level'] }),
        'learners-per-coach': option.integer({ description: 'opt.chapter.learners_per_coach', min: 1, max: 20 }),
        'default-learners': option.integer({ description: 'opt.chapter.default_learners', min: 1, max: 200 }),
        'moderator-role': option.role({ description: 'opt.chapter.moderator_role' }),
        'moderator-group': option.string({
          description: 'opt.chapter.moderator_group',
          maxLength: 64,
          placeholder: 'placeholder.moderator_group',
        }),
        // Fair sign-ups (issue 21): the chapter's default allocation and lottery tiers.
        allocation: option.choice({ description: 'opt.chapter.allocation', choices: ALLOCATIONS }),
        'lottery-first-timers': option.boolean({ description: 'opt.chapter.lottery_first_timers' }),
        // No-shows (issue "Fair sign-ups"): the chapter's policy.
        'no-show-limit': option.integer({ description: 'opt.chapter.no_show_limit', min: 1, max: 20 }),
        'no-show-window-days': option.integer({ description: 'opt.chapter.no_show_window_days', min: 1, max: 730 }),
        'no-show-cooldown-days': option.integer({ description: 'opt.chapter.no_show_cooldown_days', min: 1, max: 365 }),
      },
      async execute(ctx) {
        const { t, actor, options } = ctx;
        const channels: Partial<Record<ChannelPurpose, string>> = {};
        for (const purpose of CHANNEL_PURPOSES) {
          const given = options[`${purpose}-channel`];
          if (given) channels[purpose] = given.id;
        }
        const ratio = options['learners-per-coach'];
        const defaultLearners = options['default-learners'];
        const role = options['moderator-role'];
        const group = options['moderator-group'];
        const rows: Partial<Record<ChapterPlace, string>> = {
          ...channels,
          ...(role ? { [MODERATOR_ROLE]: role.id } : {}),
          ...(group ? { [MODERATOR_GROUP]: group } : {}),
        };
        const lottery = { allocation: options.allocation, firstTimers: options['lottery-first-timers'] };
        const lotterySet = lottery.allocation !== undefined || lottery.firstTimers !== undefined;
        const noShows = {
          limit: options['no-show-limit'],
          windowDays: options['no-show-window-days'],
          cooldownDays: options['no-show-cooldown-days'],
        };
        const noShowsSet = Object.values(noShows).some((v) => v !== undefined);
        if (
          !Object.keys(rows).length &&
          ratio === undefined &&
          defaultLearners === undefined &&
          options.groups === undefined &&
          !lotterySet &&
          !noShowsSet
        )
          throw new UserError('chapter.set.nothing', { example: setExample });
        const where = { platform: actor.platform, workspace: actor.workspace };
        const named = Object.keys(rows).length
          ? await ctx.services.chapters.setChannels(options.name, where, rows)
          : await ctx.services.chapters.get(options.name);
        const rated = ratio === undefined ? named : await ctx.services.chapters.setLearnersPerCoach(named.name, ratio);
        const learned = defaultLearners === undefined ? rated : await ctx.services.chapters.setDefaultLearners(rated.name, defaultLearners);
        const grouped = options.groups === undefined ? learned : await ctx.services.chapters.setGroupsMode(learned.name, options.groups);
        const found = lotterySet ? await ctx.services.chapters.setLotteryDefaults(grouped.name, lottery) : grouped;
        const policy = noShowsSet ? await ctx.services.noShows.setPolicy(found, noShows) : undefined;
        // Channels in one sentence; the moderator role and user group each in their own (they are not channels).
        const summary = Object.entries(channels).flatMap(([purpose, id], i): Inline[] => [
          i ? ', ' : '',
          `${t(`purpose.${purpose as ChannelPurpose}`)} → `,
          channelLink(id),
        ]);
        const details = Object.entries(rows).map(([purpose, id]) => `${purpose}=${id}`);
        ctx.auditTarget(
          `chapter:${found.name}`,
          [
            ...details,
            ...(ratio !== undefined ? [`learners-per-coach=${ratio}`] : []),
            ...(defaultLearners !== undefined ? [`default-learners=${defaultLearners}`] : []),
            ...(options.groups !== undefined ? [`groups=${options.groups}`] : []),
            ...(lottery.allocation !== undefined ? [`allocation=${lottery.allocation}`] : []),
            ...(lottery.firstTimers !== undefined ? [`lottery-first-timers=${lottery.firstTimers}`] : []),
            ...(policy ? [`no-shows=${policy.limit}/${policy.windowDays}d/${policy.cooldownDays}d`] : []),
          ].join(' '),
        );
        return message([
          ...(summary.length ? [p(t('chapter.set.done', { name: found.name }), ...summary, '.')] : []),
          ...(role ? [p(t('chapter.set.moderator_role', { name: found.name, role: role.name ?? role.id }))] : []),
          ...(group ? [p(t('chapter.set.moderator_group', { name: found.name, group }))] : []),
          ...(ratio !== undefined ? [p(t('chapter.set.ratio', { name: found.name, ratio }))] : []),
          ...(defaultLearners !== undefined ? [p(t('chapter.set.default_learners', { name: found.name, learners: defaultLearners }))] : []),
          ...(options.groups !== undefined ? [p(t(`chapter.set.groups.${options.groups}`, { name: found.name }))] : []),
          ...(lottery.allocation !== undefined ? [p(t(`chapter.set.allocation.${lottery.allocation}`, { name: found.name }))] : []),
          ...(lottery.firstTimers !== undefined
            ? [p(t(lottery.firstTimers ? 'chapter.set.first_timers.on' : 'chapter.set.first_timers.off', { name: found.name }))]
            : []),
          ...(policy
            ? [
                p(
                  t('chapter.set.no_shows', {
                    name: found.name,
                    limit: policy.limit,
                    window: policy.windowDays,
                    cooldown: policy.cooldownDays,
                  }),
                ),
              ]
            : []),
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
          {
            key: `audit.chapter.bound.${scope === 'channel' ? 'channel' : 'workspace'}${linked ? '.code' : ''}`,
            params: { channel: ctx.channel },
          },
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
        ctx.auditTarget(`chapter:${found.name}`, { key: 'audit.chapter.link_code' });
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
        ctx.auditTarget(`chapter:${found.name}`, { key: 'audit.chapter.unbound', params: { place } });
        const left = await services.chapters.places(found);
        return message([
          p(t('chapter.unlink.done', { name: found.name, place, count })),
          ...(left.length ? [] : [p(t('chapter.unlink.last', { name: found.name }))]),
        ]);
      },
    }),

    feed: action({
      description: 'cmd.chapter.feed',
      permission: 'moderator',
      target: { kind: 'chapter', option: 'name' },
      // Changes are audit-logged; looking at the feed is not.
      audit: 'if-targeted',
      options: {
        name,
        url: option.string({ description: 'opt.chapter.feed_url', minLength: 8, maxLength: 2000, placeholder: 'placeholder.feed_url' }),
        learners: option.integer({ description: 'opt.chapter.feed_learners', min: 1, max: 200 }),
        topic: option.string({ description: 'opt.chapter.feed_topic', minLength: 1, maxLength: 64, autocomplete: 'topic' }),
        action: option.choice({ description: 'opt.chapter.feed_action', choices: ['remove', 'sync'] }),
      },
      async execute(ctx) {
        const { t, services, options } = ctx;
        const found = await services.chapters.byId(ctx.access.chapterId!);
        const { url, learners, topic, action: act } = options;
        if (url !== undefined && act !== undefined) throw new UserError('feed.url_and_action');
        if (act === 'remove') {
          const feed = await services.feeds.remove(found);
          ctx.auditTarget(`chapter:${found.name}`, { key: 'audit.chapter.feed_removed', params: { url: feed.url } });
          return message(t('feed.removed', { name: found.name, url: feed.url }));
        }
        if (act === 'sync') {
          const outcome = await services.feeds.syncNow(found);
          ctx.auditTarget(`chapter:${found.name}`, { key: 'audit.chapter.feed_synced' });
          return message(syncText(t, outcome));
        }
        if (url !== undefined) {
          const { feed, outcome } = await services.feeds.follow(found, { url, learners, topic });
          ctx.auditTarget(`chapter:${found.name}`, {
            key: 'audit.chapter.feed_followed',
            params: { url: feed.url, options: feedOptions(learners, topic) },
          });
          const { horizonDays: days, pollMinutes: minutes } = services.config.feeds;
          return message([p(t('feed.followed', { name: found.name, url: feed.url, days, minutes })), p(syncText(t, outcome))]);
        }
        if (learners !== undefined || topic !== undefined) {
          const feed = await services.feeds.setOptions(found, { learners, topic });
          ctx.auditTarget(`chapter:${found.name}`, {
            key: 'audit.chapter.feed_options',
            params: { options: feedOptions(learners, topic) },
          });
          return message(
            t('feed.options_updated', {
              name: found.name,
              learners: feed.learners ?? found.defaultLearners ?? DEFAULT_LEARNERS,
              topic: feed.topic ?? t('feed.topic.from_event'),
            }),
          );
        }
        // Nothing to change: what the feed is and how it fares.
        const feed = await services.feeds.get(found);
        if (!feed) throw new UserError('feed.none', { name: found.name, example: `/chapter feed name:${found.name} url:<address>` });
        const failing = feed.failures > 0 && feed.lastError ? (JSON.parse(feed.lastError) as Phrase) : null;
        return message([], {
          title: t('feed.title', { name: found.name }),
          fields: [
            { name: t('feed.field.url'), value: [feed.url] },
            {
              name: t('feed.field.learners'),
              value: [
                feed.learners !== null
                  ? String(feed.learners)
                  : t('feed.learners.default', { learners: found.defaultLearners ?? DEFAULT_LEARNERS }),
              ],
              inline: true,
            },
            { name: t('feed.field.topic'), value: [feed.topic ?? t('feed.topic.from_event')], inline: true },
            { name: t('feed.field.workshops'), value: [String(await services.feeds.workshopCount(feed))], inline: true },
            {
              name: t('feed.field.synced'),
              value: [feed.lastSyncedAt ? time(feed.lastSyncedAt, 'full', found.timeZone) : t('feed.never')],
            },
            {
              name: t('feed.field.state'),
              value: [failing ? t('feed.state.failing', { count: feed.failures, reason: say(t, failing) }) : t('feed.state.ok')],
            },
          ],
        });
      },
    }),
  },
});
