import { type Block, buttonRows, type Inline, type Message, type TimeStyle } from '../../core/reply.js';
import { fencedChunks, groupWithin, joined, lines, pack, PLATFORM_LIMITS, shorten, type Unit, words } from '../../core/limits.js';
import { wallClock, zoneLabel } from '../../core/zones.js';
import { inlineFileBlocks } from './files.js';

/**
 * Neutral message → Slack `text` (the notification fallback) and Block Kit `blocks`.
 *
 * Safety: everything a member typed is escaped (`&`, `<`, `>`), which makes `<!channel>`,
 * `<!here>`, `<!everyone>`, `<@U…>`, `<!subteam^…>` and `<url|text>` inert: nothing typed can
 * become a mention or a link it was not. Slack's own marks (*bold*, `code`, ```blocks```) are
 * kept, so code still renders as code.
 */
export interface SlackPayload {
  text: string;
  blocks: SlackBlock[];
}

/** `verbatim`: Slack must not turn plain words into links or mentions; only the markup we wrote counts. */
export interface Mrkdwn {
  type: 'mrkdwn';
  text: string;
  verbatim: true;
}

export type SlackBlock =
  | { type: 'section'; text: Mrkdwn; fields?: Mrkdwn[] }
  | { type: 'section'; fields: Mrkdwn[] }
  | { type: 'context'; elements: Mrkdwn[] }
  | { type: 'actions'; elements: SlackButton[] };

export interface SlackButton {
  type: 'button';
  text: { type: 'plain_text'; text: string };
  action_id: string;
  value: string;
  style?: 'primary' | 'danger';
}

/** Block Kit's limits, from the one table. */
export const SLACK_LIMITS = PLATFORM_LIMITS.slack;

/** A button's action id starts with this; its value is the command line it stands for. */
export const ACTION_PREFIX = 'cmd:';
/** A direct message's button: its action id starts with this, and its value is its reference (`Button.ref`, see `DirectButtons`). */
export const REF_ACTION_PREFIX = 'ref:';

export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const dateFormat: Record<Exclude<TimeStyle, 'relative'>, string> = {
  full: '{date_long_pretty} {time}',
  date: '{date_long_pretty}',
  time: '{time}',
};

/**
 * `<!date^unix^format|fallback>`: each reader sees their own local time. The fallback (shown where
 * a client cannot, and in notifications) is the time in the chapter's zone with its name
 * (`2027-03-08 05:00 EST`, `… GMT+1, Lagos`) when the time carries one, else UTC.
 */
export function slackDate(at: Date, style: TimeStyle, timeZone?: string): string {
  const unix = Math.floor(at.getTime() / 1000);
  const fallback = timeZone
    ? `${wallClock(at, timeZone)} ${zoneLabel(at, timeZone, 'en')}`.replace(/[|<>]/g, '')
    : at.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  if (style === 'relative') return `<!date^${unix}^{date_pretty} {time}|${fallback}>`;
  return `<!date^${unix}^${dateFormat[style]}|${fallback}>`;
}

/**
 * Inline parts as units for packing: words of plain text, and markup that stays whole (see
 * `Unit`). Command names in text are written as typed on the workspace (`named`) before the text
 * is measured, so the prefix counts.
 */
function inlineUnits(parts: readonly Inline[], ws: SlackWorkspace): Unit[] {
  const named = ws.named ?? asTyped;
  return parts.flatMap((part): Unit[] => {
    if (typeof part === 'string') return words(named(escapeSlack(part)));
    const inner = (units: Unit[]) => () => ({ sep: '', units });
    switch (part.kind) {
      case 'bold':
        return [{ text: `*${inline(part.children, ws)}*`, split: inner(inlineUnits(part.children, ws)) }];
      case 'italic':
        return [{ text: `_${inline(part.children, ws)}_`, split: inner(inlineUnits(part.children, ws)) }];
      case 'code': {
        const shown = named(escapeSlack(part.text));
        return [{ text: '`' + shown + '`', split: inner(words(shown)) }];
      }
      case 'link':
        return [
          {
            text: `<${part.url.replace(/[|<>\s]/g, encodeURIComponent)}|${inline(part.children, ws).replace(/\|/g, '¦')}>`,
            split: inner(inlineUnits(part.children, ws)),
          },
        ];
      case 'time':
        return [{ text: slackDate(part.at, part.style, part.timeZone) }];
      case 'mention':
        return [{ text: `<@${part.user.id}>` }];
      case 'channel':
        return [{ text: `<#${part.id}>` }];
      case 'message': {
        // The channel, and with the workspace's address a link to the message itself.
        const { channel, messageId } = part.ref;
        return [
          {
            text:
              ws.url && /^\d+\.\d+$/.test(messageId)
                ? `<#${channel}> <${ws.url.replace(/\/?$/, '/')}archives/${channel}/p${messageId.replace('.', '')}|↗>`
                : `<#${channel}>`,
          },
        ];
      }
    }
  });
}

