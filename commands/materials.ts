import { MATERIAL_LEVELS, type Material } from '../entities/Material.js';
import { action, type CommandContext, defineCommand } from '../src/core/command.js';
import { option } from '../src/core/options.js';
import { LIST_LIMITS, LISTED, measureInline, paginate } from '../src/core/paging.js';
import { type Field, type Inline, link, list, message, p } from '../src/core/reply.js';

const id = option.integer({ description: 'opt.materials.id', required: true, min: 1 });
const language = { description: 'opt.materials.language', minLength: 2, maxLength: 16 } as const;
const level = option.choice({ description: 'opt.materials.level', choices: MATERIAL_LEVELS });

/** `Title` (a link), then “Python · en · CC-BY-SA-4.0”. */
export const materialLine = (m: Material): Inline[] => [`#${m.id} `, link(m.url, m.title), ` — ${m.topic} · ${m.language} · ${m.license}`];

function materialFields(m: Material, ctx: CommandContext<unknown>): Field[] {
  const { t } = ctx;
  const translations = m.translations ?? [];
  return [
    { name: t('materials.field.link'), value: [link(m.url)] },
    { name: t('materials.field.topic'), value: [m.topic], inline: true },
    { name: t('materials.field.language'), value: [m.language], inline: true },
    ...(m.level ? [{ name: t('materials.field.level'), value: [t(`materials.level.${m.level}`)], inline: true }] : []),
    { name: t('materials.field.license'), value: [m.license], inline: true },
    ...(m.description ? [{ name: t('materials.field.description'), value: [m.description] }] : []),
    ...(translations.length
      ? [
          {
            name: t('materials.field.translations'),
            value: translations.flatMap((tr, i): Inline[] => [i ? ', ' : '', link(tr.url, tr.language)]),
          },
        ]
      : []),
  ];
}

export const materials = defineCommand({
  name: 'materials',
  area: 'materials',
  description: 'cmd.materials',
  subcommands: {
    add: action({
      description: 'cmd.materials.add',
      permission: 'coach',
      options: {
        title: option.string({ description: 'opt.materials.title', required: true, minLength: 2, maxLength: 150 }),
        url: option.string({ description: 'opt.materials.url', required: true, minLength: 8, maxLength: 500 }),
        topic: option.string({ description: 'opt.materials.topic', required: true, minLength: 1, maxLength: 64, autocomplete: 'topic' }),
        language: option.string({ ...language, required: true }),
        level,
        license: option.string({ description: 'opt.materials.license', minLength: 2, maxLength: 40 }),
        description: option.text({ description: 'opt.materials.description', maxLength: 500 }),
      },
      async execute(ctx) {
        const { actor } = ctx;
        const here = await ctx.services.chapters.resolve({ platform: actor.platform, workspace: actor.workspace, channel: ctx.channel });
        const m = await ctx.services.materials.add(actor, ctx.options, ctx.locale, here?.id ?? null);
        return message([p(ctx.t('materials.added', { id: m.id }))], { title: m.title, fields: materialFields(m, ctx) });
      },
    }),

    search: action({
      description: 'cmd.materials.search',
      options: {
        topic: option.string({ description: 'opt.materials.topic', minLength: 1, maxLength: 64, autocomplete: 'topic' }),
        language: option.string(language),
        level,
        text: option.string({ description: 'opt.materials.text', maxLength: 100 }),
        page: option.integer({ description: 'opt.materials.page', min: 1, max: 1000 }),
      },
      async execute(ctx) {
        const { t } = ctx;
        const { topic, language, level, text, page } = ctx.options;
        // All the ranked results, paged here like every list (by count and by length: translations make lines long).
        const found = await ctx.services.materials.search({ topic, language, level, text, page: 1, pageSize: LISTED });
        if (!found.total) return message(t('materials.search.empty'));
        const items = found.materials.map((m): Inline[] => [
          ...materialLine(m),
          ...(m.translations?.length
            ? [
                ' · ',
                t('materials.field.translations'),
                ': ',
                ...m.translations.flatMap((tr, i): Inline[] => [i ? ', ' : '', link(tr.url, tr.language)]),
              ]
            : []),
        ]);
        const shown = paginate(
          items,
          { page, t, path: ctx.path, options: { topic, language, level, text } },
          { ...LIST_LIMITS, measure: measureInline },
        );
        // The title says the page already; the footer is only needed when the buttons did not fit.
        const hint = shown.footer && !shown.buttons.length ? [p(shown.footer)] : [];
        return message([list(...shown.items), ...hint], {
          title: t('materials.search.title', { total: found.total, page: shown.page, pages: shown.pages }),
          buttons: shown.buttons,
        });
      },
    }),

    show: action({
      description: 'cmd.materials.show',
      options: { id },
      async execute(ctx) {
        const m = await ctx.services.materials.get(ctx.options.id);
        return message([], { title: `#${m.id} ${m.title}`, fields: materialFields(m, ctx) });
      },
    }),

    translate: action({
      description: 'cmd.materials.translate',
      permission: 'coach',
      options: {
        id,
        language: option.string({ ...language, description: 'opt.materials.translation_language', required: true }),
        url: option.string({ description: 'opt.materials.translation_url', required: true, minLength: 8, maxLength: 500 }),
      },
      async execute(ctx) {
        const tr = await ctx.services.materials.translate(ctx.options.id, ctx.options.language, ctx.options.url);
        return message(ctx.t('materials.translated', { id: ctx.options.id, language: tr.language }));
      },
    }),

    remove: action({
      description: 'cmd.materials.remove',
      permission: 'moderator',
      target: { kind: 'material', option: 'id' },
      options: { id },
      async execute(ctx) {
        const m = await ctx.services.materials.remove(ctx.options.id);
        ctx.auditTarget(`material:${m.id}`, { key: 'audit.material.removed', params: { title: m.title, url: m.url } });
        return message(ctx.t('materials.removed', { id: m.id, title: m.title }));
      },
    }),
  },
});
