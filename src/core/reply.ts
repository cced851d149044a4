/**
 * The neutral reply model. Commands build `Message`s from these pieces; each adapter
 * renders them natively (Discord embeds and components, Slack Block Kit, plain text on
 * the console). Plain strings inside the model are always user-visible text, never markup:
 * renderers escape them, so nothing a member typed can become a mention or a link.
 */

/** A member as commands see them: platform id plus the name to show. */
export interface UserRef {
  readonly id: string;
  readonly name: string;
}

/** A channel of the platform (Discord channel id, Slack channel id, console channel name). */
export interface ChannelRef {
  readonly id: string;
  readonly name?: string;
}

/** A role of the platform (Discord role id, console role name). */
export interface RoleRef {
  readonly id: string;
  readonly name?: string;
}

/** How a point in time is shown; each renderer picks the platform's way to show the reader's local time. */
export type TimeStyle = 'full' | 'date' | 'time' | 'relative';

export type Inline =
  | string
  | { readonly kind: 'bold'; readonly children: readonly Inline[] }
  | { readonly kind: 'italic'; readonly children: readonly Inline[] }
  | { readonly kind: 'code'; readonly text: string }
  | { readonly kind: 'link'; readonly url: string; readonly children: readonly Inline[] }
  /** `timeZone` is the chapter's zone, used where the platform cannot show the reader's own. */
  | { readonly kind: 'time'; readonly at: Date; readonly style: TimeStyle; readonly timeZone?: string }
  /** A deliberate mention of a member; renderers only ping where the message asks them to. */
  | { readonly kind: 'mention'; readonly user: UserRef }
  /** A link to a channel of the platform (`<#id>` on Discord and Slack, `#name` on the console). */
  | { readonly kind: 'channel'; readonly id: string }
  /**
   * A link to one of the bot's posts: Discord's message link; Slack, whose message links need the
   * workspace's domain, and the console show the channel (the console with the message's number).
   */
  | { readonly kind: 'message'; readonly ref: MessageRef };

/** Where a post is: the workspace (a Discord server), the channel, the message. */
export interface MessageRef {
  readonly workspace: string;
  readonly channel: string;
  readonly messageId: string;
}

export type Block =
  | { readonly kind: 'paragraph'; readonly children: readonly Inline[] }
  | { readonly kind: 'list'; readonly items: readonly (readonly Inline[])[] }
  | { readonly kind: 'codeBlock'; readonly text: string };

export type RichText = readonly Block[];

export interface Field {
  readonly name: string;
  readonly value: readonly Inline[];
  readonly inline?: boolean;
}

/**
 * A button stands for a command line that does the same thing, so every button action
 * can also be typed on the console or in Slack text.
 */
export interface Button {
  readonly label: string;
  readonly command: string;
  readonly style?: 'primary' | 'secondary' | 'danger';
  /**
   * Set for a button in a direct message (see `DirectButtons`): an opaque reference to a stored
   * row naming the workspace, the chapter, the member it was sent to and `command`. Renderers put
   * it on the platform's button instead of the command line; a press is checked against the row.
   */
  readonly ref?: string;
  /** Buttons with the same `row` go on one row (a question's answers); without it, rows fill up in order. */
  readonly row?: number;
}

/** Buttons in their rows: consecutive buttons with the same `row` together (those without one count as one row). */
export function buttonRows(buttons: readonly Button[]): Button[][] {
  const rows: Button[][] = [];
  for (const b of buttons) {
    const last = rows.at(-1);
    if (last && last[0]!.row === b.row) last.push(b);
    else rows.push([b]);
  }
  return rows;
}

export interface Attachment {
  readonly filename: string;
  readonly contentType: string;
  readonly data: string | Uint8Array;
}

/** Where a message goes. `ephemeral` and `here` answer the interaction; the others are posts. */
export type Visibility =
  | { readonly kind: 'ephemeral' }
  | { readonly kind: 'here' }
  | { readonly kind: 'channel'; readonly channel: string }
  | { readonly kind: 'dm'; readonly to: UserRef }
  | { readonly kind: 'thread'; readonly channel: string; readonly messageId: string };

