import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { safeError } from '../../core/errors.js';
import type { Translate } from '../../core/i18n.js';
import { type Attachment, type Message, p } from '../../core/reply.js';
import { escapeSlack, type SlackBlock } from './render.js';

type WebClient = InstanceType<typeof webApi.WebClient>;

/**
 * A message's files (Message.attachments: an .ics, a CSV, a `/privacy export`) on Slack.
 *
 * They are uploaded as files (`files.uploadV2`: `files.getUploadURLExternal`, the bytes POSTed to
 * the URL it returns, then `files.completeUploadExternal` sharing them in a channel). The WebClient
 * makes all three requests, each with the shared retry policy it was built with (see the adapter's
 * `retryConfig`). Slack cannot share a file ephemerally: a file for one member goes to their DM with
 * the app, and their answer says so. Without the `files:write` scope (an app installed before it
 * asked for it) the file is shown inline, as code sections, with a line saying what to add to the app.
 */

/** Where a message's files are shared: one member's DM with the app, or a channel (and thread). */
export type FilePlace =
  { readonly kind: 'dm'; readonly user: string } | { readonly kind: 'channel'; readonly channel: string; readonly thread?: string };

/** Slack's refusals that mean "this app may not upload": the file is shown inline with the hint. */
const NO_SCOPE = new Set(['missing_scope', 'not_allowed_token_type']);

/**
 * Limits of the inline fallback. Kept here rather than read from SLACK_LIMITS at load time: render.ts
 * imports this file, so its constants are not there yet while this one loads.
 * A section holds 3,000 characters; one code block is ``` + the text + ```.
 */
const SECTION_TEXT = 3000;
const CHUNK = SECTION_TEXT - 6;
/**
 * What files shown inline may take, escaped. The renderer spreads them over several messages
 * (Slack refuses one whose blocks hold 12,000 characters or more), and a command's response URL
 * takes five answers: 24,000 leaves room for the message's own text. A file that does not fit is
 * named, and the message says it is too long to show and how to get it as a file (`inlineNotes`).
 */
export const INLINE_BUDGET = 24_000;

/** The length `escapeSlack` gives the text, without building it. */
function escapedLength(text: string): number {
  let n = text.length;
  // &amp; is 4 more than &; &lt; and &gt; are 3 more than < and >.
  for (const c of text) n += c === '&' ? 4 : c === '<' || c === '>' ? 3 : 0;
  return n;
}

function textOf(a: Attachment): string {
  const data = typeof a.data === 'string' ? a.data : Buffer.from(a.data).toString('utf8');
  return data.replace(/\r\n/g, '\n');
}

/** A text in pieces of at most `max` escaped characters: at line ends where it can, else between characters (never inside one). */
function chunks(text: string, max: number): string[] {
  const out: string[] = [];
  let current = '';
  let size = 0;
  const flush = () => {
    if (current) out.push(current);
    current = '';
    size = 0;
  };
  for (const line of text.split(/(?<=\n)/)) {
    const n = escapedLength(line);
    if (size + n <= max) {
      current += line;
      size += n;
      continue;
    }
    flush();
    if (n <= max) {
      current = line;
      size = n;
      continue;
    }
    for (const c of line) {
      const m = escapedLength(c);
      if (size + m > max) flush();
      current += c;
      size += m;
    }
  }
  flush();
  return out;
}

/**
 * Each file's text in pieces of one section each, or undefined for a file that does not fit what
 * is left of INLINE_BUDGET. The same answer for the same files, so the notes (`inlineNotes`) and the
 * blocks (`inlineFileBlocks`) agree.
 */
export function inlineParts(attachments: readonly Attachment[]): (string[] | undefined)[] {
  let left = INLINE_BUDGET;
  return attachments.map((a) => {
    const text = textOf(a);
    const size = escapedLength(text);
    if (size > left) return undefined;
    left -= size;
    return chunks(text, CHUNK);
  });
}

const section = (text: string): SlackBlock => ({ type: 'section', text: { type: 'mrkdwn', text, verbatim: true } });

/**
 * Files still on a message when it is rendered (not uploaded): each its name, then its text as code
 * sections that can be copied; one too long is only named (its message says why, see `inlineNotes`).
 */
export function inlineFileBlocks(attachments: readonly Attachment[]): SlackBlock[] {
  const parts = inlineParts(attachments);
  return attachments.flatMap((a, i) => [
    section(`*${escapeSlack(a.filename)}*`),
    ...(parts[i] ?? []).map((piece) => section('```' + escapeSlack(piece) + '```')),
  ]);
}

/**
 * A message whose files will be shown inline, with the lines that go with it in the reader's
 * language: `hint` first (why they are not files), then one line per file too long to show.
 */
export function inlineNotes(m: Message, t: Translate, hint?: 'slack.file.no_scope' | 'slack.file.failed'): Message {
  const files = m.attachments ?? [];
  if (!files.length) return m;
  const parts = inlineParts(files);
  const notes = [
    ...(hint ? [p(t(hint, { files: names(files) }))] : []),
    ...files.flatMap((a, i) => (parts[i] ? [] : [p(t('slack.file.too_long', { file: a.filename, n: textOf(a).length }))])),
  ];
  return { ...m, body: [...m.body, ...notes] };
}

const names = (files: readonly Attachment[]) => files.map((a) => a.filename).join(', ');

/** The Web API's error code (`missing_scope`), if Slack answered one. */
function slackError(err: unknown): string | undefined {
  const error = (err as { data?: { error?: unknown } } | null)?.data?.error;
  return typeof error === 'string' ? error : undefined;
}

/** Uploads a message's files to a member's DM or a channel (see the top of this file). */
export class SlackFiles {
  constructor(
    private readonly client: WebClient,
    private readonly log: Logger,
  ) {}

  /**
   * Shares the message's files in `place` and returns the message to send without them; with
   * `tell`, it says where they went ("I sent my-data.json to our direct messages"). When Slack will
   * not take them, the message keeps them, to be shown inline, with a line saying why: the scope to
   * add, or that Slack refused (logged). Their content is never lost.
   */
  async deliver(m: Message, place: FilePlace, t: Translate, tell = false): Promise<Message> {
    const files = m.attachments ?? [];
    if (!files.length) return m;
    try {
      const channel = place.kind === 'dm' ? await this.dm(place.user) : place.channel;
      await this.client.files.uploadV2({
        channel_id: channel,
        ...(place.kind === 'channel' && place.thread ? { thread_ts: place.thread } : {}),
        file_uploads: files.map((a) => ({
          file: typeof a.data === 'string' ? Buffer.from(a.data, 'utf8') : Buffer.from(a.data),
          filename: a.filename,
          title: a.filename,
        })),
      });
    } catch (err) {
      const code = slackError(err);
      if (code && NO_SCOPE.has(code)) return inlineNotes(m, t, 'slack.file.no_scope');
      this.log.warn({ err: safeError(err), files: files.length }, 'could not upload files; showing them inline');
      return inlineNotes(m, t, 'slack.file.failed');
    }
    const rest: Message = { ...m, attachments: [] };
    return tell ? { ...rest, body: [...m.body, p(t('slack.file.sent_dm', { files: names(files) }))] } : rest;
  }

  private async dm(user: string): Promise<string> {
    const opened = await this.client.conversations.open({ users: user });
    return opened.channel!.id!;
  }
}
