import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ScheduledEvent } from '../../../entities/ScheduledEvent.js';
import { BOT_PERMISSIONS } from '../../../src/adapters/discord/client.js';
import { ManualClock } from '../../../src/core/clock.js';
import { eachDatabase, type TestDatabase } from '../../support/helpers.js';
import { feedServer, MEETUP_EVENTS, meetupFeed } from '../../support/feeds.js';
import { discordBot, int, str, sub } from '../../support/discord-bot.js';
import { eventProblems, type FakeScheduledEvent, type FakeUser, type RecordedCall } from '../../support/fake-discord.js';

// Workshops mirrored as Discord scheduled events, through the real discord.js client against the fake
// Discord, which checks every body against Discord's documented fields and limits (eventProblems).

const mona: FakeUser = { id: '555555555555555502', username: 'mona' };

type Body = Record<string, unknown> & { entity_metadata?: { location?: string } };

async function bot(database: TestDatabase, env: Record<string, string> = {}) {
  const b = await discordBot(database, env, { guilds: 1 });
  const guild = b.fake.guild.id;
  const asMod = { moderator: true };
  const chapter = await b.reply(
    b.fake.slash(
      mona,
      'chapter',
      sub('create', [str('name', 'Berlin'), str('timezone', 'Europe/Berlin'), str('city', 'Berlin-Kreuzberg')]),
      asMod,
    ),
  );
  assert.match(chapter, /Chapter Berlin created/);
  const command = async (name: string, options: ReturnType<typeof sub>) => b.reply(b.fake.slash(mona, name, options, asMod));
  /** Calls to the guild's events since `from` (an index into fake.calls), reads (GET) left out. */
  const writes = (from: number): RecordedCall[] =>
    b.fake.calls.slice(from).filter((c) => c.method !== 'GET' && c.path.startsWith(`/guilds/${guild}/scheduled-events`));
  return { ...b, guild, command, writes };
}

/** Every body the bot sent is one Discord accepts, by its documented fields and limits. */
function assertValid(calls: RecordedCall[]): void {
  for (const c of calls) {
    if (c.method === 'POST') assert.deepEqual(eventProblems(c.body, 'create'), [], `POST ${JSON.stringify(c.body)}`);
    if (c.method === 'PATCH') assert.deepEqual(eventProblems(c.body, 'edit'), [], `PATCH ${JSON.stringify(c.body)}`);
    assert.ok(c.status >= 200 && c.status < 300, `${c.method} ${c.path} answered ${c.status}`);
  }
}

