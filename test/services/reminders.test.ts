import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Reminder } from '../../entities/Reminder.js';
import { ManualClock } from '../../src/core/clock.js';
import type { Services } from '../../src/services/index.js';
import { eachDatabase, servicesOn } from '../support/helpers.js';
import { recordPosts } from '../support/posts.js';

const HOUR = 3_600_000;
// The workshop: Saturday 20 February 2027, 10:00 in Berlin = 09:00 UTC.
const START = new Date('2027-02-20T09:00:00Z');
const who = (name: string) => ({ platform: 'console', workspace: 'console', id: name, name });

async function setUp(services: Services, coachSlots = 2) {
  const { chapter } = await services.chapters.create({ name: 'Berlin', timeZone: 'Europe/Berlin' });
  await services.chapters.setChannels('Berlin', { platform: 'console', workspace: 'console' }, { moderation: 'moderation' });
  const workshop = await services.workshops.create(chapter, {
    title: 'Python',
    topic: 'Python',
    date: { year: 2027, month: 2, day: 20 },
    time: { hour: 10, minute: 0 },
    learners: 8,
    coaches: coachSlots,
  });
  await services.coaches.volunteer(who('ada'), { topics: 'Python' });
  await services.coaches.volunteer(who('bob'), { topics: 'Python' });
  return workshop;
}

/** One test body per database: the clock ten days before the workshop, posts recorded, the workshop set up. */
function scenario(
  coachSlots: number,
  body: (x: { services: Services; clock: ManualClock; posts: string[]; w: Awaited<ReturnType<typeof setUp>> }) => Promise<void>,
) {
  return (t: Parameters<typeof eachDatabase>[0]) =>
    eachDatabase(t, async ({ target }) => {
      const clock = new ManualClock(new Date('2027-02-10T12:00:00Z'));
      const { db, services } = await servicesOn(target, clock);
      const posts = recordPosts(clock, services);
      try {
        await body({ services, clock, posts, w: await setUp(services, coachSlots) });
      } finally {
        await db.destroy();
      }
    });
}

const outcomes = async (services: Services) =>
  Object.fromEntries(
    (await services.store.manager.getRepository(Reminder).find({ order: { id: 'ASC' } })).map((r) => [
      r.kind,
      r.outcome ?? (r.sentAt ? 'claimed' : 'pending'),
    ]),
  );

