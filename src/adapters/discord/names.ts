// Command names as a Discord member sees them: a German client shows `/workshop übernehmen`, so a
// German text on Discord says `/workshop übernehmen id:3`, not `/workshop claim id:3`.
import type { Responder } from '../../core/dispatcher.js';
import { normaliseLocale } from '../../core/i18n.js';
import type { Inline, Message } from '../../core/reply.js';
import { type CommandRegistry, optionsOf } from '../../core/registry.js';
import { DEFAULT_SUBCOMMAND, DEFAULT_SUBCOMMAND_NAMES } from './commands.js';

/** A message with the command lines in its texts written in the reader's language. */
export type NameCommands = (m: Message) => Message;

const same: NameCommands = (m) => m;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A subcommand or group after the command: one space, the word, and no more of a word. */
const WORD = /([a-z][a-z0-9-]*)(?![\p{L}\p{N}_-])/uy;
/** An option after the path: spaces, `[` if optional, the name and its colon. */
const OPTION = /( +\[?)([a-z][a-z0-9-]*):/y;
/** The option's value, skipped: a `<placeholder with spaces>`, a "quoted value", or up to a space or `]`. */
const VALUE = /<[^>\n]*>|"(?:[^"\\\n]|\\.)*"|[^\s\]]*/y;

const cache = new WeakMap<CommandRegistry, Map<string, (text: string) => string>>();

/**
 * Rewrites `/command subcommand option:` sequences in a text into the names of `locale` (the
 * registry's `localNames`). As Slack's `commandNamer` does for its prefix, a name counts only at
 * the start of a word (not inside an address such as https://example.org/help) and only if it is
 * one of the bot's commands; after the command, only its own subcommands and the options of the
 * action they name are renamed, so prose after a usage line stays as it is. Values are kept (but
 * for a usage line's `<city>` after `city:`).
 * Undefined when the locale has no names of its own and no command needs Discord's `new`.
 */
export function commandRenamer(registry: CommandRegistry, locale: string | null | undefined): ((text: string) => string) | undefined {
  const lang = normaliseLocale(locale);
  // Without names of its own a language still needs Discord's `new` (see below) if a command has one.
  const needsNew = registry.commands.some((c) => c.action && (c.subcommands || c.groups));
  if (!registry.localNames[lang] && !needsNew) return undefined;
  let byLocale = cache.get(registry);
  if (!byLocale) cache.set(registry, (byLocale = new Map()));
  let rename = byLocale.get(lang);
  if (rename) return rename;

  const names = registry.commands.map((c) => c.name).sort((a, b) => b.length - a.length);
  const start = new RegExp(`(^|[\\s(\\[“„"'\`*_])/(${names.map(escape).join('|')})(?![\\p{L}\\p{N}_-])`, 'gu');
  const at = (re: RegExp, text: string, pos: number): RegExpExecArray | null => {
    re.lastIndex = pos;
    return re.exec(text);
  };

  /** The command line starting at `pos` (just after the slash), renamed, and where it ends. */
  const line = (text: string, pos: number, name: string): { text: string; end: number } => {
    const command = registry.commands.find((c) => c.name === name)!;
    const path = [name];
    let out = registry.localName(path, lang);
    pos += name.length;
    // `/workshop claim`, `/mod question hide`: words that name a group or subcommand of what came before.
    let children = [...Object.keys(command.groups ?? {}), ...Object.keys(command.subcommands ?? {})];
    // A command with its own action beside subcommands is `/ask new` on Discord (DEFAULT_SUBCOMMAND):
    // `/ask text:…` elsewhere, so a text naming its own action names `new` too.
    const next = text[pos] === ' ' ? at(WORD, text, pos + 1)?.[1] : undefined;
    if (command.action && children.length && !(next && children.includes(next))) {
      out += ' ' + (DEFAULT_SUBCOMMAND_NAMES[lang] ?? DEFAULT_SUBCOMMAND);
      children = [];
    }
    while (children.length && text[pos] === ' ') {
      const word = at(WORD, text, pos + 1)?.[1];
      if (!word || !children.includes(word)) break;
      path.push(word);
      out += ' ' + registry.localName(path, lang);
      pos += 1 + word.length;
      children = path.length === 2 ? Object.keys(command.groups?.[word]?.subcommands ?? {}) : [];
    }
    const leaf = registry.get(path);
    const options = leaf ? Object.keys(optionsOf(leaf.action)) : [];
    for (;;) {
      const option = options.length ? at(OPTION, text, pos) : null;
      if (!option || !options.includes(option[2]!)) break;
      const local = registry.localOption(option[2]!, lang);
      out += option[1] + local + ':';
      pos += option[0].length;
      const value = at(VALUE, text, pos)![0];
      // A usage line's placeholder that repeats the option's name (`city:<city>`) is a name too.
      out += value === `<${option[2]}>` ? `<${local}>` : value;
      pos += value.length;
      if (text[pos] === ']') {
        out += ']';
        pos += 1;
      }
    }
    return { text: out, end: pos };
  };

  rename = (text) => {
    if (!text.includes('/')) return text;
    let out = '';
    let done = 0;
    for (const m of text.matchAll(start)) {
      const slash = m.index + m[1]!.length;
      if (slash < done) continue; // inside a line already renamed
      const renamed = line(text, slash + 1, m[2]!);
      out += text.slice(done, slash + 1) + renamed.text;
      done = renamed.end;
    }
    return out + text.slice(done);
  };
  byLocale.set(lang, rename);
  return rename;
}

/**
 * The transform of a neutral message for a reader of `locale` on Discord: the strings and code of
 * its title, body and fields name commands as that reader's client shows them. Buttons keep their
 * command lines (the bot reads them back; Discord sends the declared names anyway), as do code
 * blocks (files and exports, which hold what members typed) and links' addresses. A member's own
 * words shown in a message (a question's text) are renamed too where they name a command.
 */
export function commandNamesFor(registry: CommandRegistry, locale: string | null | undefined): NameCommands {
  const rename = commandRenamer(registry, locale);
  if (!rename) return same;
  const inlines = (parts: readonly Inline[]): Inline[] =>
    parts.map((part): Inline => {
      if (typeof part === 'string') return rename(part);
      switch (part.kind) {
        case 'code':
          return { ...part, text: rename(part.text) };
        case 'bold':
        case 'italic':
        case 'link':
          return { ...part, children: inlines(part.children) };
        default:
          return part;
      }
    });
  return (m) => ({
    ...m,
    ...(m.title !== undefined ? { title: rename(m.title) } : {}),
    body: m.body.map((b) => {
      switch (b.kind) {
        case 'paragraph':
          return { ...b, children: inlines(b.children) };
        case 'list':
          return { ...b, items: b.items.map(inlines) };
        case 'codeBlock':
          return b;
      }
    }),
    ...(m.fields ? { fields: m.fields.map((f) => ({ ...f, name: rename(f.name), value: inlines(f.value) })) } : {}),
  });
}

/** A responder whose every message names commands for the interaction's reader (`commandNamesFor`). */
export function namingResponder(responder: Responder, named: NameCommands): Responder {
  if (named === same) return responder;
  return {
    reply: (m) => responder.reply(named(m)),
    defer: (ephemeral) => responder.defer(ephemeral),
    editReply: (m) => responder.editReply(named(m)),
    followUp: (m) => responder.followUp(named(m)),
  };
}
