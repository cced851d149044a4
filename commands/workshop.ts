import { ALLOCATIONS, type Workshop } from '../entities/Workshop.js';
import { LEARNER_LEVELS, type LearnerLevel, type SignupState } from '../entities/WorkshopSignup.js';
import { NOTE_PUBLISHING } from '../entities/CoachNote.js';
import { PACES } from '../entities/WorkshopFeedback.js';
import { reportBody } from '../src/services/workshops/report.js';
import { action, type CommandContext, defineCommand } from '../src/core/command.js';
import type { Translate } from '../src/core/i18n.js';
import { option } from '../src/core/options.js';
import { chunks, LISTED, measureInline, type Page, pagedList, pageOption, paginate } from '../src/core/paging.js';
import type { Member } from '../entities/Member.js';
import { type Block, bold, type Field, fill, type Inline, link, list, mention, message, p, SLOT, time } from '../src/core/reply.js';
import { say, UserError } from '../src/core/errors.js';
import { type MessageKey, translator } from '../src/core/i18n.js';
import type { GroupsMade, GroupView } from '../src/services/workshops/day.js';
import { describeChanges, workshopWhen } from '../src/services/workshops/notices.js';
import { siteName } from '../src/services/feeds/service.js';
import type { Counts, RosterEntry } from '../src/services/workshops/roster.js';
import { hasWindow, signupWindow } from '../src/services/workshops/windows.js';

/**
 * Names in a `present:` list: platform mentions (`<@123>`, `<@!123>`, Slack's `<@U123|ada>`)
 * become ids; `@ada` and `ada` stay names. Separated by spaces or commas.
 */
function parseUserList(raw: string): string[] {
  const out: string[] = [];
  for (const token of raw.split(/[\s,]+/).filter(Boolean)) {
    const m = /^<@!?([A-Za-z0-9]+)(?:\|[^>]*)?>$/.exec(token);
    const name = m ? m[1]! : token.replace(/^@/, '');
    if (name && !out.includes(name)) out.push(name);
  }
  return out;
}

const id = option.integer({ description: 'opt.workshop.id', required: true, min: 1, autocomplete: 'workshop' });
const details = {
  duration: option.integer({ description: 'opt.workshop.duration', min: 15, max: 1440, placeholder: 'placeholder.minutes' }),
  coaches: option.integer({ description: 'opt.workshop.coaches', min: 1, max: 100 }),
  location: option.string({ description: 'opt.workshop.location', maxLength: 200 }),
  description: option.text({ description: 'opt.workshop.description', maxLength: 1000 }),
  'strict-ratio': option.boolean({ description: 'opt.workshop.strict_ratio' }),
};
// Fair sign-ups (issue 21): the lottery and waitlist offers, on create and edit.
const allocationOptions = {
  allocation: option.choice({ description: 'opt.workshop.allocation', choices: ALLOCATIONS }),
  'draw-hours': option.integer({ description: 'opt.workshop.draw_hours', min: 1, max: 720 }),
  'offer-hours': option.integer({ description: 'opt.workshop.offer_hours', min: 1, max: 72 }),
};
/** The allocation options as service input. */
const allocationInput = (o: { allocation?: (typeof ALLOCATIONS)[number]; 'draw-hours'?: number; 'offer-hours'?: number }) => ({
  allocation: o.allocation,
  drawHours: o['draw-hours'],
  offerHours: o['offer-hours'],
});
// Sign-up windows (issue "Fair sign-ups"): each a `YYYY-MM-DD HH:MM` in the chapter's zone, checked by the service.
const windowOptions = {
  opens: option.string({ description: 'opt.workshop.opens', maxLength: 20, placeholder: 'placeholder.datetime' }),
  closes: option.string({ description: 'opt.workshop.closes', maxLength: 20, placeholder: 'placeholder.datetime' }),
  'coaches-open': option.string({ description: 'opt.workshop.coaches_open', maxLength: 20, placeholder: 'placeholder.datetime' }),
};
const windowOf = (o: { opens?: string; closes?: string; 'coaches-open'?: string }) => ({
  opens: o.opens,
  closes: o.closes,
  coachesOpen: o['coaches-open'],
});
const title = { description: 'opt.workshop.title', minLength: 2, maxLength: 100 } as const;
const topic = { description: 'opt.workshop.topic', minLength: 1, maxLength: 64, autocomplete: 'topic' } as const;
const learners = { description: 'opt.workshop.learners', min: 1, max: 200 } as const;

const ref = (w: Workshop) => `#${w.id} ${w.title}`;
const userOf = (m: Member) => ({ id: m.userId, name: m.displayName });

/** One group as a field: its coach, then its learners with their level and language wishes. */
function groupField(g: GroupView, t: Translate): Field {
  return {
    name: t('workshop.groups.group', { group: g.number, n: g.learners.length }),
    value: [
      bold(mention(userOf(g.coach))),
      ...g.learners.flatMap((l): Inline[] => [
        '\n',
        mention(userOf(l.member)),
        [l.level ? t(`workshop.level.${l.level as LearnerLevel}`) : '', l.language ?? '', l.pinned ? t('workshop.groups.pinned') : '']
          .filter(Boolean)
          .map((x, i) => (i ? ` · ${x}` : ` (${x}`))
          .join('') + (l.level || l.language || l.pinned ? ')' : ''),
      ]),
    ],
  };
}

/**
 * Coaches missing, or none present, are told to the chapter's moderators in its moderation channel
 * when a coach made the groups (a moderator reads it in the answer). Returns lines for the answer.
 */