test('a workshop becomes an external scheduled event; an edit updates it, cancelling cancels it, and nothing else is sent', (t) =>
  eachDatabase(t, async (database) => {
    const b = await bot(database);
    try {
      await b.adapter.events.reconcile();
      let mark = b.fake.calls.length;
      assert.match(
        await b.command(
          'workshop',
          sub('create', [
            str('chapter', 'Berlin'),
            str('title', 'Python basics 🐍'),
            str('topic', 'python'),
            str('date', '2027-04-10'),
            str('time', '18:00'),
            int('learners', 8),
            str('location', 'c-base, Rungestraße 20'),
            str('description', 'Bring a laptop.'),
          ]),
        ),
        /Workshop #1/,
      );
      await b.adapter.events.reconcile();
      const [create, ...rest] = b.writes(mark);
      assert.equal(rest.length, 0, 'one call: the create');
      assert.equal(create!.method, 'POST');
      assert.equal(create!.path, `/guilds/${b.guild}/scheduled-events`);
      assertValid([create!]);
      const body = create!.body as Body;
      assert.equal(body.entity_type, 3, 'external');
      assert.equal(body.privacy_level, 2, 'guild only');
      assert.equal(body.channel_id, undefined, 'no channel for an external event');
      assert.equal(body.name, 'Python basics 🐍');
      // 18:00 in Berlin in April is 16:00 UTC; three hours by default.
      assert.equal(body.scheduled_start_time, '2027-04-10T16:00:00.000Z');
      assert.equal(body.scheduled_end_time, '2027-04-10T19:00:00.000Z');
      assert.deepEqual(body.entity_metadata, { location: 'c-base, Rungestraße 20' });
      assert.equal(body.description, 'Bring a laptop.\n\nSign up in this server with /workshop join id:1 (coaches: /workshop claim id:1).');
      const [event] = b.fake.liveEvents(b.guild) as [FakeScheduledEvent];
      const rows = await b.app.db.manager.find(ScheduledEvent);
      assert.deepEqual(
        rows.map((r) => [r.workshopId, r.guild, r.eventId, r.state, r.revision, r.leaseUntil]),
        [[1, b.guild, event.id, 'mirrored', 0, null]],
      );

      // Nothing changed: the next round only reads.
      mark = b.fake.calls.length;
      await b.adapter.events.reconcile();
      assert.deepEqual(b.writes(mark), []);

      // An edit: the event follows (one PATCH with the new time and place).
      assert.match(
        await b.command('workshop', sub('edit', [int('id', 1), str('time', '19:30'), str('location', 'Room 2'), int('duration', 120)])),
        /#1/,
      );
      mark = b.fake.calls.length;
      await b.adapter.events.reconcile();
      const [edit, ...more] = b.writes(mark);
      assert.equal(more.length, 0);
      assert.equal(edit!.method, 'PATCH');
      assert.equal(edit!.path, `/guilds/${b.guild}/scheduled-events/${event.id}`);
      assertValid([edit!]);
      assert.equal((edit!.body as Body).scheduled_start_time, '2027-04-10T17:30:00.000Z');
      assert.equal((edit!.body as Body).scheduled_end_time, '2027-04-10T19:30:00.000Z');
      assert.deepEqual((edit!.body as Body).entity_metadata, { location: 'Room 2' });
      assert.equal(b.fake.scheduledEvents.get(event.id)!.entity_metadata!.location, 'Room 2');
      assert.equal((await b.app.db.manager.findOneByOrFail(ScheduledEvent, { workshopId: 1 })).revision, 1);
      mark = b.fake.calls.length;
      await b.adapter.events.reconcile();
      assert.deepEqual(b.writes(mark), [], 'an edit is sent once');

      // Cancelled: the event is cancelled (SCHEDULED → CANCELED), not deleted, and then left alone.
      assert.match(await b.command('workshop', sub('cancel', [int('id', 1), str('reason', 'The room is gone')])), /cancel/i);
      mark = b.fake.calls.length;
      await b.adapter.events.reconcile();
      const [cancel, ...after] = b.writes(mark);
      assert.equal(after.length, 0);
      assert.equal(cancel!.method, 'PATCH');
      assert.deepEqual(cancel!.body, { status: 4 });
      assertValid([cancel!]);
      assert.equal(b.fake.scheduledEvents.get(event.id)!.status, 4);
      assert.equal((await b.app.db.manager.findOneByOrFail(ScheduledEvent, { workshopId: 1 })).state, 'cancelled');
      mark = b.fake.calls.length;
      await b.adapter.events.reconcile();
      assert.deepEqual(b.writes(mark), []);
    } finally {
      await b.stop();
    }
  }));

