import { createServer, type IncomingMessage, type Server } from 'node:http';

/**
 * Calendar feeds as the services people follow export them, built from the public format (RFC 5545)
 * and what those exports are known to contain, and a loopback HTTP server that serves them.
 */

/**
 * Folds a content line at 75 octets as RFC 5545 says, and as Google and Meetup do: by bytes, so a
 * fold may fall inside a multi-byte character (the reader must unfold before decoding UTF-8).
 */
export function foldLine(line: string): Buffer {
  const bytes = Buffer.from(line, 'utf8');
  const parts: Buffer[] = [];
  for (let at = 0, width = 75; at < bytes.length; at += width, width = 74) {
    if (parts.length) parts.push(Buffer.from('\r\n '));
    parts.push(bytes.subarray(at, at + width));
  }
  return Buffer.concat(parts);
}

/** A feed as bytes: CRLF line ends, every line folded at 75 octets. */
export function ics(lines: readonly string[]): Buffer {
  return Buffer.concat(lines.flatMap((l) => [foldLine(l), Buffer.from('\r\n')]));
}

/** A VTIMEZONE block for Europe/Berlin as Meetup and Google export it. */
export const BERLIN_VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  'TZID:Europe/Berlin',
  'X-LIC-LOCATION:Europe/Berlin',
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

export interface MeetupEvent {
  readonly id: string;
  readonly summary: string;
  /** Wall clock in Europe/Berlin, `YYYYMMDDTHHMMSS`. */
  readonly start: string;
  readonly end: string;
  readonly location?: string;
  readonly description?: string;
  readonly status?: 'CONFIRMED' | 'CANCELLED';
}

export const MEETUP_GROUP = 'https://www.meetup.com/opentechschool-berlin';

/** The shape of a Meetup group's iCal export (Events → "Add to calendar" → iCal): VTIMEZONE, TZID times, URL, GEO, escaped text. */
export function meetupFeed(events: readonly MeetupEvent[]): Buffer {
  return ics([
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Meetup//RemoteApi//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-ORIGINAL-URL:${MEETUP_GROUP}/events/ical/`,
    'X-WR-CALNAME:Events - OpenTechSchool Berlin',
    'X-MS-OLK-FORCEINSPECTOROPEN:TRUE',
    ...BERLIN_VTIMEZONE,
    ...events.flatMap((e) => [
      'BEGIN:VEVENT',
      'DTSTAMP:20270101T090000Z',
      `DTSTART;TZID=Europe/Berlin:${e.start}`,
      `DTEND;TZID=Europe/Berlin:${e.end}`,
      `STATUS:${e.status ?? 'CONFIRMED'}`,
      `SUMMARY:${e.summary}`,
      ...(e.description ? [`DESCRIPTION:${e.description}`] : []),
      'CLASS:PUBLIC',
      'CREATED:20261201T100000Z',
      'GEO:52.5016;13.4116',
      ...(e.location ? [`LOCATION:${e.location}`] : []),
      `URL:${MEETUP_GROUP}/events/${e.id}/`,
      'LAST-MODIFIED:20270101T090000Z',
      `UID:event_${e.id}@meetup.com`,
      'END:VEVENT',
    ]),
    'END:VCALENDAR',
  ]);
}

/** A long Meetup description: escaped commas and semicolons, \n line breaks, emoji, longer than a workshop keeps. */
export const LONG_DESCRIPTION =
  'Hallo zusammen! 👋 Wir lernen Python\\, Schritt für Schritt\\; keine Vorkenntnisse nötig.\\n\\n' +
  'Bring your laptop 💻\\, we bring snacks 🥨 and coaches 🧑‍🏫.\\n' +
  'Ablauf: 10:00 Ankommen\\; 10:30 Einführung\\; 12:30 Fragen. '.repeat(20);

export const MEETUP_EVENTS: readonly MeetupEvent[] = [
  {
    id: '300000001',
    summary: 'Python für Anfänger*innen 🐍',
    start: '20270206T100000',
    end: '20270206T130000',
    location: 'Betahaus (Rudi-Dutschke-Straße 23\\, 10969 Berlin\\, Germany)',
    description: LONG_DESCRIPTION,
  },
  { id: '300000002', summary: 'JavaScript: build a game', start: '20270220T140000', end: '20270220T170000', location: 'c-base' },
  { id: '300000003', summary: 'Cancelled before we heard of it', start: '20270227T100000', end: '20270227T120000', status: 'CANCELLED' },
  { id: '300000004', summary: 'Last year', start: '20270105T100000', end: '20270105T120000' },
  { id: '300000005', summary: 'Beyond the horizon', start: '20270601T100000', end: '20270601T120000' },
];

/**
 * The shape of a public Google Calendar's "basic.ics": X-WR-TIMEZONE, TZIDs without VTIMEZONE blocks,
 * a weekly RRULE with an EXDATE and one changed occurrence (RECURRENCE-ID), CATEGORIES.
 */
