import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChapterFeed } from '../../entities/ChapterFeed.js';
import { FeedEvent } from '../../entities/FeedEvent.js';
import { Reminder } from '../../entities/Reminder.js';
import { Workshop } from '../../entities/Workshop.js';
import { loadConfig } from '../../src/config.js';
import { ManualClock } from '../../src/core/clock.js';
import { UserError } from '../../src/core/errors.js';
import { FeedService, type SyncOutcome } from '../../src/services/feeds/service.js';
import type { Services } from '../../src/services/index.js';
import { googleFeed, lumaFeed, MEETUP_EVENTS, type MeetupEvent, meetupFeed, feedServer, type FeedServer } from '../support/feeds.js';
import { capturedLogger, eachDatabase, servicesOn } from '../support/helpers.js';
import { recordPosts } from '../support/posts.js';

const NOW = new Date('2027-01-10T12:00:00Z');
const ALLOW = { FEED_ALLOW_PRIVATE: 'true' };
const rejects = (key: string) => (err: unknown) => err instanceof UserError && err.key === key;
const who = (name: string) => ({ platform: 'console', workspace: 'console', id: name, name });

async function berlin(services: Services) {
  const { chapter } = await services.chapters.create({
    name: 'Berlin',
    timeZone: 'Europe/Berlin',
    bindTo: { platform: 'console', workspace: 'console' },
  });
  await services.chapters.setChannels('Berlin', { platform: 'console', workspace: 'console' }, { moderation: 'mod' });
  return chapter;
}

const workshops = (services: Services) => services.store.manager.getRepository(Workshop).find({ order: { startsAt: 'ASC', id: 'ASC' } });
const summary = (o: SyncOutcome) => (o.kind === 'synced' ? o.summary : o.kind);

/** One database of each kind, a chapter, and a loopback feed server. */
function withFeed(body: (x: { services: Services; clock: ManualClock; server: FeedServer; posts: string[] }) => Promise<void>) {
  return (t: Parameters<typeof eachDatabase>[0]) =>
    eachDatabase(t, async ({ target }) => {
      const clock = new ManualClock(NOW);
      const { db, services } = await servicesOn(target, clock, capturedLogger().log, ALLOW);
      const server = await feedServer();
      const posts = recordPosts(clock, services);
      try {
        await body({ services, clock, server, posts });
      } finally {
        await server.close();
        await db.destroy();
      }
    });
}