test('long fields are cut to Discord’s limits; without a location the chapter’s city stands in, else its name; a workshop that began is left alone', (t) =>
  eachDatabase(t, async (database) => {
    const b = await bot(database);
    try {
      const { workshops, chapters } = b.app.services;
      const berlin = await chapters.get('Berlin');
      const base = { topic: 'python', date: { year: 2027, month: 5, day: 3 }, time: { hour: 18, minute: 0 }, learners: 6 };
      // Counted from before the creates: on a slow machine the adapter's own change check may reconcile
      // some of them first (reconcile rounds run one after another, so each event is still made once, in order).
      const mark = b.fake.calls.length;
      await workshops.create(berlin, {
        ...base,
        title: 'T'.repeat(99) + '🐍',
        location: '📍'.repeat(100),
        description: 'Long 🙂 '.repeat(125),
      });
      await workshops.create(berlin, { ...base, title: 'No place', date: { year: 2027, month: 5, day: 4 } });
      const { chapter: hamburg } = await chapters.create({
        name: 'Hamburg',
        timeZone: 'Europe/Berlin',
        // A second chapter in the same server, bound to one channel of it.
        bindTo: { platform: 'discord', workspace: b.guild, channel: b.fake.guild.channels[1]!.id },
      });
      await workshops.create(hamburg, { ...base, title: 'No city', date: { year: 2027, month: 5, day: 5 } });
      await b.adapter.events.reconcile();
      const creates = b.writes(mark);
      assert.equal(creates.length, 3);
      assertValid(creates);
      const [long, noPlace, noCity] = creates.map((c) => c.body as Body) as [Body, Body, Body];
      assert.equal((long.name as string).length, 100);
      assert.match(long.name as string, /^T{99}…$/, 'never half an emoji');
      // 📍 is two UTF-16 units, which Discord counts: 49 of them and the ellipsis.
      assert.equal(long.entity_metadata!.location, '📍'.repeat(49) + '…');
      assert.ok((long.description as string).length <= 1000);
      assert.match(
        long.description as string,
        /…\n\nSign up in this server with \/workshop join id:1 \(coaches: \/workshop claim id:1\)\.$/,
      );
      assert.equal(noPlace.entity_metadata!.location, 'Berlin-Kreuzberg');
      assert.equal(noCity.entity_metadata!.location, 'Hamburg');

      // Once a workshop has begun, Discord runs its event (it starts and ends external events itself): no longer
      // upcoming, it is neither deleted nor changed.
      b.clock.set(new Date('2027-05-03T16:30:00Z'));
      const later = b.fake.calls.length;
      await b.adapter.events.reconcile();
      assert.deepEqual(b.writes(later), []);
      assert.equal(b.fake.liveEvents(b.guild).length, 3);

      // Both chapters unbound from the server: the events of workshops yet to come are deleted, the begun one stays.
      for (const chapter of [berlin, hamburg]) await chapters.unbind(chapter, { platform: 'discord', workspace: b.guild });
      const unbound = b.fake.calls.length;
      await b.adapter.events.reconcile();
      assert.deepEqual(
        b.writes(unbound).map((c) => c.method),
        ['DELETE', 'DELETE'],
      );
      assert.deepEqual(
        b.fake.liveEvents(b.guild).map((e) => e.name),
        ['T'.repeat(99) + '…'],
      );
    } finally {
      await b.stop();
    }
  }));

test('Discord’s 100 events per server, people’s events counted: the nearest workshops fill the room, the rest wait, logged once', (t) =>
  eachDatabase(t, async (database) => {
    const b = await bot(database);
    try {
      const people = Array.from({ length: 98 }, () => b.fake.addScheduledEvent(b.guild));
      const berlin = await b.app.services.chapters.get('Berlin');
      // Made out of order: the 12th is the farthest.
      for (const day of [12, 10, 11])
        await b.app.services.workshops.create(berlin, {
          title: `Workshop on the ${day}th`,
          topic: 'python',
          date: { year: 2027, month: 5, day },
          time: { hour: 18, minute: 0 },
          learners: 6,
        });
      const overflow = () => b.log.lines().filter((l) => l.includes('scheduled or active events per server')).length;
      const names = () =>
        b.fake
          .liveEvents(b.guild)
          .filter((e) => e.creator_id === b.fake.bot.id)
          .map((e) => e.name)
          .sort();

      await b.adapter.events.reconcile();
      assert.deepEqual(names(), ['Workshop on the 10th', 'Workshop on the 11th']);
      assert.equal(b.fake.liveEvents(b.guild).length, 100);
      assertValid(b.fake.eventCalls(b.guild));
      assert.equal(overflow(), 1);
      await b.adapter.events.reconcile();
      assert.equal(overflow(), 1, 'logged once, not every round');

      // Someone deletes an event of theirs: the next workshop fits.
      b.fake.scheduledEvents.delete(people[0]!.id);
      await b.adapter.events.reconcile();
      assert.deepEqual(names(), ['Workshop on the 10th', 'Workshop on the 11th', 'Workshop on the 12th']);

      // Someone adds one (in the Discord client, while the server had room): the farthest workshop makes room.
      b.fake.addScheduledEvent(b.guild, { name: 'Board games' });
      await b.adapter.events.reconcile();
      assert.deepEqual(names(), ['Workshop on the 10th', 'Workshop on the 11th']);
      assert.equal(b.fake.liveEvents(b.guild).length, 100);
      const deleted = b.fake.eventCalls(b.guild).filter((c) => c.method === 'DELETE');
      assert.equal(deleted.length, 1);
      assert.equal(overflow(), 2, 'logged again: it fitted in between');
      // People's events are never touched: only the bot's own are edited or deleted.
      for (const c of b.fake.eventCalls(b.guild).filter((c) => c.method === 'PATCH' || c.method === 'DELETE'))
        assert.ok(!people.some((p) => c.path.endsWith(`/${p.id}`)), `${c.method} ${c.path} touched someone's event`);
      assertValid(b.fake.eventCalls(b.guild));
    } finally {
      await b.stop();
    }
  }));

