import { type Block, buttonRows, type Inline, type Message, type TimeStyle } from '../../core/reply.js';
import { truncate } from '../../core/text.js';

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

/** Discord's limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits). */
export const DISCORD_LIMITS = {
  title: 256,
  description: 4096,
  fieldName: 256,
  fieldValue: 1024,
  fields: 25,
  buttonsPerRow: 5,
  rows: 5,
  label: 80,
  customId: 100,
} as const;

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

function inline(parts: readonly Inline[]): string {
  return parts
    .map((part) => {
      if (typeof part === 'string') return neutraliseDiscord(part);
      switch (part.kind) {
        case 'bold':
          return `**${inline(part.children)}**`;
        case 'italic':
          return `*${inline(part.children)}*`;
        case 'code': {
          const fence = part.text.includes('`') ? '``' : '`';
          return `${fence}${part.text.replace(/@/g, `@${ZWSP}`)}${fence}`;
        }
        case 'link':
          return `[${inline(part.children).replace(/[[\]]/g, '')}](${part.url.replace(/[()\s]/g, encodeURIComponent)})`;
        case 'time':
          return `<t:${Math.floor(part.at.getTime() / 1000)}:${styleCode[part.style]}>`;
        case 'mention':
          return `<@${part.user.id}>`;
        case 'channel':
          return `<#${part.id}>`;
        case 'message':
          // Discord shows its own message links as a jump to the message.
          return `https://discord.com/channels/${part.ref.workspace}/${part.ref.channel}/${part.ref.messageId}`;
      }
    })
    .join('');
}

function block(b: Block): string {
  switch (b.kind) {
    case 'paragraph':
      return inline(b.children);
    case 'list':
      return b.items.map((item) => `- ${inline(item)}`).join('\n');
    case 'codeBlock':
      return '```\n' + neutraliseDiscord(b.text).replace(/```/g, `\`${ZWSP}\`\``) + '\n```';
  }
}

export function renderDiscord(m: Message): DiscordPayload {
  const description = m.body.map(block).join('\n\n');
  const embed: DiscordEmbed = {};
  if (m.title) embed.title = truncate(neutraliseDiscord(m.title), DISCORD_LIMITS.title);
  if (description) embed.description = truncate(description, DISCORD_LIMITS.description);
  if (m.fields?.length) {
    embed.fields = m.fields.slice(0, DISCORD_LIMITS.fields).map((f) => ({
      name: truncate(neutraliseDiscord(f.name), DISCORD_LIMITS.fieldName),
      value: truncate(inline(f.value) || '—', DISCORD_LIMITS.fieldValue),
      ...(f.inline ? { inline: true } : {}),
    }));
  }
  const buttons = (m.buttons ?? []).map((b): DiscordButton => ({
    type: 2,
    style: b.style === 'primary' ? 1 : b.style === 'danger' ? 4 : 2,
    label: truncate(b.label, DISCORD_LIMITS.label),
    custom_id: b.ref ? REF_PREFIX + b.ref : buttonId(b.command),
  }));
  const rows = [];
  let at = 0;
  for (const group of buttonRows(m.buttons ?? [])) {
    const inGroup = buttons.slice(at, at + group.length);
    at += group.length;
    for (let i = 0; i < inGroup.length && rows.length < DISCORD_LIMITS.rows; i += DISCORD_LIMITS.buttonsPerRow) {
      rows.push({ type: 1 as const, components: inGroup.slice(i, i + DISCORD_LIMITS.buttonsPerRow) });
    }
  }
  // Discord notifies only for mentions in `content`, never in embeds: the members a message
  // pings are named there too (and allowed in `allowedMentions.users`).
  const pinged = (m.ping ?? []).map((u) => `<@${u.id}>`).join(' ');
  return {
    ...(pinged ? { content: pinged } : {}),
    embeds: Object.keys(embed).length ? [embed] : [],
    components: rows,
    allowedMentions: { parse: [], users: (m.ping ?? []).map((u) => u.id) },
    files: (m.attachments ?? []).map((a) => ({ attachment: Buffer.from(a.data), name: a.filename, contentType: a.contentType })),
  };
}

/** The custom id for a button: the command line, which must fit Discord's 100 characters. */
export function buttonId(command: string): string {
  const id = BUTTON_PREFIX + command;
  if (id.length > DISCORD_LIMITS.customId) throw new Error(`button command too long for a Discord custom id: ${command.slice(0, 40)}…`);
  return id;
}
