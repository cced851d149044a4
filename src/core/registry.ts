import type { CommandNames } from '../i18n/command-names.js';
import { de } from '../i18n/de.js';
import { en } from '../i18n/en.js';
import { type AnyAction, type Area, AREAS, type CommandDecl, type Permission, type Target, TARGET_KINDS } from './command.js';
import { type PhraseParam, say, UserError } from './errors.js';
import type { MessageKey, Translate } from './i18n.js';
import type { OptionSpec } from './options.js';

/** One runnable action with the words that reach it (`['chapter', 'create']`). */
export interface Leaf {
  readonly path: readonly string[];
  readonly command: CommandDecl;
  readonly action: AnyAction;
  readonly description: keyof typeof en;
  readonly permission: Permission;
  /** What the action acts on (see `ActionDecl.target`), as a list. */
  readonly targets: readonly Target[];
  /** Where /help lists it: the action's area, else its command's. */
  readonly area: Area;
}

/** The declared options of an action, whatever its inferred type. */
export function optionsOf(a: AnyAction): Readonly<Record<string, OptionSpec>> {
  return (a?.options ?? {}) as Readonly<Record<string, OptionSpec>>;
}

/** Discord's rule for command, subcommand and option names; the strictest platform decides. */
const NAME = /^[a-z][a-z0-9-]{0,31}$/;

/**
 * Discord's documented pattern for names, which localised names follow too; and it wants the
 * lower-case form of every letter that has one (checked apart: `ü`, not `Ü`).
 */
const LOCAL_NAME = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;

/** Localised names by locale (`commandNames` of `src/i18n/command-names.ts`). */
export type LocalNames = Readonly<Record<string, CommandNames>>;

/** The commands, checked once at start-up; how adapters find an action from the words typed. */
export class CommandRegistry {
  private readonly usages = new WeakMap<Leaf, PhraseParam>();
  readonly commands: readonly CommandDecl[];
  readonly leaves: readonly Leaf[];
  private readonly byPath = new Map<string, Leaf>();

  /**
   * `localNames`: the commands' names in other languages, which Discord shows and its texts use
   * (start-up passes `commandNames`). Each is checked like the declarations. Without them (tests
   * with made-up commands) every platform and language shows the declared names.
   */
  constructor(
    commands: readonly CommandDecl[],
    readonly localNames: LocalNames = {},
  ) {
    const problems = checkDeclarations(commands, localNames);
    if (problems.length) throw new Error(`Invalid command declarations:\n- ${problems.join('\n- ')}`);
    this.commands = commands;
    this.leaves = commands.flatMap(leavesOf);
    for (const leaf of this.leaves) this.byPath.set(leaf.path.join(' '), leaf);
  }

  get(path: readonly string[]): Leaf | undefined {
    return this.byPath.get(path.join(' '));
  }

  /** The name of a command, group or subcommand (`['workshop', 'claim']`) in `locale`; the declared one if it has none. */
  localName(path: readonly string[], locale: string): string {
    return this.localNames[locale]?.paths[path.join(' ')] ?? path.at(-1)!;
  }

  /** An option's name in `locale`; the declared one if it has none. */
  localOption(name: string, locale: string): string {
    return this.localNames[locale]?.options[name] ?? name;
  }

