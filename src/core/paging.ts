import { UserError } from './errors.js';
import type { Translate } from './i18n.js';
import { option } from './options.js';
import { type Block, type Button, type Inline, list, p } from './reply.js';

/**
 * Paging of every list the bot answers with (issue 20): one place decides where pages break, what
 * the footer says and which Previous/Next buttons a page gets. A page holds at most `size` items
 * AND at most `budget` characters of them (measured as the platforms render them, markup included,
 * see `measureInline`), so each page fits one message everywhere: Slack's 3,000-character section,
 * Discord's 4,096-character description and 6,000 per message. An item longer than the budget on
 * its own gets a page to itself (the renderers split it); an item is never cut or dropped.
 */

/** The `page:<n>` option every listing command declares (no list is read past `LISTED` rows, so 1,000 pages at most). */
export const pageOption = option.integer({ description: 'opt.page', min: 1, max: 1000 });

export interface PageLimits<T> {
  /** At most this many items on a page. */
  readonly size: number;
  /** At most this many characters of items on a page (`measure` of each, summed). */
  readonly budget: number;
  /** An item's length as rendered, markup included; see `measureInline`. */
  readonly measure: (item: T) => number;
}

/**
 * The most rows a listing command reads to page through: a bound for the database's sake, far past
 * what a chapter's lists hold (50 pages of 20).
 */
export const LISTED = 1000;

/**
 * A member as a filter on a button's command line, in the form the platform's line parser reads
 * back; null on Slack, whose button presses resolve no members (so the list gets no buttons, and its
 * footer says which page to type).
 */
export const userInLine = (platform: string, id: string): string | null =>
  platform === 'console' ? `@${id}` : platform === 'discord' ? `<@${id}>` : null;

/**
 * Default limits of a list of one line each: 20 lines, and 2,800 characters as rendered, under
 * Slack's 3,000 of a section (the list is one; title and footer are others).
 */
export const LIST_LIMITS = { size: 20, budget: 2800 } as const;

/**
 * Where each page starts (indices into `items`; always `[0]` for an empty list). Greedy: a page
 * takes items until the next would pass the size or the budget; a page has at least one item.
 */
export function pageStarts<T>(items: readonly T[], limits: PageLimits<T>): number[] {
  const starts = [0];
  let count = 0;
  let used = 0;
  items.forEach((item, i) => {
    const length = Math.max(0, limits.measure(item));
    if (count > 0 && (count + 1 > limits.size || used + length > limits.budget)) {
      starts.push(i);
      count = 0;
      used = 0;
    }
    count++;
    used += length;
  });
  return starts;
}

/** The items split in pages (for fields: split a long list across several fields of one message). */
export function chunks<T>(items: readonly T[], limits: PageLimits<T>): T[][] {
  const starts = pageStarts(items, limits);
  return starts.map((start, i) => items.slice(start, starts[i + 1] ?? items.length));
}

/**
 * Discord carries a button's command line in its custom id (`cmd:` + line, 100 characters at most);
 * a line longer than this gets no buttons, and the footer says which `page:` to type instead.
 */
export const BUTTON_LINE_MAX = 100 - 'cmd:'.length;

