import { TZDate } from '@date-fns/tz';
import ICAL from 'ical.js';
import { UserError } from '../../core/errors.js';
import { canonicalTimeZone } from '../chapters.js';
import { localParts, zonedInstant } from '../local-time.js';

/** One occurrence of an event in a feed, as a workshop would take it. */
export interface FeedOccurrence {
  readonly uid: string;
  /** The original start of this occurrence of a repeating event, `YYYYMMDDTHHMMSSZ`; empty for a single event. */
  readonly recurrenceId: string;
  readonly start: Date;
  readonly end: Date;
  readonly title: string;
  readonly description: string;
  readonly location: string;
  /** The event's page (URL), http(s) only. */
  readonly url: string | null;
  readonly categories: readonly string[];
  readonly cancelled: boolean;
}

export interface ParsedFeed {
  /** Occurrences starting up to the horizon's end (single past events too; past occurrences of repeating ones are left out). */
  readonly occurrences: FeedOccurrence[];
  /** Events left out: all-day events (a workshop has a time), and ones without a UID or a start. */
  readonly skipped: number;
}

/** Longest texts a workshop keeps (its columns), cut at a character, never inside one. */
export const LIMITS = { title: 100, location: 200, description: 1000 } as const;
/**
 * Occurrences of one repeating event looked at, at most, from its first: a daily rule started 50 years
 * ago still reaches today; one repeating every minute stops here.
 */
const MAX_ITERATIONS = 20_000;
/** Occurrences in a whole feed, at most. */
const MAX_OCCURRENCES = 2000;

/** Cuts text to `max` characters, whole code points (an emoji is never split), with … when cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  return `${out}…`;
}

/**
 * Undoes line folding on the raw bytes, before they are read as UTF-8: RFC 5545 folds lines at 75
 * octets, and exporters (Google, Meetup) fold inside a multi-byte character, which decoding first
 * would turn into two broken halves. A fold is CRLF (or a bare LF) followed by one space or tab.
 */
export function unfoldBytes(raw: Uint8Array): Buffer {
  const out = Buffer.alloc(raw.length);
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!;
    if (b === 0x0d && raw[i + 1] === 0x0a && (raw[i + 2] === 0x20 || raw[i + 2] === 0x09)) {
      i += 2;
      continue;
    }
    if (b === 0x0a && (raw[i + 1] === 0x20 || raw[i + 1] === 0x09)) {
      i += 1;
      continue;
    }
    out[n++] = b;
  }
  return out.subarray(0, n);
}

/** The bytes of a feed as text: unfolded, UTF-8 (a byte-order mark dropped), line ends as CRLF. */
export function feedText(raw: Uint8Array): string {
  return new TextDecoder('utf-8', { ignoreBOM: false }).decode(unfoldBytes(raw)).replace(/\r?\n/g, '\r\n');
}

/**
 * An IANA zone for a TZID without a VTIMEZONE block: `Europe/Berlin` as it is; the prefixed forms
 * some exporters write (`/mozilla.org/20050126_1/Europe/Berlin`, `/Europe/Berlin`) by their last parts.
 */
export function ianaZone(tzid: string): string | null {
  const id = tzid.trim().replace(/^"|"$/g, '');
  const direct = canonicalTimeZone(id);
  if (direct) return direct;
  const parts = id.split('/').filter(Boolean);
  for (const n of [3, 2]) {
    if (parts.length > n) {
      const zone = canonicalTimeZone(parts.slice(-n).join('/'));
      if (zone) return zone;
    }
  }
  return null;
}

const isUtc = (t: ICAL.Time) => t.zone === ICAL.Timezone.utcTimezone || t.zone?.tzid === 'UTC';
/** A zone from a VTIMEZONE block of this feed (ical.js resolves those itself); floating otherwise. */
const isDefinedZone = (t: ICAL.Time) => Boolean(t.zone) && t.zone !== ICAL.Timezone.localTimezone && t.zone.tzid !== 'floating';

