import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatZoned, renderConsole } from '../../../src/adapters/console/render.js';
import { bold, code, italic, link, list, message, p, time } from '../../../src/core/reply.js';

const now = new Date('2027-03-01T12:00:00Z');
const o = { locale: 'en', timeZone: 'UTC', now };

test('times show in the chapter’s zone with its abbreviation, across daylight-saving changes', () => {
  // Europe/Berlin springs forward on 28 March 2027 at 02:00 local time.
  assert.equal(formatZoned(new Date('2027-03-27T17:00:00Z'), 'full', 'Europe/Berlin', 'en', now), 'Sat, 27 Mar 2027, 18:00 CET');
  assert.equal(formatZoned(new Date('2027-03-28T16:00:00Z'), 'full', 'Europe/Berlin', 'en', now), 'Sun, 28 Mar 2027, 18:00 CEST');
  assert.equal(formatZoned(new Date('2027-03-28T16:00:00Z'), 'time', 'Europe/London', 'en', now), '17:00 BST');
  assert.equal(formatZoned(new Date('2027-03-28T16:00:00Z'), 'full', 'Europe/Berlin', 'de', now), 'So., 28. März 2027, 18:00 MESZ');
  assert.equal(formatZoned(new Date('2027-03-04T12:00:00Z'), 'relative', 'UTC', 'en', now), 'in 3 days');
});

test('where the reader’s language has no abbreviation for the zone, the offset and the zone’s city', () => {
  const winter = new Date('2027-01-15T15:00:00Z');
  const summer = new Date('2027-07-15T14:00:00Z');
  // German has none for New York: Intl gives only GMT-5.
  assert.equal(formatZoned(winter, 'time', 'America/New_York', 'de', now), '10:00 GMT-5, New York');
  assert.equal(formatZoned(summer, 'full', 'America/New_York', 'de', now), 'Do., 15. Juli 2027, 10:00 GMT-4, New York');
  assert.equal(formatZoned(winter, 'time', 'America/Argentina/Buenos_Aires', 'de', now), '12:00 GMT-3, Buenos Aires');
  // English has one (EST, EDT), and German its own for Berlin.
  assert.equal(formatZoned(winter, 'time', 'America/New_York', 'en', now), '10:00 EST');
  assert.equal(formatZoned(summer, 'time', 'America/New_York', 'en', now), '10:00 EDT');
  assert.equal(formatZoned(winter, 'time', 'Europe/Berlin', 'de', now), '16:00 MEZ');
  assert.equal(formatZoned(winter, 'time', 'UTC', 'de', now), '15:00 UTC', 'UTC needs no city');
  assert.equal(formatZoned(winter, 'date', 'America/New_York', 'de', now), 'Fr., 15. Jan. 2027', 'a date has no zone');
});

test('rich text becomes light marks; buttons become the command lines they stand for', () => {
  const text = renderConsole(
    message(
      [
        p('Hello ', bold('you'), ', ', italic('welcome'), ' to ', code('/help'), '. ', link('https://example.org/a', 'Read this')),
        list('one', ['two ', bold('2')]),
      ],
      {
        title: 'Anonymous question #3',
        fields: [{ name: 'Starts', value: [time(new Date('2027-06-01T16:00:00Z'), 'full', 'Europe/Berlin')] }],
        buttons: [
          { label: 'Me too', command: '/ask metoo id:3' },
          { label: 'Answer', command: '/ask answer id:3' },
        ],
        attachments: [{ filename: 'workshop-3.ics', contentType: 'text/calendar', data: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n' }],
      },
    ),
    o,
  );
  assert.equal(
    text,
    [
      '**Anonymous question #3**',
      'Hello **you**, _welcome_ to `/help`. Read this (https://example.org/a)',
      '- one',
      '- two **2**',
      'Starts: Tue, 1 Jun 2027, 18:00 CEST',
      '[attachment: workshop-3.ics (text/calendar, 32 bytes)]',
      'BEGIN:VCALENDAR',
      'END:VCALENDAR',
      '[button: /ask metoo id:3]',
      '[button: /ask answer id:3]',
    ].join('\n'),
  );
});