test(
  'reminders: moderators are warned 72 h before about unfilled coach slots; coaches and confirmed learners get DMs 24 h and 1 h before, once each',
  scenario(2, async ({ services, clock, posts, w }) => {
    await services.workshops.claim(who('ada'), w.id);
    for (const l of ['lea', 'max', 'kim', 'ole', 'uma']) await services.workshops.join(who(l), w.id);
    assert.equal(await services.reminders.tick(), 0, 'nothing is due ten days ahead');

    clock.set(new Date(START.getTime() - 72 * HOUR - 60_000));
    assert.equal(await services.reminders.tick(), 0, 'a minute early: nothing');
    clock.advance(60_000);
    assert.equal(await services.reminders.tick(), 1);
    assert.deepEqual(posts, [
      '#moderation: Coach slots still open: workshop #1 “Python” has 1 of 2 filled. Coaches claim with /workshop claim id:1. / **Python** — Sat, 20 Feb 2027, 10:00 CET – 13:00 CET',
    ]);
    assert.equal(await services.reminders.tick(), 0, 'sent once');

    posts.length = 0;
    clock.set(new Date(START.getTime() - 24 * HOUR));
    assert.equal(await services.reminders.tick(), 1);
    assert.deepEqual(
      posts.map((p) => p.split(': ')[0]),
      ['→ada', '→lea', '→max', '→kim', '→ole'],
      'the claimed coach and the confirmed learners; uma waits and gets none',
    );
    assert.match(posts[0]!, /you coach workshop #1\. It starts tomorrow\./);
    assert.match(posts[1]!, /your workshop #1 starts tomorrow\. \/ If you cannot come/);

    posts.length = 0;
    clock.set(new Date(START.getTime() - HOUR + 5_000));
    await services.reminders.tick();
    await services.reminders.tick();
    assert.equal(posts.length, 5);
    assert.match(posts[0]!, /Almost time: you coach workshop #1\. It starts in 60 minutes\./);
    assert.deepEqual(await outcomes(services), { coaches: 'sent', day: 'sent', hour: 'sent' });
  }),
);

test(
  'a coach warning is not needed when every slot is claimed by then',
  scenario(2, async ({ services, clock, posts, w }) => {
    await services.workshops.claim(who('ada'), w.id);
    await services.workshops.claim(who('bob'), w.id);
    clock.set(new Date(START.getTime() - 72 * HOUR));
    assert.equal(await services.reminders.tick(), 1);
    assert.deepEqual(posts, []);
    assert.equal((await outcomes(services)).coaches, 'not_needed');
  }),
);

test(
  'reminders missed while the bot was down: sent at start-up if the workshop has not begun, dropped once it has',
  scenario(1, async ({ services, clock, posts, w }) => {
    await services.workshops.claim(who('ada'), w.id);
    await services.workshops.join(who('lea'), w.id);
    // Down from ten days before until 20 hours before: the 72 h warning (not needed) and the day reminder were missed.
    clock.set(new Date(START.getTime() - 20 * HOUR));
    assert.equal(await services.reminders.tick(), 2);
    assert.deepEqual(
      posts.map((p) => p.split(': ')[0]),
      ['→ada', '→lea'],
      'the day reminder still goes out',
    );
    // Down again, until after the start: the hour reminder is dropped, not sent late.
    posts.length = 0;
    clock.set(new Date(START.getTime() + 10 * 60_000));
    assert.equal(await services.reminders.tick(), 1);
    assert.deepEqual(posts, []);
    assert.deepEqual(await outcomes(services), { coaches: 'not_needed', day: 'sent', hour: 'dropped' });
  }),
);

test(
  'start-up sends what is due at once (what main does), and stop waits for it',
  scenario(1, async ({ services, clock, posts, w }) => {
    await services.workshops.claim(who('ada'), w.id);
    clock.set(new Date(START.getTime() - 2 * HOUR));
    services.reminders.start();
    await services.reminders.stop();
    assert.deepEqual(
      posts,
      [
        '→ada: Reminder: you coach workshop #1. It starts in 2 hours. / Thank you for coaching! / **Python** — Sat, 20 Feb 2027, 10:00 CET – 13:00 CET',
      ],
      'late, and true',
    );
  }),
);

test(
  'a day reminder found within the last hour gives way to the hour reminder',
  scenario(1, async ({ services, clock, posts, w }) => {
    await services.workshops.join(who('lea'), w.id);
    await services.workshops.claim(who('ada'), w.id);
    posts.length = 0; // lea's promotion
    clock.set(new Date(START.getTime() - 30 * 60_000));
    await services.reminders.tick();
    assert.equal(posts.length, 2, 'one reminder each, not two');
    assert.ok(posts.every((p) => /Almost time: .*starts in 30 minutes\./.test(p)));
    assert.deepEqual(await outcomes(services), { coaches: 'not_needed', day: 'dropped', hour: 'sent' });
  }),
);

test(
  'editing a workshop re-arms its reminders for the new time; cancelling drops them',
  scenario(1, async ({ services, clock, posts, w }) => {
    await services.workshops.claim(who('ada'), w.id);
    clock.set(new Date(START.getTime() - 24 * HOUR));
    await services.reminders.tick();
    assert.equal(posts.length, 1, `ada got the day reminder: ${posts.join('\n')}`);
    // Moved a week later: the day reminder comes again for the new date.
    posts.length = 0;
    await services.workshops.edit(w.id, { date: { year: 2027, month: 2, day: 27 } });
    assert.match(posts[0]!, /^→ada: Workshop #1 “Python” has changed \(start\)/);
    posts.length = 0;
    assert.equal(await services.reminders.tick(), 0);
    clock.set(new Date(START.getTime() + 7 * 24 * HOUR - 24 * HOUR));
    assert.equal(await services.reminders.tick(), 2, 'the re-armed coach warning (not needed) and the day reminder');
    assert.equal(posts.length, 1);
    assert.match(posts[0]!, /tomorrow/);
    assert.match(posts[0]!, /Sat, 27 Feb 2027, 10:00 CET/);

    posts.length = 0;
    await services.workshops.cancel(w.id, 'the room is flooded');
    assert.deepEqual(posts, ['→ada: Workshop #1 “Python” is cancelled. The reason: the room is flooded / Sat, 27 Feb 2027, 10:00 CET']);
    clock.set(new Date(START.getTime() + 7 * 24 * HOUR - HOUR));
    assert.equal(await services.reminders.tick(), 0, 'nothing left to send');
    assert.equal((await outcomes(services)).hour, 'dropped');
  }),
);

test('several bot processes ticking at once send each reminder exactly once', (t) =>
  eachDatabase(t, async ({ target, kind }) => {
    const clock = new ManualClock(new Date('2027-02-10T12:00:00Z'));
    const first = await servicesOn(target, clock);
    // SQLite serves one process (README); on PostgreSQL each set of services has its own pool, like a process.
    const others = kind === 'postgres' ? await Promise.all([servicesOn(target, clock), servicesOn(target, clock)]) : [];
    const all = [first, ...others];
    const posts = recordPosts(clock, ...all.map((x) => x.services));
    try {
      const w = await setUp(first.services, 1);
      for (let i = 0; i < 6; i++) await first.services.workshops.join(who(`learner${i}`), w.id);
      await first.services.workshops.claim(who('ada'), w.id);
      posts.length = 0; // the promotions
      clock.set(new Date(START.getTime() - 24 * HOUR));
      await Promise.all(all.flatMap((x) => [x.services.reminders.tick(), x.services.reminders.tick()]));
      assert.deepEqual(await outcomes(first.services), { coaches: 'not_needed', day: 'sent', hour: 'pending' });
      assert.equal(posts.length, 5, 'ada and four confirmed learners, once each');
      assert.equal(new Set(posts).size, 5);
    } finally {
      for (const x of all) await x.db.destroy();
    }
  }));
