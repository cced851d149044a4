import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Member } from '../../entities/Member.js';
import { Workshop } from '../../entities/Workshop.js';
import { WorkshopSignup } from '../../entities/WorkshopSignup.js';
import { ManualClock } from '../../src/core/clock.js';
import type { Services } from '../../src/services/index.js';
import { UserError } from '../../src/core/errors.js';
import { eachDatabase, servicesOn } from '../support/helpers.js';
import { recordPosts } from '../support/posts.js';

const NOW = new Date('2027-01-10T12:00:00Z');
const who = (name: string) => ({ platform: 'console', workspace: 'console', id: name, name });
const rejects = (key: string) => (err: unknown) => err instanceof UserError && err.key === key;
const day = (s: string) => {
  const [year, month, d] = s.split('-').map(Number) as [number, number, number];
  return { year, month, day: d };
};
const at = (s: string) => {
  const [hour, minute] = s.split(':').map(Number) as [number, number];
  return { hour, minute };
};

async function setUp(services: Services, o: { learners?: number; coaches?: number; strictRatio?: boolean; date?: string } = {}) {
  const { chapter } = await services.chapters.create({ name: 'Berlin', timeZone: 'Europe/Berlin' });
  const workshop = await services.workshops.create(chapter, {
    title: 'Python for beginners',
    topic: 'Python',
    date: day(o.date ?? '2027-02-20'),
    time: at('10:00'),
    learners: o.learners ?? 8,
    coaches: o.coaches,
    strictRatio: o.strictRatio,
  });
  return { chapter, workshop };
}

async function coaches(services: Services, n: number, prefix = 'coach'): Promise<ReturnType<typeof who>[]> {
  const out = [];
  for (let i = 0; i < n; i++) {
    const c = who(`${prefix}${i}`);
    await services.coaches.volunteer(c, { topics: 'Python' });
    out.push(c);
  }
  return out;
}

/** The stored state of a workshop's signups, checked against its counters. */
async function state(services: Services, id: number) {
  const w = await services.store.manager.getRepository(Workshop).findOneByOrFail({ id });
  const rows = await services.store.manager
    .getRepository(WorkshopSignup)
    .find({ where: { workshopId: id }, relations: { member: true }, order: { id: 'ASC' } });
  const names = (role: string, s: string) => rows.filter((r) => r.role === role && r.state === s).map((r) => r.member!.userId);
  const result = {
    w,
    coaches: names('coach', 'confirmed'),
    coachWait: names('coach', 'waiting'),
    learners: names('learner', 'confirmed'),
    learnerWait: names('learner', 'waiting'),
    /** Seats on offer to waiting learners (waitlist offers): held, so counted. */
    offered: names('learner', 'offered'),
  };
  assert.equal(w.coachesClaimed, result.coaches.length, 'the coach counter matches the rows');
  assert.equal(w.learnersConfirmed, result.learners.length + result.offered.length, 'the learner counter matches the rows');
  assert.ok(w.coachesClaimed <= w.coachSlots, 'never more coaches than slots');
  assert.ok(w.learnersConfirmed <= w.learnerCapacity, 'never more learners than seats');
  if (w.strictRatio) assert.ok(w.learnersConfirmed <= w.coachesClaimed * w.learnersPerCoach, 'seats follow coaches');
  return result;
}

/**
 * One test body per database with two sets of services: on PostgreSQL the second has a pool
 * of its own and plays a second bot process; on SQLite (one process) both are the same.
 */
function twoProcesses(body: (x: { services: Services; other: Services; kind: 'sqlite' | 'postgres' }) => Promise<void>) {
  return (t: Parameters<typeof eachDatabase>[0]) =>
    eachDatabase(t, async ({ target, kind }) => {
      const { db, services } = await servicesOn(target, new ManualClock(NOW));
      const second = kind === 'postgres' ? await servicesOn(target, new ManualClock(NOW)) : undefined;
      try {
        await body({ services, other: second?.services ?? services, kind });
      } finally {
        await second?.db.destroy();
        await db.destroy();
      }
    });
}

