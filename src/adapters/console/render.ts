import type { Block, Inline, Message, TimeStyle } from '../../core/reply.js';
import { formatTag, zoneLabel } from '../../core/zones.js';

export interface ConsoleRenderOptions {
  readonly locale: string;
  /** Shown when a time carries no zone of its own. */
  readonly timeZone: string;
  readonly now: Date;
}

/**
 * Plain text for a terminal: light markdown-like marks (**bold**, _italic_, `code`), links as
 * `text (url)`, times in the chapter's zone with its abbreviation, buttons as the command
 * line each stands for. Text is printed as typed: a terminal has no mentions to neutralise.
 */
export function renderConsole(m: Message, o: ConsoleRenderOptions): string {
  const lines: string[] = [];
  if (m.title) lines.push(`**${m.title}**`);
  for (const block of m.body) lines.push(renderBlock(block, o));
  for (const field of m.fields ?? []) lines.push(`${field.name}: ${renderInline(field.value, o)}`);
  for (const a of m.attachments ?? []) {
    const size = typeof a.data === 'string' ? Buffer.byteLength(a.data) : a.data.byteLength;
    lines.push(`[attachment: ${a.filename} (${a.contentType}, ${size} bytes)]`);
    if (typeof a.data === 'string' && size <= 8192) lines.push(a.data.replace(/\r\n/g, '\n').trimEnd());
  }
  // A DM's button too (its `ref` is for Discord and Slack): the console member types the line.
  for (const b of m.buttons ?? []) lines.push(`[button: ${b.command}]`);
  return lines.join('\n');
}

function renderBlock(block: Block, o: ConsoleRenderOptions): string {
  switch (block.kind) {
    case 'paragraph':
      return renderInline(block.children, o);
    case 'list':
      return block.items.map((item) => `- ${renderInline(item, o)}`).join('\n');
    case 'codeBlock':
      return '```\n' + block.text + '\n```';
  }
}

function renderInline(parts: readonly Inline[], o: ConsoleRenderOptions): string {
  return parts
    .map((part) => {
      if (typeof part === 'string') return part;
      switch (part.kind) {
        case 'bold':
          return `**${renderInline(part.children, o)}**`;
        case 'italic':
          return `_${renderInline(part.children, o)}_`;
        case 'code':
          return '`' + part.text + '`';
        case 'link': {
          const text = renderInline(part.children, o);
          return text === part.url ? part.url : `${text} (${part.url})`;
        }
        case 'time':
          return formatZoned(part.at, part.style, part.timeZone ?? o.timeZone, o.locale, o.now);
        case 'mention':
          return `@${part.user.name}`;
        case 'channel':
          return `#${part.id}`;
        case 'message':
          return `#${part.ref.channel} msg:${part.ref.messageId}`;
      }
    })
    .join('');
}

/**
 * Formatters by locale, style and zone. Building an Intl formatter costs tens of microseconds
 * and native (ICU) memory that V8's collector does not see, so making one per printed time made
 * `/workshop list` slow and the process grow by megabytes per list (found by `npm run bench`).
 * The keys are few: two locales, four styles, the zones chapters use.
 */
const formatters = new Map<string, Intl.DateTimeFormat | Intl.RelativeTimeFormat>();
function cached<F extends Intl.DateTimeFormat | Intl.RelativeTimeFormat>(key: string, make: () => F): F {
  let f = formatters.get(key) as F | undefined;
  if (!f) formatters.set(key, (f = make()));
  return f;
}

/**
 * A time in a zone with the zone's abbreviation, e.g. `Sun, 29 Mar 2026, 10:00 CEST`; where the
 * reader's language has none, the offset and the zone's city (`So., 14. März 2027, 10:00 GMT-4, New York`).
 */
export function formatZoned(at: Date, style: TimeStyle, timeZone: string, locale: string, now: Date): string {
  const tag = formatTag(locale);
  if (style === 'relative') {
    const seconds = Math.round((at.getTime() - now.getTime()) / 1000);
    const units: [Intl.RelativeTimeFormatUnit, number][] = [
      ['day', 86_400],
      ['hour', 3_600],
      ['minute', 60],
      ['second', 1],
    ];
    const [unit, size] = units.find(([, s]) => Math.abs(seconds) >= s) ?? ['second', 1];
    return cached(`${tag} relative`, () => new Intl.RelativeTimeFormat(tag, { numeric: 'auto' })).format(Math.round(seconds / size), unit);
  }
  const date: Intl.DateTimeFormatOptions = { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' };
  const clock: Intl.DateTimeFormatOptions = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' };
  const options = style === 'date' ? date : style === 'time' ? clock : { ...date, ...clock };
  const f = cached(`${tag} ${style} ${timeZone}`, () => new Intl.DateTimeFormat(tag, { ...options, timeZone }));
  if (style === 'date') return f.format(at);
  return f
    .formatToParts(at)
    .map((part) => (part.type === 'timeZoneName' ? zoneLabel(at, timeZone, locale) : part.value))
    .join('');
}