test('without Create Events the bot warns once and goes on; with it, the events follow; DISCORD_SCHEDULED_EVENTS=false sends nothing', async (t) => {
  assert.ok(BOT_PERMISSIONS.has('CreateEvents'), 'the invite asks for Create Events');
  assert.ok(!BOT_PERMISSIONS.has('ManageEvents'), 'and not for Manage Events, which would reach everyone’s events');

  await eachDatabase(t, async (database) => {
    const b = await bot(database);
    try {
      b.fake.eventsRefused.add(b.guild);
      const berlin = await b.app.services.chapters.get('Berlin');
      const input = { title: 'Git', topic: 'git', date: { year: 2027, month: 4, day: 2 }, time: { hour: 18, minute: 0 }, learners: 6 };
      await b.app.services.workshops.create(berlin, input);
      await b.adapter.events.reconcile();
      await b.adapter.events.reconcile();
      const warnings = b.log.lines().filter((l) => l.includes('lacks the Create Events permission'));
      assert.equal(warnings.length, 1, 'one warning');
      assert.match(warnings[0]!, /"level":40/);
      assert.match(warnings[0]!, /permissions=\d+/, 'with the invite URL');
      assert.equal(b.fake.liveEvents(b.guild).length, 0);
      assert.deepEqual(
        (await b.app.db.manager.find(ScheduledEvent)).map((r) => [r.state, r.eventId, r.leaseUntil]),
        [['pending', null, null]],
        'the claim stays, with its lease given back',
      );
      // The bot goes on: commands work.
      assert.match(await b.command('workshop', sub('list')), /Git/);

      // Given the permission, the next round makes the event.
      b.fake.eventsRefused.delete(b.guild);
      await b.adapter.events.reconcile();
      assert.deepEqual(
        b.fake.liveEvents(b.guild).map((e) => e.name),
        ['Git'],
      );
    } finally {
      await b.stop();
    }
  });

  await eachDatabase(t, async (database) => {
    const b = await bot(database, { DISCORD_SCHEDULED_EVENTS: 'false' });
    try {
      const berlin = await b.app.services.chapters.get('Berlin');
      await b.app.services.workshops.create(berlin, {
        title: 'Git',
        topic: 'git',
        date: { year: 2027, month: 4, day: 2 },
        time: { hour: 18, minute: 0 },
        learners: 6,
      });
      await b.adapter.events.reconcile();
      assert.deepEqual(b.fake.eventCalls(), [], 'not even a read');
      assert.equal(await b.app.db.manager.count(ScheduledEvent), 0);
    } finally {
      await b.stop();
    }
  });
});

test('two processes reconciling at once on one database make one event per workshop', (t) =>
  eachDatabase(t, async (database) => {
    const a = await bot(database);
    const b = await discordBot(database, {}, { fake: a.fake });
    try {
      const berlin = await a.app.services.chapters.get('Berlin');
      for (let day = 1; day <= 6; day++)
        await a.app.services.workshops.create(berlin, {
          title: `Workshop ${day}`,
          topic: 'python',
          date: { year: 2027, month: 4, day },
          time: { hour: 18, minute: 0 },
          learners: 6,
        });
      for (let round = 0; round < 3; round++) await Promise.all([a.adapter.events.reconcile(), b.adapter.events.reconcile()]);
      const posts = a.fake.eventCalls(a.guild).filter((c) => c.method === 'POST');
      assert.equal(posts.length, 6, 'six creates, one per workshop');
      assert.deepEqual(
        a.fake
          .liveEvents(a.guild)
          .map((e) => e.name)
          .sort(),
        Array.from({ length: 6 }, (_, i) => `Workshop ${i + 1}`),
      );
      const rows = await a.app.db.manager.find(ScheduledEvent, { order: { workshopId: 'ASC' } });
      assert.deepEqual(
        rows.map((r) => [r.workshopId, r.state]),
        Array.from({ length: 6 }, (_, i) => [i + 1, 'mirrored']),
      );

      // An edit seen by both: sent once.
      await a.app.services.workshops.edit(3, { title: 'Workshop 3, renamed' });
      await Promise.all([a.adapter.events.reconcile(), b.adapter.events.reconcile()]);
      await Promise.all([a.adapter.events.reconcile(), b.adapter.events.reconcile()]);
      const patches = a.fake.eventCalls(a.guild).filter((c) => c.method === 'PATCH');
      assert.equal(patches.length, 1);
      assertValid(a.fake.eventCalls(a.guild));
    } finally {
      await b.stop();
      await a.stop();
    }
  }));

