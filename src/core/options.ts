import type { Localised } from './command.js';
import type { ChannelRef, RoleRef, UserRef } from './reply.js';

/** A calendar date as typed by a member, before any time zone is applied. */
export interface LocalDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** A wall-clock time as typed by a member (24-hour clock). */
export interface LocalTime {
  readonly hour: number;
  readonly minute: number;
}

interface Base {
  /** Catalogue key of the option's description. */
  readonly description: Localised;
  readonly required?: boolean;
  /** What the usage line shows after `name:`; defaults by type (`<YYYY-MM-DD>`, `<1-200>`, ...). */
  readonly placeholder?: Localised;
  /** Adapters offer completions for this option where the platform can (workshop ids, chapters). */
  readonly autocomplete?: string;
}

/** A short, single-line string. */
export interface StringOption extends Base {
  readonly type: 'string';
  readonly minLength?: number;
  readonly maxLength?: number;
}
/** Free text that may be long (a question, an answer); forms show it as a multi-line field. */
export interface TextOption extends Base {
  readonly type: 'text';
  readonly minLength?: number;
  readonly maxLength?: number;
}
export interface IntegerOption extends Base {
  readonly type: 'integer';
  readonly min?: number;
  readonly max?: number;
}
export interface BooleanOption extends Base {
  readonly type: 'boolean';
}
export interface ChoiceOption<C extends string = string> extends Base {
  readonly type: 'choice';
  readonly choices: readonly C[];
}
export interface DateOption extends Base {
  readonly type: 'date';
}
export interface TimeOption extends Base {
  readonly type: 'time';
}
export interface UserOption extends Base {
  readonly type: 'user';
}
export interface ChannelOption extends Base {
  readonly type: 'channel';
}
/** A role of the platform (a Discord role; on the console `@&name`). */
export interface RoleOption extends Base {
  readonly type: 'role';
}

export type OptionSpec =
  | StringOption
  | TextOption
  | IntegerOption
  | BooleanOption
  | ChoiceOption
  | DateOption
  | TimeOption
  | UserOption
  | ChannelOption
  | RoleOption;

export type OptionMap = Readonly<Record<string, OptionSpec>>;

/** The value type `execute` receives for one option. */
export type ValueOf<O extends OptionSpec> = O extends { type: 'string' | 'text' }
  ? string
  : O extends { type: 'integer' }
    ? number
    : O extends { type: 'boolean' }
      ? boolean
      : O extends { type: 'choice'; choices: readonly (infer C)[] }
        ? C
        : O extends { type: 'date' }
          ? LocalDate
          : O extends { type: 'time' }
            ? LocalTime
            : O extends { type: 'user' }
              ? UserRef
              : O extends { type: 'channel' }
                ? ChannelRef
                : O extends { type: 'role' }
                  ? RoleRef
                  : never;

type Simplify<T> = { [K in keyof T]: T[K] } & {};
type RequiredKeys<M extends OptionMap> = { [K in keyof M]: M[K] extends { required: true } ? K : never }[keyof M];

/** The options object `execute` receives: required options present, the others optional. */
export type OptionValues<M extends OptionMap> = Simplify<
  { [K in RequiredKeys<M>]: ValueOf<M[K]> } & { [K in Exclude<keyof M, RequiredKeys<M>>]?: ValueOf<M[K]> }
>;

type Spec<T extends OptionSpec> = Omit<T, 'type'>;

/**
 * Option builders. The `const` type parameters keep `required: true` and the choices as
 * literal types, so `execute` sees exact option types without casts.
 */
export const option = {
  string: <const T extends Spec<StringOption>>(o: T) => ({ ...o, type: 'string' }) as T & { readonly type: 'string' },
  text: <const T extends Spec<TextOption>>(o: T) => ({ ...o, type: 'text' }) as T & { readonly type: 'text' },
  integer: <const T extends Spec<IntegerOption>>(o: T) => ({ ...o, type: 'integer' }) as T & { readonly type: 'integer' },
  boolean: <const T extends Spec<BooleanOption>>(o: T) => ({ ...o, type: 'boolean' }) as T & { readonly type: 'boolean' },
  choice: <const C extends string, const T extends Spec<ChoiceOption<C>>>(o: T & { readonly choices: readonly C[] }) =>
    ({ ...o, type: 'choice' }) as T & { readonly type: 'choice'; readonly choices: readonly C[] },
  date: <const T extends Spec<DateOption>>(o: T) => ({ ...o, type: 'date' }) as T & { readonly type: 'date' },
  time: <const T extends Spec<TimeOption>>(o: T) => ({ ...o, type: 'time' }) as T & { readonly type: 'time' },
  user: <const T extends Spec<UserOption>>(o: T) => ({ ...o, type: 'user' }) as T & { readonly type: 'user' },
  channel: <const T extends Spec<ChannelOption>>(o: T) => ({ ...o, type: 'channel' }) as T & { readonly type: 'channel' },
  role: <const T extends Spec<RoleOption>>(o: T) => ({ ...o, type: 'role' }) as T & { readonly type: 'role' },
};