/** A command line for a button: `/workshop list chapter:"Rhein Main" page:2`, in the grammar of src/core/command-line.ts. */
export function commandLine(
  path: readonly string[],
  options: Readonly<Record<string, string | number | boolean | null | undefined>>,
): string {
  const parts = ['/' + path.join(' ')];
  for (const [name, value] of Object.entries(options)) {
    if (value === undefined || value === null || value === '') continue;
    const text = String(value);
    parts.push(/^[^\s"\\]+$/.test(text) ? `${name}:${text}` : `${name}:"${text.replace(/[\\"]/g, (c) => '\\' + c)}"`);
  }
  return parts.join(' ');
}

export interface Page<T> {
  /** The items of this page, in order. */
  readonly items: T[];
  /** 1-based. */
  readonly page: number;
  readonly pages: number;
  /** The index in the whole list of this page's first item (for numbering). */
  readonly offset: number;
  /** "page 2 of 5", or nothing when everything fits on one page. */
  readonly footer?: string;
  /** Previous and Next, as far as there are such pages and the line fits a button. */
  readonly buttons: Button[];
}

export interface PageRequest {
  /** The page asked for (`page:` option); default 1. */
  readonly page?: number;
  readonly t: Translate;
  /** The command's words, for the buttons (`['workshop', 'list']`). */
  readonly path: readonly string[];
  /**
   * The other options the member gave (filters), kept on the buttons' command lines; `page` is
   * added. A null value is a filter no button can carry: the page then gets no buttons.
   */
  readonly options?: Readonly<Record<string, string | number | boolean | null | undefined>>;
}

/**
 * One page of a list. A page past the last is a UserError naming the last page (an empty list has
 * one, empty, page).
 */
export function paginate<T>(items: readonly T[], request: PageRequest, limits: PageLimits<T>): Page<T> {
  const starts = pageStarts(items, limits);
  const pages = starts.length;
  const page = request.page ?? 1;
  if (page > pages) {
    const example = commandLine(request.path, { ...request.options, page: pages });
    throw new UserError(pages === 1 ? 'paging.beyond.one' : 'paging.beyond', { page, pages, example });
  }
  const offset = starts[page - 1]!;
  const slice = items.slice(offset, starts[page] ?? items.length);
  if (pages === 1) return { items: slice, page, pages, offset, buttons: [] };
  const { t } = request;
  const carried = Object.values(request.options ?? {}).every((value) => value !== null);
  const line = (n: number) => commandLine(request.path, { ...request.options, page: n });
  const fits = carried && line(pages).length <= BUTTON_LINE_MAX;
  const buttons: Button[] = [];
  if (fits && page > 1) buttons.push({ label: t('paging.previous'), command: line(page - 1), style: 'secondary' });
  if (fits && page < pages) buttons.push({ label: t('paging.next'), command: line(page + 1), style: 'secondary' });
  const footer = t('paging.footer', { page, pages });
  return {
    items: slice,
    page,
    pages,
    offset,
    footer: fits || page === pages ? footer : `${footer} · ${t('paging.footer.type', { next: page + 1 })}`,
    buttons,
  };
}

/**
 * The length of inlines as the platforms render them, markup included, erring long: a link counts
 * its address and text, a mention and a channel the platform's `<@…>` form (with room for a
 * name), a time Slack's `<!date^…|…>` form, the longest of all.
 */
export function measureInline(parts: readonly Inline[]): number {
  let n = 0;
  for (const part of parts) {
    if (typeof part === 'string') {
      n += part.length;
      continue;
    }
    switch (part.kind) {
      case 'bold':
      case 'italic':
        n += 4 + measureInline(part.children);
        break;
      case 'code':
        n += 2 + part.text.length;
        break;
      case 'link':
        n += 6 + part.url.length + measureInline(part.children);
        break;
      case 'time':
        // Slack's `<!date^1801386000^{date_long_pretty} {time}|2027-02-01 09:00 GMT+5:30, Kolkata>`.
        n += 90;
        break;
      case 'mention':
        n += 30 + part.user.name.length;
        break;
      case 'channel':
        n += 30;
        break;
      case 'message':
        n += 100;
        break;
    }
  }
  // One line of a list: its bullet and line break.
  return n + 4;
}

/**
 * A list of one line per item, paged: the page's lines as a list and its footer as blocks, and its
 * buttons, for `message(body, { buttons })`. `limits` default to `LIST_LIMITS` with `measureInline`.
 */
export function pagedList(
  lines: readonly (readonly Inline[])[],
  request: PageRequest,
  limits: PageLimits<readonly Inline[]> = { ...LIST_LIMITS, measure: measureInline },
): { body: Block[]; buttons: Button[]; page: Page<readonly Inline[]> } {
  const page = paginate(lines, request, limits);
  return {
    body: [...(page.items.length ? [list(...page.items)] : []), ...(page.footer ? [p(page.footer)] : [])],
    buttons: page.buttons,
    page,
  };
}