test('a workshop on the days Berlin changes its clocks is stored as the right UTC instant; the skipped hour is refused', (t) =>
  eachDatabase(t, async ({ target }) => {
    const { db, services } = await servicesOn(target, new ManualClock(NOW));
    try {
      const { chapter } = await services.chapters.create({ name: 'Berlin', timeZone: 'Europe/Berlin' });
      const base = { title: 'Clocks', topic: 'Time', learners: 4 };
      const spring = await services.workshops.create(chapter, { ...base, date: day('2027-03-28'), time: at('10:00') });
      const autumn = await services.workshops.create(chapter, { ...base, date: day('2027-10-31'), time: at('10:00'), duration: 120 });
      const winter = await services.workshops.create(chapter, { ...base, date: day('2027-03-27'), time: at('10:00') });
      const read = (id: number) => services.store.manager.getRepository(Workshop).findOneByOrFail({ id });
      assert.equal((await read(spring.id)).startsAt.toISOString(), '2027-03-28T08:00:00.000Z', 'CEST is UTC+2');
      assert.equal((await read(winter.id)).startsAt.toISOString(), '2027-03-27T09:00:00.000Z', 'the day before, CET is UTC+1');
      assert.equal((await read(autumn.id)).startsAt.toISOString(), '2027-10-31T09:00:00.000Z', 'back to CET on the last Sunday of October');
      assert.equal((await read(autumn.id)).endsAt.toISOString(), '2027-10-31T11:00:00.000Z');

      await assert.rejects(
        services.workshops.create(chapter, { ...base, date: day('2027-03-28'), time: at('02:30') }),
        rejects('workshop.time.nonexistent'),
      );
      const twice = await services.workshops.create(chapter, { ...base, date: day('2027-10-31'), time: at('02:30') });
      assert.equal(
        (await read(twice.id)).startsAt.toISOString(),
        '2027-10-31T00:30:00.000Z',
        '02:30 happens twice that night: the first, still summer time',
      );
      await assert.rejects(
        services.workshops.create(chapter, { ...base, date: day('2027-01-10'), time: at('12:00') }),
        rejects('workshop.time.past'),
        'an hour ago in Berlin',
      );
      assert.equal(await db.getRepository(Workshop).count(), 4, 'refused workshops left nothing behind');

      // Moved to London, 10:00 stays 10:00 on the wall clock there.
      const { chapter: london } = await services.chapters.create({ name: 'London', timeZone: 'Europe/London' });
      const toLondon = await services.workshops.edit(winter.id, { chapter: london });
      assert.deepEqual(toLondon.changed, ['chapter', 'start']);
      // A new start with the same length given again moves the end, but the length did not change.
      const sameLength = (await read(winter.id)).endsAt.getTime() - (await read(winter.id)).startsAt.getTime();
      const later = await services.workshops.edit(winter.id, { time: at('11:00'), duration: sameLength / 60_000 });
      assert.deepEqual(later.changed, ['start']);
      assert.equal((await read(winter.id)).endsAt.getTime() - (await read(winter.id)).startsAt.getTime(), sameLength);
      assert.deepEqual((await services.workshops.edit(winter.id, { duration: sameLength / 60_000 + 30 })).changed, ['duration']);
      await services.workshops.edit(winter.id, { time: at('10:00'), duration: sameLength / 60_000 });
      assert.equal((await read(winter.id)).startsAt.toISOString(), '2027-03-27T10:00:00.000Z');
      assert.equal((await read(winter.id)).chapterId, london.id);

      const ics = services.workshops.calendar([await services.workshops.get(spring.id)], 'x');
      assert.match(ics, /^BEGIN:VCALENDAR\r\nVERSION:2\.0\r\n/);
      assert.match(ics, /\r\nDTSTART:20270328T080000Z\r\n/);
      assert.match(ics, /\r\nDTEND:20270328T110000Z\r\n/);
      assert.match(ics, new RegExp(`\\r\\nUID:workshop-${spring.id}@opentechschool\\.community-bot\\r\\n`));
      assert.match(ics, /END:VEVENT\r\nEND:VCALENDAR$/);

      // Moving it keeps the UID and counts the revision, so calendars update the event.
      await services.workshops.edit(spring.id, { time: at('11:00') });
      const moved = services.workshops.calendar([await services.workshops.get(spring.id)], 'x');
      assert.match(moved, new RegExp(`UID:workshop-${spring.id}@`));
      assert.match(moved, /\r\nSEQUENCE:1\r\n/);
      assert.match(moved, /\r\nDTSTART:20270328T090000Z\r\n/);
    } finally {
      await db.destroy();
    }
  }));