export function googleFeed(): Buffer {
  return ics([
    'BEGIN:VCALENDAR',
    'PRODID:-//Google Inc//Google Calendar 70.9054//EN',
    'VERSION:2.0',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'X-WR-CALNAME:OTS London',
    'X-WR-TIMEZONE:Europe/London',
    'BEGIN:VEVENT',
    'DTSTART;TZID=Europe/London:20270113T183000',
    'DTEND;TZID=Europe/London:20270113T203000',
    'RRULE:FREQ=WEEKLY;COUNT=6;BYDAY=WE',
    'EXDATE;TZID=Europe/London:20270127T183000',
    'DTSTAMP:20270101T000000Z',
    'UID:4h1l2weekly@google.com',
    'CATEGORIES:JavaScript,Web',
    'CREATED:20261120T101010Z',
    'DESCRIPTION:Weekly JS evening. Details: https://example.org/js',
    'LAST-MODIFIED:20261220T101010Z',
    'LOCATION:Google Campus\\, 4-5 Bonhill St\\, London',
    'SEQUENCE:0',
    'STATUS:CONFIRMED',
    'SUMMARY:JS evening',
    'TRANSP:OPAQUE',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'DTSTART;TZID=Europe/London:20270203T190000',
    'DTEND;TZID=Europe/London:20270203T210000',
    'DTSTAMP:20270101T000000Z',
    'UID:4h1l2weekly@google.com',
    'RECURRENCE-ID;TZID=Europe/London:20270203T183000',
    'CATEGORIES:JavaScript',
    'SUMMARY:JS evening (later start)',
    'STATUS:CONFIRMED',
    'END:VEVENT',
    // A zone the feed does not define, and an EXDATE in UTC for it: Thursday 21st, 10:00 in Berlin, is 09:00 UTC.
    'BEGIN:VEVENT',
    'DTSTART;TZID=Europe/Berlin:20270114T100000',
    'DTEND;TZID=Europe/Berlin:20270114T120000',
    'RRULE:FREQ=WEEKLY;COUNT=3',
    'EXDATE:20270121T090000Z',
    'DTSTAMP:20270101T000000Z',
    'UID:berlin-thursdays@google.com',
    'SUMMARY:Thursday study group',
    'END:VEVENT',
    // An all-day event: a workshop needs a time, so it is left out.
    'BEGIN:VEVENT',
    'DTSTART;VALUE=DATE:20270130',
    'DTEND;VALUE=DATE:20270131',
    'DTSTAMP:20270101T000000Z',
    'UID:allday@google.com',
    'SUMMARY:Community day',
    'END:VEVENT',
    'END:VCALENDAR',
  ]);
}

/** The shape of a lu.ma calendar export: UTC times, the event page as LOCATION and URL, emoji titles, long folded descriptions. */
export function lumaFeed(): Buffer {
  return ics([
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Luma//Calendar//EN',
    'METHOD:PUBLISH',
    'X-WR-CALNAME:OpenTechSchool Events',
    'BEGIN:VEVENT',
    'UID:evt-AbCdEf123@lu.ma',
    'DTSTAMP:20270101T000000Z',
    'DTSTART:20270215T173000Z',
    'DTEND:20270215T200000Z',
    'SUMMARY:🚀 Launch night: Rust 🦀 für alle',
    `DESCRIPTION:Get up-to-date information at: https://lu.ma/rust-night\\n\\nÜber das Treffen 🎉: ${'Ärger? Nö — Spaß! 😀 '.repeat(12)}\\nEnde.`,
    'LOCATION:https://lu.ma/rust-night',
    'URL:https://lu.ma/rust-night',
    'ORGANIZER;CN="OpenTechSchool":MAILTO:calendar-invite@lu.ma',
    'END:VEVENT',
    'END:VCALENDAR',
  ]);
}

export interface Route {
  body?: Buffer;
  status?: number;
  etag?: string;
  /** Honour If-None-Match with a 304 (default true when an etag is set). */
  honour304?: boolean;
  redirectTo?: string;
  /** Send the headers and then nothing more: a feed that never finishes. */
  hang?: boolean;
  /** Answer only once this settles (a test holds a fetch in flight). */
  hold?: Promise<void>;
}

export interface FeedServer {
  readonly url: (path: string) => string;
  readonly routes: Map<string, Route>;
  readonly requests: { path: string; ifNoneMatch: string | undefined }[];
  /** Settles once `count` requests have arrived in all. */
  arrived(count: number): Promise<void>;
  close(): Promise<void>;
}

/** An HTTP server on a loopback address serving the routes it is given (changed by the test as it goes). */
export async function feedServer(host = '127.0.0.1'): Promise<FeedServer> {
  const routes = new Map<string, Route>();
  const requests: FeedServer['requests'] = [];
  const hanging = new Set<IncomingMessage>();
  const waiting: { count: number; resolve: () => void }[] = [];
  const server: Server = createServer(async (req, res) => {
    const path = req.url ?? '/';
    const ifNoneMatch = req.headers['if-none-match'];
    requests.push({ path, ifNoneMatch });
    for (const w of waiting.filter((x) => requests.length >= x.count)) w.resolve();
    const route = routes.get(path);
    if (route?.hold) await route.hold;
    if (!route) return res.writeHead(404).end('not found');
    if (route.redirectTo) return res.writeHead(302, { location: route.redirectTo }).end();
    if (route.hang) {
      hanging.add(req);
      res.writeHead(200, { 'content-type': 'text/calendar' });
      res.write('BEGIN:VCALENDAR\r\n');
      return undefined;
    }
    if (route.etag && (route.honour304 ?? true) && ifNoneMatch === route.etag) return res.writeHead(304, { etag: route.etag }).end();
    res.writeHead(route.status ?? 200, {
      'content-type': 'text/calendar; charset=utf-8',
      ...(route.etag ? { etag: route.etag } : {}),
    });
    return res.end(route.body ?? '');
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as { port: number };
  return {
    url: (path) => `http://${host}:${port}${path}`,
    routes,
    requests,
    arrived: (count) => (requests.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ count, resolve }))),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
