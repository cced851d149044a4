import type { Translate } from './i18n.js';
import type { OptionSpec } from './options.js';
import { type Leaf, optionsOf } from './registry.js';
import { checkOptions, type RawOptions, type RawValue, type Resolvers } from './validate.js';

/** One field of a form generated from an action's declaration, with what was already given. */
export interface FormField {
  readonly name: string;
  readonly spec: OptionSpec;
  readonly initial?: RawValue;
}

const given = (value: RawValue | undefined): boolean => value !== undefined && !(typeof value === 'string' && value.trim() === '');

/**
 * The form to open instead of running the action: for actions declared `form: true` invoked
 * without all their required options (a bare `/ask`, the Answer button). Every option of the
 * action is a field, pre-filled with what was given. Undefined when the action should just run.
 */
export function formFor(leaf: Leaf, raw: RawOptions): FormField[] | undefined {
  if (!leaf.action.form) return undefined;
  const specs = Object.entries(optionsOf(leaf.action));
  if (!specs.some(([name, spec]) => spec.required && !given(raw[name]))) return undefined;
  return specs.map(([name, spec]) => (given(raw[name]) ? { name, spec, initial: raw[name] } : { name, spec }));
}

/**
 * A submitted form checked by the same rules as a typed command: the problems by field
 * (several for one field joined by a line break), empty when the action may run.
 */
export function fieldErrors(leaf: Leaf, raw: RawOptions, t: Translate, resolvers: Resolvers): Record<string, string> {
  const { problems } = checkOptions(optionsOf(leaf.action), raw, { t, command: leaf.path.join(' '), resolvers });
  const errors: Record<string, string> = {};
  for (const p of problems) errors[p.option] = errors[p.option] ? `${errors[p.option]}\n${p.message}` : p.message;
  return errors;
}
