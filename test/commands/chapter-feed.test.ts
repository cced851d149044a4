import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Workshop } from '../../entities/Workshop.js';
import { consoleBot } from '../support/console-bot.js';
import { feedServer, MEETUP_EVENTS, meetupFeed } from '../support/feeds.js';

test('/chapter feed on the console: follow, see the workshops marked as imported, sync a move (members told), status, refusals, remove, audit', async () => {
  const server = await feedServer();
  server.routes.set('/opentechschool-berlin/events/ical/', { body: meetupFeed(MEETUP_EVENTS), etag: '"1"' });
  const url = server.url('/opentechschool-berlin/events/ical/');
  const bot = await consoleBot(undefined, { FEED_ALLOW_PRIVATE: 'true' });
  const { run } = bot;
  try {
    await run('@mona /chapter create name:Berlin timezone:Europe/Berlin');
    assert.match(
      await run('/chapter set name:Berlin moderation-channel:#mod default-learners:10'),
      /Workshops from Berlin’s feed get 10 learner seats unless the feed names its own\./,
    );
    const followed = await run(`/chapter feed name:Berlin url:${url} topic:Python`);
    assert.match(
      followed,
      new RegExp(`Berlin follows ${url} now: its events in the next 60 days become workshops, and it is fetched every 30 minutes\\.`),
    );
    assert.match(followed, /Workshops: 2 new, 0 changed, 0 cancelled, 0 unchanged\./);

    const list = await run('/workshop list');
    assert.match(
      list,
      /#1 \*\*Python für Anfänger\*innen 🐍\*\* — Sat, 6 Feb 2027, 10:00 CET – 13:00 CET, at Betahaus \(Rudi-Dutschke-Straße 23, 10969 Berlin, Germany\) · Python · coaches 0\/3 \(\+0\) · learners 0\/10/,
    );
    assert.match(list, /#2 \*\*JavaScript: build a game\*\*/);
    const shown = await run('/workshop show id:1');
    assert.match(
      shown,
      /Imported: from the chapter’s calendar feed · details on Meetup \(https:\/\/www\.meetup\.com\/opentechschool-berlin\/events\/300000001\/\)/,
    );
    assert.match(shown, /Description: Hallo zusammen! 👋 Wir lernen Python, Schritt für Schritt; keine Vorkenntnisse nötig\./);

    const status = await run('/chapter feed name:Berlin');
    assert.match(
      status,
      /\*\*Calendar feed of Berlin\*\*\nAddress: http:\/\/127\.0\.0\.1:\d+\/opentechschool-berlin\/events\/ical\/\nLearner seats: 10 \(the chapter’s default\)\nTopic: Python\nWorkshops from it: 2\nLast fetched: Sun, 10 Jan 2027, 13:00 CET\nState: working/,
    );
    assert.match(await run('/chapter feed name:Berlin action:sync'), /The feed has not changed since it was last fetched\./);

    // A member signs up; the event moves on Meetup; a sync moves the workshop and tells her.
    await run('@lena /workshop join id:1');
    server.routes.set('/opentechschool-berlin/events/ical/', {
      body: meetupFeed(MEETUP_EVENTS.map((e) => (e.id === '300000001' ? { ...e, start: '20270207T100000', end: '20270207T130000' } : e))),
      etag: '"2"',
    });
    const synced = await run('@mona /chapter feed name:Berlin action:sync');
    assert.match(
      synced,
      /\[dm → lena\]\nWorkshop #1 “Python für Anfänger\*innen 🐍” has changed \(start\)\. Now:\n\*\*Python für Anfänger\*innen 🐍\*\* — Sun, 7 Feb 2027, 10:00 CET/,
    );
    assert.match(synced, /Workshops: 0 new, 1 changed, 0 cancelled, 1 unchanged\./);
    assert.equal((await bot.app.db.getRepository(Workshop).findOneByOrFail({ id: 1 })).revision, 1);

    assert.match(await run('@alice /chapter feed name:Berlin action:sync'), /Only the moderators of Berlin can run \/chapter feed on this/);
    assert.match(await run(`@mona /chapter feed name:Berlin url:${url} action:sync`), /Give either url: or action:, not both\./);
    assert.match(await run('/chapter feed name:Berlin url:gopher://example.org/feed'), /A feed address is an http or https URL/);
    assert.match(
      await run('/chapter feed name:Berlin learners:8'),
      /Feed of Berlin: new workshops from it get 8 learner seats and the topic Python\./,
    );
    assert.match(
      await run('/chapter feed name:Berlin action:remove'),
      /Berlin no longer follows http:\/\/127\.0\.0\.1:\d+\/opentechschool-berlin\/events\/ical\/\. The workshops it brought stay/,
    );
    assert.match(
      await run('/chapter feed name:Berlin'),
      /Berlin follows no calendar feed\. Follow one with \/chapter feed name:Berlin url:<address>/,
    );
    assert.doesNotMatch(await run('/workshop show id:1'), /Imported/, 'no longer a feed’s workshop');

    const audit = await run('/mod audit');
    assert.match(
      audit,
      /\/chapter feed → chapter:Berlin \(feed removed: http:\/\/127\.0\.0\.1:\d+\/opentechschool-berlin\/events\/ical\/\)/,
    );
    assert.match(audit, /\/chapter feed → chapter:Berlin \(feed options: learners=8\)/);
    assert.match(audit, /\/chapter feed → chapter:Berlin \(feed synced\)/);
    assert.match(
      audit,
      /\/chapter feed → chapter:Berlin \(feed followed: http:\/\/127\.0\.0\.1:\d+\/opentechschool-berlin\/events\/ical\/ topic=Python\)/,
    );
    assert.doesNotMatch(audit, /\/chapter feed\n/, 'looking at the feed is not logged');
    assert.match(
      await run('/help command:chapter'),
      /\/chapter feed name:<name> \[url:<https address>\] \[learners:<1-200>\] \[topic:<topic>\] \[action:<remove\|sync>\]/,
    );
  } finally {
    await bot.close();
    await server.close();
  }
});

test('/chapter feed in German, and a private address refused when FEED_ALLOW_PRIVATE is off', async () => {
  const server = await feedServer();
  server.routes.set('/ical/', { body: meetupFeed(MEETUP_EVENTS) });
  const bot = await consoleBot(undefined, {}, { locale: 'de' });
  try {
    await bot.run('@mona /chapter create name:Berlin timezone:Europe/Berlin');
    const refused = await bot.run(`/chapter feed name:Berlin url:${server.url('/ical/')}`);
    assert.match(
      refused,
      /127\.0\.0\.1 ist eine Loopback- oder private Adresse \(127\.0\.0\.1\): Der Bot ruft Feeds nur von öffentlichen Adressen ab\./,
    );
    assert.equal(server.requests.length, 0, 'not even asked');
    assert.match(await bot.run('/chapter feed name:Berlin'), /Berlin folgt keinem Kalender-Feed\./);
  } finally {
    await bot.close();
    await server.close();
  }
});