async function tellModerators(ctx: CommandContext<unknown>, made: GroupsMade): Promise<Block[]> {
  if (ctx.access.moderator || (!made.noCoach && !made.missingCoaches)) return [];
  const w = made.workshop;
  const where = { platform: ctx.actor.platform, workspace: ctx.actor.workspace };
  const channel = (await ctx.services.chapters.channels(w.chapter!, where)).moderation;
  if (!channel) return [];
  const t = translator(ctx.services.config.locale);
  const text = made.noCoach
    ? t('workshop.groups.notice.no_coach', { id: w.id, title: w.title })
    : t('workshop.groups.notice.missing', { id: w.id, title: w.title, n: made.missingCoaches });
  await ctx.services.notices.send(where, channel, text);
  return [p(ctx.t('workshop.groups.moderators_told'))];
}

/** A window other than the default, as times each reader sees in their zone (sign-up windows). */
function windowField(w: Workshop, t: Translate): Field[] {
  if (!hasWindow(w)) return [];
  const tz = w.chapter?.timeZone;
  const { opens, closes, coachesOpen } = signupWindow(w);
  return [
    {
      name: t('workshop.field.window'),
      value: [
        ...fill(t('workshop.window.learners', { opens: SLOT, closes: SLOT }), time(opens, 'full', tz), time(closes, 'full', tz)),
        ...(w.coachesOpenAt ? ['\n', ...fill(t('workshop.window.coaches', { opens: SLOT }), time(coachesOpen, 'full', tz))] : []),
      ],
    },
  ];
}

/** The facts of a workshop as fields: local start and end, slots, seats, waitlists, location. */
function workshopFields(w: Workshop, counts: Counts, t: Translate): Field[] {
  const tz = w.chapter?.timeZone;
  return [
    { name: t('workshop.field.chapter'), value: [w.chapter?.name ?? '?'], inline: true },
    { name: t('workshop.field.topic'), value: [w.topic], inline: true },
    { name: t('workshop.field.starts'), value: [time(w.startsAt, 'full', tz)] },
    { name: t('workshop.field.ends'), value: [time(w.endsAt, 'full', tz)] },
    {
      name: t('workshop.field.coaches'),
      value: [t('workshop.slots', { claimed: w.coachesClaimed, slots: w.coachSlots, waiting: counts.coachesWaiting })],
      inline: true,
    },
    {
      name: t('workshop.field.learners'),
      value: [t('workshop.seats', { confirmed: w.learnersConfirmed, capacity: w.learnerCapacity, waiting: counts.learnersWaiting })],
      inline: true,
    },
    {
      name: t('workshop.field.ratio'),
      value: [t(w.strictRatio ? 'workshop.ratio.strict' : 'workshop.ratio.off', { ratio: w.learnersPerCoach })],
    },
    ...windowField(w, t),
    ...(w.location ? [{ name: t('workshop.field.location'), value: [w.location] }] : []),
    ...(w.description ? [{ name: t('workshop.field.description'), value: [w.description] }] : []),
    ...(w.status === 'cancelled'
      ? [{ name: t('workshop.field.status'), value: [t('workshop.status.cancelled', { reason: w.cancelReason ?? '' })] }]
      : []),
  ];
}

/**
 * The workshop's materials as links, one after another, in parts that each fit a field (Discord's
 * 1,024 characters, Slack's 2,000): a long list is split between materials, never inside one.
 */
async function materialLinks(ctx: CommandContext<unknown>, workshopId: number, budget = FIELD_BUDGET): Promise<Inline[][]> {
  const materials = (await ctx.services.materials.ofWorkshops([workshopId])).get(workshopId) ?? [];
  const links = materials.map((m): Inline[] => [`#${m.id} `, link(m.url, m.title)]);
  return chunks(links, { size: Infinity, budget, measure: measureInline }).map((part) =>
    part.flatMap((one, i): Inline[] => [i ? ', ' : '', ...one]),
  );
}

/** What one field holds at most, measured as rendered (`measureInline`): under Discord's 1,024 characters. */
const FIELD_BUDGET = 1000;

async function showMessage(ctx: CommandContext<unknown>, w: Workshop, intro?: Inline[]) {
  const counts = (await ctx.services.workshops.counts([w.id])).get(w.id)!;
  const materials = await materialLinks(ctx, w.id);
  // An imported workshop says so, with its event's page ("details on Meetup").
  const source = await ctx.services.feeds.sourceOf(w.id);
  const fields = [
    ...workshopFields(w, counts, ctx.t),
    ...(await fairnessFields(ctx, w)),
    ...materials.map((value) => ({ name: ctx.t('workshop.field.materials'), value })),
    ...(source
      ? [
          {
            name: ctx.t('workshop.field.source'),
            value: [
              ctx.t('workshop.source.feed'),
              ...(source.url ? [' · ', link(source.url, ctx.t('workshop.source.details', { site: siteName(source.url) }))] : []),
            ],
          },
        ]
      : []),
  ];
  return message(intro ? [p(...intro)] : [], { title: ref(w), fields });
}

/**
 * Fair sign-ups (issue 21): a lottery's committed hash and draw time (or that it was drawn), and
 * the reader's own place as a learner (seat, pool, offer, place on the waitlist), never anyone else's.
 */