test('seats follow coaches: learners wait until coaches claim slots, and waiting coaches and learners are promoted in order', (t) =>
  eachDatabase(t, async ({ target }) => {
    const clock = new ManualClock(NOW);
    const { db, services } = await servicesOn(target, clock);
    const posts = recordPosts(clock, services);
    try {
      const { workshop } = await setUp(services, { learners: 8 });
      assert.equal(workshop.coachSlots, 2, 'ceil(8 / 4)');
      const [ada, bob, cy] = await coaches(services, 3);
      for (const l of ['l1', 'l2', 'l3'])
        assert.equal((await services.workshops.join(who(l), workshop.id)).state, 'waiting', 'no coach yet: no seat');
      assert.deepEqual((await state(services, workshop.id)).learnerWait, ['l1', 'l2', 'l3']);

      assert.equal((await services.workshops.claim(ada!, workshop.id)).state, 'confirmed');
      assert.deepEqual((await state(services, workshop.id)).learners, ['l1', 'l2', 'l3'], 'a claimed slot confirms up to 4 learners');
      assert.deepEqual(
        posts.filter((d) => d.startsWith('→l')).map((d) => d.split(': ')[0]),
        ['→l1', '→l2', '→l3'],
        'each promoted learner is told',
      );
      for (const l of ['l4', 'l5', 'l6']) await services.workshops.join(who(l), workshop.id);
      const r = await services.workshops.join(who('l7'), workshop.id);
      assert.deepEqual([r.state, r.position], ['waiting', 3]);
      let s = await state(services, workshop.id);
      assert.deepEqual(s.learners, ['l1', 'l2', 'l3', 'l4']);
      assert.deepEqual(s.learnerWait, ['l5', 'l6', 'l7']);

      assert.equal((await services.workshops.claim(bob!, workshop.id)).state, 'confirmed');
      const third = await services.workshops.claim(cy!, workshop.id);
      assert.deepEqual([third.state, third.position], ['waiting', 1]);
      s = await state(services, workshop.id);
      assert.deepEqual(s.learners, ['l1', 'l2', 'l3', 'l4', 'l5', 'l6', 'l7']);
      assert.deepEqual(s.coachWait, [cy!.id]);

      posts.length = 0;
      assert.equal(await services.workshops.release(bob!, workshop.id), 'confirmed');
      s = await state(services, workshop.id);
      assert.deepEqual(s.coaches, [ada!.id, cy!.id], 'the waiting coach is promoted');
      assert.deepEqual(
        posts.map((d) => d.split(': ')[0]),
        [`→${cy!.id}`],
        'and told; the learners keep their seats',
      );

      // A release without a replacement moves the last confirmed learners back, to the front of the line.
      await services.workshops.join(who('l8'), workshop.id);
      await services.workshops.release(cy!, workshop.id);
      s = await state(services, workshop.id);
      assert.deepEqual(s.learners, ['l1', 'l2', 'l3', 'l4']);
      assert.deepEqual(s.learnerWait, ['l5', 'l6', 'l7', 'l8'], 'earlier sign-ups stay ahead');

      // A learner leaving frees a seat: it is offered to the first waiting (waitlist offers), and held.
      assert.equal(await services.workshops.leave(who('l2'), workshop.id), 'confirmed');
      s = await state(services, workshop.id);
      assert.deepEqual(s.learners, ['l1', 'l3', 'l4']);
      assert.deepEqual(s.offered, ['l5']);

      // Turning the ratio off lets seats fill up to the capacity: new seats go directly.
      await services.workshops.edit(workshop.id, { strictRatio: false });
      s = await state(services, workshop.id);
      assert.deepEqual(s.learners, ['l1', 'l3', 'l4', 'l6', 'l7', 'l8']);
      assert.deepEqual(s.offered, ['l5']);
    } finally {
      await db.destroy();
    }
  }));

