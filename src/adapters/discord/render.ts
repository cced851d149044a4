import { type Block, buttonRows, type Inline, type Message, type TimeStyle } from '../../core/reply.js';
import { fencedChunks, groupWithin, joined, lines, pack, PLATFORM_LIMITS, shorten, type Unit, words } from '../../core/limits.js';

/**
 * Neutral message → discord.js message options (embeds, components, allowed mentions), as plain
 * JSON so it needs nothing of discord.js and can be tested on its own.
 *
 * Safety: everything a member typed is rendered with mentions neutralised (`@everyone`,
 * `@here`, `<@id>`, `<@!id>`, `<@&id>`, `<#id>`) and masked links broken, and
 * `allowedMentions.parse` is always empty: only members a message lists in `ping` are pinged.
 * Markdown is otherwise kept, so a learner's code blocks still render as code.
 */
export interface DiscordPayload {
  content?: string;
  embeds: DiscordEmbed[];
  components: { type: 1; components: DiscordButton[] }[];
  allowedMentions: { parse: []; users: string[] };
  files: { attachment: Buffer; name: string; contentType: string }[];
}

export interface DiscordEmbed {
  title?: string;
  description?: string;
  fields?: { name: string; value: string; inline?: boolean }[];
}

export interface DiscordButton {
  type: 2;
  style: 1 | 2 | 4;
  label: string;
  custom_id: string;
}

/** Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits), from the one table. */
export const DISCORD_LIMITS = PLATFORM_LIMITS.discord;

/** A button's custom id carries the command line it stands for, behind this prefix. */
export const BUTTON_PREFIX = 'cmd:';
/** A direct message's button carries only its reference (`Button.ref`, see `DirectButtons`), behind this prefix. */
export const REF_PREFIX = 'ref:';

const ZWSP = '\u200b';