async function fairnessFields(ctx: CommandContext<unknown>, w: Workshop): Promise<Field[]> {
  const { t } = ctx;
  const tz = w.chapter?.timeZone;
  const fields: Field[] = [];
  if (w.allocation === 'lottery' && w.lotterySeedHash && w.drawAt) {
    const example = `/workshop draw id:${w.id}`;
    fields.push({
      name: t('lottery.field'),
      value: w.drawnAt
        ? fill(t('lottery.field.drawn', { at: SLOT, example }), time(w.drawnAt, 'full', tz))
        : fill(t('lottery.field.before', { at: SLOT, hash: w.lotterySeedHash, example }), time(w.drawAt, 'full', tz)),
    });
  }
  const place = await ctx.services.workshops.learnerPlace(ctx.actor, w.id);
  if (place) {
    const value =
      place.state === 'waiting'
        ? [t('workshop.place.waiting', { position: place.position })]
        : place.state === 'offered'
          ? fill(
              t('workshop.place.offered', { until: SLOT, example: `/workshop offer id:${w.id} answer:accept` }),
              time(place.until, 'full', tz),
            )
          : [t(`workshop.place.${place.state}`)];
    fields.push({ name: t('workshop.field.your_place'), value });
  }
  return fields;
}

/** One section of a roster (a field): its title and its members, each as shown. */
interface RosterSection {
  readonly name: string;
  readonly entries: readonly Inline[][];
  /** Shown even when empty (as "—"), on the first page. */
  readonly always: boolean;
  /** How entries are separated: a comma, or a line each (learners, with their profiles). */
  readonly lines?: boolean;
}

/**
 * A roster, paged: the members of all sections in order, at most `ROSTER_LIMITS` of them a page, so
 * that no field passes its limit; each page shows the sections it has members of (the first page
 * also the empty ones). A roster of 40 learners shows all 40, over pages, never cut.
 */
function rosterFields(sections: readonly RosterSection[], page: Page<{ section: number; entry: Inline[] }>): Field[] {
  return sections.flatMap((s, index): Field[] => {
    const mine = page.items.filter((item) => item.section === index).map((item) => item.entry);
    if (!mine.length) return s.always && page.page === 1 ? [{ name: s.name, value: ['—'] }] : [];
    return [{ name: s.name, value: mine.flatMap((entry, i): Inline[] => [i ? (s.lines ? '\n' : ', ') : '', ...entry]) }];
  });
}

const ROSTER_LIMITS = { size: 40, budget: FIELD_BUDGET } as const;

const entryOf = (e: RosterEntry): Inline => mention({ id: e.member.userId, name: e.member.displayName });

const names = (entries: readonly RosterEntry[], numbered: boolean): Inline[] =>
  entries.length
    ? entries.flatMap((e, i): Inline[] => [
        i ? ', ' : '',
        ...(numbered ? [`${i + 1}. `] : []),
        mention({ id: e.member.userId, name: e.member.displayName }),
      ])
    : ['—'];

/** A learner's sign-up profile in a roster (coaches and moderators only see rosters): `new · de · "learn loops"`. */
function profileOf(e: RosterEntry, t: Translate): string {
  const parts = [
    e.profile?.level ? t(`workshop.level.${e.profile.level}`) : '',
    e.profile?.language ?? '',
    e.profile?.goal ? `“${e.profile.goal}”` : '',
  ].filter(Boolean);
  return parts.length ? ` (${parts.join(' · ')})` : '';
}

