import { ApplicationCommandOptionType, ApplicationCommandType, ChannelType, InteractionContextType, PermissionFlagsBits } from 'discord.js';
import type { AnyAction, CommandDecl } from '../../core/command.js';
import { type Catalogues, defaultCatalogues } from '../../core/i18n.js';
import type { OptionSpec } from '../../core/options.js';
import { type CommandRegistry, optionsOf } from '../../core/registry.js';
import { INTEGER_MAX, INTEGER_MIN } from '../../core/validate.js';
import { truncate } from '../../core/text.js';

/**
 * The application commands Discord shows, generated from the declarations: subcommands and
 * groups, option types, required flags, limits, choices, autocomplete, German descriptions
 * and names (the registry's `localNames`), and Manage Server as the default
 * permission of commands that only moderators can run. Plain JSON, as the bulk-overwrite
 * route takes it, so a snapshot test can keep it honest.
 */
export interface CommandJSON {
  type: ApplicationCommandType.ChatInput;
  name: string;
  description: string;
  name_localizations?: Record<string, string>;
  description_localizations?: Record<string, string>;
  default_member_permissions: string | null;
  contexts: InteractionContextType[];
  options?: OptionJSON[];
}

export interface OptionJSON {
  type: ApplicationCommandOptionType;
  name: string;
  description: string;
  name_localizations?: Record<string, string>;
  description_localizations?: Record<string, string>;
  required?: boolean;
  options?: OptionJSON[];
  choices?: { name: string; value: string }[];
  autocomplete?: boolean;
  min_value?: number;
  max_value?: number;
  min_length?: number;
  max_length?: number;
  channel_types?: ChannelType[];
}

/**
 * Discord cannot give a command both options and subcommands; a command with its own action
 * beside subcommands (`/ask text:...` and `/ask followup ...`) gets it as this subcommand:
 * `/ask new text:...` on Discord is `/ask text:...` everywhere else.
 */
export const DEFAULT_SUBCOMMAND = 'new';

/** `new` in the languages of the registry's local names (a test checks it is unique beside the other subcommands). */
export const DEFAULT_SUBCOMMAND_NAMES: Readonly<Record<string, string>> = { de: 'neu' };

/** Discord's limits for application commands. */
const LIMITS = { description: 100, choices: 25, stringLength: 6000 } as const;

/** Locales Discord knows, for each catalogue other than English (the default). */
const DISCORD_LOCALE: Readonly<Record<string, string>> = { de: 'de' };

type Texts = Readonly<Record<string, string | undefined>>;

