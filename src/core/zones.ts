/**
 * Time zone names for readers. Intl names a zone by an abbreviation only where the locale's data
 * has one (en-GB: CET, BST; en-US: EST, EDT; de-DE: MEZ, MESZ); elsewhere it gives an offset
 * ("GMT-5"), which alone does not say which place's time it is. There we add the zone's city.
 */

import { TZDate } from '@date-fns/tz';

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The BCP 47 tag the bot formats with for a reader's locale (`de`, `de-AT` → `de-DE`; anything else `en-GB`). */
export function formatTag(locale: string): string {
  return locale.toLowerCase().startsWith('de') ? 'de-DE' : 'en-GB';
}

function shortName(at: Date, timeZone: string, tag: string): string | undefined {
  const key = `${tag} ${timeZone}`;
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.DateTimeFormat(tag, { timeZone, timeZoneName: 'short' })));
  return f.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value;
}

const isOffset = (name: string) => /^(GMT|UTC)[+\-−]/.test(name);

/**
 * The zone's abbreviation at `at` in the reader's language, or its offset where there is none
 * (`CET`, `MESZ`, `EST`, `GMT-5`). An English reader gets the American abbreviations too
 * (en-GB has none for American zones, en-US none for European ones).
 */
export function zoneAbbreviation(at: Date, timeZone: string, locale: string): string {
  const tag = formatTag(locale);
  const own = shortName(at, timeZone, tag) ?? timeZone;
  if (!isOffset(own) || tag !== 'en-GB') return own;
  const american = shortName(at, timeZone, 'en-US');
  return american && !isOffset(american) ? american : own;
}

/** The city of an IANA zone: its last segment with `_` as a space (`America/New_York` → `New York`); none for `UTC` or `Etc/…`. */
export function zoneCity(timeZone: string): string | undefined {
  if (!timeZone.includes('/') || timeZone.startsWith('Etc/')) return undefined;
  return timeZone.split('/').pop()!.replace(/_/g, ' ');
}

/** What follows a time: the abbreviation (`EST`, `MEZ`), else the offset and the city (`GMT-5, New York`). */
export function zoneLabel(at: Date, timeZone: string, locale: string): string {
  const name = zoneAbbreviation(at, timeZone, locale);
  const city = isOffset(name) ? zoneCity(timeZone) : undefined;
  return city ? `${name}, ${city}` : name;
}

const two = (n: number) => String(n).padStart(2, '0');

/** An instant as a zone's wall clock reads it, `2027-03-08 05:00`: for texts that cannot carry a time token. */
export function wallClock(at: Date, timeZone: string): string {
  const t = new TZDate(at.getTime(), timeZone);
  return `${t.getFullYear()}-${two(t.getMonth() + 1)}-${two(t.getDate())} ${two(t.getHours())}:${two(t.getMinutes())}`;
}