/**
 * The instant an iCalendar time names: UTC as it is; in a zone the feed defines (VTIMEZONE), by
 * that definition; with a TZID the feed does not define, in that IANA zone (ical.js carries no
 * zone data: @date-fns/tz does); a floating time, or a TZID nobody knows, in the chapter's zone.
 */
export function instantOf(t: ICAL.Time, tzid: string | null, chapterZone: string): Date {
  if (isUtc(t)) return new Date(Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second));
  if (isDefinedZone(t)) return new Date(t.toUnixTime() * 1000);
  const zone = (tzid && ianaZone(tzid)) || chapterZone;
  const exact = zonedInstant({ year: t.year, month: t.month, day: t.day }, { hour: t.hour, minute: t.minute }, zone);
  // A wall-clock time the zone skips (spring forward) is read as TZDate reads it: an hour later.
  return new Date((exact ?? new TZDate(t.year, t.month - 1, t.day, t.hour, t.minute, 0, zone)).getTime() + t.second * 1000);
}

const stamp = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');

const tzidOf = (component: ICAL.Component, name: string): string | null => {
  const value = component.getFirstProperty(name)?.getParameter('tzid');
  return typeof value === 'string' ? value : null;
};

const textOf = (component: ICAL.Component, name: string): string => {
  const value = component.getFirstPropertyValue(name);
  // Control characters other than line breaks and tabs have no place in a workshop's text.
  // eslint-disable-next-line no-control-regex
  return typeof value === 'string' ? value.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '') : '';
};

function urlOf(component: ICAL.Component): string | null {
  const value = component.getFirstPropertyValue('url');
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value.trim());
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : null;
  } catch {
    return null;
  }
}

function categoriesOf(component: ICAL.Component): string[] {
  return component
    .getAllProperties('categories')
    .flatMap((p) => p.getValues())
    .filter((v): v is string => typeof v === 'string')
    .map((v) => v.trim())
    .filter(Boolean);
}

/** The facts of one occurrence taken from the component that describes it (the master, or its exception). */
function occurrence(
  item: ICAL.Component,
  key: { uid: string; recurrenceId: string },
  start: Date,
  end: Date,
  untitled: string,
): FeedOccurrence {
  const status = item.getFirstPropertyValue('status');
  return {
    ...key,
    start,
    end: end.getTime() > start.getTime() ? end : start,
    title: clip(textOf(item, 'summary').trim() || untitled, LIMITS.title),
    description: clip(textOf(item, 'description').trim(), LIMITS.description),
    location: clip(textOf(item, 'location').trim(), LIMITS.location),
    url: urlOf(item),
    categories: categoriesOf(item),
    cancelled: typeof status === 'string' && status.toUpperCase() === 'CANCELLED',
  };
}

/**
 * Reads an iCalendar feed with ical.js: every VEVENT, repeating ones (RRULE, RDATE, EXDATE, and
 * their changed occurrences with a RECURRENCE-ID) expanded up to `horizonEnd`. Times become
 * instants as `instantOf` says. A feed that is not iCalendar is a UserError (`feed.error.parse`).
 */
