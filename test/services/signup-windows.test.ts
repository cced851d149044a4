import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkshopSignup } from '../../entities/WorkshopSignup.js';
import { UserError } from '../../src/core/errors.js';
import type { Person } from '../../src/core/types.js';
import { parseLocalDateTime } from '../../src/services/workshops/windows.js';
import { consoleBot } from '../support/console-bot.js';
import { eachDatabase } from '../support/helpers.js';

const person = (name: string): Person => ({ platform: 'console', workspace: 'console', id: name, name });

const refused =
  (key: string, params?: Record<string, string | number>) =>
  (err: unknown): boolean => {
    assert.ok(err instanceof UserError, String(err));
    assert.equal(err.key, key);
    for (const [name, value] of Object.entries(params ?? {})) assert.equal(err.params[name], value, name);
    return true;
  };

test('a date and time typed for a window: the chapter’s wall clock, and a clear error for anything else', () => {
  assert.equal(parseLocalDateTime('2027-03-01 18:00', 'opens', 'Europe/Berlin').toISOString(), '2027-03-01T17:00:00.000Z');
  assert.equal(parseLocalDateTime('2027-07-01T08:30', 'opens', 'Europe/Berlin').toISOString(), '2027-07-01T06:30:00.000Z');
  for (const bad of ['2027-03-01', '18:00', '2027-02-30 10:00', '2027-03-01 24:00', 'tomorrow'])
    assert.throws(() => parseLocalDateTime(bad, 'closes', 'Europe/Berlin'), refused('workshop.window.bad_format', { option: 'closes' }));
  // The hour skipped when clocks spring forward does not exist in Berlin.
  assert.throws(() => parseLocalDateTime('2027-03-28 02:30', 'opens', 'Europe/Berlin'), refused('workshop.time.nonexistent'));
});

test('sign-up windows with a fake clock: before, during and after; coaches may claim earlier', (t) =>
  eachDatabase(t, async (database) => {
    // The clock starts at 2027-01-10 12:00 UTC; the workshop is on 20 January at 10:00 in Berlin (09:00 UTC).
    const bot = await consoleBot(database);
    try {
      await bot.run('@mona /chapter create name:Berlin timezone:Europe/Berlin', '@ada /coach volunteer topics:Python languages:en');
      const created = await bot.run(
        '@mona /workshop create chapter:Berlin title:"Python day" topic:Python date:2027-01-20 time:10:00 learners:8 ' +
          'opens:"2027-01-12 18:00" closes:"2027-01-19 12:00" coaches-open:"2027-01-11 09:00"',
      );
      assert.match(created, /Sign-ups/, 'the announcement shows the window');
      const w = await bot.app.services.workshops.get(1);
      assert.equal(w.signupsOpenAt?.toISOString(), '2027-01-12T17:00:00.000Z');
      assert.equal(w.signupsCloseAt?.toISOString(), '2027-01-19T11:00:00.000Z');
      assert.equal(w.coachesOpenAt?.toISOString(), '2027-01-11T08:00:00.000Z');
      const workshops = bot.app.services.workshops;

      // Before anything opens: both told when, in the chapter's wall clock with its zone.
      await assert.rejects(
        workshops.join(person('lea'), 1),
        refused('workshop.window.not_yet.learner', { id: 1, opens: '2027-01-12 18:00 Europe/Berlin' }),
      );
      await assert.rejects(
        workshops.claim(person('ada'), 1),
        refused('workshop.window.not_yet.coach', { id: 1, opens: '2027-01-11 09:00 Europe/Berlin' }),
      );
      assert.match(await bot.run('@lea /workshop join id:1'), /open at 2027-01-12 18:00 Europe\/Berlin/);
      assert.equal(await bot.app.db.getRepository(WorkshopSignup).count(), 0, 'a refused join leaves no row');

      // Coaches first, then learners, each from the minute their window opens.
      bot.clock.set(new Date('2027-01-11T08:00:00Z'));
      assert.equal((await workshops.claim(person('ada'), 1)).state, 'confirmed');
      bot.clock.set(new Date('2027-01-12T16:59:00Z'));
      await assert.rejects(workshops.join(person('lea'), 1), refused('workshop.window.not_yet.learner'));
      bot.clock.set(new Date('2027-01-12T17:00:00Z'));
      assert.equal((await workshops.join(person('lea'), 1)).state, 'confirmed');

      // Closed at 12:00 Berlin the day before, for both; leaving is still possible.
      bot.clock.set(new Date('2027-01-19T11:00:00Z'));
      await assert.rejects(
        workshops.join(person('max'), 1),
        refused('workshop.window.closed', { closed: '2027-01-19 12:00 Europe/Berlin' }),
      );
      await bot.run('@bea /coach volunteer topics:Python languages:en');
      await assert.rejects(workshops.claim(person('bea'), 1), refused('workshop.window.closed'));
      assert.match(await bot.run('@max /workshop join id:1'), /closed at 2027-01-19 12:00 Europe\/Berlin/);
      assert.equal(await workshops.leave(person('lea'), 1), 'confirmed');

      // A moderator reopens until the start: the members signed up are told the sign-up times changed.
      const edited = await bot.run('@mona /workshop edit id:1 closes:"2027-01-20 10:00"');
      assert.match(edited, /sign-up times/);
      assert.equal((await workshops.join(person('max'), 1)).state, 'confirmed');
    } finally {
      await bot.close();
    }
  }));

test('the defaults: open from creation until the start; impossible windows are refused', (t) =>
  eachDatabase(t, async (database) => {
    const bot = await consoleBot(database);
    try {
      await bot.run('@mona /chapter create name:Berlin timezone:Europe/Berlin', '@ada /coach volunteer topics:Python languages:en');
      const create = (extra: string) =>
        bot.run(`@mona /workshop create chapter:Berlin title:"Python day" topic:Python date:2027-01-20 time:10:00 learners:8 ${extra}`);
      const plain = await create('');
      assert.doesNotMatch(plain, /Sign-ups/, 'the default window is not spelled out');
      const w = await bot.app.services.workshops.get(1);
      assert.equal(w.signupsOpenAt, null);
      assert.equal(w.signupsCloseAt, null);
      assert.equal((await bot.app.services.workshops.claim(person('ada'), 1)).state, 'confirmed');
      assert.equal((await bot.app.services.workshops.join(person('lea'), 1)).state, 'confirmed');

      assert.match(await create('closes:"2027-01-20 10:01"'), /cannot close after the workshop starts/);
      assert.match(await create('opens:"2027-01-19 10:00" closes:"2027-01-18 10:00"'), /must open before they close/);
      assert.match(await create('coaches-open:"2027-01-20 09:00" closes:"2027-01-19 10:00"'), /coaches-open: sign-ups must open before/);
      assert.match(await create('opens:soon'), /opens: expected a date and time/);
      assert.equal((await bot.app.services.workshops.list({ when: 'upcoming' })).length, 1, 'no refused workshop was made');
      // An edit is checked against what is stored: opening after the stored close is refused.
      await bot.run('@mona /workshop edit id:1 closes:"2027-01-15 10:00"');
      assert.match(await bot.run('@mona /workshop edit id:1 opens:"2027-01-16 10:00"'), /must open before they close/);
    } finally {
      await bot.close();
    }
  }));
