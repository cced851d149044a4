import { type Phrase, type PhraseParam, UserError } from './errors.js';
import type { MessageKey, Params, Translate } from './i18n.js';
import type { OptionSpec } from './options.js';
import type { ChannelRef, RoleRef, UserRef } from './reply.js';
import { trimInvisible, visibleLength } from './text.js';

/** An option value as an adapter hands it over: text from a command line, or a platform's typed value. */
export type RawValue = string | number | boolean | UserRef | ChannelRef | RoleRef;
export type RawOptions = Readonly<Record<string, RawValue>>;

/** How the adapter turns `@alice`, `<@123>`, `#questions` into members and channels. */
export interface Resolvers {
  user?(raw: string): UserRef | undefined;
  channel?(raw: string): ChannelRef | undefined;
  role?(raw: string): RoleRef | undefined;
}

/** The range of the databases' INTEGER columns, and so of integer options that declare no limit. */
export const INTEGER_MIN = -2_147_483_648;
export const INTEGER_MAX = 2_147_483_647;

const TRUE = new Set(['true', 'yes', 'on', '1', 'ja', 'wahr']);
const FALSE = new Set(['false', 'no', 'off', '0', 'nein', 'falsch']);
const length = (s: string): number => [...s].length;

/** A typed yes/no word (`yes`, `off`, `ja`, ...) as a boolean; undefined when it is neither. */
export function booleanWord(word: string): boolean | undefined {
  const w = word.trim().toLowerCase();
  return TRUE.has(w) ? true : FALSE.has(w) ? false : undefined;
}

/** One problem with the options given: the option it concerns (as given, for unknown ones), the localised message and its phrase. */
export interface OptionProblem {
  readonly option: string;
  readonly message: string;
  readonly phrase: Phrase;
}

/**
 * Checks raw options against the declaration and converts them to the declared types,
 * collecting every problem with the option it belongs to (forms show each on its field).
 */
export function checkOptions(
  specs: Readonly<Record<string, OptionSpec>>,
  raw: RawOptions,
  ctx: { t: Translate; command: string; resolvers: Resolvers },
): { values: Record<string, unknown>; problems: OptionProblem[] } {
  const problems: OptionProblem[] = [];
  const problem = (option: string, key: MessageKey, params: Params): void => {
    problems.push({ option, message: ctx.t(key, params), phrase: { key, params } });
  };
  const values: Record<string, unknown> = {};
  const names = Object.keys(specs);

  for (const given of Object.keys(raw)) {
    if (!(given in specs)) {
      if (names.length) problem(given, 'error.option.unknown', { command: ctx.command, option: given, choices: names.join(', ') });
      else problem(given, 'error.option.none', { command: ctx.command });
    }
  }
  for (const [name, spec] of Object.entries(specs)) {
    let value = raw[name];
    if (typeof value === 'string' && (spec.type === 'string' || spec.type === 'text')) {
      // Zero-width spaces, joiners, bidi marks and the like at the ends go too; a value made only of
      // them would post as an empty-looking message, so it is refused, saying what to type instead.
      const trimmed = trimInvisible(value);
      if (!trimmed && value.trim()) {
        problem(name, 'error.option.invisible', { option: name });
        continue;
      }
      value = trimmed;
    } else if (typeof value === 'string') value = value.trim();
    if (value === undefined || value === '') {
      if (spec.required) problem(name, 'error.option.missing', { option: name });
      continue;
    }
    const refused = convert(name, spec, value, ctx.resolvers, (v) => (values[name] = v));
    if (refused) problem(name, refused.key, refused.params);
  }
  return { values, problems };
}

/**
 * Checks raw options against the declaration and converts them to the declared types.
 * Every problem is reported at once, followed by the usage line, so one correction suffices.
 */