function inline(parts: readonly Inline[], ws: SlackWorkspace): string {
  return inlineUnits(parts, ws)
    .map((u) => u.text)
    .join('');
}

/** A block as one unit, which splits into list items, lines and words (a code block into fenced pieces). */
function blockUnit(b: Block, ws: SlackWorkspace): Unit {
  switch (b.kind) {
    case 'paragraph':
      return joined(lines(inlineUnits(b.children, ws)), '');
    case 'list':
      return joined(
        b.items.map((item) => joined([{ text: '• ' }, ...lines(inlineUnits(item, ws))], '')),
        '\n',
      );
    case 'codeBlock': {
      const code = (ws.named ?? asTyped)(escapeSlack(b.text));
      return { text: '```' + code + '```', split: (max) => ({ sep: '\n', units: fencedChunks(code, '```', '```', max, cutSlack) }) };
    }
  }
}

/** A cut in escaped text: never half a character, nor inside an escape (`&amp;`). */
export const cutSlack = (text: string, max: number): number => {
  let end = Math.min(max, text.length);
  if (end > 1 && /[\uD800-\uDBFF]/.test(text[end - 1]!)) end--;
  const amp = text.lastIndexOf('&', end - 1);
  if (amp > 0 && amp > end - 5 && !text.slice(amp, end).includes(';') && /^&(amp|lt|gt);/.test(text.slice(amp))) end = amp;
  return Math.max(end, 1);
};

const mrkdwn = (text: string): Mrkdwn => ({ type: 'mrkdwn', text, verbatim: true });

/** Writes command names the way members type them on this workspace (see `commandNamer`). */
export type CommandNamer = (text: string) => string;
const asTyped: CommandNamer = (text) => text;

/**
 * With `SLACK_COMMAND_PREFIX` (say `ots-`) the workspace's commands are `/ots-ask`, `/ots-help`:
 * texts that name a command (help, usage lines, hints such as "use /workshop claim id:3") get
 * the prefix, so what members read is what they can type. A name counts only at the start of a
 * word (not inside a URL such as https://example.org/help) and only if it is one of the bot's
 * commands. Button values keep the plain command line: the bot reads them itself.
 */
export function commandNamer(prefix: string, names: readonly string[]): CommandNamer {
  if (!prefix || !names.length) return asTyped;
  const alternatives = [...names].sort((a, b) => b.length - a.length).map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const pattern = new RegExp(`(^|[\\s(\\[“„"'\`*_])/(${alternatives.join('|')})(?![\\w-])`, 'g');
  return (text) => text.replace(pattern, `$1/${prefix}$2`);
}

/** What a message needs to know about the workspace it goes to. */
export interface SlackWorkspace {
  /** Command names as members type them there (`commandNamer`). */
  readonly named?: CommandNamer;
  /** The workspace's address (`https://team.slack.com/`, from `auth.test`), for links to messages. */
  readonly url?: string;
}

/** Sections that show a file: not part of the fallback text. */
const shownFiles = new WeakSet<SlackBlock>();
const shownFile = (b: SlackBlock): SlackBlock => (shownFiles.add(b), b);

/** How much text a block holds, as Slack counts toward `msg_blocks_too_long`. */
function blockText(b: SlackBlock): number {
  switch (b.type) {
    case 'section':
      return ('text' in b ? b.text.text.length : 0) + (b.fields ?? []).reduce((n, f) => n + f.text.length, 0);
    case 'context':
      return b.elements.reduce((n, e) => n + e.text.length, 0);
    case 'actions':
      return b.elements.reduce((n, e) => n + e.text.text.length + e.value.length, 0);
  }
}

