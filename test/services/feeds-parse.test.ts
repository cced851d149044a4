import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UserError } from '../../src/core/errors.js';
import { clip, ianaZone, parseFeed } from '../../src/services/feeds/parse.js';
import { googleFeed, ics, LONG_DESCRIPTION, lumaFeed, MEETUP_EVENTS, meetupFeed } from '../support/feeds.js';

const NOW = new Date('2027-01-10T12:00:00Z');
const options = { chapterZone: 'Europe/Berlin', now: NOW, horizonEnd: new Date('2027-03-11T12:00:00Z'), untitled: 'Workshop' };

test('a Meetup export: times by its VTIMEZONE, escaped commas and semicolons, emoji and a long folded description intact', () => {
  const { occurrences } = parseFeed(meetupFeed(MEETUP_EVENTS), options);
  const byUid = new Map(occurrences.map((o) => [o.uid, o]));
  const first = byUid.get('event_300000001@meetup.com')!;
  assert.equal(first.recurrenceId, '');
  assert.equal(first.start.toISOString(), '2027-02-06T09:00:00.000Z', '10:00 CET');
  assert.equal(first.end.toISOString(), '2027-02-06T12:00:00.000Z');
  assert.equal(first.title, 'Python für Anfänger*innen 🐍');
  assert.equal(first.location, 'Betahaus (Rudi-Dutschke-Straße 23, 10969 Berlin, Germany)');
  assert.equal(first.url, 'https://www.meetup.com/opentechschool-berlin/events/300000001/');
  const expected = LONG_DESCRIPTION.replace(/\\n/g, '\n').replace(/\\([,;])/g, '$1');
  assert.ok(expected.length > 1000, 'longer than a workshop keeps');
  assert.equal(first.description.length, 1000);
  assert.equal(first.description, `${expected.slice(0, 999)}…`);
  assert.ok(
    first.description.startsWith(
      'Hallo zusammen! 👋 Wir lernen Python, Schritt für Schritt; keine Vorkenntnisse nötig.\n\nBring your laptop 💻, we bring snacks 🥨 and coaches 🧑‍🏫.',
    ),
  );
  assert.ok(!first.description.includes('\uFFFD'), 'no character broken by a fold');
  assert.equal(byUid.get('event_300000003@meetup.com')!.cancelled, true);
  assert.equal(byUid.get('event_300000004@meetup.com')!.start.toISOString(), '2027-01-05T09:00:00.000Z', 'single past events are listed');
  assert.equal(byUid.has('event_300000005@meetup.com'), false, 'beyond the horizon');
});

test('a Google Calendar export: RRULE with EXDATE expanded, the changed occurrence taken, TZIDs without VTIMEZONE read as IANA zones', () => {
  const { occurrences, skipped } = parseFeed(googleFeed(), options);
  const weekly = occurrences.filter((o) => o.uid === '4h1l2weekly@google.com');
  assert.deepEqual(
    weekly.map((o) => [o.recurrenceId, o.start.toISOString(), o.title]),
    [
      ['20270113T183000Z', '2027-01-13T18:30:00.000Z', 'JS evening'],
      ['20270120T183000Z', '2027-01-20T18:30:00.000Z', 'JS evening'],
      // 27 January is excluded.
      ['20270203T183000Z', '2027-02-03T19:00:00.000Z', 'JS evening (later start)'],
      ['20270210T183000Z', '2027-02-10T18:30:00.000Z', 'JS evening'],
      ['20270217T183000Z', '2027-02-17T18:30:00.000Z', 'JS evening'],
    ],
    'London is UTC+0 in winter: 18:30 there, not 18:30 in the chapter’s zone (17:30 UTC)',
  );
  assert.deepEqual(weekly[0]!.categories, ['JavaScript', 'Web']);
  assert.equal(weekly[0]!.location, 'Google Campus, 4-5 Bonhill St, London');
  const thursdays = occurrences.filter((o) => o.uid === 'berlin-thursdays@google.com').map((o) => o.start.toISOString());
  assert.deepEqual(thursdays, ['2027-01-14T09:00:00.000Z', '2027-01-28T09:00:00.000Z'], 'the EXDATE in UTC removes the 21st');
  assert.equal(skipped, 1, 'the all-day event');
});

test('a lu.ma export: UTC times, emoji in the title, a description folded inside multi-byte characters', () => {
  const [event] = parseFeed(lumaFeed(), options).occurrences;
  assert.equal(event!.title, '🚀 Launch night: Rust 🦀 für alle');
  assert.equal(event!.start.toISOString(), '2027-02-15T17:30:00.000Z');
  assert.equal(event!.url, 'https://lu.ma/rust-night');
  assert.equal(
    event!.description,
    `Get up-to-date information at: https://lu.ma/rust-night\n\nÜber das Treffen 🎉: ${'Ärger? Nö — Spaß! 😀 '.repeat(12)}\nEnde.`,
  );
});

test('TZIDs: prefixed forms are found, an unknown one falls back to the chapter’s zone, floating times are the chapter’s', () => {
  assert.equal(ianaZone('/mozilla.org/20050126_1/Europe/Berlin'), 'Europe/Berlin');
  // The runtime's canonical spelling of a zone with aliases.
  assert.match(ianaZone('"America/Argentina/Buenos_Aires"') ?? '', /^America\/(Argentina\/)?Buenos_Aires$/);
  assert.equal(ianaZone('W. Europe Standard Time'), null);
  const feed = ics([
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'BEGIN:VEVENT',
    'UID:a',
    'DTSTART;TZID=/mozilla.org/20050126_1/America/New_York:20270201T180000',
    'SUMMARY:New York',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:b',
    'DTSTART:20270201T180000',
    'SUMMARY:Floating',
    'END:VEVENT',
    'BEGIN:VEVENT',
    'UID:c',
    'DTSTART;TZID=Mars/Olympus_Mons:20270201T180000',
    'END:VEVENT',
    'END:VCALENDAR',
  ]);
  const [ny, floating, unknown] = parseFeed(feed, options).occurrences;
  assert.equal(ny!.start.toISOString(), '2027-02-01T23:00:00.000Z');
  assert.equal(floating!.start.toISOString(), '2027-02-01T17:00:00.000Z');
  assert.equal(unknown!.start.toISOString(), '2027-02-01T17:00:00.000Z');
  assert.equal(unknown!.title, 'Workshop', 'no SUMMARY');
  assert.equal(ny!.end.toISOString(), ny!.start.toISOString(), 'no DTEND: it ends as it starts (the sync gives it the default length)');
});

test('what is not iCalendar is refused; text is cut at whole characters', () => {
  assert.throws(
    () => parseFeed(Buffer.from('<html>Sign in</html>'), options),
    (err: unknown) => err instanceof UserError && err.key === 'feed.error.parse',
  );
  assert.equal(clip('ab🐍cd', 4), 'ab…');
  assert.equal(clip('abc', 3), 'abc');
});