  /**
   * Finds the action named by the first words of a command line. Returns it with the number
   * of words used; an unknown command or subcommand is a UserError listing what exists.
   */
  resolve(words: readonly string[]): { leaf: Leaf; used: number } {
    const [first = ''] = words;
    const name = first.replace(/^\//, '').toLowerCase();
    const command = this.commands.find((c) => c.name === name);
    if (!command) throw new UserError('error.unknown_command', { command: name });
    const next = words[1]?.toLowerCase();
    const children = [...Object.keys(command.groups ?? {}), ...Object.keys(command.subcommands ?? {})];
    // The command's own action, unless the next word names a subcommand or group.
    if (command.action && (next === undefined || !children.includes(next))) return { leaf: this.byPath.get(name)!, used: 1 };
    const example = this.leaves.find((l) => l.command === command)!;
    if (next === undefined) {
      throw new UserError('error.missing_subcommand', { command: name, choices: children.join(', '), usage: this.usagePhrase(example) });
    }
    const group = command.groups?.[next];
    if (group) {
      const sub = words[2]?.toLowerCase();
      const subs = Object.keys(group.subcommands);
      if (sub === undefined || !(sub in group.subcommands)) {
        throw new UserError(sub === undefined ? 'error.missing_subcommand' : 'error.unknown_subcommand', {
          command: `${name} ${next}`,
          given: sub ?? '',
          choices: subs.join(', '),
          usage: `/${name} ${next} ${subs[0]}`,
        });
      }
      return { leaf: this.byPath.get(`${name} ${next} ${sub}`)!, used: 3 };
    }
    if (command.subcommands && next in command.subcommands) return { leaf: this.byPath.get(`${name} ${next}`)!, used: 2 };
    throw new UserError('error.unknown_subcommand', { command: name, given: next, choices: children.join(', ') });
  }

  /** `/chapter create name:<name> timezone:<IANA zone> [city:<city>]` */
  usage(leaf: Leaf, t: Translate): string {
    return say(t, this.usagePhrase(leaf));
  }

  /** The usage line as a phrase parameter: its placeholders are said in the reader's locale. Made once per action (every dispatch asks). */
  usagePhrase(leaf: Leaf): PhraseParam {
    let phrase = this.usages.get(leaf);
    if (!phrase) this.usages.set(leaf, (phrase = usagePhraseOf(leaf)));
    return phrase;
  }
}

/** `/chapter create name:<name> timezone:<IANA zone> [city:<city>]`, its placeholders as phrases. */
function usagePhraseOf(leaf: Leaf): PhraseParam {
  const parts = Object.entries(optionsOf(leaf.action)).map(([name, spec]): PhraseParam => {
    const shown = [`${name}:<`, placeholder(name, spec), '>'];
    return spec.required ? shown : ['[', shown, ']'];
  });
  return ['/' + leaf.path.join(' '), ...parts.flatMap((part) => [' ', part])];
}

/**
 * What the usage line shows between `<` and `>`, in the reader's language: the option's own
 * placeholder, else `placeholder.option.<name>` for a text option (`reason:<Grund>`), else a word for
 * its type. Values typed as they are (`true|false`, choices, ranges) are not translated.
 */
function placeholder(name: string, spec: OptionSpec): PhraseParam {
  if (spec.placeholder) return { key: spec.placeholder };
  switch (spec.type) {
    case 'string':
    case 'text': {
      const key = `placeholder.option.${name}`;
      // An option without a text of its own shows its name; test/core/registry.test.ts asks for a text.
      return key in en ? { key: key as MessageKey } : name;
    }
    case 'integer':
      return spec.min !== undefined && spec.max !== undefined ? `${spec.min}-${spec.max}` : { key: 'placeholder.number' };
    case 'boolean':
      return 'true|false';
    case 'choice':
      return spec.choices.join('|');
    case 'date':
      return { key: 'placeholder.date' };
    case 'time':
      return 'HH:MM';
    case 'user':
      return { key: 'placeholder.member' };
    case 'channel':
      return { key: 'placeholder.channel' };
    case 'role':
      return { key: 'placeholder.role' };
  }
}

function leavesOf(command: CommandDecl): Leaf[] {
  const leaf = (path: string[], action: AnyAction): Leaf => ({
    path,
    command,
    action,
    description: action.description ?? command.description,
    permission: action.permission ?? 'member',
    targets: targetsOf(action),
    area: action.area ?? command.area ?? 'general',
  });
  return [
    ...(command.action ? [leaf([command.name], command.action)] : []),
    ...Object.entries(command.subcommands ?? {}).map(([sub, a]) => leaf([command.name, sub], a)),
    ...Object.entries(command.groups ?? {}).flatMap(([group, g]) =>
      Object.entries(g.subcommands).map(([sub, a]) => leaf([command.name, group, sub], a)),
    ),
  ];
}

/** An action's targets as a list. */
export function targetsOf(a: AnyAction): readonly Target[] {
  const t = a?.target;
  return t === undefined ? [] : Array.isArray(t) ? t : [t as Target];
}

/** Everything a platform would reject, or the bot could not show, caught before any adapter starts. */
export function checkDeclarations(commands: readonly CommandDecl[], localNames: LocalNames = {}): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  // Discord refuses descriptions over 100 characters, in any language.
  const known = (key: unknown): boolean => {
    if (typeof key !== 'string' || !(key in en)) return false;
    const long = [en, de].find((texts) => texts[key as keyof typeof en].length > 100);
    if (long) problems.push(`description ${key} is over 100 characters in ${long === en ? 'English' : 'German'}`);
    return true;
  };

