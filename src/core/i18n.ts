import { de } from '../i18n/de.js';
import { en, type Catalogue, type MessageKey } from '../i18n/en.js';

export type { MessageKey } from '../i18n/en.js';

/** Locales with a complete catalogue. Anything else falls back to English. */
export const LOCALES = ['en', 'de'] as const;
export type Locale = (typeof LOCALES)[number];

export type Params = Readonly<Record<string, string | number>>;
export type Translate = (key: MessageKey, params?: Params) => string;

/** Catalogues by locale; a catalogue other than English may be partial (missing keys fall back). */
export type Catalogues = { readonly en: Catalogue } & Readonly<Record<string, Partial<Catalogue>>>;

export const defaultCatalogues: Catalogues = { en, de };

/** `de-AT`, `de_DE`, `DE` → `de`; an unknown or missing locale → `en`. */
export function normaliseLocale(raw: string | undefined | null, catalogues: Catalogues = defaultCatalogues): string {
  const base = (raw ?? '').trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return base && base in catalogues ? base : 'en';
}

const pluralRules = new Map<string, Intl.PluralRules>();

/** One `Intl.PluralRules` per locale, made on first use (they are costly to build and never change). */
function pluralRulesFor(locale: string): Intl.PluralRules {
  let rules = pluralRules.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(locale);
    pluralRules.set(locale, rules);
  }
  return rules;
}

const numberFormats = new Map<string, Intl.NumberFormat>();

/** One `Intl.NumberFormat` per locale for a plural's `#`: building one per message costs more than the message. */
function numberFormatFor(locale: string): Intl.NumberFormat {
  let format = numberFormats.get(locale);
  if (!format) numberFormats.set(locale, (format = new Intl.NumberFormat(locale)));
  return format;
}

/**
 * Fills `{name}` parameters, and the small part of ICU MessageFormat the catalogues need:
 * `{count, plural, =0 {no places} one {# place} other {# places}}`. An exact `=N` case wins over the
 * locale's category (`Intl.PluralRules`: one, few, many, other…); `other` is the fallback; `#` in a
 * case is the number, written for the locale (a `#` right before a parameter, as in `#{id}`, is kept:
 * that is a workshop's number). Cases may hold parameters and plurals of their own. A plural whose
 * parameter is missing or not a number is left visible, like an unknown `{name}`; so is an unclosed one.
 */
export function interpolate(template: string, params: Params | undefined, locale = 'en'): string {
  if (!params) return template;
  let out = '';
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) break;
    out += template.slice(i, open);
    const plural = /^\{(\w+),\s*plural,/.exec(template.slice(open));
    if (plural) {
      const end = matchingBrace(template, open);
      if (end < 0) {
        out += template.slice(open);
        i = template.length;
        break;
      }
      out += selectPlural(template.slice(open, end + 1), plural[1] as string, plural[0].length, params, locale);
      i = end + 1;
      continue;
    }
    const simple = /^\{(\w+)\}/.exec(template.slice(open));
    if (simple) {
      const name = simple[1] as string;
      out += name in params ? String(params[name]) : simple[0];
      i = open + simple[0].length;
    } else {
      out += '{';
      i = open + 1;
    }
  }
  return out + template.slice(i);
}

/** `text` with `change` applied to what stands outside braces (a nested plural's `#` is its own number). */
function outsideBraces(text: string, change: (part: string) => string): string {
  let out = '';
  let from = 0;
  for (let open = text.indexOf('{'); open >= 0; open = text.indexOf('{', from)) {
    const close = matchingBrace(text, open);
    if (close < 0) break;
    out += change(text.slice(from, open)) + text.slice(open, close + 1);
    from = close + 1;
  }
  return out + change(text.slice(from));
}

/** The index of the `}` that closes the `{` at `open`, or -1. */
function matchingBrace(text: string, open: number): number {
  let depth = 0;
  for (let j = open; j < text.length; j++) {
    if (text[j] === '{') depth++;
    else if (text[j] === '}' && --depth === 0) return j;
  }
  return -1;
}

/** The cases of a plural (`one` → `# place`), from the text after its head (`{n, plural,`) up to its closing brace. */
function pluralCases(body: string): Map<string, string> {
  const cases = new Map<string, string>();
  const caseRe = /\s*(=\d+|\w+)\s*\{/g;
  let at = 0;
  for (;;) {
    caseRe.lastIndex = at;
    const m = caseRe.exec(body);
    if (!m || m.index !== at) break;
    const open = m.index + m[0].length - 1;
    const close = matchingBrace(body, open);
    if (close < 0) break;
    cases.set(m[1] as string, body.slice(open + 1, close));
    at = close + 1;
  }
  return cases;
}

function selectPlural(whole: string, name: string, headLength: number, params: Params, locale: string): string {
  const raw = params[name];
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
  if (!Number.isFinite(n)) return whole;
  const cases = pluralCases(whole.slice(headLength, -1));
  const chosen = cases.get(`=${n}`) ?? cases.get(pluralRulesFor(locale).select(n)) ?? cases.get('other');
  if (chosen === undefined) return whole;
  const number = numberFormatFor(locale).format(n);
  return interpolate(
    outsideBraces(chosen, (text) => text.replace(/#(?!\{)/g, number)),
    params,
    locale,
  );
}

/** The parameters a template uses, plurals' counts and the parameters inside their cases included (sorted, once each). */
export function parameterNames(template: string): string[] {
  const names = new Set<string>();
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) break;
    const plural = /^\{(\w+),\s*plural,/.exec(template.slice(open));
    const simple = /^\{(\w+)\}/.exec(template.slice(open));
    if (plural) {
      const end = matchingBrace(template, open);
      if (end < 0) break;
      names.add(plural[1] as string);
      for (const text of pluralCases(template.slice(open + plural[0].length, end)).values())
        parameterNames(text).forEach((n) => names.add(n));
      i = end + 1;
    } else if (simple) {
      names.add(simple[1] as string);
      i = open + simple[0].length;
    } else i = open + 1;
  }
  return [...names].sort();
}

/** A translator for one locale: the locale's text if it has the key, English otherwise. */
export function translator(locale: string, catalogues: Catalogues = defaultCatalogues): Translate {
  const base = normaliseLocale(locale, catalogues);
  const primary = catalogues[base] ?? catalogues.en;
  return (key, params) => {
    const own = primary[key];
    // English text (a fallback) is counted by English rules, a German text by German ones.
    return own === undefined ? interpolate(catalogues.en[key], params, 'en') : interpolate(own, params, base);
  };
}

/**
 * What is stored where an erased member's name was (proposals, audit entries and decisions outlive
 * the member). Stored in one language as data; shown with `shownName` in the reader's.
 */
export const ERASED_NAME = '(erased member)';

/** A stored member name for the reader: the erased-member placeholder in their language, any other name as it is. */
export function shownName(name: string, t: Translate): string {
  return name === ERASED_NAME ? t('privacy.erased_member') : name;
}