test('bad requests are clear errors and write nothing', (t) =>
  eachDatabase(t, async ({ target }) => {
    const clock = new ManualClock(NOW);
    const { db, services } = await servicesOn(target, clock);
    try {
      const { workshop, chapter } = await setUp(services);
      const [ada] = await coaches(services, 1);
      const members = () => db.getRepository(Member).count();
      const signups = () => db.getRepository(WorkshopSignup).count();
      const before = await members();

      await assert.rejects(services.workshops.claim(ada!, 999), rejects('workshop.not_found'));
      await assert.rejects(services.workshops.join(who('zoe'), 999), rejects('workshop.not_found'));
      await assert.rejects(services.workshops.claim(who('nobody'), workshop.id), rejects('workshop.claim.not_coach'));
      assert.equal(await members(), before, 'a refused claim or join remembers nobody');

      await services.workshops.claim(ada!, workshop.id);
      await assert.rejects(services.workshops.claim(ada!, workshop.id), rejects('workshop.coach.twice'));
      await assert.rejects(services.workshops.join(ada!, workshop.id), rejects('workshop.learner.other_role'));
      await assert.rejects(services.workshops.leave(who('zoe'), workshop.id), rejects('workshop.learner.not_signed_up'));
      assert.equal(await signups(), 1);

      await services.coaches.setStatus(ada!, 'paused');
      const other = await services.workshops.create(chapter, {
        title: 'Later',
        topic: 'Git',
        date: day('2027-03-01'),
        time: at('18:00'),
        learners: 4,
      });
      await assert.rejects(services.workshops.claim(ada!, other.id), rejects('workshop.claim.paused'));

      await services.workshops.cancel(other.id, 'no room');
      await assert.rejects(services.workshops.join(who('zoe'), other.id), rejects('workshop.cancelled'));
      await assert.rejects(services.workshops.cancel(other.id, 'again'), rejects('workshop.cancelled'));

      clock.set(new Date('2027-02-20T09:30:00Z')); // 10:30 in Berlin: it has begun
      await assert.rejects(services.workshops.join(who('zoe'), workshop.id), rejects('workshop.past'));
      await assert.rejects(services.workshops.edit(workshop.id, { title: 'Renamed' }), rejects('workshop.past'));
      await assert.rejects(services.workshops.cancel(workshop.id, 'too late'), rejects('workshop.past'));
      assert.equal(await signups(), 1, 'nothing was written');
    } finally {
      await db.destroy();
    }
  }));

test(
  '50 coaches claiming 3 slots at once: exactly 3 claims and 47 waiting, in arrival order',
  twoProcesses(async ({ services, other, kind }) => {
    const { workshop } = await setUp(services, { learners: 12, coaches: 3 });
    const all = await coaches(services, 50);
    const results = await Promise.all(all.map((c, i) => (i % 2 ? other : services).workshops.claim(c, workshop.id)));
    const s = await state(services, workshop.id);
    assert.equal(s.coaches.length, 3);
    assert.equal(s.coachWait.length, 47);
    assert.equal(results.filter((r) => r.state === 'confirmed').length, 3);
    // Each caller was told the place the database holds for them.
    const told = all
      .map((c, i) => ({ id: c.id, r: results[i]! }))
      .filter((x) => x.r.state === 'waiting')
      .sort((a, b) => a.r.position! - b.r.position!);
    assert.deepEqual(
      told.map((x) => x.r.position),
      Array.from({ length: 47 }, (_, i) => i + 1),
    );
    assert.deepEqual(
      told.map((x) => x.id),
      s.coachWait,
      'positions given are the stored order',
    );
    if (kind === 'sqlite') {
      // One process: arrival order is the order of the calls.
      assert.deepEqual(
        s.coaches,
        all.slice(0, 3).map((c) => c.id),
      );
      assert.deepEqual(
        s.coachWait,
        all.slice(3).map((c) => c.id),
      );
    }
  }),
);