  const checkAction = (where: string, a: AnyAction, needsDescription: boolean): void => {
    if (typeof a?.execute !== 'function') problems.push(`${where}: no execute function`);
    if (needsDescription && !known(a?.description)) problems.push(`${where}: description must be a catalogue key`);
    if (a?.description !== undefined && !known(a.description)) problems.push(`${where}: unknown description key ${String(a.description)}`);
    // Every right is a relation to a chapter: a moderator action must say what it acts on, so the
    // policy can find that chapter (the permission-matrix test covers every target declared).
    const targets = targetsOf(a);
    if (a?.area !== undefined && !AREAS.includes(a.area)) problems.push(`${where}: unknown area ${String(a.area)}`);
    if (a?.permission === 'moderator' && !targets.length) problems.push(`${where}: a moderator action needs a target`);
    for (const target of targets) {
      if (target.kind === 'here' || target.kind === 'workspace') continue;
      if (!TARGET_KINDS.includes(target.kind)) problems.push(`${where}: unknown target kind ${String(target.kind)}`);
      const spec = optionsOf(a)[target.option];
      const wanted = target.kind === 'chapter' ? 'string' : 'integer';
      if (!spec) problems.push(`${where}: target option ${target.option} is not declared`);
      else if (spec.type !== wanted) problems.push(`${where}: target option ${target.option} must be a ${wanted} option`);
    }
    let optionalSeen = false;
    for (const [name, spec] of Object.entries(optionsOf(a))) {
      const at = `${where} option ${name}`;
      if (!NAME.test(name)) problems.push(`${at}: name must be lowercase letters, digits and dashes`);
      if (!known(spec.description)) problems.push(`${at}: description must be a catalogue key`);
      if (spec.placeholder !== undefined && !known(spec.placeholder)) problems.push(`${at}: unknown placeholder key`);
      if (spec.required && optionalSeen) problems.push(`${at}: required options must come before optional ones`);
      if (!spec.required) optionalSeen = true;
      if (spec.type === 'choice' && spec.choices.length === 0) problems.push(`${at}: no choices`);
      if ((spec.type === 'string' || spec.type === 'text') && (spec.minLength ?? 0) > (spec.maxLength ?? Infinity))
        problems.push(`${at}: minLength > maxLength`);
      if (spec.type === 'integer' && (spec.min ?? -Infinity) > (spec.max ?? Infinity)) problems.push(`${at}: min > max`);
    }
  };

