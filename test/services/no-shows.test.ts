import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuditEntry } from '../../entities/AuditEntry.js';
import { NoShow } from '../../entities/NoShow.js';
import { Workshop } from '../../entities/Workshop.js';
import { WorkshopSignup } from '../../entities/WorkshopSignup.js';
import type { Person } from '../../src/core/types.js';
import { consoleBot } from '../support/console-bot.js';
import { eachDatabase, freshDatabase, postgresUnavailable, type TestDatabase } from '../support/helpers.js';

const person = (name: string): Person => ({ platform: 'console', workspace: 'console', id: name, name });

/**
 * Berlin with ada as coach (the clock starts on 10 January 2027, 12:00 UTC) and four workshops on
 * 12 January: #1 at 10:00 with check-in (09:00-12:00 UTC), #2 cancelled, #3 at 14:00 where nobody checks
 * in, and #4 in February. l2 is confirmed at all four and never comes.
 */
async function noShowBot(database: TestDatabase) {
  const bot = await consoleBot(database);
  const create = (title: string, date: string, time: string) =>
    `@mona /workshop create chapter:Berlin title:"${title}" topic:Python date:${date} time:${time} learners:4`;
  await bot.run(
    '@mona /chapter create name:Berlin timezone:Europe/Berlin',
    '@ada /coach volunteer topics:Python languages:en',
    create('With check-in', '2027-01-12', '10:00'),
    create('Cancelled', '2027-01-12', '12:00'),
    create('Nobody checked in', '2027-01-12', '14:00'),
    create('Later', '2027-02-20', '10:00'),
  );
  for (const id of [1, 2, 3, 4]) await bot.run(`@ada /workshop claim ${id}`);
  for (const id of [1, 2, 3, 4]) await bot.run(`@l2 /workshop join id:${id}`);
  /** Counters equal rows: the confirmed learners of a workshop and its counter. */
  const seats = async (id: number) => ({
    counter: (await bot.app.db.getRepository(Workshop).findOneByOrFail({ id })).learnersConfirmed,
    rows: await bot.app.db.getRepository(WorkshopSignup).countBy({ workshopId: id, role: 'learner', state: 'confirmed' }),
  });
  const records = async () =>
    (await bot.app.db.getRepository(NoShow).find({ relations: { member: true }, order: { id: 'ASC' } })).map((r) => [
      r.workshopId,
      r.member!.userId,
      r.clearedAt ? 'cleared' : 'live',
    ]);
  return { bot, seats, records, noShows: bot.app.services.noShows };
}