export function parseFeed(raw: Uint8Array, o: { chapterZone: string; now: Date; horizonEnd: Date; untitled: string }): ParsedFeed {
  let root: ICAL.Component;
  try {
    const jcal: unknown = ICAL.parse(feedText(raw));
    // Several VCALENDARs in one file are read as one.
    const first = Array.isArray(jcal) && Array.isArray(jcal[0]) ? (jcal as unknown[][]) : [jcal as unknown[]];
    root = new ICAL.Component(first[0] as unknown[]);
    if (root.name !== 'vcalendar') throw new Error('not a VCALENDAR');
    for (const more of first.slice(1)) for (const sub of new ICAL.Component(more).getAllSubcomponents()) root.addSubcomponent(sub);
  } catch {
    throw new UserError('feed.error.parse');
  }
  const horizon = o.horizonEnd.getTime();
  // Past occurrences are skipped cheaply, by their time read as UTC: a day either way covers every zone.
  const past = o.now.getTime() / 1000 - 2 * 86_400;
  const out: FeedOccurrence[] = [];
  let skipped = 0;
  const masters = new Map<string, ICAL.Component>();
  const exceptions = new Map<string, ICAL.Component[]>();
  for (const vevent of root.getAllSubcomponents('vevent')) {
    const uid = vevent.getFirstPropertyValue('uid');
    const dtstart = vevent.getFirstPropertyValue('dtstart');
    if (typeof uid !== 'string' || !uid.trim() || !(dtstart instanceof ICAL.Time) || dtstart.isDate) {
      skipped++;
      continue;
    }
    if (vevent.hasProperty('recurrence-id')) exceptions.set(uid, [...(exceptions.get(uid) ?? []), vevent]);
    else masters.set(uid, vevent);
  }

  const timesOf = (item: ICAL.Component, details?: { startDate: ICAL.Time; endDate: ICAL.Time }) => {
    const event = new ICAL.Event(item);
    const startTime = details?.startDate ?? event.startDate;
    const endTime = details?.endDate ?? event.endDate;
    const start = instantOf(startTime, tzidOf(item, 'dtstart'), o.chapterZone);
    const end = endTime ? instantOf(endTime, tzidOf(item, item.hasProperty('dtend') ? 'dtend' : 'dtstart'), o.chapterZone) : start;
    return { start, end };
  };

  for (const [uid, master] of masters) {
    const event = new ICAL.Event(master, { exceptions: exceptions.get(uid) ?? [], strictExceptions: true });
    exceptions.delete(uid);
    if (!event.isRecurring()) {
      const { start, end } = timesOf(master);
      if (start.getTime() <= horizon) out.push(occurrence(master, { uid, recurrenceId: '' }, start, end, o.untitled));
      continue;
    }
    const dtstartZone = tzidOf(master, 'dtstart');
    // Excluded dates as instants, besides ical.js's own check: an EXDATE in UTC against a start in a
    // zone the feed does not define would otherwise compare wall clocks.
    const excluded = new Set(
      master
        .getAllProperties('exdate')
        .flatMap((p) => {
          const tzid = p.getParameter('tzid');
          return p.getValues().map((v: unknown) => ({ v, tzid: typeof tzid === 'string' ? tzid : dtstartZone }));
        })
        .filter((x): x is { v: ICAL.Time; tzid: string | null } => x.v instanceof ICAL.Time)
        .map(({ v, tzid }) => instantOf(v, tzid, o.chapterZone).getTime()),
    );
    const iterator = event.iterator();
    for (let i = 0; i < MAX_ITERATIONS && out.length < MAX_OCCURRENCES; i++) {
      const next = iterator.next();
      if (!next) break;
      if (next.toUnixTime() < past) continue;
      const original = instantOf(next, dtstartZone, o.chapterZone);
      if (original.getTime() > horizon) break;
      if (excluded.has(original.getTime())) continue;
      const details = event.getOccurrenceDetails(next);
      const item = details.item?.component ?? master;
      const { start, end } = timesOf(item, details);
      out.push(occurrence(item, { uid, recurrenceId: stamp(original) }, start, end, o.untitled));
    }
  }
  // Changed occurrences whose repeating event is not in the feed (some exporters list only those): single events of their own.
  for (const [uid, items] of exceptions) {
    for (const item of items) {
      const rid = item.getFirstPropertyValue('recurrence-id');
      if (!(rid instanceof ICAL.Time)) continue;
      const { start, end } = timesOf(item);
      const original = instantOf(rid, tzidOf(item, 'recurrence-id'), o.chapterZone);
      if (start.getTime() <= horizon) out.push(occurrence(item, { uid, recurrenceId: stamp(original) }, start, end, o.untitled));
    }
  }
  return { occurrences: out.slice(0, MAX_OCCURRENCES), skipped };
}

/** The wall-clock date, time and minutes of an occurrence in the chapter's zone, as /workshop create takes them. */
export function asWorkshopTime(o: FeedOccurrence, timeZone: string) {
  const { date, time } = localParts(o.start, timeZone);
  const minutes = Math.round((o.end.getTime() - o.start.getTime()) / 60_000);
  return { date, time, duration: minutes };
}
