/**
 * Every platform limit the renderers respect, in one table (docs/LIMITS.md says where each comes
 * from), and the packing the renderers share: rendered text is cut into chunks at the best
 * boundary there is (between blocks, then list items, then lines, then words), never inside a
 * piece of markup (a link, a mention, a time, inline code, a bold pair).
 *
 * Lengths are UTF-16 units, as Discord and Slack count them (and as JavaScript does).
 */
export const PLATFORM_LIMITS = {
  discord: {
    /** A message's `content`. */
    content: 2000,
    /** Embeds in one message. */
    embeds: 10,
    /** Title, description, field names and values, summed over all embeds of one message. */
    embedTotal: 6000,
    title: 256,
    description: 4096,
    fields: 25,
    fieldName: 256,
    fieldValue: 1024,
    /** Action rows in one message, and buttons in one row. */
    rows: 5,
    buttonsPerRow: 5,
    label: 80,
    customId: 100,
    /** Users in `allowed_mentions.users`. */
    allowedUsers: 100,
  },
  slack: {
    /** Blocks in one message (`modalBlocks` in a modal). */
    blocks: 50,
    modalBlocks: 100,
    sectionText: 3000,
    /** Fields of one section, and the text of each. */
    fields: 10,
    fieldText: 2000,
    /** Elements of one actions block. */
    buttonsPerBlock: 25,
    buttonText: 75,
    buttonValue: 2000,
    /** The notification fallback `text`: Slack truncates beyond 40,000, and recommends at most 4,000. */
    text: 4000,
    /**
     * The text of all blocks of one message together. Undocumented: Slack refuses a message whose
     * blocks hold about 13,000 characters (`msg_blocks_too_long`); this stays well below.
     */
    blocksText: 12000,
  },
} as const;

/**
 * A piece of rendered text for packing. `text` is how it renders whole. Without `split` it is an
 * atom: kept whole or, when it alone exceeds a chunk, cut only if `cuttable` (plain words) and
 * dropped otherwise (a mention, a time: all far below every limit). `split` gives the smaller
 * pieces it is made of, joined by `sep`, to use when it does not fit a chunk on its own: a block's
 * lines, a line's words, or for markup its content without the markup (a link's text).
 */
export interface Unit {
  readonly text: string;
  readonly cuttable?: boolean;
  readonly split?: (max: number) => { readonly sep: string; readonly units: readonly Unit[] };
}

/** Where a too-long plain word may be cut, at most `max` units in (at least 1): a platform's escapes stay whole. */
export type Cut = (text: string, max: number) => number;

/** A cut that never leaves half a surrogate pair. */
export const cutBetweenCodePoints: Cut = (text, max) => {
  const end = Math.min(max, text.length);
  return end > 1 && /[\uD800-\uDBFF]/.test(text[end - 1]!) ? end - 1 : Math.max(end, 1);
};

/** Plain text as units of one word each, with the spaces after it (`"a  b"` → `"a  "`, `"b"`). */
export function words(text: string): Unit[] {
  return text
    .split(/(?<=\s)(?=\S)/)
    .filter(Boolean)
    .map((w) => ({ text: w, cuttable: true }));
}

/**
 * A run of inline units as lines (a line ends after a unit ending in a line break), so a long
 * paragraph is cut between lines before it is cut between words.
 */
export function lines(units: readonly Unit[]): Unit[] {
  const out: Unit[][] = [[]];
  for (const u of units) {
    out.at(-1)!.push(u);
    if (u.text.endsWith('\n')) out.push([]);
  }
  return out.filter((l) => l.length).map((l) => (l.length === 1 ? l[0]! : joined(l, '')));
}

/** Units joined by `sep` as one unit that splits back into them. */
export function joined(units: readonly Unit[], sep: string): Unit {
  return { text: units.map((u) => u.text).join(sep), split: () => ({ sep, units }) };
}

/**
 * A code block's text as chunks each wrapped in its fences (`open` + lines + `close`), at most
 * `max` long: between lines, and a line longer than a chunk cut with `cut`.
 */
export function fencedChunks(code: string, open: string, close: string, max: number, cut: Cut): Unit[] {
  const room = Math.max(1, max - open.length - close.length);
  const pieces: string[] = [];
  for (const line of code.split('\n')) {
    let rest = line;
    while (rest.length > room) {
      const n = cut(rest, room);
      pieces.push(rest.slice(0, n));
      rest = rest.slice(n);
    }
    pieces.push(rest);
  }
  const groups: string[] = [];
  let cur: string | undefined;
  for (const piece of pieces) {
    if (cur !== undefined && cur.length + 1 + piece.length <= room) cur += '\n' + piece;
    else {
      if (cur !== undefined) groups.push(cur);
      cur = piece;
    }
  }
  if (cur !== undefined) groups.push(cur);
  return groups.map((g) => ({ text: open + g + close }));
}

/**
 * Packs units (joined by `sep`) into chunks of at most `max`: a unit goes whole into the current
 * chunk if it fits, else whole into a new one if it fits there, else its parts are packed the
 * same way. A separator at a chunk's start is dropped, and spaces at a chunk's end.
 */
export function pack(units: readonly Unit[], sep: string, max: number, cut: Cut = cutBetweenCodePoints): string[] {
  const chunks: string[] = [];
  let cur = '';
  const flush = () => {
    const done = cur.trimEnd();
    if (done) chunks.push(done);
    cur = '';
  };
  const add = (u: Unit, before: string): void => {
    if (!u.text) return;
    const start = cur ? before : '';
    if (cur.length + start.length + u.text.length <= max) {
      cur += start + u.text;
      return;
    }
    if (u.text.length <= max && cur) {
      flush();
      cur = u.text;
      return;
    }
    const parts = u.split?.(max);
    if (parts) {
      parts.units.forEach((part, i) => add(part, i === 0 ? before : parts.sep));
      return;
    }
    if (!u.cuttable) return;
    // A plain word longer than a whole chunk: the room left here, then whole chunks.
    let rest = start + u.text;
    while (cur.length + rest.length > max) {
      const room = max - cur.length;
      let n = room > 0 ? Math.min(cut(rest, room), room) : 0;
      // An escape longer than the room in an empty chunk (never with real limits): cut it anyway.
      if (n <= 0 && !cur) n = cutBetweenCodePoints(rest, max);
      if (n > 0) {
        cur += rest.slice(0, n);
        rest = rest.slice(n);
      }
      flush();
    }
    cur += rest;
  };
  for (const u of units) add(u, sep);
  flush();
  return chunks;
}

/** The text whole if it fits, else its first chunk at `max - 1` with `…`: for titles, labels and names, which cannot split. */
export function shorten(units: readonly Unit[], sep: string, max: number, cut: Cut = cutBetweenCodePoints): string {
  const whole = units.map((u) => u.text).join(sep);
  if (whole.length <= max) return whole;
  return (pack(units, sep, max - 1, cut)[0] ?? '') + '…';
}

/**
 * Items in consecutive groups, in order, each of at most `count` items and at most `size` in all
 * (by `measure`): embeds into messages, blocks into payloads. An item larger than `size` alone is
 * a group of its own. There is always at least one group (empty for no items).
 */
export function groupWithin<T>(items: readonly T[], count: number, size: number, measure: (item: T) => number): T[][] {
  const groups: T[][] = [];
  let used = 0;
  for (const item of items) {
    const last = groups.at(-1);
    const n = measure(item);
    if (last && last.length < count && used + n <= size) {
      last.push(item);
      used += n;
    } else {
      groups.push([item]);
      used = n;
    }
  }
  if (!groups.length) groups.push([]);
  return groups;
}
