import type { Actor } from './types.js';
import { type Invocation, resolveInvocation } from './dispatcher.js';
import type { Translate } from './i18n.js';
import type { OptionSpec } from './options.js';
import { type CommandRegistry, type Leaf, optionsOf } from './registry.js';
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
  const form = leaf.action.form;
  if (!form) return undefined;
  let specs = Object.entries(optionsOf(leaf.action));
  if (form === true) {
    if (!specs.some(([name, spec]) => spec.required && !given(raw[name]))) return undefined;
  } else {
    // A form of chosen fields (the texts of a feedback): it opens when nothing but the required
    // options was given, and holds those and the chosen ones.
    if (specs.some(([name, spec]) => !spec.required && given(raw[name]))) return undefined;
    specs = specs.filter(([name, spec]) => spec.required || form.fields.includes(name));
  }
  return specs.map(([name, spec]) => (given(raw[name]) ? { name, spec, initial: raw[name] } : { name, spec }));
}

/** An invocation that opens a form: the action, what was given, and the form's fields. */
export interface FormToOpen {
  readonly leaf: Leaf;
  readonly raw: RawOptions;
  readonly fields: readonly FormField[];
}

/**
 * What every adapter asks before running an invocation: should it open a form instead? Yes for
 * an action declared with a form, invoked without all its required options, by an actor who may
 * run the action at all (`mayRun`, the policy's answer for /help). Otherwise undefined and the
 * invocation is dispatched: the dispatcher then answers what it answers a typed command (an
 * invocation that names no action, a missing option, a refusal).
 */
export async function formToOpen(
  registry: CommandRegistry,
  invocation: Invocation,
  actor: Actor,
  mayRun: (leaf: Leaf, actor: Actor) => Promise<boolean>,
): Promise<FormToOpen | undefined> {
  let resolved;
  try {
    resolved = resolveInvocation(registry, invocation);
  } catch {
    return undefined; // the dispatcher answers the same error
  }
  const fields = formFor(resolved.leaf, resolved.raw);
  if (!fields || !(await mayRun(resolved.leaf, actor))) return undefined;
  return { ...resolved, fields };
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