export interface Message {
  readonly title?: string;
  readonly body: RichText;
  readonly fields?: readonly Field[];
  readonly buttons?: readonly Button[];
  readonly attachments?: readonly Attachment[];
  readonly visibility: Visibility;
  /** Members a renderer may ping. Empty by default: no message pings anyone unless it says so. */
  readonly ping?: readonly UserRef[];
  /**
   * The message concerns an anonymous question (an answer notice, its moderation, a block, a
   * close by a moderator), so it could tie a member to the question. It goes by direct message
   * (or as the answer only the member sees) or not at all: an outbox never falls back to a
   * channel post for it, and refuses to post it anywhere else. It names and pings nobody.
   */
  readonly sensitive?: boolean;
  /**
   * The language its texts are in, where the sender knows the one reader's language (a direct
   * message in the member's stored locale): a renderer may then word what is not text in it too
   * (Discord names commands as a German client shows them).
   */
  readonly locale?: string;
}

/**
 * Throws when a sensitive message is about to go anywhere but a direct message or the member's
 * own answer, or would ping someone: outboxes call it before posting, so a programming error
 * fails loudly instead of unmasking an asker.
 */
export function assertSensitiveRoute(m: Message): void {
  if (!m.sensitive) return;
  if ((m.visibility.kind !== 'dm' && m.visibility.kind !== 'ephemeral') || m.ping?.length) {
    throw new Error(`a sensitive message goes by direct message only, never as a ${m.visibility.kind} post`);
  }
}

/** A message the bot posted, so it can be edited or replied to in a thread later. */
export interface PostedRef {
  readonly channel: string;
  readonly messageId: string;
}

// Builders, so commands read as the text they produce.
type InlineArg = Inline | readonly Inline[];
const flat = (parts: readonly InlineArg[]): Inline[] => parts.flatMap((p) => (Array.isArray(p) ? p : [p as Inline]));

export const bold = (...c: InlineArg[]): Inline => ({ kind: 'bold', children: flat(c) });
export const italic = (...c: InlineArg[]): Inline => ({ kind: 'italic', children: flat(c) });
export const code = (text: string): Inline => ({ kind: 'code', text });
export const link = (url: string, ...c: InlineArg[]): Inline => ({ kind: 'link', url, children: c.length ? flat(c) : [url] });
export const time = (at: Date, style: TimeStyle = 'full', timeZone?: string): Inline => ({ kind: 'time', at, style, timeZone });
export const mention = (user: UserRef): Inline => ({ kind: 'mention', user });
export const channelLink = (id: string): Inline => ({ kind: 'channel', id });
export const messageLink = (ref: MessageRef): Inline => ({ kind: 'message', ref });
export const p = (...c: InlineArg[]): Block => ({ kind: 'paragraph', children: flat(c) });
export const list = (...items: InlineArg[]): Block => ({ kind: 'list', items: items.map((i) => flat([i])) });
export const codeBlock = (text: string): Block => ({ kind: 'codeBlock', text });

/**
 * A translated sentence with an inline (a channel link, a mention) where a placeholder was:
 * translate with the placeholder's value set to `SLOT`, then `fill(text, inline, …)` puts the
 * inlines in, in order. The catalogue keeps one whole sentence per language, word order included.
 */
export const SLOT = '\uE000';
export function fill(text: string, ...inlines: Inline[]): Inline[] {
  return text
    .split(SLOT)
    .flatMap((part, i) => (i === 0 ? [part] : [inlines[i - 1] ?? '', part]))
    .filter((part) => part !== '');
}

/** A message of paragraphs (each string one paragraph), ephemeral unless `visibility` says otherwise. */
export function message(body: string | RichText, extra: Partial<Omit<Message, 'body'>> = {}): Message {
  const blocks = typeof body === 'string' ? body.split('\n\n').map((para) => p(para)) : body;
  return { visibility: { kind: 'ephemeral' }, ...extra, body: blocks };
}

/** Plain text of a message, without markup: for logs of what was sent and for fallbacks. */
export function inlineText(parts: readonly Inline[]): string {
  return parts
    .map((part) => {
      if (typeof part === 'string') return part;
      switch (part.kind) {
        case 'bold':
        case 'italic':
        case 'link':
          return inlineText(part.children);
        case 'code':
          return part.text;
        case 'time':
          return part.at.toISOString();
        case 'mention':
          return part.user.name;
        case 'channel':
          return `#${part.id}`;
        case 'message':
          return `#${part.ref.channel}`;
      }
    })
    .join('');
}