test('the first sync makes a workshop of each upcoming event; the second changes nothing; a 304 is honoured', (t) =>
  withFeed(async ({ services, server }) => {
    const chapter = await berlin(services);
    server.routes.set('/meetup.ics', { body: meetupFeed(MEETUP_EVENTS), etag: '"v1"' });
    const { outcome } = await services.feeds.follow(chapter, { url: server.url('/meetup.ics') });
    assert.deepEqual(summary(outcome), { notModified: false, created: 2, updated: 0, cancelled: 0, unchanged: 0, skipped: 0 });
    const [python, js] = await workshops(services);
    assert.equal(python!.title, 'Python für Anfänger*innen 🐍');
    assert.equal(python!.startsAt.toISOString(), '2027-02-06T09:00:00.000Z');
    assert.equal(python!.endsAt.toISOString(), '2027-02-06T12:00:00.000Z');
    assert.equal(python!.location, 'Betahaus (Rudi-Dutschke-Straße 23, 10969 Berlin, Germany)');
    assert.equal(python!.description!.length, 1000);
    assert.equal(python!.topic, 'general', 'no feed topic, no CATEGORIES');
    assert.equal(python!.learnerCapacity, 12, 'the default learner seats');
    assert.equal(python!.coachSlots, 3, 'coach slots follow the ratio (4)');
    assert.equal(js!.title, 'JavaScript: build a game');
    assert.deepEqual(await services.feeds.sourceOf(python!.id), { url: 'https://www.meetup.com/opentechschool-berlin/events/300000001/' });
    assert.equal(await services.feeds.sourceOf(999), null);

    // The scheduler's poll: a conditional GET; the server's 304 changes nothing.
    assert.equal(await services.feeds.pollDue(), 0, 'not due before FEED_POLL_MINUTES');
    const second = await services.feeds.syncNow(chapter);
    assert.deepEqual(summary(second), { notModified: true, created: 0, updated: 0, cancelled: 0, unchanged: 0, skipped: 0 });
    assert.equal(server.requests.at(-1)!.ifNoneMatch, '"v1"');

    // A server that ignores validators: the same feed read again changes nothing either.
    server.routes.set('/meetup.ics', { body: meetupFeed(MEETUP_EVENTS), etag: '"v1"', honour304: false });
    const third = await services.feeds.syncNow(chapter);
    assert.deepEqual(summary(third), { notModified: false, created: 0, updated: 0, cancelled: 0, unchanged: 2, skipped: 0 });
    assert.deepEqual(
      (await workshops(services)).map((w) => [w.id, w.revision, w.status]),
      [
        [python!.id, 0, 'scheduled'],
        [js!.id, 0, 'scheduled'],
      ],
    );
    assert.equal(await services.store.manager.count(FeedEvent), 2);

    // Switched to another address (another calendar): what it does not list is let go, never cancelled.
    server.routes.set('/luma.ics', { body: lumaFeed() });
    const switched = await services.feeds.follow(chapter, { url: server.url('/luma.ics') });
    assert.deepEqual(summary(switched.outcome), { notModified: false, created: 1, updated: 0, cancelled: 0, unchanged: 0, skipped: 0 });
    assert.deepEqual(
      (await workshops(services)).map((w) => w.status),
      ['scheduled', 'scheduled', 'scheduled'],
    );
    assert.equal(await services.feeds.sourceOf(python!.id), null, 'an ordinary workshop now');
    assert.equal(await services.store.manager.count(FeedEvent), 1);
  })(t));

