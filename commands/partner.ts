import { CONTRIBUTIONS, DECISIONS, PROPOSAL_STATUSES } from '../entities/PartnershipProposal.js';
import { action, type CommandContext, defineCommand } from '../src/core/command.js';
import { toCsv } from '../src/core/csv.js';
import { safeError } from '../src/core/errors.js';
import { shownName, translator } from '../src/core/i18n.js';
import { checkName, type NameFinding } from '../src/core/namecheck.js';
import { option } from '../src/core/options.js';
import { LISTED, pagedList, pageOption } from '../src/core/paging.js';
import { type Block, bold, channelLink, code, type Inline, link, list, message, p } from '../src/core/reply.js';
import { ERASED_USER } from '../src/services/privacy/records.js';
import { type Acting, type ProposalView, requirementsFor } from '../src/services/partnerships.js';

const id = option.integer({ description: 'opt.partner.id', required: true, min: 1 });
const chapterName = { description: 'opt.partner.chapter', minLength: 2, maxLength: 64, autocomplete: 'chapter' } as const;

/** The actor, and the proposal's chapter if the policy found them a moderator of it. */
function acting(ctx: CommandContext<unknown>): Acting {
  return { actor: ctx.actor, moderatorOf: ctx.access.moderator ? ctx.access.chapterId : null };
}

type T = CommandContext<unknown>['t'];
const contributionList = (t: T, csv: string): string => {
  const given = csv.split(',');
  return CONTRIBUTIONS.filter((c) => given.includes(c))
    .map((c) => t(`partner.contribution.${c}`))
    .join(', ');
};

function checklist(t: T, view: ProposalView, community: string): Block {
  const done = new Map(view.confirmed.map((c) => [c.key, shownName(c.confirmedBy, t)]));
  return list(
    ...requirementsFor(view.proposal).map((key): Inline[] => [
      done.has(key) ? '[x] ' : '[ ] ',
      code(key),
      ` — ${t(`partner.req.${key}`, { community })}`,
      ...(done.has(key) ? [` (${t('partner.confirmed_by', { name: done.get(key)! })})`] : []),
    ]),
  );
}

/** The name check's findings as a list, or nothing when the text is clean. */
function nameFindings(t: T, findings: readonly { field: string; finding: NameFinding }[]): Block[] {
  if (!findings.length) return [];
  return [
    p(t('partner.namecheck.found', { count: findings.length, name: findings[0]!.finding.expected })),
    list(
      ...findings.map(({ field, finding }): Inline[] => [
        t('partner.namecheck.item', { field, position: `${finding.line}:${finding.column}`, found: finding.found }),
        bold(finding.expected),
      ]),
    ),
  ];
}

function checkProposal(t: T, view: ProposalView, community: string): Block[] {
  const { proposal } = view;
  // Each finding names its field as the proposal shows it, in the reader's language ("Veranstaltung 1:1").
  const fields: [string, string | null][] = [
    [t('partner.field.partner'), proposal.partner],
    [t('partner.field.event'), proposal.event],
    [t('partner.field.url'), proposal.url],
    [t('partner.field.details'), proposal.details],
  ];
  return nameFindings(
    t,
    fields.flatMap(([field, text]) => (text ? checkName(text, community).map((finding) => ({ field, finding })) : [])),
  );
}