export function applicationCommands(registry: CommandRegistry, catalogues: Catalogues = defaultCatalogues): CommandJSON[] {
  const en = catalogues.en as Texts;
  const others = Object.entries(catalogues).filter(([locale]) => locale !== 'en' && DISCORD_LOCALE[locale]) as [string, Texts][];

  const description = (key: string, suffix = ''): Pick<OptionJSON, 'description' | 'description_localizations'> => {
    const localised: Record<string, string> = {};
    for (const [locale, texts] of others) {
      const text = texts[key];
      if (text && text !== en[key]) localised[DISCORD_LOCALE[locale]!] = truncate(text + suffix, LIMITS.description);
    }
    return {
      description: truncate((en[key] ?? key) + suffix, LIMITS.description),
      ...(Object.keys(localised).length ? { description_localizations: localised } : {}),
    };
  };
  // Names: the registry's, checked at start-up (every command, subcommand and option has one).
  const localised = (name: (locale: string) => string | undefined): Pick<OptionJSON, 'name_localizations'> => {
    const found: Record<string, string> = {};
    for (const locale of Object.keys(registry.localNames)) {
      const local = DISCORD_LOCALE[locale] && name(locale);
      if (local) found[DISCORD_LOCALE[locale]!] = local;
    }
    return Object.keys(found).length ? { name_localizations: found } : {};
  };
  const names = (path: readonly string[]) => localised((locale) => registry.localName(path, locale));
  const optionNames = (name: string) => localised((locale) => registry.localOption(name, locale));

  const option = (name: string, spec: OptionSpec): OptionJSON => {
    const base = { name, ...optionNames(name), ...(spec.required ? { required: true } : {}) };
    const completes = spec.autocomplete !== undefined ? { autocomplete: true } : {};
    switch (spec.type) {
      case 'string':
      case 'text':
        return {
          type: ApplicationCommandOptionType.String,
          ...base,
          ...description(spec.description),
          ...(spec.minLength !== undefined ? { min_length: spec.minLength } : {}),
          max_length: Math.min(spec.maxLength ?? LIMITS.stringLength, LIMITS.stringLength),
          ...completes,
        };
      case 'integer':
        return {
          type: ApplicationCommandOptionType.Integer,
          ...base,
          ...description(spec.description),
          // Without a declared limit, the range of the INTEGER columns (as the core checks): Discord
          // then refuses larger numbers in the member's client, before they reach the bot.
          min_value: spec.min ?? INTEGER_MIN,
          max_value: spec.max ?? INTEGER_MAX,
          ...completes,
        };
      case 'boolean':
        return { type: ApplicationCommandOptionType.Boolean, ...base, ...description(spec.description) };
      case 'choice':
        // More choices than Discord shows: a plain string, validated by the dispatcher.
        return spec.choices.length <= LIMITS.choices
          ? {
              type: ApplicationCommandOptionType.String,
              ...base,
              ...description(spec.description),
              choices: spec.choices.map((c) => ({ name: c, value: c })),
            }
          : { type: ApplicationCommandOptionType.String, ...base, ...description(spec.description) };
      case 'date':
        return {
          type: ApplicationCommandOptionType.String,
          ...base,
          ...description(spec.description, ' (YYYY-MM-DD)'),
          min_length: 10,
          max_length: 10,
          ...completes,
        };
      case 'time':
        return {
          type: ApplicationCommandOptionType.String,
          ...base,
          ...description(spec.description, ' (HH:MM)'),
          min_length: 4,
          max_length: 5,
          ...completes,
        };
      case 'user':
        return { type: ApplicationCommandOptionType.User, ...base, ...description(spec.description) };
      case 'channel':
        return {
          type: ApplicationCommandOptionType.Channel,
          ...base,
          ...description(spec.description),
          channel_types: [ChannelType.GuildText, ChannelType.GuildAnnouncement],
        };
      case 'role':
        return { type: ApplicationCommandOptionType.Role, ...base, ...description(spec.description) };
    }
  };
  const optionsFor = (a: AnyAction): OptionJSON[] => Object.entries(optionsOf(a)).map(([name, spec]) => option(name, spec));
  const sub = (path: readonly string[], a: AnyAction, fallback: string, localNames = names(path)): OptionJSON => {
    const opts = optionsFor(a);
    return {
      type: ApplicationCommandOptionType.Subcommand,
      name: path.at(-1)!,
      ...localNames,
      ...description(a.description ?? fallback),
      ...(opts.length ? { options: opts } : {}),
    };
  };

  return registry.commands.map((c: CommandDecl): CommandJSON => {
    const moderatorsOnly = registry.leaves.filter((l) => l.command === c).every((l) => l.permission === 'moderator');
    let options: OptionJSON[];
    const hasChildren = Object.keys(c.subcommands ?? {}).length > 0 || Object.keys(c.groups ?? {}).length > 0;
    if (c.action && !hasChildren) {
      options = optionsFor(c.action);
    } else {
      options = [
        ...(c.action
          ? [
              sub(
                [c.name, DEFAULT_SUBCOMMAND],
                c.action,
                c.description,
                localised((locale) => DEFAULT_SUBCOMMAND_NAMES[locale]),
              ),
            ]
          : []),
        ...Object.entries(c.subcommands ?? {}).map(([name, a]) => sub([c.name, name], a, c.description)),
        ...Object.entries(c.groups ?? {}).map(([group, g]): OptionJSON => ({
          type: ApplicationCommandOptionType.SubcommandGroup,
          name: group,
          ...names([c.name, group]),
          ...description(g.description),
          options: Object.entries(g.subcommands).map(([name, a]) => sub([c.name, group, name], a, g.description)),
        })),
      ];
    }
    return {
      type: ApplicationCommandType.ChatInput,
      name: c.name,
      ...names([c.name]),
      ...description(c.description),
      default_member_permissions: moderatorsOnly ? String(PermissionFlagsBits.ManageGuild) : null,
      contexts: [InteractionContextType.Guild],
      ...(options.length ? { options } : {}),
    };
  });
}

export interface CommandChanges {
  readonly added: string[];
  readonly changed: string[];
  readonly removed: string[];
  readonly unchanged: string[];
}

/**
 * What a bulk overwrite changes, compared with what Discord has now. Only the fields we set
 * count: Discord adds ids, versions and defaults (`required: false`, empty localisations).
 */
export function commandChanges(existing: readonly Record<string, unknown>[], wanted: readonly CommandJSON[]): CommandChanges {
  const before = new Map(existing.map((c) => [String(c.name), c]));
  const changes: CommandChanges = { added: [], changed: [], removed: [], unchanged: [] };
  for (const w of wanted) {
    const old = before.get(w.name);
    if (!old) changes.added.push(w.name);
    else if (!sameAs(old, w as unknown as Record<string, unknown>)) changes.changed.push(w.name);
    else changes.unchanged.push(w.name);
  }
  for (const name of before.keys()) if (!wanted.some((w) => w.name === name)) changes.removed.push(name);
  return changes;
}

function sameAs(old: Record<string, unknown>, wanted: Record<string, unknown>): boolean {
  const picked = Object.fromEntries(Object.keys(wanted).map((k) => [k, old[k]]));
  return JSON.stringify(normalise(picked)) === JSON.stringify(normalise(wanted));
}

/** Drops what Discord treats as absent (null, false, empty lists and maps) and sorts keys. */
function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.length ? value.map(normalise) : undefined;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .map(([k, v]) => [k, normalise(v)] as const)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b));
    return entries.length ? Object.fromEntries(entries) : undefined;
  }
  return value === null || value === false ? undefined : value;
}