export const workshop = defineCommand({
  name: 'workshop',
  area: 'workshops',
  description: 'cmd.workshop',
  subcommands: {
    create: action({
      description: 'cmd.workshop.create',
      permission: 'moderator',
      target: { kind: 'chapter', option: 'chapter' },
      options: {
        chapter: option.string({
          description: 'opt.workshop.chapter',
          required: true,
          minLength: 2,
          maxLength: 64,
          autocomplete: 'chapter',
        }),
        title: option.string({ ...title, required: true }),
        topic: option.string({ ...topic, required: true }),
        date: option.date({ description: 'opt.workshop.date', required: true }),
        time: option.time({ description: 'opt.workshop.time', required: true }),
        learners: option.integer({ ...learners, required: true }),
        ...details,
        ...allocationOptions,
        ...windowOptions,
      },
      async execute(ctx) {
        const o = ctx.options;
        const chapter = await ctx.chapter(o.chapter);
        const w = await ctx.services.workshops.create(chapter, {
          ...o,
          strictRatio: o['strict-ratio'],
          ...allocationInput(o),
          window: windowOf(o),
        });
        ctx.auditTarget(`workshop:${w.id}`, {
          key: 'audit.workshop.created',
          params: { chapter: chapter.name, title: w.title, at: w.startsAt.toISOString() },
        });
        return showMessage(ctx, w, [ctx.t('workshop.created', { id: w.id, slots: w.coachSlots, learners: w.learnerCapacity })]);
      },
    }),

    edit: action({
      description: 'cmd.workshop.edit',
      permission: 'moderator',
      // Moving a workshop to another chapter needs rights in both.
      target: [
        { kind: 'workshop', option: 'id' },
        { kind: 'chapter', option: 'chapter' },
      ],
      options: {
        id,
        chapter: option.string({ description: 'opt.workshop.chapter_move', minLength: 2, maxLength: 64, autocomplete: 'chapter' }),
        title: option.string(title),
        topic: option.string(topic),
        date: option.date({ description: 'opt.workshop.date' }),
        time: option.time({ description: 'opt.workshop.time' }),
        learners: option.integer(learners),
        ...details,
        ...allocationOptions,
        ...windowOptions,
      },
      async execute(ctx) {
        const o = ctx.options;
        const chapter = o.chapter ? await ctx.chapter(o.chapter) : undefined;
        const { workshop: w, changed } = await ctx.services.workshops.edit(o.id, {
          ...o,
          chapter,
          strictRatio: o['strict-ratio'],
          ...allocationInput(o),
          window: windowOf(o),
        });
        ctx.auditTarget(
          `workshop:${w.id}`,
          changed.length ? { key: 'audit.workshop.changed', params: { fields: changed.join(', ') } } : { key: 'audit.workshop.unchanged' },
        );
        return showMessage(ctx, w, [
          changed.length
            ? ctx.t('workshop.edited', { id: w.id, changes: describeChanges(changed, ctx.t) })
            : ctx.t('workshop.edited.nothing', { id: w.id }),
        ]);
      },
    }),

    cancel: action({
      description: 'cmd.workshop.cancel',
      permission: 'moderator',
      target: { kind: 'workshop', option: 'id' },
      options: { id, reason: option.text({ description: 'opt.workshop.reason', required: true, minLength: 3, maxLength: 500 }) },
      async execute(ctx) {
        const w = await ctx.services.workshops.cancel(ctx.options.id, ctx.options.reason);
        ctx.auditTarget(`workshop:${w.id}`, ctx.options.reason);
        return message(ctx.t('workshop.cancelled.done', { id: w.id, title: w.title }));
      },
    }),

    list: action({
      description: 'cmd.workshop.list',
      options: {
        chapter: option.string({ description: 'opt.workshop.chapter_filter', minLength: 2, maxLength: 64, autocomplete: 'chapter' }),
        topic: option.string({ ...topic, description: 'opt.workshop.topic_filter' }),
        when: option.choice({ description: 'opt.workshop.when', choices: ['upcoming', 'past'] }),
        page: pageOption,
      },
      async execute(ctx) {
        const { t, actor } = ctx;
        const when = ctx.options.when ?? 'upcoming';
        // Without a chapter: the one bound here, or all.
        const chapter = ctx.options.chapter
          ? await ctx.chapter(ctx.options.chapter)
          : await ctx.services.chapters.resolve({ platform: actor.platform, workspace: actor.workspace, channel: ctx.channel });
        const found = await ctx.services.workshops.list({ chapterId: chapter?.id, topic: ctx.options.topic, when, limit: LISTED });
        const title = t(`workshop.list.title.${when}`, { chapter: chapter?.name ?? t('workshop.list.all_chapters') });
        if (!found.length) return message(t(`workshop.list.empty.${when}`), { title });
        const counts = await ctx.services.workshops.counts(found.map((w) => w.id));
        const items = found.map((w): Inline[] => {
          const c = counts.get(w.id)!;
          return [
            `#${w.id} `,
            ...workshopWhen(w, t),
            ` · ${w.topic}${chapter ? '' : ` · ${w.chapter!.name}`} · `,
            t('workshop.list.coaches', { claimed: w.coachesClaimed, slots: w.coachSlots, waiting: c.coachesWaiting }),
            ' · ',
            t('workshop.list.learners', { confirmed: w.learnersConfirmed, capacity: w.learnerCapacity, waiting: c.learnersWaiting }),
            ...(w.status === 'cancelled' ? [' · ', bold(t('workshop.list.cancelled'))] : []),
          ];
        });
        const { body, buttons } = pagedList(items, {
          page: ctx.options.page,
          t,
          path: ctx.path,
          options: { chapter: ctx.options.chapter, topic: ctx.options.topic, when: ctx.options.when },
        });
        return message(body, { title, buttons });
      },
    }),

    show: action({
      description: 'cmd.workshop.show',
      options: { id },
      async execute(ctx) {
        return showMessage(ctx, await ctx.services.workshops.get(ctx.options.id));
      },
    }),

    claim: action({
      description: 'cmd.workshop.claim',
      options: { id },
      async execute(ctx) {
        const r = await ctx.services.workshops.claim(ctx.actor, ctx.options.id);
        const w = r.workshop;
        if (r.state === 'confirmed')
          return message([
            p(ctx.t('workshop.claim.done', { id: w.id, claimed: w.coachesClaimed, slots: w.coachSlots })),
            p(...workshopWhen(w, ctx.t)),
          ]);
        return message([p(ctx.t('workshop.claim.waiting', { id: w.id, position: r.position ?? 1 })), p(...workshopWhen(w, ctx.t))]);
      },
    }),

    release: action({
      description: 'cmd.workshop.release',
      options: { id },
      async execute(ctx) {
        const state = await ctx.services.workshops.release(ctx.actor, ctx.options.id);
        return message(ctx.t(state === 'confirmed' ? 'workshop.release.done' : 'workshop.release.left_waitlist', { id: ctx.options.id }));
      },
    }),

    join: action({
      description: 'cmd.workshop.join',
      options: {
        id,
        level: option.choice({ description: 'opt.workshop.level', choices: LEARNER_LEVELS }),
        goal: option.text({ description: 'opt.workshop.goal', maxLength: 200 }),
        language: option.string({ description: 'opt.workshop.language', minLength: 2, maxLength: 16, placeholder: 'placeholder.language' }),
      },
      async execute(ctx) {
        const { level, goal, language } = ctx.options;
        const r = await ctx.services.workshops.join(ctx.actor, ctx.options.id, ctx.locale, { level, goal, language });
        const w = r.workshop;
        if (r.state === 'updated') return message([p(ctx.t('workshop.join.profile_updated', { id: w.id })), p(...workshopWhen(w, ctx.t))]);
        if (r.state === 'confirmed') return message([p(ctx.t('workshop.join.done', { id: w.id })), p(...workshopWhen(w, ctx.t))]);
        // No-shows: a cool-down keeps the learner waiting; they are told why and until when.
        if (r.heldUntil)
          return message([
            p(
              ...fill(
                ctx.t('workshop.join.held', { id: w.id, position: r.position ?? 1, until: SLOT, chapter: w.chapter?.name ?? '' }),
                time(r.heldUntil, 'full', w.chapter?.timeZone),
              ),
            ),
            p(...workshopWhen(w, ctx.t)),
          ]);
        if (r.state === 'pool' && w.drawAt)
          return message([
            p(...fill(ctx.t('lottery.join.pool', { id: w.id, at: SLOT }), time(w.drawAt, 'full', w.chapter?.timeZone))),
            p(...workshopWhen(w, ctx.t)),
          ]);
        const full = w.learnersConfirmed >= w.learnerCapacity;
        return message([
          p(ctx.t(full ? 'workshop.join.waiting.full' : 'workshop.join.waiting.coaches', { id: w.id, position: r.position ?? 1 })),
          p(...workshopWhen(w, ctx.t)),
        ]);
      },
    }),

    leave: action({
      description: 'cmd.workshop.leave',
      options: { id },
      async execute(ctx) {
        const state = await ctx.services.workshops.leave(ctx.actor, ctx.options.id);
        return message(ctx.t(state === 'confirmed' ? 'workshop.leave.done' : 'workshop.leave.left_waitlist', { id: ctx.options.id }));
      },
    }),

    roster: action({
      description: 'cmd.workshop.roster',
      // The workshop's own coaches, and its chapter's moderators.
      permission: 'coach',
      target: { kind: 'workshop', option: 'id' },
      options: { id, page: pageOption },
      async execute(ctx) {
        const { t } = ctx;
        const w = await ctx.services.workshops.get(ctx.options.id);
        const roster = await ctx.services.workshops.roster(w.id);
        const of = (role: 'coach' | 'learner', state: SignupState) => roster.filter((r) => r.role === role && r.state === state);
        // Fair sign-ups: seats on offer, and a lottery's pool before its draw, when there are any.
        const offered = of('learner', 'offered');
        const pool = of('learner', 'pool');
        const plain = (entries: readonly RosterEntry[]) => entries.map((e) => [entryOf(e)]);
        const numbered = (entries: readonly RosterEntry[]) => entries.map((e, i) => [`${i + 1}. `, entryOf(e)]);
        const sections: RosterSection[] = [
          {
            name: t('workshop.roster.coaches', { n: w.coachesClaimed, slots: w.coachSlots }),
            entries: plain(of('coach', 'confirmed')),
            always: true,
          },
          { name: t('workshop.roster.coach_waitlist'), entries: numbered(of('coach', 'waiting')), always: true },
          {
            name: t('workshop.roster.learners', { n: w.learnersConfirmed, capacity: w.learnerCapacity }),
            entries: of('learner', 'confirmed').map((e) => [entryOf(e), profileOf(e, t)]),
            always: true,
            lines: true,
          },
          { name: t('workshop.roster.learner_waitlist'), entries: numbered(of('learner', 'waiting')), always: true },
          { name: t('workshop.roster.offered'), entries: plain(offered), always: false },
          { name: t('workshop.roster.pool', { n: pool.length }), entries: plain(pool), always: false },
        ];
        const items = sections.flatMap((s, section) => s.entries.map((entry) => ({ section, entry })));
        const shown = paginate(
          items,
          { page: ctx.options.page, t, path: ctx.path, options: { id: w.id } },
          { ...ROSTER_LIMITS, measure: (item) => measureInline(item.entry) },
        );
        return message([p(...workshopWhen(w, t)), ...(shown.footer ? [p(shown.footer)] : [])], {
          title: t('workshop.roster.title', { ref: ref(w) }),
          fields: rosterFields(sections, shown),
          buttons: shown.buttons,
        });
      },
    }),

    attendance: action({
      description: 'cmd.workshop.attendance',
      area: 'day',
      permission: 'moderator',
      target: { kind: 'workshop', option: 'id' },
      options: {
        id,
        present: option.text({ description: 'opt.workshop.present', maxLength: 4000, placeholder: 'placeholder.user_list' }),
        absent: option.text({ description: 'opt.workshop.absent', maxLength: 4000, placeholder: 'placeholder.user_list' }),
      },
      async execute(ctx) {
        if (!ctx.options.present && !ctx.options.absent) throw new UserError('workshop.attendance.which', { id: ctx.options.id });
        const present = parseUserList(ctx.options.present ?? '');
        const absent = parseUserList(ctx.options.absent ?? '');
        const { recorded, removed, invited } = await ctx.services.workshops.recordAttendance(ctx.options.id, present, absent);
        ctx.auditTarget(`workshop:${ctx.options.id}`, {
          key: 'audit.workshop.attendance',
          params: { present: recorded.length, absent: removed.length },
        });
        return message([
          ...(recorded.length
            ? [p(ctx.t('workshop.attendance.done', { id: ctx.options.id, n: recorded.length }), ...names(recorded, false))]
            : []),
          ...(removed.length
            ? [p(ctx.t('workshop.attendance.removed', { id: ctx.options.id, n: removed.length }), ...names(removed, false))]
            : []),
          ...(invited.length
            ? [
                p(
                  ctx.t('workshop.attendance.invited'),
                  ...names(
                    invited.map((member) => ({ member, role: 'learner', state: 'confirmed' })),
                    false,
                  ),
                ),
              ]
            : []),
        ]);
      },
    }),

    materials: action({
      description: 'cmd.workshop.materials',
      permission: 'coach',
      target: { kind: 'workshop', option: 'id' },
      options: {
        id,
        add: option.integer({ description: 'opt.workshop.material_add', min: 1 }),
        remove: option.integer({ description: 'opt.workshop.material_remove', min: 1 }),
      },
      async execute(ctx) {
        const { t } = ctx;
        const w = await ctx.services.workshops.get(ctx.options.id);
        const { add, remove } = ctx.options;
        if (add === undefined && remove === undefined) throw new UserError('workshop.materials.which');
        if (add !== undefined) await ctx.services.materials.attach(w.id, add);
        if (remove !== undefined) await ctx.services.materials.detach(w.id, remove);
        ctx.auditTarget(
          `workshop:${w.id}`,
          add !== undefined && remove !== undefined
            ? { key: 'audit.workshop.materials.both', params: { add, remove } }
            : add !== undefined
              ? { key: 'audit.workshop.materials.add', params: { add } }
              : { key: 'audit.workshop.materials.remove', params: { remove: remove! } },
        );
        const links = await materialLinks(ctx, w.id, 2400);
        return message(links.length ? links.map((part) => p(...part)) : [p(t('workshop.materials.none'))], {
          title: t('workshop.materials.title', { id: w.id }),
        });
      },
    }),

    feedback: action({
      description: 'cmd.workshop.feedback',
      // Pressed without answers (the "Write a few words" button), a form for the two texts opens.
      form: { fields: ['worked', 'improve'] },
      options: {
        id,
        pace: option.choice({ description: 'opt.feedback.pace', choices: PACES }),
        learned: option.integer({ description: 'opt.feedback.learned', min: 1, max: 5 }),
        coach: option.integer({ description: 'opt.feedback.coach', min: 1, max: 5 }),
        again: option.boolean({ description: 'opt.feedback.again' }),
        worked: option.text({ description: 'opt.feedback.worked', maxLength: 500 }),
        improve: option.text({ description: 'opt.feedback.improve', maxLength: 500 }),
      },
      async execute(ctx) {
        const { t } = ctx;
        const o = ctx.options;
        const r = await ctx.services.feedback.answer(ctx.actor, o.id, {
          pace: o.pace,
          learned: o.learned,
          coachSupport: o.coach,
          again: o.again,
          worked: o.worked,
          improve: o.improve,
        });
        const given = [
          r.pace ? `${t('feedback.q.pace')}: ${t(`feedback.pace.${r.pace}`)}` : '',
          r.learned ? `${t('feedback.q.learned')}: ${r.learned}/5` : '',
          r.coachSupport ? `${t('feedback.q.coach')}: ${r.coachSupport}/5` : '',
          r.again !== null ? `${t('feedback.q.again')}: ${t(r.again ? 'feedback.again.yes' : 'feedback.again.no')}` : '',
          r.worked ? t('feedback.q.worked') : '',
          r.improve ? t('feedback.q.improve') : '',
        ].filter(Boolean);
        return message([p(t('feedback.saved', { id: o.id })), list(...given), p(t('feedback.saved.anonymous'))]);
      },
    }),

    notes: action({
      description: 'cmd.workshop.notes',
      form: { fields: ['taught', 'went', 'change'] },
      options: {
        id,
        taught: option.string({ description: 'opt.notes.taught', maxLength: 300 }),
        materials: option.string({ description: 'opt.notes.materials', maxLength: 200, placeholder: 'placeholder.material_ids' }),
        went: option.text({ description: 'opt.notes.went', maxLength: 1000 }),
        change: option.text({ description: 'opt.notes.change', maxLength: 1000 }),
        publish: option.choice({ description: 'opt.notes.publish', choices: NOTE_PUBLISHING }),
      },
      async execute(ctx) {
        const o = ctx.options;
        const typed =
          o.materials === undefined
            ? undefined
            : [
                ...new Set(
                  o.materials
                    .split(/[\s,#]+/)
                    .filter(Boolean)
                    .map(Number),
                ),
              ];
        if (typed?.some((n) => !Number.isSafeInteger(n) || n < 1))
          throw new UserError('notes.materials_bad', { example: `/workshop notes id:${o.id} materials:3,7` });
        const known = typed && (await ctx.services.feedback.existingMaterials(typed));
        const unknown = typed?.filter((n) => !known!.includes(n)) ?? [];
        if (unknown.length) throw new UserError('notes.materials_unknown', { ids: unknown.map((n) => `#${n}`).join(', ') });
        const note = await ctx.services.feedback.note(ctx.actor, o.id, { ...o, materials: typed });
        return message([p(ctx.t('notes.saved', { id: o.id })), p(ctx.t(`notes.publish.${note.publish}`))]);
      },
    }),

    report: action({
      description: 'cmd.workshop.report',
      permission: 'coach',
      target: { kind: 'workshop', option: 'id' },
      audit: false,
      options: { id },
      async execute(ctx) {
        const r = await ctx.services.feedback.report(ctx.options.id);
        return message(reportBody(r, ctx.t, ctx.services.config.feedback.minResponses), {
          title: ctx.t('report.title', { ref: ref(r.workshop) }),
        });
      },
    }),

    code: action({
      description: 'cmd.workshop.code',
      area: 'day',
      // The workshop's own coaches, and its chapter's moderators: they show it at the venue.
      permission: 'coach',
      target: { kind: 'workshop', option: 'id' },
      audit: false,
      options: { id },
      async execute(ctx) {
        const { workshop: w, code, opens, closes } = await ctx.services.workshopDay.code(ctx.options.id);
        const tz = w.chapter?.timeZone;
        return message(
          [
            p(ctx.t('workshop.code.is', { id: w.id }), ' ', bold(code)),
            p(...fill(ctx.t('workshop.code.window', { opens: SLOT, closes: SLOT }), time(opens, 'time', tz), time(closes, 'time', tz))),
            p(ctx.t('workshop.code.how', { example: `/workshop checkin id:${w.id} code:${code}` })),
          ],
          { title: ref(w) },
        );
      },
    }),

    checkin: action({
      description: 'cmd.workshop.checkin',
      area: 'day',
      // Anyone checks themselves in with the code (the workshop is not a target: a member acts on
      // their own seat). Checking in someone else (a walk-in) is for the workshop's coaches and its
      // chapter's moderators where they act, asked of the policy below.
      audit: 'if-targeted',
      options: {
        id,
        code: option.string({ description: 'opt.workshop.code', minLength: 4, maxLength: 12 }),
        member: option.user({ description: 'opt.workshop.checkin_member' }),
      },
      async execute(ctx) {
        const { t } = ctx;
        const { id: workshopId, code, member } = ctx.options;
        if (member) {
          const { chapterId } = await ctx.services.workshops.get(workshopId);
          if (!(await ctx.moderates(chapterId)) && !(await ctx.services.workshops.isCoachOf(ctx.actor, workshopId)))
            throw new UserError('workshop.walkin.forbidden', { id: workshopId });
          const person = { platform: ctx.actor.platform, workspace: ctx.actor.workspace, id: member.id, name: member.name };
          const r = await ctx.services.workshopDay.walkIn(workshopId, person);
          ctx.auditTarget(
            `workshop:${workshopId}`,
            { key: r.walkIn ? 'audit.workshop.walk_in' : 'audit.workshop.checked_in', params: { name: member.name } },
            chapterId,
          );
          const who = mention(member);
          const key = r.already ? 'workshop.checkin.other.already' : r.walkIn ? 'workshop.walkin.done' : 'workshop.checkin.other.done';
          return message([
            p(...fill(t(key, { id: workshopId, member: SLOT }), who)),
            ...(r.group ? [p(t('workshop.checkin.other.group', { group: r.group.number }))] : []),
          ]);
        }
        if (!code) throw new UserError('workshop.checkin.code_missing', { example: `/workshop checkin id:${workshopId} code:ABC23` });
        const r = await ctx.services.workshopDay.checkIn(ctx.actor, workshopId, code);
        return message([
          p(t(r.already ? 'workshop.checkin.already' : `workshop.checkin.done.${r.role}`, { id: workshopId, title: r.workshop.title })),
          ...(r.group
            ? [p(...fill(t('workshop.checkin.group', { group: r.group.number, coach: SLOT }), mention(userOf(r.group.coach))))]
            : []),
        ]);
      },
    }),

    groups: action({
      description: 'cmd.workshop.groups',
      area: 'day',
      permission: 'coach',
      target: { kind: 'workshop', option: 'id' },
      // Making and moving change who is with whom: audited; showing is not.
      audit: 'if-targeted',
      options: {
        id,
        action: option.choice({ description: 'opt.workshop.groups_action', choices: ['make', 'show', 'move'] }),
        member: option.user({ description: 'opt.workshop.groups_member' }),
        group: option.integer({ description: 'opt.workshop.group', min: 1, max: 100 }),
        'keep-moves': option.boolean({ description: 'opt.workshop.keep_moves' }),
      },
      async execute(ctx) {
        const { t } = ctx;
        const { id: workshopId, member, group } = ctx.options;
        const day = ctx.services.workshopDay;
        const act = ctx.options.action ?? 'show';
        if (act === 'move') {
          if (!member || group === undefined)
            throw new UserError('workshop.groups.move_usage', {
              example: `/workshop groups id:${workshopId} action:move member:@Ada group:2`,
            });
          const person = { platform: ctx.actor.platform, workspace: ctx.actor.workspace, id: member.id, name: member.name };
          const g = await day.move(workshopId, person, group);
          ctx.auditTarget(`workshop:${workshopId}`, { key: 'audit.workshop.moved', params: { name: member.name, group } });
          return message([p(...fill(t('workshop.groups.moved', { member: SLOT, group }), mention(member)))], {
            fields: [groupField(g, t)],
          });
        }
        if (act === 'show') {
          const groups = await day.groups(workshopId);
          const w = await ctx.services.workshops.get(workshopId);
          if (!groups.length)
            return message(t('workshop.groups.none', { id: workshopId, example: `/workshop groups id:${workshopId} action:make` }));
          return message([], { title: t('workshop.groups.title', { ref: ref(w) }), fields: groups.map((g) => groupField(g, t)) });
        }
        const made = await day.make(workshopId, ctx.options['keep-moves'] ?? true);
        ctx.auditTarget(`workshop:${workshopId}`, {
          key: 'audit.workshop.groups',
          params: { groups: made.groups.length, missing: made.missingCoaches },
        });
        const problems = await tellModerators(ctx, made);
        if (made.noCoach) return message([p(t('workshop.groups.no_coach', { id: workshopId, needed: made.missingCoaches })), ...problems]);
        return message(
          [
            p(t(`workshop.groups.made.${made.from}`, { n: made.groups.length })),
            ...(made.missingCoaches ? [p(t('workshop.groups.missing', { n: made.missingCoaches }))] : []),
            ...(made.unmet.length
              ? [
                  list(
                    ...made.unmet.map((u): Inline[] => [
                      mention(userOf(u.member)),
                      ': ',
                      t(`workshop.groups.unmet.${u.reason}` as MessageKey, { wish: u.wish }),
                    ]),
                  ),
                ]
              : []),
            ...made.placeProblems.map((x) => p(t('workshop.groups.place_problem', { group: x.number }), ' ', say(t, x.error))),
            ...problems,
          ],
          { title: t('workshop.groups.title', { ref: ref(made.workshop) }), fields: made.groups.map((g) => groupField(g, t)) },
        );
      },
    }),

    mygroup: action({
      description: 'cmd.workshop.mygroup',
      area: 'day',
      options: { id },
      async execute(ctx) {
        const { t } = ctx;
        const g = await ctx.services.workshopDay.mine(ctx.actor, ctx.options.id);
        if (!g) throw new UserError('workshop.mygroup.none', { id: ctx.options.id });
        const others = g.learners.filter((l) => !(l.member.userId === ctx.actor.id && l.member.platform === ctx.actor.platform));
        return message([
          p(
            ...fill(
              t(others.length ? 'workshop.dm.group' : 'workshop.dm.group.alone', { group: g.number, coach: SLOT, others: SLOT }),
              mention(userOf(g.coach)),
              ...others.flatMap((l, i): Inline[] => [i ? ', ' : '', mention(userOf(l.member))]),
            ),
          ),
        ]);
      },
    }),

    publish: action({
      description: 'cmd.workshop.publish',
      permission: 'moderator',
      target: { kind: 'workshop', option: 'id' },
      options: { id, visible: option.boolean({ description: 'opt.workshop.visible', required: true }) },
      async execute(ctx) {
        const w = await ctx.services.record.setVisible(ctx.options.id, ctx.options.visible);
        ctx.auditTarget(`workshop:${w.id}`, { key: ctx.options.visible ? 'audit.workshop.record.on' : 'audit.workshop.record.off' });
        const params = { id: w.id, title: w.title, chapter: w.chapter!.name };
        if (!ctx.options.visible) return message(ctx.t('workshop.publish.hidden', params));
        if (w.status === 'cancelled') return message(ctx.t('workshop.publish.shown_cancelled', params));
        const ended = w.endsAt.getTime() <= ctx.services.clock.now().getTime();
        return message(ctx.t(ended ? 'workshop.publish.shown' : 'workshop.publish.shown_later', params));
      },
    }),

    // Fair sign-ups (issue 21): a lottery's published facts, and a learner's answer to a waitlist offer.
    draw: action({
      description: 'cmd.workshop.draw',
      options: { id },
      async execute(ctx) {
        const { t } = ctx;
        const d = await ctx.services.workshops.lottery.info(ctx.options.id);
        const tz = d.workshop.chapter?.timeZone;
        return message(
          [
            p(t('lottery.draw.hash', { hash: d.hash })),
            ...(d.seed && d.order && d.drawnAt
              ? [
                  p(...fill(t('lottery.draw.drawn', { at: SLOT, n: d.poolSize }), time(d.drawnAt, 'full', tz))),
                  p(t('lottery.draw.seed', { seed: d.seed })),
                  p(t('lottery.draw.order'), ' ', d.order.length ? d.order.join(', ') : '—'),
                  p(t('lottery.draw.how')),
                ]
              : [p(...fill(t('lottery.draw.pending', { at: SLOT, n: d.poolSize }), time(d.drawAt, 'full', tz)))]),
          ],
          { title: t('lottery.draw.title', { ref: ref(d.workshop) }) },
        );
      },
    }),

    offer: action({
      description: 'cmd.workshop.offer',
      options: {
        id,
        answer: option.choice({ description: 'opt.workshop.offer_answer', choices: ['accept', 'decline'], required: true }),
      },
      async execute(ctx) {
        const w = await ctx.services.workshops.offers.answer(ctx.actor, ctx.options.id, ctx.options.answer);
        if (ctx.options.answer === 'decline') return message(ctx.t('offer.declined', { id: w.id }));
        return message([p(ctx.t('offer.accepted', { id: w.id })), p(...workshopWhen(w, ctx.t))]);
      },
    }),

    // No-shows (issue "Fair sign-ups"): a moderator of the workshop's chapter clears a member's record.
    noshow: action({
      description: 'cmd.workshop.noshow',
      permission: 'moderator',
      target: { kind: 'workshop', option: 'workshop' },
      options: {
        action: option.choice({ description: 'opt.noshow.action', required: true, choices: ['clear'] }),
        workshop: option.integer({ description: 'opt.noshow.workshop', required: true, min: 1, autocomplete: 'workshop' }),
        reason: option.text({ description: 'opt.noshow.reason', required: true, minLength: 3, maxLength: 500 }),
        // Needed, but checked in execute rather than declared required: the permission matrix has no user to type on every platform.
        member: option.user({ description: 'opt.noshow.member' }),
      },
      async execute(ctx) {
        const { member, workshop: workshopId, reason } = ctx.options;
        if (!member)
          throw new UserError('noshow.clear.member_missing', {
            example: `/workshop noshow clear member:@ada workshop:${workshopId} reason:"…"`,
          });
        const person = { platform: ctx.actor.platform, workspace: ctx.actor.workspace, id: member.id, name: member.name };
        await ctx.services.noShows.clear(workshopId, person, reason);
        // The audit names the workshop and the reason, not the member: records are never shown to others.
        ctx.auditTarget(`workshop:${workshopId}`, { key: 'audit.workshop.no_show_cleared', params: { reason } });
        return message(ctx.t('noshow.cleared', { id: workshopId }));
      },
    }),

    ics: action({
      description: 'cmd.workshop.ics',
      options: { id },
      async execute(ctx) {
        const w = await ctx.services.workshops.get(ctx.options.id);
        const data = ctx.services.workshops.calendar([w], w.title);
        return message([p(ctx.t('workshop.ics.done'), ' ', ...workshopWhen(w, ctx.t))], {
          attachments: [{ filename: `workshop-${w.id}.ics`, contentType: 'text/calendar', data }],
        });
      },
    }),
  },
});
