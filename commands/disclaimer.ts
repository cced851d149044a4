import { DISCLAIMER_ROLES, type Disclaimer } from '../entities/Disclaimer.js';
import { action, type CommandContext, defineCommand } from '../src/core/command.js';
import { option } from '../src/core/options.js';
import { LISTED, pagedList, pageOption, userInLine } from '../src/core/paging.js';
import { bold, channelLink, codeBlock, type Inline, message, p } from '../src/core/reply.js';
import { isoDate } from '../src/services/partnerships.js';

const event = option.string({ description: 'opt.disclaimer.event', required: true, minLength: 2, maxLength: 150 });

/** The standard text a member pastes where they help: as an individual, not an official event, not representing the community. */
function disclaimerText(ctx: CommandContext<unknown>, e: { event: string; date?: string; organiser?: string | null }): string {
  const params = { event: e.event, community: ctx.services.config.communityName, date: e.date ?? '', organiser: e.organiser ?? '' };
  return [
    ctx.t(e.date ? 'disclaimer.text.dated' : 'disclaimer.text', params),
    ...(e.organiser ? [ctx.t('disclaimer.text.organiser', params)] : []),
  ].join(' ');
}

const line = (ctx: CommandContext<unknown>, d: Disclaimer, withMember: boolean): Inline[] => [
  bold(`#${d.id}`),
  ` ${d.event}, ${d.eventDate} — ${ctx.t(`disclaimer.role.${d.role}`)}`,
  ...(withMember && d.member ? [`, ${d.member.displayName}`] : []),
  ...(d.organiser ? [` (${d.organiser})`] : []),
  ...(d.withdrawnAt ? [` — ${ctx.t('disclaimer.withdrawn_mark')}`] : []),
];

export const disclaimer = defineCommand({
  name: 'disclaimer',
  area: 'partnerships',
  description: 'cmd.disclaimer',
  subcommands: {
    log: action({
      description: 'cmd.disclaimer.log',
      options: {
        event,
        date: option.date({ description: 'opt.disclaimer.date', required: true }),
        organiser: option.string({ description: 'opt.disclaimer.organiser', maxLength: 100 }),
        role: option.choice({ description: 'opt.disclaimer.role', choices: DISCLAIMER_ROLES }),
        notes: option.text({ description: 'opt.disclaimer.notes', maxLength: 500 }),
      },
      async execute(ctx) {
        const { t, actor, options, services } = ctx;
        const chapter = await services.chapters.resolve({ platform: actor.platform, workspace: actor.workspace, channel: ctx.channel });
        const saved = await services.disclaimers.log({
          member: actor,
          locale: ctx.locale,
          chapterId: chapter?.id ?? null,
          event: options.event,
          date: options.date,
          organiser: options.organiser,
          role: options.role,
          notes: options.notes,
        });
        // Transparency: the chapter's disclaimers channel gets a short line.
        const channel = chapter
          ? (await services.chapters.channels(chapter, { platform: actor.platform, workspace: actor.workspace })).disclaimers
          : undefined;
        if (channel) {
          await ctx.post(
            message(
              t('disclaimer.posted', {
                name: actor.name,
                event: saved.event,
                date: saved.eventDate,
                role: t(`disclaimer.role.${saved.role}`),
                community: services.config.communityName,
                id: saved.id,
              }),
              {
                visibility: { kind: 'channel', channel },
              },
            ),
          );
        }
        return message([
          p(t('disclaimer.logged', { id: saved.id })),
          codeBlock(disclaimerText(ctx, { event: saved.event, date: isoDate(options.date), organiser: saved.organiser })),
          ...(channel ? [p(t('disclaimer.logged.channel'), channelLink(channel), '.')] : []),
        ]);
      },
    }),

    text: action({
      description: 'cmd.disclaimer.text',
      options: { event },
      async execute(ctx) {
        return message([codeBlock(disclaimerText(ctx, { event: ctx.options.event.trim() }))]);
      },
    }),

    mine: action({
      description: 'cmd.disclaimer.mine',
      options: { page: pageOption },
      async execute(ctx) {
        const rows = await ctx.services.disclaimers.mine(ctx.actor, LISTED);
        if (!rows.length) return message(ctx.t('disclaimer.mine.empty'));
        const { body, buttons } = pagedList(
          rows.map((d) => line(ctx, d, false)),
          { page: ctx.options.page, t: ctx.t, path: ctx.path },
        );
        return message(body, { title: ctx.t('disclaimer.mine.title'), buttons });
      },
    }),

    withdraw: action({
      description: 'cmd.disclaimer.withdraw',
      options: { id: option.integer({ description: 'opt.disclaimer.id', required: true, min: 1 }) },
      async execute(ctx) {
        const d = await ctx.services.disclaimers.withdraw(ctx.options.id, ctx.actor);
        return message(ctx.t('disclaimer.withdrawn', { id: d.id, event: d.event }));
      },
    }),

    list: action({
      description: 'cmd.disclaimer.list',
      permission: 'moderator',
      // The register of the chapter bound here.
      target: { kind: 'here' },
      // Reading the register changes nothing: not an audit entry.
      audit: false,
      options: {
        event: option.string({ description: 'opt.disclaimer.filter_event', maxLength: 150 }),
        member: option.user({ description: 'opt.disclaimer.member' }),
        page: pageOption,
      },
      async execute(ctx) {
        const { actor, options } = ctx;
        const rows = await ctx.services.disclaimers.list({
          chapterId: ctx.access.chapterId!,
          platform: actor.platform,
          workspace: actor.workspace,
          event: options.event,
          member: options.member?.id,
          limit: LISTED,
        });
        if (!rows.length) return message(ctx.t('disclaimer.list.empty'));
        const member = options.member && userInLine(actor.platform, options.member.id);
        const { body, buttons } = pagedList(
          rows.map((d) => line(ctx, d, true)),
          { page: options.page, t: ctx.t, path: ctx.path, options: { event: options.event, member } },
        );
        return message(body, { title: ctx.t('disclaimer.list.title'), buttons });
      },
    }),
  },
});