  for (const c of commands) {
    const where = `/${String(c?.name)}`;
    if (typeof c?.name !== 'string' || !NAME.test(c.name)) problems.push(`${where}: name must be lowercase letters, digits and dashes`);
    if (seen.has(c?.name)) problems.push(`${where}: declared twice`);
    seen.add(c?.name);
    if (!known(c?.description)) problems.push(`${where}: description must be a catalogue key`);
    if (c?.area !== undefined && !AREAS.includes(c.area)) problems.push(`${where}: unknown area ${String(c.area)}`);
    if (c.action) checkAction(where, c.action, false);
    const subs = Object.entries(c.subcommands ?? {});
    const groups = Object.entries(c.groups ?? {});
    if (!c.action && !subs.length && !groups.length) problems.push(`${where}: has neither an action nor subcommands`);
    for (const [name, a] of subs) {
      if (!NAME.test(name)) problems.push(`${where} ${name}: bad subcommand name`);
      if (c.groups && name in c.groups) problems.push(`${where} ${name}: both a group and a subcommand`);
      checkAction(`${where} ${name}`, a, true);
    }
    for (const [name, g] of groups) {
      if (!NAME.test(name)) problems.push(`${where} ${name}: bad group name`);
      if (!known(g.description)) problems.push(`${where} ${name}: description must be a catalogue key`);
      const inner = Object.entries(g.subcommands);
      if (!inner.length) problems.push(`${where} ${name}: empty group`);
      for (const [sub, a] of inner) checkAction(`${where} ${name} ${sub}`, a, true);
    }
  }
  for (const [locale, names] of Object.entries(localNames)) problems.push(...checkLocalNames(commands, locale, names));
  return problems;
}

/**
 * Every command, group, subcommand and option has a name in `locale` that Discord accepts, no two
 * siblings (commands; a command's groups and subcommands; a group's subcommands; an action's
 * options) share one, and the table names nothing that is not declared.
 */
function checkLocalNames(commands: readonly CommandDecl[], locale: string, names: CommandNames): string[] {
  const problems: string[] = [];
  const usedPaths = new Set<string>();
  const usedOptions = new Set<string>();
  const siblings = (where: string, declared: readonly string[], kind: 'paths' | 'options', prefix = ''): void => {
    const byName = new Map<string, string>();
    for (const name of declared) {
      const key = kind === 'paths' ? `${prefix}${name}` : name;
      (kind === 'paths' ? usedPaths : usedOptions).add(key);
      const local = names[kind][key];
      const at = kind === 'paths' ? `/${key}` : `${where} option ${name}`;
      if (local === undefined) {
        problems.push(`${at}: no ${locale} name (src/i18n/command-names.ts)`);
        continue;
      }
      if (!LOCAL_NAME.test(local) || local !== local.toLowerCase())
        problems.push(`${at}: ${locale} name “${local}” is not one Discord accepts (lower case, letters, digits, - _ ', 1-32)`);
      const twin = byName.get(local);
      if (twin !== undefined) problems.push(`${at}: ${locale} name “${local}” is also the name of ${twin}${where ? ` in ${where}` : ''}`);
      byName.set(local, name);
    }
  };
  const actionOptions = (where: string, a: AnyAction): void => siblings(where, Object.keys(optionsOf(a)), 'options');
  siblings(
    '',
    commands.map((c) => String(c?.name)),
    'paths',
  );
  for (const c of commands) {
    const where = `/${String(c?.name)}`;
    const groups = Object.entries(c?.groups ?? {});
    const subs = Object.entries(c?.subcommands ?? {});
    siblings(where, [...groups.map(([g]) => g), ...subs.map(([s]) => s)], 'paths', `${c.name} `);
    if (c.action) actionOptions(where, c.action);
    for (const [sub, a] of subs) actionOptions(`${where} ${sub}`, a);
    for (const [group, g] of groups) {
      siblings(`${where} ${group}`, Object.keys(g.subcommands), 'paths', `${c.name} ${group} `);
      for (const [sub, a] of Object.entries(g.subcommands)) actionOptions(`${where} ${group} ${sub}`, a);
    }
  }
  for (const path of Object.keys(names.paths)) if (!usedPaths.has(path)) problems.push(`${locale} name of /${path}: no such command`);
  for (const option of Object.keys(names.options))
    if (!usedOptions.has(option)) problems.push(`${locale} name of option ${option}: no command has it`);
  return problems;
}