test(
  'concurrent joins fill exactly the seats the claimed coaches allow',
  twoProcesses(async ({ services, other, kind }) => {
    const { workshop } = await setUp(services, { learners: 20 });
    const [ada] = await coaches(services, 1);
    await services.workshops.claim(ada!, workshop.id);
    const learners = Array.from({ length: 30 }, (_, i) => who(`learner${i}`));
    const results = await Promise.all(learners.map((l, i) => (i % 2 ? other : services).workshops.join(l, workshop.id)));
    const s = await state(services, workshop.id);
    assert.equal(s.learners.length, 4, 'one coach: four seats');
    assert.equal(s.learnerWait.length, 26);
    assert.deepEqual(
      results
        .filter((r) => r.state === 'waiting')
        .map((r) => r.position)
        .sort((a, b) => a! - b!),
      Array.from({ length: 26 }, (_, i) => i + 1),
    );
    if (kind === 'sqlite')
      assert.deepEqual(
        s.learners,
        learners.slice(0, 4).map((l) => l.id),
      );
    // The same member joining twice at once gets one seat.
    const twice = await Promise.allSettled([
      services.workshops.join(who('twin'), workshop.id),
      other.workshops.join(who('twin'), workshop.id),
    ]);
    assert.equal(twice.filter((r) => r.status === 'fulfilled').length, 1);
    assert.ok(twice.some((r) => r.status === 'rejected' && rejects('workshop.learner.twice')(r.reason)));
  }),
);

test(
  'releases and claims racing never exceed the slots, and seats follow',
  twoProcesses(async ({ services, other }) => {
    const { workshop } = await setUp(services, { learners: 12, coaches: 2 });
    const team = await coaches(services, 12);
    for (const c of team.slice(0, 4)) await services.workshops.claim(c, workshop.id);
    for (let i = 0; i < 12; i++) await services.workshops.join(who(`learner${i}`), workshop.id);
    await Promise.all([
      services.workshops.release(team[0]!, workshop.id),
      other.workshops.release(team[1]!, workshop.id),
      ...team.slice(4).map((c, i) => (i % 2 ? other : services).workshops.claim(c, workshop.id)),
      other.workshops.leave(who('learner0'), workshop.id),
      services.workshops.release(team[2]!, workshop.id),
    ]);
    const s = await state(services, workshop.id);
    assert.equal(s.coaches.length, 2, 'the freed slots were taken again, no more');
    assert.equal(s.coachWait.length, 7);
    // learner0's seat is on offer to the first waiting learner (waitlist offers): held, so counted.
    assert.equal(s.learners.length + s.offered.length, 8);
    assert.equal(s.learnerWait.length, 3);
  }),
);

test('attendance counts towards progress, and a regular learner is invited to coach once', (t) =>
  eachDatabase(t, async ({ target }) => {
    const clock = new ManualClock(NOW);
    const { db, services } = await servicesOn(target, clock);
    const posts = recordPosts(clock, services);
    try {
      const { chapter } = await services.chapters.create({ name: 'Berlin', timeZone: 'Europe/Berlin' });
      const [ada] = await coaches(services, 1);
      const ids: number[] = [];
      for (const d of ['2027-02-01', '2027-02-08', '2027-02-15', '2027-02-22']) {
        const w = await services.workshops.create(chapter, {
          title: `Evening ${d}`,
          topic: 'Python',
          date: day(d),
          time: at('18:00'),
          learners: 4,
        });
        await services.workshops.claim(ada!, w.id);
        await services.workshops.join(who('lea'), w.id);
        await services.workshops.join(who('max'), w.id);
        ids.push(w.id);
      }
      await assert.rejects(services.workshops.recordAttendance(ids[0]!, ['lea']), rejects('workshop.attendance.too_early'));
      clock.set(new Date('2027-03-01T00:00:00Z'));
      await assert.rejects(services.workshops.recordAttendance(ids[0]!, ['lea', 'stranger']), rejects('workshop.attendance.unknown'));
      const first = await services.workshops.recordAttendance(ids[0]!, ['lea', 'coach0', 'max']);
      assert.deepEqual(
        first.recorded.map((r) => `${r.member.userId}:${r.role}`),
        ['lea:learner', 'coach0:coach', 'max:learner'],
      );
      await services.workshops.recordAttendance(ids[1]!, ['lea']);
      assert.deepEqual(
        (await services.workshops.recordAttendance(ids[2]!, ['lea'])).invited.map((m) => m.userId),
        ['lea'],
        'the third attended workshop brings the invitation',
      );
      assert.deepEqual((await services.workshops.recordAttendance(ids[3]!, ['lea', 'lea'])).invited, [], 'only once');
      assert.equal(posts.filter((d) => d.startsWith('→lea: You have been to 3 workshops')).length, 1);

      const lea = await services.workshops.progress(who('lea'));
      assert.equal(lea.attended.length, 4);
      assert.equal(lea.coached.length, 0);
      const coach = await services.workshops.progress(ada!);
      assert.equal(coach.coached.length, 4, 'claimed slots at workshops that took place count as coached');
      assert.equal((await services.coaches.list({ topic: 'python' }))[0]!.coached, 4);
    } finally {
      await db.destroy();
    }
  }));