function summary(t: T, view: ProposalView, community: string) {
  const { proposal } = view;
  return message(
    [
      ...(view.decision
        ? [
            p(
              bold(t(`partner.decision.${view.decision.decision}`)),
              ` — ${shownName(view.decision.moderatorName, t)}: ${view.decision.reason}`,
              ...(view.decision.forced
                ? [` (${t('partner.forced', { open: (view.decision.openRequirements ?? '').replaceAll(',', ', ') })})`]
                : []),
            ),
          ]
        : []),
      p(bold(t('partner.checklist'))),
      checklist(t, view, community),
      ...(view.open.length && proposal.status === 'proposed' ? [p(t('partner.still_open', { count: view.open.length }))] : []),
      ...checkProposal(t, view, community),
    ],
    {
      title: t('partner.title', { id: proposal.id, event: proposal.event }),
      fields: [
        { name: t('partner.field.partner'), value: [proposal.partner], inline: true },
        { name: t('partner.field.chapter'), value: [view.chapter.name], inline: true },
        { name: t('partner.field.date'), value: [proposal.eventDate], inline: true },
        { name: t('partner.field.contributions'), value: [contributionList(t, proposal.contributions)] },
        { name: t('partner.field.co_organised'), value: [t(proposal.coOrganised ? 'partner.yes' : 'partner.no')], inline: true },
        { name: t('partner.field.status'), value: [t(`partner.status.${proposal.status}`)], inline: true },
        { name: t('partner.field.proposer'), value: [shownName(view.proposer.displayName, t)], inline: true },
        ...(proposal.url ? [{ name: t('partner.field.url'), value: [link(proposal.url)] }] : []),
        ...(proposal.details ? [{ name: t('partner.field.details'), value: [proposal.details] }] : []),
      ],
    },
  );
}

/** One CSV row per proposal, with its decision: what the community publishes about its partnerships. */
export function exportCsv(views: readonly ProposalView[]): string {
  return toCsv(
    views.map(({ proposal, chapter, proposer, confirmed, open, decision }) => ({
      id: proposal.id,
      chapter: chapter.name,
      partner: proposal.partner,
      event: proposal.event,
      date: proposal.eventDate,
      contributions: proposal.contributions,
      co_organised: proposal.coOrganised ? 'yes' : 'no',
      url: proposal.url ?? '',
      details: proposal.details ?? '',
      status: proposal.status,
      proposer: proposer.displayName,
      proposed_at: proposal.createdAt.toISOString(),
      confirmed: confirmed.map((c) => c.key).join(' '),
      open: open.join(' '),
      decision: decision?.decision ?? '',
      reason: decision?.reason ?? '',
      forced: decision ? (decision.forced ? 'yes' : 'no') : '',
      decided_by: decision?.moderatorName ?? '',
      decided_at: decision?.decidedAt.toISOString() ?? '',
    })),
    [
      'id',
      'chapter',
      'partner',
      'event',
      'date',
      'contributions',
      'co_organised',
      'url',
      'details',
      'status',
      'proposer',
      'proposed_at',
      'confirmed',
      'open',
      'decision',
      'reason',
      'forced',
      'decided_by',
      'decided_at',
    ],
  );
}

