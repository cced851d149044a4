/**
 * Cutting text to a platform's limit. Discord and Slack count UTF-16 units, as JavaScript does;
 * a cut between the two halves of a surrogate pair (an emoji, 𝔘) would leave half a character,
 * which platforms show as garbage or refuse, so the cut moves one unit earlier.
 */
const cutAt = (text: string, end: number): number => (end > 0 && /[\uD800-\uDBFF]/.test(text[end - 1]!) ? end - 1 : end);

/** The first `max` UTF-16 units at most, never half a character. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, cutAt(text, max));
}

/** At most `max` UTF-16 units, ending in … where something was cut, never half a character. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, cutAt(text, max - 1)) + '…';
}

/**
 * Code points that show nothing by themselves: controls (Cc), format characters (Cf: zero-width
 * space and joiners, bidi marks, tags), spaces and separators (Zs, Zl, Zp), the other
 * default-ignorable ones (variation selectors, Hangul fillers) and the blank braille pattern.
 * The Arabic and Syriac number signs are Cf but print, so they count as visible.
 */
const INVISIBLE_CLASS = String.raw`[\p{Cc}\p{Cf}\p{Zs}\p{Zl}\p{Zp}\p{White_Space}\p{Default_Ignorable_Code_Point}\u2800]`;
const PRINTING_FORMAT = String.raw`[\u0600-\u0605\u06DD\u070F\u0890\u0891\u08E2\u{110BD}\u{110CD}]`;
const INVISIBLE = new RegExp(`^(?!${PRINTING_FORMAT})${INVISIBLE_CLASS}$`, 'u');
const VISIBLE = new RegExp(`(?!${INVISIBLE_CLASS})[^]|${PRINTING_FORMAT}`, 'u');
const SPACE = /\p{White_Space}/u;
/** What attaches to the character before it (a variation selector, an emoji's tags, a joiner): kept with a visible end. */
const ATTACHES = /^[\p{Grapheme_Extend}\u200D]$/u;

const codePointAt = (text: string, i: number): string => String.fromCodePoint(text.codePointAt(i)!);
const isLowSurrogate = (unit: number): boolean => unit >= 0xdc00 && unit <= 0xdfff;

/**
 * The text without the invisible characters at its ends (see INVISIBLE_CLASS), in time linear in
 * its length (a regex `\s+$` is quadratic: 7 s for a line of 100,000 characters with spaces in
 * the middle). What attaches to the last visible character stays: `❤️` keeps its U+FE0F.
 */
export function trimInvisible(text: string): string {
  let start = 0;
  while (start < text.length) {
    const c = codePointAt(text, start);
    if (!INVISIBLE.test(c)) break;
    start += c.length;
  }
  let end = text.length;
  while (end > start) {
    const at = isLowSurrogate(text.charCodeAt(end - 1)) && end - 2 >= start ? end - 2 : end - 1;
    if (!INVISIBLE.test(codePointAt(text, at))) break;
    end = at;
  }
  while (end < text.length) {
    const c = codePointAt(text, end);
    if (!ATTACHES.test(c)) break;
    end += c.length;
  }
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

const GRAPHEMES = new Intl.Segmenter('en', { granularity: 'grapheme' });
const PIECE = 256;

/**
 * Where a long text may be cut without cutting a grapheme cluster (UAX #29 always breaks before
 * a control character, and before printable ASCII unless a prepended mark, all at U+0600 or
 * above, precedes it); if none is found in the window, a cut between two code points.
 */
function cutBetweenClusters(text: string, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    const before = text.charCodeAt(i - 1);
    if ((c < 0x20 && !(c === 0x0a && before === 0x0d)) || (c >= 0x7f && c <= 0x9f) || c === 0x200b || (c <= 0x7e && before < 0x0600))
      return i;
  }
  return isLowSurrogate(text.charCodeAt(to)) ? to - 1 : to;
}

/**
 * The grapheme clusters of a text (what a reader counts as characters: `👩‍💻` and `é` are one each).
 * V8's Intl.Segmenter spends time in the length of the whole string on every step (20,000
 * characters take most of a second), so a long text is segmented a piece at a time.
 */
export function* graphemes(text: string): Generator<string> {
  for (let start = 0; start < text.length;) {
    const end = text.length - start > 2 * PIECE ? cutBetweenClusters(text, start + PIECE, start + 2 * PIECE) : text.length;
    for (const s of GRAPHEMES.segment(text.slice(start, end))) yield s.segment;
    start = end;
  }
}

/**
 * How long a text looks: its grapheme clusters that show something, and one for each gap of
 * spaces or line breaks between them (`a   b` is 3, as `a b`); zero-width and other invisible
 * characters count nothing. Counting stops at `enough` when given.
 */
export function visibleLength(text: string, enough = Infinity): number {
  return visibleLengthAscii(text, enough) ?? visibleLengthOfClusters(text, enough);
}

/**
 * `visibleLength` of a text in printable ASCII, where every character is a cluster of its own and
 * only the space shows nothing: counted without the segmenter (most option values, every command).
 * Undefined at the first other character before `enough` is reached: the caller counts clusters then.
 * (Stopping at `enough` before such a character gives the same count: the clusters before it are
 * single ASCII characters, and the one being counted is visible either way.)
 */
function visibleLengthAscii(text: string, enough: number): number | undefined {
  let n = 0;
  let gap = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return undefined;
    if (c === 0x20) gap = true;
    else {
      n += gap && n > 0 ? 2 : 1;
      gap = false;
      if (n >= enough) break;
    }
  }
  return n;
}

function visibleLengthOfClusters(text: string, enough: number): number {
  let n = 0;
  let gap = false;
  for (const g of graphemes(text)) {
    if (VISIBLE.test(g)) {
      n += gap && n > 0 ? 2 : 1;
      gap = false;
      if (n >= enough) break;
    } else if (SPACE.test(g)) gap = true;
  }
  return n;
}
