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