test('a moved event moves its workshop (members told, reminders re-armed, SEQUENCE up); hand edits are kept; removed and cancelled events cancel', (t) =>
  withFeed(async ({ services, server, posts }) => {
    const chapter = await berlin(services);
    await services.chapters.setDefaultLearners('Berlin', 10);
    const events = [...MEETUP_EVENTS];
    server.routes.set('/meetup.ics', { body: meetupFeed(events) });
    await services.feeds.follow(chapter, { url: server.url('/meetup.ics'), topic: 'Python' });
    const [python, js] = await workshops(services);
    assert.equal(python!.learnerCapacity, 10, 'the chapter’s default-learners');
    assert.equal(python!.topic, 'Python', 'the feed’s topic');
    await services.workshops.join(who('lena'), python!.id);
    await services.workshops.join(who('jo'), js!.id);
    posts.length = 0;

    // Moved by an hour, and the venue renamed.
    const moved = (e: MeetupEvent): MeetupEvent =>
      e.id === '300000001' ? { ...e, start: '20270206T110000', end: '20270206T140000', location: 'Betahaus, 2. Stock' } : e;
    server.routes.set('/meetup.ics', { body: meetupFeed(events.map(moved)) });
    assert.deepEqual(summary(await services.feeds.syncNow(chapter)), {
      notModified: false,
      created: 0,
      updated: 1,
      cancelled: 0,
      unchanged: 1,
      skipped: 0,
    });
    const after = await services.store.manager.findOneByOrFail(Workshop, { id: python!.id });
    assert.equal(after.startsAt.toISOString(), '2027-02-06T10:00:00.000Z');
    assert.equal(after.endsAt.toISOString(), '2027-02-06T13:00:00.000Z');
    assert.equal(after.location, 'Betahaus, 2. Stock');
    assert.equal(after.revision, 1, 'the .ics SEQUENCE');
    assert.match(services.workshops.calendar([after], 'x'), /SEQUENCE:1/);
    const dms = posts.filter((p) => p.startsWith('→lena'));
    assert.equal(dms.length, 1);
    assert.match(dms[0]!, /Workshop #1 .*has changed \(start, location\)/);
    assert.equal(
      posts.some((p) => p.startsWith('→jo')),
      false,
      'nobody else is told',
    );
    const dayBefore = await services.store.manager.findOneByOrFail(Reminder, { workshopId: python!.id, kind: 'day' });
    assert.equal(dayBefore.dueAt.toISOString(), '2027-02-05T10:00:00.000Z', 'the reminder follows the new time');

    // A moderator retitles it by hand: the feed keeps the moderator's title, and still moves the rest.
    await services.workshops.edit(python!.id, { title: 'Python 1 (Raum B)' });
    const retitled = (e: MeetupEvent): MeetupEvent => (e.id === '300000001' ? { ...moved(e), summary: 'Python, renamed on Meetup' } : e);
    server.routes.set('/meetup.ics', { body: meetupFeed(events.map(retitled)) });
    await services.feeds.syncNow(chapter);
    assert.equal((await services.store.manager.findOneByOrFail(Workshop, { id: python!.id })).title, 'Python 1 (Raum B)');
    assert.equal((await services.store.manager.findOneByOrFail(FeedEvent, { workshopId: python!.id })).handEdited, 'title');

    // Event 2 disappears while later events are still listed: its workshop is cancelled and its member told.
    posts.length = 0;
    const later: MeetupEvent = { id: '300000009', summary: 'Later', start: '20270305T100000', end: '20270305T120000' };
    const withoutJs = [...events.filter((e) => e.id !== '300000002').map(retitled), later];
    server.routes.set('/meetup.ics', { body: meetupFeed(withoutJs) });
    assert.deepEqual(summary(await services.feeds.syncNow(chapter)), {
      notModified: false,
      created: 1,
      updated: 0,
      cancelled: 1,
      unchanged: 1,
      skipped: 0,
    });
    const gone = await services.store.manager.findOneByOrFail(Workshop, { id: js!.id });
    assert.equal(gone.status, 'cancelled');
    assert.equal(gone.cancelReason, 'removed from the chapter’s calendar');
    assert.ok(posts.some((p) => p.startsWith('→jo') && /cancelled/.test(p)));

    // Event 1 becomes STATUS:CANCELLED.
    const cancelled = withoutJs.map((e): MeetupEvent => (e.id === '300000001' ? { ...e, status: 'CANCELLED' } : e));
    server.routes.set('/meetup.ics', { body: meetupFeed(cancelled) });
    assert.equal(summary(await services.feeds.syncNow(chapter)) !== 'busy' && (await workshops(services)).length, 3);
    const off = await services.store.manager.findOneByOrFail(Workshop, { id: python!.id });
    assert.equal(off.status, 'cancelled');
    assert.equal(off.cancelReason, 'cancelled in the chapter’s calendar');

    // An empty feed (or one listing only a window that ends earlier) cancels nothing.
    server.routes.set('/meetup.ics', { body: meetupFeed([]) });
    const empty = await services.feeds.syncNow(chapter);
    assert.equal(summary(empty) !== 'busy' && (summary(empty) as { cancelled: number }).cancelled, 0);
    assert.equal((await workshops(services)).filter((w) => w.status === 'scheduled').length, 1, 'the later one stays');
  })(t));

test('Google and lu.ma exports: repeating events become one workshop per occurrence, topics from CATEGORIES', (t) =>
  withFeed(async ({ services, server }) => {
    const chapter = await berlin(services);
    server.routes.set('/basic.ics', { body: googleFeed() });
    const { outcome } = await services.feeds.follow(chapter, { url: server.url('/basic.ics'), learners: 6 });
    assert.deepEqual(summary(outcome), { notModified: false, created: 7, updated: 0, cancelled: 0, unchanged: 0, skipped: 1 });
    const all = await workshops(services);
    const js = all.filter((w) => w.title.startsWith('JS evening'));
    assert.deepEqual(
      js.map((w) => [w.startsAt.toISOString(), w.topic, w.learnerCapacity, w.coachSlots]),
      [
        ['2027-01-13T18:30:00.000Z', 'JavaScript', 6, 2],
        ['2027-01-20T18:30:00.000Z', 'JavaScript', 6, 2],
        ['2027-02-03T19:00:00.000Z', 'JavaScript', 6, 2],
        ['2027-02-10T18:30:00.000Z', 'JavaScript', 6, 2],
        ['2027-02-17T18:30:00.000Z', 'JavaScript', 6, 2],
      ],
    );
    assert.equal(all.filter((w) => w.title === 'Thursday study group').length, 2);
    assert.equal((await services.feeds.syncNow(chapter)).kind, 'synced');
    assert.equal((await workshops(services)).length, 7, 'read again: no duplicates');

    const { chapter: london } = await services.chapters.create({ name: 'London', timeZone: 'Europe/London' });
    server.routes.set('/luma.ics', { body: lumaFeed() });
    await services.feeds.follow(london, { url: server.url('/luma.ics') });
    const rust = (await workshops(services)).find((w) => w.chapterId === london.id)!;
    assert.equal(rust.title, '🚀 Launch night: Rust 🦀 für alle');
    assert.equal(rust.location, 'https://lu.ma/rust-night');
    assert.ok(rust.description!.includes('Über das Treffen 🎉: Ärger? Nö — Spaß! 😀'));
    assert.equal(rust.endsAt.getTime() - rust.startsAt.getTime(), 150 * 60_000);
  })(t));

test('refused with a clear reason, and nothing stored: a private address, an oversized feed, a slow one, too many redirects, not iCalendar', (t) =>
  eachDatabase(t, async ({ target }) => {
    const clock = new ManualClock(NOW);
    const { db, services } = await servicesOn(target, clock);
    const server = await feedServer();
    const other = await feedServer('127.0.0.2');
    try {
      const chapter = await berlin(services);
      server.routes.set('/ok.ics', { body: meetupFeed(MEETUP_EVENTS) });
      // FEED_ALLOW_PRIVATE is off: an address literal, and a name that resolves to loopback.
      await assert.rejects(services.feeds.follow(chapter, { url: server.url('/ok.ics') }), (err: unknown) => {
        assert.ok(err instanceof UserError && err.key === 'feed.error.private');
        assert.deepEqual(err.params, { host: '127.0.0.1', address: '127.0.0.1' });
        return true;
      });
      await assert.rejects(
        services.feeds.follow(chapter, { url: server.url('/ok.ics').replace('127.0.0.1', 'localhost') }),
        (err: unknown) => {
          assert.ok(err instanceof UserError && err.key === 'feed.error.private');
          assert.equal(err.params.host, 'localhost');
          return true;
        },
      );
      await assert.rejects(services.feeds.follow(chapter, { url: 'ftp://example.org/x.ics' }), rejects('feed.bad_url'));
      await assert.rejects(services.feeds.follow(chapter, { url: 'https://user:pw@example.org/x.ics' }), rejects('feed.bad_url'));

      // Every redirect is checked again: 127.0.0.2 counts as public here, its redirect to 127.0.0.1 does not.
      const config = loadConfig({ ANON_SECRET: 'x'.repeat(32) });
      const strict = new FeedService(
        services.store,
        clock,
        config,
        services.chapters,
        services.workshops,
        services.notices,
        capturedLogger().log,
        {
          blocked: (address) => address !== '127.0.0.2',
        },
      );
      other.routes.set('/public.ics', { body: meetupFeed(MEETUP_EVENTS) });
      other.routes.set('/hop.ics', { redirectTo: server.url('/ok.ics') });
      other.routes.set('/hop-by-name.ics', { redirectTo: server.url('/ok.ics').replace('127.0.0.1', 'localhost') });
      await assert.rejects(strict.follow(chapter, { url: other.url('/hop.ics') }), rejects('feed.error.private'));
      await assert.rejects(strict.follow(chapter, { url: other.url('/hop-by-name.ics') }), rejects('feed.error.private'));
      assert.equal(await services.store.manager.count(ChapterFeed), 0, 'nothing stored');
      assert.equal((await strict.follow(chapter, { url: other.url('/public.ics') })).outcome.kind, 'synced', 'the public one is followed');
      await services.feeds.remove(chapter);

      // With private addresses allowed (as the other tests run): the limits still hold.
      const allowed = loadConfig({ ANON_SECRET: 'x'.repeat(32), ...ALLOW });
      const feeds = new FeedService(
        services.store,
        clock,
        allowed,
        services.chapters,
        services.workshops,
        services.notices,
        capturedLogger().log,
        {
          timeoutMs: 300,
        },
      );
      server.routes.set('/huge.ics', { body: Buffer.alloc(5 * 1024 * 1024 + 1, 'A') });
      await assert.rejects(feeds.follow(chapter, { url: server.url('/huge.ics') }), (err: unknown) => {
        assert.ok(err instanceof UserError && err.key === 'feed.error.too_large');
        assert.deepEqual(err.params, { mb: 5 });
        return true;
      });
      server.routes.set('/slow.ics', { hang: true });
      await assert.rejects(feeds.follow(chapter, { url: server.url('/slow.ics') }), rejects('feed.error.timeout'));
      for (let i = 0; i < 4; i++) server.routes.set(`/r${i}`, { redirectTo: server.url(`/r${i + 1}`) });
      server.routes.set('/r4', { body: meetupFeed(MEETUP_EVENTS) });
      await assert.rejects(feeds.follow(chapter, { url: server.url('/r0') }), (err: unknown) => {
        assert.ok(err instanceof UserError && err.key === 'feed.error.redirects');
        assert.deepEqual(err.params, { max: 3 });
        return true;
      });
      server.routes.set('/html', { body: Buffer.from('<html>Log in</html>') });
      await assert.rejects(feeds.follow(chapter, { url: server.url('/html') }), rejects('feed.error.parse'));
      await assert.rejects(feeds.follow(chapter, { url: server.url('/missing') }), (err: unknown) => {
        assert.ok(err instanceof UserError && err.key === 'feed.error.status');
        assert.deepEqual(err.params, { status: 404 });
        return true;
      });
      assert.equal(await services.store.manager.count(ChapterFeed), 0);
      assert.equal((await feeds.follow(chapter, { url: server.url('/r1') })).outcome.kind, 'synced', 'three redirects are fine');
    } finally {
      await other.close();
      await server.close();
      await db.destroy();
    }
  }));

test('a feed that keeps failing tells the moderation channel once, with the reason, and once again when it works again', (t) =>
  withFeed(async ({ services, server, posts, clock }) => {
    const chapter = await berlin(services);
    server.routes.set('/meetup.ics', { body: meetupFeed(MEETUP_EVENTS) });
    await services.feeds.follow(chapter, { url: server.url('/meetup.ics') });
    server.routes.set('/meetup.ics', { status: 503, body: Buffer.from('busy') });
    for (let i = 0; i < 5; i++) {
      clock.advance(30 * 60_000);
      assert.equal(await services.feeds.pollDue(), 0, 'a failed sync');
    }
    const notices = () => posts.filter((p) => p.startsWith('#mod'));
    assert.equal(notices().length, 1);
    assert.match(notices()[0]!, /calendar feed of Berlin keeps failing \(3 times in a row\): The feed’s server answered HTTP 503\./);
    const feed = (await services.feeds.get(chapter))!;
    assert.equal(feed.failures, 5);
    assert.equal((await workshops(services)).filter((w) => w.status === 'scheduled').length, 2, 'a failing feed cancels nothing');

    server.routes.set('/meetup.ics', { body: meetupFeed(MEETUP_EVENTS) });
    clock.advance(30 * 60_000);
    assert.equal(await services.feeds.pollDue(), 1);
    clock.advance(30 * 60_000);
    assert.equal(await services.feeds.pollDue(), 1);
    assert.equal(notices().length, 2);
    assert.match(notices()[1]!, /calendar feed of Berlin works again/);
    assert.equal((await services.feeds.get(chapter))!.failures, 0);
  })(t));

test('two processes syncing one feed at once make each event one workshop (the lease, and the unique key when a lease expired)', (t) =>
  eachDatabase(t, async ({ target, kind }) => {
    const clock = new ManualClock(NOW);
    const a = await servicesOn(target, clock, capturedLogger().log, ALLOW);
    // On PostgreSQL a second pool plays the second process; SQLite has one process.
    const b = kind === 'postgres' ? await servicesOn(target, clock, capturedLogger().log, ALLOW) : a;
    const server = await feedServer();
    try {
      const chapter = await berlin(a.services);
      server.routes.set('/basic.ics', { body: googleFeed() });
      server.routes.set('/meetup.ics', { body: meetupFeed(MEETUP_EVENTS) });
      const follow = async (url: string) => {
        await a.services.store.transaction((em) =>
          em.upsert(
            ChapterFeed,
            {
              chapterId: chapter.id,
              url,
              learners: null,
              topic: null,
              etag: null,
              lastModified: null,
              nextSyncAt: NOW,
              lastSyncedAt: null,
              failures: 0,
              lastError: null,
              failureNotified: false,
              leaseUntil: null,
              leaseOwner: null,
              createdAt: NOW,
            },
            { conflictPaths: ['chapterId'] },
          ),
        );
      };
      await follow(server.url('/basic.ics'));
      const outcomes = await Promise.all([a.services.feeds.syncNow(chapter), b.services.feeds.syncNow(chapter)]);
      assert.deepEqual(outcomes.map((o) => o.kind).sort(), kind === 'postgres' ? ['busy', 'synced'] : ['busy', 'synced']);
      assert.equal((await workshops(a.services)).length, 7);

      // A lease that expired while its process was still at work: the other process syncs too, and the
      // unique key on (feed, UID, RECURRENCE-ID) still makes each event one workshop.
      // The first process holds its lease while the feed is fetched; the lease expires (the second
      // process's clock is 6 minutes on), so the second takes it too; then both answers arrive.
      let open = () => {};
      server.routes.set('/meetup.ics', { body: meetupFeed(MEETUP_EVENTS), hold: new Promise<void>((resolve) => (open = resolve)) });
      await follow(server.url('/meetup.ics'));
      const late = new ManualClock(new Date(NOW.getTime() + 6 * 60_000));
      const s = kind === 'postgres' ? b.services : a.services;
      const second = new FeedService(s.store, late, a.config, s.chapters, s.workshops, s.notices, capturedLogger().log);
      const before = server.requests.length;
      const first = a.services.feeds.syncNow(chapter);
      await server.arrived(before + 1);
      const other = second.syncNow(chapter);
      await server.arrived(before + 2);
      open();
      const both = await Promise.all([first, other]);
      assert.deepEqual(
        both.map((o) => o.kind),
        ['synced', 'synced'],
      );
      const created = both.map((o) => (o.kind === 'synced' ? o.summary.created : 0));
      assert.equal(created[0]! + created[1]!, 2, 'the two Meetup events, made once between them');
      const rows = await a.services.store.manager.find(FeedEvent);
      assert.equal(rows.length, 9);
      assert.equal(new Set(rows.map((r) => `${r.feedId}/${r.uid}/${r.recurrenceId}`)).size, 9);
      assert.equal((await workshops(a.services)).length, 9, 'one workshop per event');
    } finally {
      await server.close();
      if (b !== a) await b.db.destroy();
      await a.db.destroy();
    }
  }));