test('a create whose answer was lost and was retried leaves one event; an event deleted by hand is not made again', (t) =>
  eachDatabase(t, async (database) => {
    // The timeout must only catch the answer that never comes: at 500 ms a loaded machine also timed out the retry.
    const b = await bot(database, { PLATFORM_TIMEOUT_MS: '2000', PLATFORM_RETRIES: '1' });
    try {
      const berlin = await b.app.services.chapters.get('Berlin');
      const input = { topic: 'git', time: { hour: 18, minute: 0 }, learners: 6 };
      await b.app.services.workshops.create(berlin, { ...input, title: 'Git', date: { year: 2027, month: 4, day: 2 } });
      // Discord makes the event, but its answer never arrives; the retry makes a second one.
      b.fake.hangNext('POST', /^\/guilds\/\d+\/scheduled-events$/, 1, { afterHandling: true });
      await b.adapter.events.reconcile();
      assert.deepEqual(
        b.writes(0).map((c) => [c.method, c.status]),
        [
          ['POST', 0],
          ['POST', 200],
        ],
      );
      assert.equal(b.fake.liveEvents(b.guild).length, 2);
      // The next round deletes the one no row names.
      await b.adapter.events.reconcile();
      const [kept] = b.fake.liveEvents(b.guild) as [FakeScheduledEvent];
      assert.equal(b.fake.liveEvents(b.guild).length, 1);
      assert.equal((await b.app.db.manager.findOneByOrFail(ScheduledEvent, { workshopId: 1 })).eventId, kept.id);

      // A moderator deletes the event in Discord: the bot leaves it so, and does not touch it again.
      b.fake.scheduledEvents.delete(kept.id);
      await b.adapter.events.reconcile();
      assert.equal((await b.app.db.manager.findOneByOrFail(ScheduledEvent, { workshopId: 1 })).state, 'gone');
      await b.app.services.workshops.edit(1, { title: 'Git, renamed' });
      const mark = b.fake.calls.length;
      await b.adapter.events.reconcile();
      assert.deepEqual(b.writes(mark), []);
      assert.equal(b.fake.liveEvents(b.guild).length, 0);
      assertValid(b.writes(0).filter((c) => c.status !== 0));
    } finally {
      await b.stop();
    }
  }));

test('a workshop imported from the chapter’s calendar feed links the event’s own page in its scheduled event', (t) =>
  eachDatabase(t, async (database) => {
    const server = await feedServer();
    server.routes.set('/opentechschool-berlin/events/ical/', { body: meetupFeed(MEETUP_EVENTS) });
    const b = await discordBot(
      database,
      { FEED_ALLOW_PRIVATE: 'true' },
      { guilds: 1, clock: new ManualClock(new Date('2027-01-10T12:00:00Z')) },
    );
    try {
      const asMod = { moderator: true };
      await b.reply(b.fake.slash(mona, 'chapter', sub('create', [str('name', 'Berlin'), str('timezone', 'Europe/Berlin')]), asMod));
      const url = server.url('/opentechschool-berlin/events/ical/');
      assert.match(await b.reply(b.fake.slash(mona, 'chapter', sub('feed', [str('name', 'Berlin'), str('url', url)]), asMod)), /2 new/);
      const mark = b.fake.calls.length;
      await b.adapter.events.reconcile();
      const creates = b.fake.calls.slice(mark).filter((c) => c.method === 'POST' && c.path.endsWith('/scheduled-events'));
      assert.equal(creates.length, 2, 'one event per imported workshop');
      const descriptions = creates.map((c) => String((c.body as Body).description));
      assert.ok(
        descriptions.some((d) =>
          d.endsWith('/workshop claim id:1).\nDetails: https://www.meetup.com/opentechschool-berlin/events/300000001/'),
        ),
        descriptions.join('\n---\n'),
      );
      assertValid(creates);
    } finally {
      await b.stop();
      await server.close();
    }
  }));