test('no-show records: only confirmed learners who neither came nor left in time, at workshops that ended with check-in', (t) =>
  eachDatabase(t, async (database) => {
    const { bot, records, noShows } = await noShowBot(database);
    try {
      // #1 fills: l1, l3, l6 confirmed besides l2; l4 waits.
      for (const l of ['l1', 'l3', 'l6', 'l4']) await bot.run(`@${l} /workshop join id:1`);
      await bot.run('@mona /workshop cancel id:2 reason:"venue flooded"');
      // 21 hours before the start (less than NO_SHOW_CUTOFF_HOURS, 24): l3 leaves late and l4 is promoted late.
      bot.clock.set(new Date('2027-01-11T12:00:00Z'));
      assert.match(await bot.run('@l3 /workshop leave id:1'), /#1/);
      assert.equal((await bot.app.db.getRepository(Workshop).findOneByOrFail({ id: 1 })).lateLeaves, 1, 'the late leave is counted');
      // The freed seat is offered to l4 (waitlist offers), who accepts at once: confirmed 21 hours before the start.
      assert.match(await bot.run('@l4 /workshop offer id:1 answer:accept'), /confirmed/);
      const l4 = await bot.app.db
        .getRepository(WorkshopSignup)
        .findOneOrFail({ where: { workshopId: 1, state: 'confirmed' }, order: { id: 'DESC' } });
      assert.equal(l4.confirmedAt?.toISOString(), '2027-01-11T12:00:00.000Z', 'the promotion is dated');

      // On the day l1 checks in; a moderator's correction records l6, who forgot.
      bot.clock.set(new Date('2027-01-12T08:30:00Z'));
      const { code } = await bot.app.services.workshopDay.code(1);
      await bot.run(`@l1 /workshop checkin id:1 code:${code}`);
      bot.clock.set(new Date('2027-01-12T11:59:00Z'));
      assert.equal(await noShows.tick(), 0, 'nothing before the end');
      assert.deepEqual(await records(), []);
      await bot.run('@mona /workshop attendance id:1 present:@l6');

      bot.clock.set(new Date('2027-01-12T16:00:00Z'));
      await noShows.tick();
      // l2 at #1 only: not at the cancelled #2, not at #3 without check-in, not at the future #4;
      // not l4, promoted 21 hours before; not l6, recorded by the correction; not l3, who left.
      assert.deepEqual(await records(), [[1, 'l2', 'live']]);
      for (const id of [1, 3])
        assert.ok((await bot.app.db.getRepository(Workshop).findOneByOrFail({ id })).noShowsRecordedAt, `#${id} is done`);
      assert.equal(
        (await bot.app.db.getRepository(Workshop).findOneByOrFail({ id: 2 })).noShowsRecordedAt,
        null,
        'cancelled: never looked at',
      );
      assert.equal((await bot.app.db.getRepository(Workshop).findOneByOrFail({ id: 4 })).noShowsRecordedAt, null, 'not yet');

      // A check-in recorded at #3 afterwards changes nothing: each workshop is looked at once.
      await noShows.tick();
      assert.deepEqual(await records(), [[1, 'l2', 'live']]);

      // Only l2 sees it, in /progress; others see nothing of it.
      const mine = await bot.run('@l2 /progress');
      assert.match(mine, /No-shows \(only you see these\)/);
      assert.match(mine, /#1 With check-in, expires/);
      assert.doesNotMatch(await bot.run('@l1 /progress'), /No-shows|With check-in, expires/);
      assert.doesNotMatch(await bot.run('/workshop show 1'), /l2/, 'the workshop shows no names of no-shows');
    } finally {
      await bot.close();
    }
  }));

test('a cool-down: joins go to the waitlist with the reason and the end, others move past; at its end the learner moves up; records expire', (t) =>
  eachDatabase(t, async (database) => {
    const { bot, records, seats, noShows } = await noShowBot(database);
    try {
      assert.match(
        await bot.run('@mona /chapter set name:Berlin no-show-limit:1 no-show-window-days:20 no-show-cooldown-days:10'),
        /one no-show within 20 days leads to a 10-day cool-down/,
      );
      await bot.run(
        '@mona /workshop create chapter:Berlin title:"After" topic:Python date:2027-01-28 time:10:00 learners:4',
        '@ada /workshop claim 5',
      );
      bot.clock.set(new Date('2027-01-12T08:30:00Z'));
      await bot.run(`@l1 /workshop join id:1`, `@l1 /workshop checkin id:1 code:${(await bot.app.services.workshopDay.code(1)).code}`);
      bot.clock.set(new Date('2027-01-12T13:00:00Z'));
      await noShows.tick();
      assert.deepEqual(await records(), [[1, 'l2', 'live']]);

      // The cool-down runs 10 days from #1's end (12:00 UTC): until 22 January, 12:00 UTC.
      const held = await bot.app.services.workshops.join(person('l2'), 5);
      assert.equal(held.state, 'waiting');
      assert.equal(held.heldUntil?.toISOString(), '2027-01-22T12:00:00.000Z');
      assert.match(await bot.run('@l2 /progress'), /Cool-down in Berlin until/);
      // Told why and until when (on the console, times show in UTC).
      await bot.app.services.workshops.leave(person('l2'), 5);
      assert.match(
        await bot.run('@l2 /workshop join id:5'),
        /because of a no-show cool-down, which ends .*2027.*Until then your sign-ups in Berlin wait/s,
      );
      // Free seats go past her, in order; counters still equal rows.
      assert.equal((await bot.app.services.workshops.join(person('l7'), 5)).state, 'confirmed');
      assert.deepEqual(await seats(5), { counter: 1, rows: 1 });
      await bot.app.services.workshops.leave(person('l7'), 5);
      assert.deepEqual(await seats(5), { counter: 0, rows: 0 }, 'a leave does not promote her while the cool-down runs');

      // When it ends, the scheduler lets her move up, and she is told.
      bot.clock.set(new Date('2027-01-22T12:00:00Z'));
      await noShows.tick();
      const signup = await bot.app.db.getRepository(WorkshopSignup).findOneByOrFail({ workshopId: 5 });
      assert.equal(signup.state, 'confirmed');
      assert.equal(signup.heldUntil, null);
      assert.deepEqual(await seats(5), { counter: 1, rows: 1 });
      assert.match(bot.printed(), /\[dm → l2\][^\n]*\n[^\n]*#5/);

      // The record expires 20 days after #1's end: then it is gone.
      bot.clock.set(new Date('2027-02-01T11:59:00Z'));
      await noShows.tick();
      assert.deepEqual(await records(), [[1, 'l2', 'live']]);
      bot.clock.set(new Date('2027-02-01T12:00:00Z'));
      await noShows.tick();
      assert.deepEqual(await records(), []);
      assert.doesNotMatch(await bot.run('@l2 /progress'), /No-shows/);
    } finally {
      await bot.close();
    }
  }));

test('a moderator clears a record with a reason, audited; the cool-down goes with it; nobody else may', (t) =>
  eachDatabase(t, async (database) => {
    const { bot, records, noShows } = await noShowBot(database);
    try {
      await bot.run('@mona /chapter set name:Berlin no-show-limit:1');
      bot.clock.set(new Date('2027-01-12T08:30:00Z'));
      await bot.run(`@l1 /workshop join id:1`, `@l1 /workshop checkin id:1 code:${(await bot.app.services.workshopDay.code(1)).code}`);
      bot.clock.set(new Date('2027-01-12T13:00:00Z'));
      await noShows.tick();
      await bot.run(
        '@mona /workshop create chapter:Berlin title:"After" topic:Python date:2027-01-28 time:10:00 learners:4',
        '@ada /workshop claim 5',
      );
      assert.equal((await bot.app.services.workshops.join(person('l2'), 5)).state, 'waiting');

      assert.match(await bot.run('@l1 /workshop noshow clear member:@l2 workshop:1 reason:"it was me"'), /moderator|not allowed|only/i);
      assert.deepEqual(await records(), [[1, 'l2', 'live']], 'a member cannot clear');
      assert.match(await bot.run('@mona /workshop noshow clear member:@l2 workshop:1 reason:"train strike"'), /is cleared/);
      assert.deepEqual(await records(), [[1, 'l2', 'cleared']]);
      assert.match(await bot.run('@mona /workshop noshow clear member:@l2 workshop:1 reason:"again"'), /cleared already/);
      assert.match(await bot.run('@mona /workshop noshow clear member:@l1 workshop:1 reason:"wrong one"'), /no no-show record/);
      const audit = await bot.app.db.getRepository(AuditEntry).findOneByOrFail({ action: 'workshop noshow' });
      assert.deepEqual(
        [audit.actorId, audit.target, JSON.parse(audit.details!)],
        ['mona', 'workshop:1', { key: 'audit.workshop.no_show_cleared', params: { reason: 'train strike' } }],
        'stored as data, rendered in the reader’s language',
      );
      const progress = await bot.run('@l2 /progress');
      assert.match(progress, /#1 With check-in: cleared \(train strike\)/);
      assert.doesNotMatch(progress, /Cool-down/);
      // Without the cool-down her next join takes a seat (she left the waitlist first).
      await bot.app.services.workshops.leave(person('l2'), 5);
      assert.equal((await bot.app.services.workshops.join(person('l2'), 5)).state, 'confirmed');
    } finally {
      await bot.close();
    }
  }));

test('no-shows are recorded exactly once with two processes on one PostgreSQL database', async (t) => {
  const reason = await postgresUnavailable();
  if (reason) return t.skip(reason);
  const database = await freshDatabase('postgres');
  try {
    const { bot: a, records } = await noShowBot(database);
    const b = await consoleBot(database);
    try {
      for (const l of ['l1', 'l3', 'l5']) await a.run(`@${l} /workshop join id:3`);
      a.clock.set(new Date('2027-01-12T08:30:00Z'));
      await a.run(`@l1 /workshop join id:1`, `@l1 /workshop checkin id:1 code:${(await a.app.services.workshopDay.code(1)).code}`);
      a.clock.set(new Date('2027-01-12T16:00:00Z'));
      b.clock.set(a.clock.now());
      const counts = await Promise.all([a.app.services.noShows.tick(), b.app.services.noShows.tick(), a.app.services.noShows.tick()]);
      assert.equal(
        counts.reduce((x, y) => x + y, 0),
        1,
        'one record made, by one of them',
      );
      assert.deepEqual(await records(), [[1, 'l2', 'live']]);
    } finally {
      await b.close();
      await a.close();
    }
  } finally {
    await database.drop();
  }
});