export function validateOptions(
  specs: Readonly<Record<string, OptionSpec>>,
  raw: RawOptions,
  ctx: { t: Translate; command: string; usage: PhraseParam; resolvers: Resolvers },
): Record<string, unknown> {
  const { values, problems } = checkOptions(specs, raw, ctx);
  if (problems.length)
    throw new UserError('error.usage', { problems: problems.map((p, i) => (i ? ['\n', p.phrase] : p.phrase)), usage: ctx.usage });
  return values;
}

type Refusal = { readonly key: MessageKey; readonly params: Params };

/** Sets the value converted to the option's type, or returns what is wrong with it. */
function convert(name: string, spec: OptionSpec, value: RawValue, resolvers: Resolvers, set: (v: unknown) => void): Refusal | undefined {
  const refuse = (key: MessageKey, params: Params): Refusal => ({ key, params });
  const given = typeof value === 'object' ? value.id : String(value);
  const p = { option: name, given };
  switch (spec.type) {
    case 'string':
    case 'text': {
      if (typeof value !== 'string') return refuse('error.option.too_short', { ...p, min: 1, length: 0 });
      // PostgreSQL cannot store U+0000 in text (nor compare with it), SQLite can: refused on both, so
      // a value behaves the same on either database. Nobody types it; odd clients and pastes do.
      if (value.includes('\u0000')) return refuse('error.option.nul', p);
      // The maximum is what the database stores (code points); the minimum is what a reader sees:
      // grapheme clusters that show something, so `👩‍💻` counts once and a zero-width space not at all.
      const n = length(value);
      if (spec.maxLength !== undefined && n > spec.maxLength)
        return refuse('error.option.too_long', { ...p, max: spec.maxLength, length: n });
      if (spec.minLength !== undefined) {
        const shown = visibleLength(value, spec.minLength);
        if (shown < spec.minLength) return refuse('error.option.too_short', { ...p, min: spec.minLength, length: shown });
      }
      set(value);
      return undefined;
    }
    case 'integer': {
      const n = typeof value === 'number' ? value : /^[+-]?\d+$/.test(given) ? Number(given) : NaN;
      if (!Number.isSafeInteger(n)) return refuse('error.option.not_integer', p);
      // Ids and counts are INTEGER columns: a number beyond them (Discord delivers up to 2^53) is
      // refused here rather than failing in PostgreSQL (SQLite would just find nothing).
      const min = spec.min ?? INTEGER_MIN;
      const max = spec.max ?? INTEGER_MAX;
      if (n < min || n > max) return refuse('error.option.out_of_range', { ...p, min, max });
      set(n);
      return undefined;
    }
    case 'boolean': {
      const flag = typeof value === 'boolean' ? value : booleanWord(given);
      if (flag === undefined) return refuse('error.option.not_boolean', p);
      return void set(flag);
    }
    case 'choice': {
      const choice = spec.choices.find((c) => c.toLowerCase() === given.toLowerCase());
      if (choice === undefined) return refuse('error.option.not_choice', { ...p, choices: spec.choices.join(', ') });
      return void set(choice);
    }
    case 'date': {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(given);
      if (m) {
        const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
        const d = new Date(Date.UTC(year, month - 1, day));
        if (d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day) return void set({ year, month, day });
      }
      return refuse('error.option.not_date', p);
    }
    case 'time': {
      const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(given);
      if (!m) return refuse('error.option.not_time', p);
      return void set({ hour: Number(m[1]), minute: Number(m[2]) });
    }
    case 'user': {
      const user = typeof value === 'object' ? value : resolvers.user?.(given);
      if (!user || !('name' in user)) return refuse('error.option.not_user', p);
      return void set(user);
    }
    case 'channel': {
      const channel = typeof value === 'object' ? value : resolvers.channel?.(given);
      if (!channel) return refuse('error.option.not_channel', p);
      return void set(channel);
    }
    case 'role': {
      const role = typeof value === 'object' ? value : resolvers.role?.(given);
      if (!role) return refuse('error.option.not_role', p);
      return void set(role);
    }
  }
}