export const partner = defineCommand({
  name: 'partner',
  area: 'partnerships',
  description: 'cmd.partner',
  subcommands: {
    propose: action({
      description: 'cmd.partner.propose',
      options: {
        partner: option.string({ description: 'opt.partner.partner', required: true, minLength: 2, maxLength: 100 }),
        event: option.string({ description: 'opt.partner.event', required: true, minLength: 2, maxLength: 150 }),
        chapter: option.string({ ...chapterName, required: true }),
        date: option.date({ description: 'opt.partner.date', required: true }),
        contributions: option.string({
          description: 'opt.partner.contributions',
          required: true,
          maxLength: 100,
          placeholder: 'placeholder.partner.contributions',
        }),
        'co-organised': option.boolean({ description: 'opt.partner.co_organised' }),
        url: option.string({ description: 'opt.partner.url', maxLength: 300 }),
        details: option.text({ description: 'opt.partner.details', maxLength: 1000 }),
      },
      async execute(ctx) {
        const { t, options } = ctx;
        const community = ctx.services.config.communityName;
        const view = await ctx.services.partnerships.propose({
          proposer: ctx.actor,
          locale: ctx.locale,
          chapter: options.chapter,
          partner: options.partner,
          event: options.event,
          date: options.date,
          contributions: options.contributions,
          coOrganised: options['co-organised'],
          url: options.url,
          details: options.details,
        });
        const id = view.proposal.id;
        return message(
          [
            p(t('partner.proposed', { id, partner: view.proposal.partner, chapter: view.chapter.name, date: view.proposal.eventDate })),
            p(bold(t(view.proposal.coOrganised ? 'partner.checklist.co_organised' : 'partner.checklist.intro', { community }))),
            checklist(t, view, community),
            ...checkProposal(t, view, community),
            p(
              t('partner.proposed.next', {
                confirm: `/partner confirm id:${id} requirement:${view.open[0]}`,
                show: `/partner show id:${id}`,
              }),
            ),
          ],
          { title: t('partner.title', { id, event: view.proposal.event }) },
        );
      },
    }),

    confirm: action({
      description: 'cmd.partner.confirm',
      // The proposer, or a moderator of the proposal's chapter.
      target: { kind: 'proposal', option: 'id' },
      options: {
        id,
        requirement: option.string({
          description: 'opt.partner.requirement',
          required: true,
          maxLength: 32,
          placeholder: 'placeholder.partner.requirement',
        }),
      },
      async execute(ctx) {
        const { t } = ctx;
        const by = acting(ctx);
        const { view, added, key } = await ctx.services.partnerships.confirm(ctx.options.id, ctx.options.requirement, by);
        return message([
          p(t(added ? 'partner.confirm.done' : 'partner.confirm.already', { key, id: view.proposal.id })),
          p(view.open.length ? t('partner.confirm.open', { open: view.open.join(', ') }) : t('partner.confirm.all')),
        ]);
      },
    }),

    show: action({
      description: 'cmd.partner.show',
      options: { id },
      async execute(ctx) {
        const view = await ctx.services.partnerships.get(ctx.options.id);
        return summary(ctx.t, view, ctx.services.config.communityName);
      },
    }),

    namecheck: action({
      description: 'cmd.partner.namecheck',
      options: { text: option.text({ description: 'opt.partner.text', required: true, maxLength: 2000 }) },
      async execute(ctx) {
        const community = ctx.services.config.communityName;
        const findings = checkName(ctx.options.text, community).map((finding) => ({ field: ctx.t('partner.namecheck.position'), finding }));
        return findings.length ? message(nameFindings(ctx.t, findings)) : message(ctx.t('partner.namecheck.clean', { name: community }));
      },
    }),

    decide: action({
      description: 'cmd.partner.decide',
      permission: 'moderator',
      target: { kind: 'proposal', option: 'id' },
      options: {
        id,
        decision: option.choice({ description: 'opt.partner.decision', required: true, choices: DECISIONS }),
        reason: option.text({ description: 'opt.partner.reason', required: true, minLength: 3, maxLength: 500 }),
        force: option.boolean({ description: 'opt.partner.force' }),
      },
      async execute(ctx) {
        const { t, options, services } = ctx;
        const community = services.config.communityName;
        // The policy let only the moderators of the proposal's chapter through.
        const by = acting(ctx);
        const view = await services.partnerships.decide({
          id: options.id,
          decision: options.decision,
          reason: options.reason,
          force: options.force,
          by,
        });
        const { proposal, chapter, proposer, decision } = view;
        ctx.auditTarget(
          `partnership:${proposal.id}`,
          decision?.forced
            ? {
                key: 'audit.partner.decided.forced',
                params: { decision: options.decision, open: decision.openRequirements ?? '', event: proposal.event },
              }
            : { key: 'audit.partner.decided', params: { decision: options.decision, event: proposal.event } },
        );

        // The proposer hears of it in their own language, wherever their platform's adapter runs.
        const tp = translator(proposer.locale ?? services.config.locale);
        const params = {
          id: proposal.id,
          event: proposal.event,
          chapter: chapter.name,
          reason: decision!.reason,
          community,
          date: proposal.eventDate,
        };
        const dm = [p(tp(`partner.notify.${options.decision}`, params))];
        if (options.decision === 'unofficial')
          dm.push(
            p(
              tp('partner.notify.unofficial_help', {
                ...params,
                example: `/disclaimer log event:"${proposal.event}" date:${proposal.eventDate}`,
              }),
            ),
          );
        // A proposer who erased their data is a stand-in: nobody to notify, and the answer says so.
        const erased = proposer.userId === ERASED_USER;
        if (!erased)
          await services.notifier
            .outbox(proposer.platform, proposer.workspace)
            ?.post(message(dm, { visibility: { kind: 'dm', to: { id: proposer.userId, name: proposer.displayName } } }))
            // Only the error's type: a platform's message could name the member.
            .catch((err: unknown) => ctx.log.warn({ proposal: proposal.id, err: safeError(err).type }, 'could not notify the proposer'));

        let announced: string | undefined;
        if (options.decision === 'approve') {
          const channels = await services.chapters.channels(chapter, { platform: ctx.actor.platform, workspace: ctx.actor.workspace });
          if (channels.announcements) {
            announced = channels.announcements;
            await ctx.post(
              message(
                [
                  p(
                    t('partner.announce', {
                      partner: proposal.partner,
                      event: proposal.event,
                      date: proposal.eventDate,
                      chapter: chapter.name,
                      community,
                      contributions: contributionList(t, proposal.contributions),
                    }),
                  ),
                ],
                {
                  visibility: { kind: 'channel', channel: announced },
                },
              ),
            );
          }
        }
        return message([
          p(
            t(`partner.decided.${options.decision}`, { id: proposal.id, event: proposal.event }),
            ' ',
            t(
              erased
                ? 'partner.decided.proposer_erased'
                : options.decision === 'unofficial'
                  ? 'partner.decided.notified_unofficial'
                  : 'partner.decided.notified',
            ),
          ),
          ...(decision?.forced ? [p(t('partner.forced', { open: (decision.openRequirements ?? '').replaceAll(',', ', ') }))] : []),
          ...(announced ? [p(t('partner.decided.announced'), channelLink(announced), '.')] : []),
        ]);
      },
    }),

    withdraw: action({
      description: 'cmd.partner.withdraw',
      // The proposer; or a moderator of its chapter, once the proposer erased their data.
      target: { kind: 'proposal', option: 'id' },
      options: { id },
      async execute(ctx) {
        const view = await ctx.services.partnerships.withdraw(ctx.options.id, acting(ctx));
        return message(ctx.t('partner.withdrawn', { id: view.proposal.id, event: view.proposal.event }));
      },
    }),

    list: action({
      description: 'cmd.partner.list',
      options: {
        chapter: option.string(chapterName),
        status: option.choice({ description: 'opt.partner.status', choices: PROPOSAL_STATUSES }),
        page: pageOption,
      },
      async execute(ctx) {
        const { t } = ctx;
        const { chapter, status, page } = ctx.options;
        const views = await ctx.services.partnerships.list({ chapter, status, limit: LISTED });
        if (!views.length) return message(t('partner.list.empty'));
        const lines = views.map(({ proposal, chapter, open }): Inline[] => [
          bold(`#${proposal.id}`),
          ` ${proposal.event} — ${proposal.partner}, ${chapter.name}, ${proposal.eventDate}: ${t(`partner.status.${proposal.status}`)}`,
          ...(proposal.status === 'proposed' && open.length ? [` (${t('partner.list.open', { count: open.length })})`] : []),
        ]);
        const { body, buttons } = pagedList(lines, { page, t, path: ctx.path, options: { chapter, status } });
        return message(body, { title: t('partner.list.title'), buttons });
      },
    }),

    export: action({
      description: 'cmd.partner.export',
      options: { chapter: option.string(chapterName) },
      async execute(ctx) {
        const views = await ctx.services.partnerships.list({ chapter: ctx.options.chapter });
        const slug = (ctx.options.chapter ?? 'all').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-');
        return message(ctx.t('partner.export.done', { count: views.length }), {
          attachments: [{ filename: `partnerships-${slug}.csv`, contentType: 'text/csv', data: exportCsv(views) }],
        });
      },
    }),
  },
});
