import { type Block, buttonRows, type Inline, type Message, type TimeStyle } from '../../core/reply.js';
import { truncate } from '../../core/text.js';
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

/** Block Kit's limits. */
export const SLACK_LIMITS = {
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  buttons: 25,
  buttonText: 75,
  buttonValue: 2000,
  text: 40000,
} as const;

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

/** `<!date^unix^format|fallback>`: each reader sees their own local time; the fallback is UTC. */
export function slackDate(at: Date, style: TimeStyle): string {
  const unix = Math.floor(at.getTime() / 1000);
  const fallback = at.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
  if (style === 'relative') return `<!date^${unix}^{date_pretty} {time}|${fallback}>`;
  return `<!date^${unix}^${dateFormat[style]}|${fallback}>`;
}

function inline(parts: readonly Inline[], ws: SlackWorkspace): string {
  return parts
    .map((part) => {
      if (typeof part === 'string') return escapeSlack(part);
      switch (part.kind) {
        case 'bold':
          return `*${inline(part.children, ws)}*`;
        case 'italic':
          return `_${inline(part.children, ws)}_`;
        case 'code':
          return '`' + escapeSlack(part.text) + '`';
        case 'link':
          return `<${part.url.replace(/[|<>\s]/g, encodeURIComponent)}|${inline(part.children, ws).replace(/\|/g, '¦')}>`;
        case 'time':
          return slackDate(part.at, part.style);
        case 'mention':
          return `<@${part.user.id}>`;
        case 'channel':
          return `<#${part.id}>`;
        case 'message': {
          // The channel, and with the workspace's address a link to the message itself.
          const { channel, messageId } = part.ref;
          return ws.url && /^\d+\.\d+$/.test(messageId)
            ? `<#${channel}> <${ws.url.replace(/\/?$/, '/')}archives/${channel}/p${messageId.replace('.', '')}|↗>`
            : `<#${channel}>`;
        }
      }
    })
    .join('');
}

function block(b: Block, ws: SlackWorkspace): string {
  switch (b.kind) {
    case 'paragraph':
      return inline(b.children, ws);
    case 'list':
      return b.items.map((item) => `• ${inline(item, ws)}`).join('\n');
    case 'codeBlock':
      return '```' + escapeSlack(b.text) + '```';
  }
}

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

export function renderSlack(m: Message, ws: SlackWorkspace = {}): SlackPayload {
  const named = ws.named ?? asTyped;
  const blocks: SlackBlock[] = [];
  const body = m.body.map((b) => named(block(b, ws)));
  const title = m.title ? named(`*${escapeSlack(m.title)}*`) : undefined;
  const sections = [title, ...body].filter((s): s is string => Boolean(s));
  for (const text of sections) blocks.push({ type: 'section', text: mrkdwn(truncate(text, SLACK_LIMITS.sectionText)) });
  const fields = (m.fields ?? []).map((f) =>
    mrkdwn(truncate(named(`*${escapeSlack(f.name)}*\n${inline(f.value, ws)}`), SLACK_LIMITS.fieldText)),
  );
  for (let i = 0; i < fields.length; i += SLACK_LIMITS.fields)
    blocks.push({ type: 'section', fields: fields.slice(i, i + SLACK_LIMITS.fields) });
  const buttons = (m.buttons ?? []).slice(0, SLACK_LIMITS.buttons).map((b, i): SlackButton => ({
    type: 'button',
    text: { type: 'plain_text', text: truncate(b.label, SLACK_LIMITS.buttonText) },
    action_id: `${b.ref ? REF_ACTION_PREFIX : ACTION_PREFIX}${i}`,
    value: (b.ref ?? b.command).slice(0, SLACK_LIMITS.buttonValue),
    ...(b.style === 'primary' || b.style === 'danger' ? { style: b.style } : {}),
  }));
  // Files not uploaded (see files.ts): shown inline, as code that can be copied.
  blocks.push(...inlineFileBlocks(m.attachments ?? []));
  // One actions block per row of buttons (a question's answers together).
  let at = 0;
  for (const group of buttonRows((m.buttons ?? []).slice(0, SLACK_LIMITS.buttons))) {
    blocks.push({ type: 'actions', elements: buttons.slice(at, at + group.length) });
    at += group.length;
  }
  const text = truncate([title, ...body, ...fields.map((f) => f.text)].filter(Boolean).join('\n'), SLACK_LIMITS.text);
  return { text, blocks };
}