test('coaches volunteer, pause, resume, retire (giving up their slots) and volunteer again', (t) =>
  eachDatabase(t, async ({ target }) => {
    const { db, services } = await servicesOn(target, new ManualClock(NOW));
    try {
      const { workshop } = await setUp(services, { learners: 4 });
      const ada = who('ada');
      await services.coaches.volunteer(ada, { topics: 'Python, python , Git,', languages: 'English' });
      assert.equal((await services.coaches.profile(ada))!.coach.topics, 'Python, Git');
      await assert.rejects(services.coaches.volunteer(ada, { topics: 'HTML' }), rejects('coach.already'));
      assert.equal(await services.coaches.isActive(ada), true);
      await services.coaches.setStatus(ada, 'paused');
      assert.equal(await services.coaches.isActive(ada), false, 'a paused coach passes no coach check');
      await assert.rejects(services.coaches.setStatus(ada, 'paused'), rejects('coach.pause.already'));
      await services.coaches.setStatus(ada, 'active');
      await services.coaches.update(ada, { level: 'beginner' });
      await services.workshops.claim(ada, workshop.id);
      const { released } = await services.coaches.setStatus(ada, 'retired');
      assert.equal(released, 1);
      assert.deepEqual((await state(services, workshop.id)).coaches, []);
      await assert.rejects(services.coaches.update(ada, { bio: 'x' }), rejects('coach.not_coach'));
      await services.coaches.volunteer(ada, { topics: 'HTML' });
      assert.equal((await services.coaches.profile(ada))!.coach.status, 'active');
      assert.deepEqual(
        (await services.coaches.list()).map((c) => c.member.userId),
        ['ada'],
      );
    } finally {
      await db.destroy();
    }
  }));

test('learners moved back to the waitlist at once are each told their own place on it', (t) =>
  eachDatabase(t, async ({ target }) => {
    const clock = new ManualClock(NOW);
    const { db, services } = await servicesOn(target, clock);
    const posts = recordPosts(clock, services);
    try {
      const { workshop } = await setUp(services, { learners: 8 });
      for (const c of await coaches(services, 2)) await services.workshops.claim(c, workshop.id);
      for (let i = 1; i <= 9; i++) await services.workshops.join(who(`l${i}`), workshop.id);
      assert.deepEqual((await state(services, workshop.id)).learnerWait, ['l9']);
      posts.length = 0;
      await services.workshops.edit(workshop.id, { learners: 5 });
      const s = await state(services, workshop.id);
      assert.deepEqual(s.learnerWait, ['l6', 'l7', 'l8', 'l9'], 'the last confirmed go back, ahead of who was waiting');
      const told = (name: string) => posts.filter((d) => d.startsWith(`→${name}:`)).join('\n');
      assert.match(told('l6'), /back on the waitlist, as number 1\./);
      assert.match(told('l7'), /back on the waitlist, as number 2\./);
      assert.match(told('l8'), /back on the waitlist, as number 3\./);
    } finally {
      await db.destroy();
    }
  }));
