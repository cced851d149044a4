import assert from 'node:assert/strict';
import { test } from 'node:test';
import ICAL from 'ical.js';
import { Workshop } from '../../entities/Workshop.js';
import { ManualClock } from '../../src/core/clock.js';
import { translator } from '../../src/core/i18n.js';
import type { LocalDate } from '../../src/core/options.js';
import { say, UserError } from '../../src/core/errors.js';
import { eachDatabase, servicesOn } from '../support/helpers.js';

const NOW = new Date('2027-01-10T12:00:00Z');
const day = (s: string): LocalDate => {
  const [year, month, d] = s.split('-').map(Number) as [number, number, number];
  return { year, month, day: d };
};
const tooFar = (latest: string) => (err: unknown) =>
  err instanceof UserError && err.key === 'workshop.time.too_far' && err.params.latest === latest;

/** Parses the calendar back and checks each event's times against the workshop, in the RFC 5545 UTC form. */
function assertValidCalendar(ics: string, workshops: readonly Workshop[]): void {
  for (const line of ics.split(/\r\n/).filter((l) => /^DT(START|END)[:;]/.test(l)))
    assert.match(line, /^DT(START|END):\d{8}T\d{6}Z$/, line);
  const events = new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent').map((c) => new ICAL.Event(c));
  assert.equal(events.length, workshops.length);
  for (const [i, w] of workshops.entries()) {
    assert.equal(events[i]!.startDate.toJSDate().toISOString(), w.startsAt.toISOString());
    assert.equal(events[i]!.endDate.toJSDate().toISOString(), w.endsAt.toISOString());
  }
}

test('a workshop more than 3 years ahead is refused with the latest date to choose, in the chapter’s zone, in English and German', (t) =>
  eachDatabase(t, async ({ target }) => {
    const { db, services } = await servicesOn(target, new ManualClock(NOW));
    try {
      const { chapter: berlin } = await services.chapters.create({ name: 'Berlin', timeZone: 'Europe/Berlin' });
      const { chapter: kiritimati } = await services.chapters.create({ name: 'Kiritimati', timeZone: 'Pacific/Kiritimati' });
      const create = (chapter: typeof berlin, date: string, time = { hour: 10, minute: 0 }) =>
        services.workshops.create(chapter, { title: 'Far', topic: 'Python', date: day(date), time, learners: 4 });
      await assert.rejects(create(berlin, '9999-12-31'), tooFar('2030-01-10'));
      await assert.rejects(create(berlin, '2030-01-11'), tooFar('2030-01-10'));
      await create(berlin, '2030-01-10', { hour: 23, minute: 59 });
      // It is already 11 January 02:00 on Kiritimati (UTC+14).
      await assert.rejects(create(kiritimati, '2030-01-12'), tooFar('2030-01-11'));
      await create(kiritimati, '2030-01-11');
      const near = await create(berlin, '2027-02-01');
      await assert.rejects(services.workshops.edit(near.id, { date: day('9999-12-31') }), tooFar('2030-01-10'));
      assert.equal(await db.getRepository(Workshop).count(), 3, 'nothing was stored for the refused dates');

      const err = await create(berlin, '9999-12-31').catch((e: UserError) => e);
      assert.ok(err instanceof UserError);
      assert.equal(
        say(translator('en'), err),
        'That date is too far ahead: workshops are planned at most 3 years ahead. Choose a date up to 2030-01-10, written YYYY-MM-DD, e.g. date:2030-01-10.',
      );
      assert.match(say(translator('de'), err), /^Dieses Datum liegt zu weit in der Zukunft: .*höchstens 3 Jahre.* bis zum 2030-01-10/);
    } finally {
      await db.destroy();
    }
  }));

test('every accepted date yields a valid .ics: the first and last days, midnight, a day long, leap days, clock changes, the far east and west', (t) =>
  eachDatabase(t, async ({ target }) => {
    const { db, services } = await servicesOn(target, new ManualClock(NOW));
    try {
      const zones = ['Europe/Berlin', 'Pacific/Kiritimati', 'Pacific/Pago_Pago', 'America/Sao_Paulo'];
      const cases: [string, string, number][] = [
        ['2027-01-12', '00:00', 15],
        ['2027-12-31', '23:59', 1440],
        ['2028-02-29', '12:00', 180],
        ['2027-03-28', '03:00', 60],
        ['2027-10-31', '02:30', 90],
        ['2029-12-31', '23:59', 1440],
        ['2030-01-10', '00:00', 1440],
      ];
      const made: Workshop[] = [];
      for (const [i, zone] of zones.entries()) {
        const { chapter } = await services.chapters.create({ name: `Chapter ${i}`, timeZone: zone });
        for (const [date, time, duration] of cases) {
          const [hour, minute] = time.split(':').map(Number) as [number, number];
          made.push(
            await services.workshops.create(chapter, {
              title: `${zone} ${date}`,
              topic: 'Python',
              date: day(date),
              time: { hour, minute },
              learners: 4,
              duration,
            }),
          );
        }
      }
      assertValidCalendar(services.workshops.calendar(made, 'All'), made);
      // The last one moved to the last day, a day long, still fits.
      const last = made.at(-1)!;
      const { workshop } = await services.workshops.edit(last.id, {
        date: day('2030-01-10'),
        time: { hour: 23, minute: 59 },
        duration: 1440,
      });
      assertValidCalendar(services.workshops.calendar([workshop], 'One'), [workshop]);
      // A workshop stored before the limit, on 9999-12-31, is left out of calendars rather than spoiling them.
      await db
        .getRepository(Workshop)
        .update({ id: made[0]!.id }, { startsAt: new Date('9999-12-31T09:00:00Z'), endsAt: new Date(Date.UTC(10_000, 0, 1, 9)) });
      const stored = await db.getRepository(Workshop).find({ order: { id: 'ASC' } });
      assertValidCalendar(
        services.workshops.calendar(stored, 'Stored'),
        stored.filter((w) => w.id !== made[0]!.id),
      );
    } finally {
      await db.destroy();
    }
  }));