/** The fallback `text` of a payload: its sections' texts (or its buttons' labels), within Slack's recommended length. */
function fallbackText(blocks: readonly SlackBlock[]): string {
  const texts = blocks.flatMap((b) =>
    b.type === 'section' && !shownFiles.has(b) ? [...('text' in b ? [b.text.text] : []), ...(b.fields ?? []).map((f) => f.text)] : [],
  );
  const labels = blocks.flatMap((b) => (b.type === 'actions' ? b.elements.map((e) => escapeSlack(e.text.text)) : []));
  // Whole texts while they fit (a section is shorter than the fallback may be), so no markup is cut.
  let text = '';
  for (const t of texts.length ? texts : labels) {
    const next = text ? `${text}\n${t}` : t;
    if (next.length > SLACK_LIMITS.text - 2) return `${text}\n…`;
    text = next;
  }
  return text;
}

/**
 * A message as one or more payloads, each within every limit of `SLACK_LIMITS`: a section per
 * block of the body, a block longer than a section split between list items, lines, then words
 * (never inside markup); a field too long continues in a field of the same name; blocks go
 * together while a message holds them (50 blocks, 12,000 characters). Buttons come last, so on
 * the last payload. Usually there is exactly one payload.
 */
export function renderSlack(m: Message, ws: SlackWorkspace = {}): SlackPayload[] {
  const L = SLACK_LIMITS;
  const named = ws.named ?? asTyped;
  const blocks: SlackBlock[] = [];
  const textSection = (text: string): SlackBlock => ({ type: 'section', text: mrkdwn(text) });
  if (m.title) blocks.push(textSection(`*${shorten(words(named(escapeSlack(m.title))), '', L.sectionText - 2, cutSlack)}*`));
  // A section per block of the body, as many as a long block needs.
  for (const b of m.body) for (const text of pack([blockUnit(b, ws)], '', L.sectionText, cutSlack)) blocks.push(textSection(text));
  const fields: Mrkdwn[] = [];
  for (const f of m.fields ?? []) {
    // A field's name is short (a label); 200 leaves its value nine tenths of the field.
    const header = `*${shorten(words(named(escapeSlack(f.name))), '', 200, cutSlack)}*\n`;
    const values = pack(inlineUnits(f.value, ws), '', L.fieldText - header.length, cutSlack);
    for (const value of values.length ? values : ['']) fields.push(mrkdwn(header + value));
  }
  // Ten fields to a section, and no more text than half a message (ten fields of 2,000 would not fit in one).
  let section: Mrkdwn[] = [];
  for (const f of fields) {
    if (section.length === L.fields || section.reduce((n, g) => n + g.text.length, f.text.length) > L.blocksText / 2) {
      blocks.push({ type: 'section', fields: section });
      section = [];
    }
    section.push(f);
  }
  if (section.length) blocks.push({ type: 'section', fields: section });
  // Files not uploaded (see files.ts): shown inline, as code that can be copied; not part of the fallback text.
  for (const b of inlineFileBlocks(m.attachments ?? [])) blocks.push(shownFile(b));
  // One actions block per row of buttons (a question's answers together), at most 25 buttons each.
  let index = 0;
  for (const group of buttonRows(m.buttons ?? [])) {
    const buttons = group.map((b): SlackButton => ({
      type: 'button',
      text: { type: 'plain_text', text: shorten(words(b.label), '', L.buttonText) },
      action_id: `${b.ref ? REF_ACTION_PREFIX : ACTION_PREFIX}${index++}`,
      value: buttonValue(b.ref ?? b.command),
      ...(b.style === 'primary' || b.style === 'danger' ? { style: b.style } : {}),
    }));
    for (let i = 0; i < buttons.length; i += L.buttonsPerBlock)
      blocks.push({ type: 'actions', elements: buttons.slice(i, i + L.buttonsPerBlock) });
  }
  const groups = groupWithin(blocks, L.blocks, L.blocksText, blockText);
  return groups.map((g) => ({ text: fallbackText(g), blocks: g }));
}

/** A button's value: the command line (or reference) it stands for, which must fit Slack's 2,000 characters. */
function buttonValue(value: string): string {
  if (value.length > SLACK_LIMITS.buttonValue) throw new Error(`button command too long for a Slack button value: ${value.slice(0, 40)}…`);
  return value;
}
