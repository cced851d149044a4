import { COACH_LEVELS } from '../entities/Coach.js';
import { action, type CommandContext, defineCommand } from '../src/core/command.js';
import { UserError } from '../src/core/errors.js';
import { option } from '../src/core/options.js';
import { pagedList, pageOption } from '../src/core/paging.js';
import { bold, type Field, type Inline, mention, message, p } from '../src/core/reply.js';
import { type CoachInput, type CoachSummary } from '../src/services/coaches.js';

const profileOptions = {
  languages: option.string({ description: 'opt.coach.languages', maxLength: 200 }),
  level: option.choice({ description: 'opt.coach.level', choices: COACH_LEVELS }),
  chapter: option.string({ description: 'opt.coach.chapter', minLength: 2, maxLength: 64, autocomplete: 'chapter' }),
  bio: option.text({ description: 'opt.coach.bio', maxLength: 500 }),
  public: option.boolean({ description: 'opt.coach.public' }),
};
const topics = {
  description: 'opt.coach.topics',
  minLength: 1,
  maxLength: 300,
  autocomplete: 'topic',
  placeholder: 'placeholder.comma_list',
} as const;

/** The profile options as the service takes them (a chapter by name). */
async function coachInput(
  ctx: CommandContext<unknown>,
  o: { topics?: string; languages?: string; level?: CoachInput['level']; chapter?: string; bio?: string; public?: boolean },
): Promise<CoachInput> {
  return { ...o, chapter: o.chapter ? await ctx.chapter(o.chapter) : undefined };
}

function profileFields(s: CoachSummary, ctx: CommandContext<unknown>): Field[] {
  const { t } = ctx;
  const c = s.coach;
  return [
    { name: t('coach.field.topics'), value: [c.topics] },
    ...(c.languages ? [{ name: t('coach.field.languages'), value: [c.languages], inline: true }] : []),
    ...(c.level ? [{ name: t('coach.field.level'), value: [t(`coach.level.${c.level}`)], inline: true }] : []),
    ...(c.chapter ? [{ name: t('coach.field.chapter'), value: [c.chapter.name], inline: true }] : []),
    { name: t('coach.field.status'), value: [t(`coach.status.${c.status}`)], inline: true },
    { name: t('coach.field.coached'), value: [String(s.coached)], inline: true },
    ...(c.bio ? [{ name: t('coach.field.bio'), value: [c.bio] }] : []),
    { name: t('coach.field.public'), value: [t(c.public ? 'coach.public.yes' : 'coach.public.no')], inline: true },
  ];
}

export const coach = defineCommand({
  name: 'coach',
  area: 'coaches',
  description: 'cmd.coach',
  subcommands: {
    volunteer: action({
      description: 'cmd.coach.volunteer',
      options: { topics: option.string({ ...topics, required: true }), ...profileOptions },
      async execute(ctx) {
        const input = await coachInput(ctx, ctx.options);
        await ctx.services.coaches.volunteer(ctx.actor, { ...input, topics: ctx.options.topics }, ctx.locale);
        return message([p(ctx.t('coach.volunteer.done')), p(ctx.t('coach.volunteer.next'))]);
      },
    }),

    update: action({
      description: 'cmd.coach.update',
      options: { topics: option.string(topics), ...profileOptions },
      async execute(ctx) {
        await ctx.services.coaches.update(ctx.actor, await coachInput(ctx, ctx.options));
        const profile = (await ctx.services.coaches.profile(ctx.actor))!;
        return message(ctx.t('coach.update.done'), { title: ctx.actor.name, fields: profileFields(profile, ctx) });
      },
    }),

    pause: action({
      description: 'cmd.coach.pause',
      async execute(ctx) {
        await ctx.services.coaches.setStatus(ctx.actor, 'paused');
        return message(ctx.t('coach.pause.done'));
      },
    }),

    resume: action({
      description: 'cmd.coach.resume',
      async execute(ctx) {
        await ctx.services.coaches.setStatus(ctx.actor, 'active');
        return message(ctx.t('coach.resume.done'));
      },
    }),

    retire: action({
      description: 'cmd.coach.retire',
      async execute(ctx) {
        const { released } = await ctx.services.coaches.setStatus(ctx.actor, 'retired');
        return message(ctx.t('coach.retire.done', { released }));
      },
    }),

    profile: action({
      description: 'cmd.coach.profile',
      options: { member: option.user({ description: 'opt.coach.member' }) },
      async execute(ctx) {
        const who = ctx.options.member ?? ctx.actor;
        const found = await ctx.services.coaches.profile({ platform: ctx.actor.platform, workspace: ctx.actor.workspace, id: who.id });
        if (!found || found.coach.status === 'retired') {
          throw ctx.options.member ? new UserError('coach.profile.none', { name: who.name }) : new UserError('coach.not_coach');
        }
        return message([], { title: found.member.displayName, fields: profileFields(found, ctx) });
      },
    }),

    list: action({
      description: 'cmd.coach.list',
      options: {
        topic: option.string({ description: 'opt.coach.topic_filter', minLength: 1, maxLength: 64, autocomplete: 'topic' }),
        chapter: option.string({ description: 'opt.coach.chapter_filter', minLength: 2, maxLength: 64, autocomplete: 'chapter' }),
        page: pageOption,
      },
      async execute(ctx) {
        const { t } = ctx;
        const chapter = ctx.options.chapter ? await ctx.chapter(ctx.options.chapter) : undefined;
        const found = await ctx.services.coaches.list({ topic: ctx.options.topic, chapterId: chapter?.id });
        if (!found.length) return message(t('coach.list.empty'));
        const items = found.map((s): Inline[] => [
          mention({ id: s.member.userId, name: s.member.displayName }),
          ` — ${s.coach.topics}`,
          ...(s.coach.level ? [` (${t(`coach.level.${s.coach.level}`)})`] : []),
          ' · ',
          t('coach.list.coached', { n: s.coached }),
        ]);
        const { topic, chapter: name, page } = ctx.options;
        const { body, buttons } = pagedList(items, { page, t, path: ctx.path, options: { topic, chapter: name } });
        return message(body, { title: t('coach.list.title', { n: found.length }), buttons });
      },
    }),

    calendar: action({
      description: 'cmd.coach.calendar',
      async execute(ctx) {
        const me = await ctx.services.coaches.current(ctx.actor);
        const workshops = await ctx.services.workshops.claimedUpcoming(me.memberId);
        if (!workshops.length) return message(ctx.t('coach.calendar.empty'));
        const data = ctx.services.workshops.calendar(workshops, ctx.t('coach.calendar.name'));
        return message([p(bold(ctx.t('coach.calendar.done', { n: workshops.length })))], {
          attachments: [{ filename: 'coaching.ics', contentType: 'text/calendar', data }],
        });
      },
    }),
  },
});