/** Makes member-typed text inert: no mention, no role or channel ping, no masked link. */
export function neutraliseDiscord(text: string): string {
  return text
    .replace(/@(everyone|here)/gi, `@${ZWSP}$1`)
    .replace(/<(@[!&]?|#)(\d+)>/g, `<${ZWSP}$1$2>`)
    .replace(/\]\(/g, `]${ZWSP}(`);
}

const styleCode: Record<TimeStyle, string> = { full: 'F', date: 'D', time: 't', relative: 'R' };

/** Inline parts as units for packing: words of plain text, and markup that stays whole (see `Unit`). */
function inlineUnits(parts: readonly Inline[]): Unit[] {
  return parts.flatMap((part): Unit[] => {
    if (typeof part === 'string') return words(neutraliseDiscord(part));
    const inner = (units: Unit[]) => () => ({ sep: '', units });
    switch (part.kind) {
      case 'bold':
        return [{ text: `**${inline(part.children)}**`, split: inner(inlineUnits(part.children)) }];
      case 'italic':
        return [{ text: `*${inline(part.children)}*`, split: inner(inlineUnits(part.children)) }];
      case 'code': {
        const fence = part.text.includes('`') ? '``' : '`';
        const shown = part.text.replace(/@/g, `@${ZWSP}`);
        return [{ text: `${fence}${shown}${fence}`, split: inner(words(shown)) }];
      }
      case 'link':
        return [
          {
            text: `[${inline(part.children).replace(/[[\]]/g, '')}](${part.url.replace(/[()\s]/g, encodeURIComponent)})`,
            split: inner(inlineUnits(part.children)),
          },
        ];
      case 'time':
        return [{ text: `<t:${Math.floor(part.at.getTime() / 1000)}:${styleCode[part.style]}>` }];
      case 'mention':
        return [{ text: `<@${part.user.id}>` }];
      case 'channel':
        return [{ text: `<#${part.id}>` }];
      case 'message':
        // Discord shows its own message links as a jump to the message.
        return [{ text: `https://discord.com/channels/${part.ref.workspace}/${part.ref.channel}/${part.ref.messageId}` }];
    }
  });
}

function inline(parts: readonly Inline[]): string {
  return inlineUnits(parts)
    .map((u) => u.text)
    .join('');
}

const CODE_OPEN = '```\n';
const CODE_CLOSE = '\n```';

/** A block as one unit, which splits into list items, lines and words (a code block into fenced pieces). */
function blockUnit(b: Block): Unit {
  switch (b.kind) {
    case 'paragraph':
      return joined(lines(inlineUnits(b.children)), '');
    case 'list':
      return joined(
        b.items.map((item) => joined([{ text: '- ' }, ...lines(inlineUnits(item))], '')),
        '\n',
      );
    case 'codeBlock': {
      const code = neutraliseDiscord(b.text).replace(/```/g, `\`${ZWSP}\`\``);
      return {
        text: CODE_OPEN + code + CODE_CLOSE,
        split: (max) => ({ sep: '\n', units: fencedChunks(code, CODE_OPEN, CODE_CLOSE, max, cutDiscord) }),
      };
    }
  }
}

/** A cut in neutralised text: never half a character, nor between a zero-width space and what it guards. */
const cutDiscord = (text: string, max: number): number => {
  let end = Math.min(max, text.length);
  if (end > 1 && /[\uD800-\uDBFF]/.test(text[end - 1]!)) end--;
  if (end > 1 && text[end - 1] === ZWSP) end--;
  return Math.max(end, 1);
};

const embedSize = (e: DiscordEmbed): number =>
  (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);

/**
 * A message as one or more payloads, each within every limit of `DISCORD_LIMITS`: the body is
 * split between blocks, list items, lines, then words (never inside markup) into embeds of at
 * most 4,096 characters, the title on the first; a field too long continues in a field of the
 * same name; embeds go together while a message holds them (10, 6,000 characters). Pings go in
 * the first payloads' content, files on the first, buttons on the last (more than five rows on
 * payloads after it). Usually there is exactly one payload.
 */
export function renderDiscord(m: Message): DiscordPayload[] {
  const L = DISCORD_LIMITS;
  const embeds: DiscordEmbed[] = [];
  const title = m.title ? shorten(words(neutraliseDiscord(m.title)), '', L.title, cutDiscord) : undefined;
  const description = pack(m.body.map(blockUnit), '\n\n', L.description, cutDiscord);
  if (title && !description.length) embeds.push({ title });
  description.forEach((d, i) => embeds.push({ ...(i === 0 && title ? { title } : {}), description: d }));
  for (const f of m.fields ?? []) {
    const name = shorten(words(neutraliseDiscord(f.name)), '', L.fieldName, cutDiscord) || '—';
    const values = pack(inlineUnits(f.value), '', L.fieldValue, cutDiscord);
    for (const value of values.length ? values : ['—']) {
      const field = { name, value, ...(f.inline ? { inline: true } : {}) };
      const last = embeds.at(-1);
      if (last && (last.fields?.length ?? 0) < L.fields && embedSize(last) + name.length + value.length <= L.embedTotal)
        (last.fields ??= []).push(field);
      else embeds.push({ fields: [field] });
    }
  }
  const groups = groupWithin(embeds, L.embeds, L.embedTotal, embedSize);
  // Discord notifies only for mentions in `content`, never in embeds: the members a message
  // pings are named there too (and allowed in `allowedMentions.users`).
  const pinged = [...new Set((m.ping ?? []).map((u) => u.id))];
  // `<@id>` and a space each; the last needs no space, hence one more than the content's limit.
  const contents = groupWithin(pinged, L.allowedUsers, L.content + 1, (id) => `<@${id}> `.length);
  const rows = buttonRowsOf(m);
  const rowGroups: (typeof rows)[] = [];
  for (let i = 0; i < rows.length; i += L.rows) rowGroups.push(rows.slice(i, i + L.rows));
  const count = Math.max(1, groups.length, contents.length);
  const payloads: DiscordPayload[] = [];
  for (let i = 0; i < count + Math.max(0, rowGroups.length - 1); i++) {
    const users = contents[i] ?? [];
    payloads.push({
      ...(users.length ? { content: users.map((u) => `<@${u}>`).join(' ') } : {}),
      embeds: groups[i] ?? [],
      components: i >= count - 1 ? (rowGroups[i - (count - 1)] ?? []) : [],
      allowedMentions: { parse: [], users },
      files:
        i === 0
          ? (m.attachments ?? []).map((a) => ({ attachment: Buffer.from(a.data), name: a.filename, contentType: a.contentType }))
          : [],
    });
  }
  return payloads;
}

/** The message's buttons in action rows: a group of buttons (`Button.row`) fills rows of five. */
function buttonRowsOf(m: Message): { type: 1; components: DiscordButton[] }[] {
  const rows = [];
  for (const group of buttonRows(m.buttons ?? [])) {
    const buttons = group.map((b): DiscordButton => ({
      type: 2,
      style: b.style === 'primary' ? 1 : b.style === 'danger' ? 4 : 2,
      label: shorten(words(b.label), '', DISCORD_LIMITS.label),
      custom_id: b.ref ? REF_PREFIX + b.ref : buttonId(b.command),
    }));
    for (let i = 0; i < buttons.length; i += DISCORD_LIMITS.buttonsPerRow)
      rows.push({ type: 1 as const, components: buttons.slice(i, i + DISCORD_LIMITS.buttonsPerRow) });
  }
  return rows;
}

/** The custom id for a button: the command line, which must fit Discord's 100 characters. */
export function buttonId(command: string): string {
  const id = BUTTON_PREFIX + command;
  if (id.length > DISCORD_LIMITS.customId) throw new Error(`button command too long for a Discord custom id: ${command.slice(0, 40)}…`);
  return id;
}
