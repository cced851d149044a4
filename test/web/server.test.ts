import assert from 'node:assert/strict';
import { test } from 'node:test';
import ICAL from 'ical.js';
import { Material } from '../../entities/Material.js';
import { ManualClock } from '../../src/core/clock.js';
import { DIRECTORY_CACHE_MS } from '../../src/services/materials.js';
import { localeFrom, startWeb } from '../../src/web/server.js';
import { capturedLogger, eachDatabase, servicesOn } from '../support/helpers.js';
import { publicFixture } from '../support/web-fixture.js';

const NOW = new Date('2027-01-10T12:00:00Z');

async function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET') {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers, method });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text(), headers: res.headers };
}

test('Accept-Language picks German or English by quality, English otherwise', () => {
  assert.equal(localeFrom('de-DE,de;q=0.9,en;q=0.8'), 'de');
  assert.equal(localeFrom('fr-FR, en;q=0.5, de;q=0.4'), 'en');
  assert.equal(localeFrom('fr, de;q=0.1'), 'de');
  assert.equal(localeFrom('de;q=0, en;q=0.1'), 'en');
  assert.equal(localeFrom(undefined), 'en');
  assert.equal(localeFrom('ja'), 'en');
});

test('the public page over real HTTP: chapters, a chapter’s workshops with local times and a coverage chart, escaped text, no personal data, 404s', (t) =>
  eachDatabase(t, async ({ target }) => {
    const { log, lines } = capturedLogger();
    const { db, services } = await servicesOn(target, new ManualClock(NOW), log);
    const web = await startWeb(services, { port: 0, host: '127.0.0.1' }, log);
    try {
      const { python, git, gone, material } = await publicFixture(services);

      const home = await get(web.port, '/', { 'accept-language': 'de-DE,de;q=0.9' });
      assert.equal(home.status, 200);
      assert.match(home.type, /^text\/html; charset=utf-8/);
      assert.match(home.body, /<html lang="de">/);
      assert.match(home.body, /<a href="\/chapters\/Berlin">Berlin<\/a> \(Berlin\) — 2 kommende Workshops/);
      assert.match(home.body, /<a href="\/chapters\/Hamburg">Hamburg<\/a>/);

      const page = await get(web.port, '/chapters/berlin');
      assert.equal(page.status, 200);
      assert.match(page.body, /<html lang="en">/);
      assert.match(page.body, /Times are local time in Berlin \(Europe\/Berlin, CET\)/);
      assert.match(page.body, new RegExp(`<article id="workshop-${python.id}"`));
      assert.match(
        page.body,
        /<time datetime="2027-02-20T09:00:00.000Z">Saturday, 20 February 2027 at 10:00<\/time> – <time datetime="2027-02-20T12:00:00.000Z">13:00<\/time>/,
      );
      assert.match(page.body, /2 of 2 coach slots filled/);
      assert.match(page.body, /7 of 8 learner seats left/);
      assert.match(page.body, /0 of 1 coach slot filled/);
      assert.match(page.body, new RegExp(`/workshop join id:${git.id}`));
      assert.match(page.body, /Find us on Discord\./);
      assert.doesNotMatch(page.body, /Cancelled jam/, 'a cancelled workshop is not listed');
      assert.match(page.body, /Coached by<\/dt><dd>Ada Public<\/dd>/, 'a coach who opted in is named');
      assert.doesNotMatch(page.body, /Bob Private|Lea Learner|id-(Ada|Bob|Lea)/, 'nobody else, and no platform ids');
      // Markup typed by members is text, never HTML.
      assert.match(page.body, /Git together &lt;b&gt;now&lt;\/b&gt;/);
      assert.match(page.body, /Loops &lt;script&gt;alert\(1\)&lt;\/script&gt;/);
      assert.doesNotMatch(page.body, /<script|<b>now/);
      assert.match(page.body, /<a href="https:\/\/learn\.example\.org\/loops">/);
      // The chart: an accessible inline SVG, one bar per workshop, the missing coach visible.
      assert.match(page.body, /<svg [^>]*role="img" aria-labelledby="chart-title chart-desc"/);
      assert.match(
        page.body,
        new RegExp(`<g class="bar" data-workshop="${git.id}"><title>Workshop #${git.id}: 0 of 1 coach slot claimed</title>`),
      );
      assert.equal((page.body.match(/class="claimed"\/>/g) ?? []).length, 2 + 1, 'two claimed squares and the legend');
      assert.equal((page.body.match(/class="missing"\/>/g) ?? []).length, 1 + 1, 'one missing square and the legend');
      assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);

      const de = await get(web.port, '/chapters/Berlin', { 'accept-language': 'de' });
      assert.match(de.body, /Samstag, 20\. Februar 2027 um 10:00/);
      assert.match(de.body, /Kalender abonnieren/);

      for (const path of [
        '/chapters/Nowhere',
        '/chapters/Nowhere/calendar.ics',
        '/nothing',
        '/chapters/%E0%A4%A',
        '/chapters/Berlin/extra',
      ]) {
        const missing = await get(web.port, path);
        assert.equal(missing.status, 404, path);
        assert.match(missing.body, /<h1>Not found<\/h1>/);
      }
      assert.equal((await get(web.port, '/', {}, 'POST')).status, 405);
      assert.equal((await get(web.port, '/', {}, 'HEAD')).body, '');

      const materials = await get(web.port, '/materials?topic=python&text=%3Cscript%3E');
      assert.equal(materials.status, 200);
      assert.match(materials.body, /1 found, page 1 of 1/);
      assert.match(materials.body, /Read &lt;img src=x onerror=alert\(2\)&gt; first/);
      assert.match(materials.body, /<a href="https:\/\/learn\.example\.org\/de\/schleifen" hreflang="de">de<\/a>/);
      assert.match(materials.body, /value="&lt;script&gt;"/, 'the typed words are echoed escaped');
      const german = await get(web.port, '/materials?language=de');
      assert.match(german.body, /2 found/, 'a material in German and one with a German translation');
      assert.match((await get(web.port, '/materials?language=!!')).body, /No material matches/);
      assert.equal(material.id > 0, true);
      assert.ok(gone.id);
      assert.deepEqual(
        lines().filter((l) => l.includes('"level":50')),
        [],
        'no page failed',
      );
    } finally {
      await web.stop();
      await db.destroy();
    }
  }));

test('the calendar feed parses back with ical.js: upcoming workshops with stable UIDs, edits as SEQUENCE, cancellations as CANCELLED', (t) =>
  eachDatabase(t, async ({ target }) => {
    const clock = new ManualClock(NOW);
    const { db, services } = await servicesOn(target, clock);
    const web = await startWeb(services, { port: 0, host: '127.0.0.1' }, capturedLogger().log);
    try {
      const { python, git, gone } = await publicFixture(services);
      const feed = await get(web.port, '/chapters/Berlin/calendar.ics');
      assert.equal(feed.status, 200);
      assert.match(feed.type, /^text\/calendar/);
      const events = new ICAL.Component(ICAL.parse(feed.body)).getAllSubcomponents('vevent').map((c) => new ICAL.Event(c));
      const byUid = new Map(events.map((e) => [e.uid, e]));
      assert.equal(events.length, 3);
      const p = byUid.get(services.workshops.uid(python))!;
      assert.equal(p.summary, 'Python for beginners');
      assert.equal(p.startDate.toJSDate().toISOString(), '2027-02-20T09:00:00.000Z');
      assert.equal(p.location, 'c-base');
      assert.equal(byUid.get(services.workshops.uid(git))!.sequence, 1, 'edited once');
      assert.equal(byUid.get(services.workshops.uid(gone))!.component.getFirstPropertyValue('status'), 'CANCELLED');

      await services.workshops.edit(python.id, { time: { hour: 11, minute: 0 } });
      const again = new ICAL.Component(ICAL.parse((await get(web.port, '/chapters/berlin/calendar.ics')).body))
        .getAllSubcomponents('vevent')
        .map((c) => new ICAL.Event(c));
      const moved = again.find((e) => e.uid === services.workshops.uid(python))!;
      assert.equal(moved.startDate.toJSDate().toISOString(), '2027-02-20T10:00:00.000Z', 'same UID, new time');
      assert.equal(moved.sequence, 1);

      clock.set(new Date('2027-02-21T00:00:00Z'));
      const later = new ICAL.Component(ICAL.parse((await get(web.port, '/chapters/berlin/calendar.ics')).body)).getAllSubcomponents(
        'vevent',
      );
      assert.equal(later.length, 2, 'past workshops leave the feed');
      assert.ok(!later.some((c) => c.getFirstPropertyValue('uid') === services.workshops.uid(python)));
    } finally {
      await web.stop();
      await db.destroy();
    }
  }));

test('the /materials page is served from a copy of the directory that a change here empties at once, and a change elsewhere refreshes within 30 seconds', (t) =>
  eachDatabase(t, async ({ target }) => {
    const clock = new ManualClock(NOW);
    const { log } = capturedLogger();
    const { db, services } = await servicesOn(target, clock, log);
    const web = await startWeb(services, { port: 0, host: '127.0.0.1' }, log);
    const who = { platform: 'console', workspace: 'console', id: 'ada', name: 'Ada' };
    const page = async (query = '') => (await get(web.port, `/materials${query}`)).body;
    try {
      const loops = await services.materials.add(who, {
        title: 'Loops in Python',
        url: 'https://learn.example.org/loops',
        topic: 'Python',
        language: 'en',
      });
      assert.match(await page(), /Loops in Python/);
      assert.match(await page('?text=loops'), /1 found/);

      // Changes through the service show on the next request.
      await services.materials.add(who, {
        title: 'Functions in Python',
        url: 'https://learn.example.org/functions',
        topic: 'Python',
        language: 'en',
      });
      assert.match(await page(), /2 found[\s\S]*Functions in Python[\s\S]*Loops in Python/);
      assert.doesNotMatch(await page('?language=de'), /Loops in Python/);
      await services.materials.translate(loops.id, 'de', 'https://learn.example.org/de/schleifen');
      assert.match(await page('?language=de'), /Loops in Python/);
      await services.materials.remove(loops.id);
      assert.doesNotMatch(await page(), /Loops in Python/);
      assert.doesNotMatch(await page('?text=loops'), /Loops in Python/);
      assert.match(await page('?text=functions'), /Functions in Python/);

      // A row written by another process (here: straight into the database) is not read on every
      // request: the page shows it once the copy is 30 seconds old.
      await db.getRepository(Material).insert({
        title: 'Git from another process',
        url: 'https://learn.example.org/git',
        topic: 'Git',
        language: 'en',
        level: null,
        license: 'CC0-1.0',
        description: null,
        addedById: null,
        createdAt: NOW,
      });
      assert.doesNotMatch(await page(), /Git from another process/, 'served from the copy');
      clock.advance(DIRECTORY_CACHE_MS);
      assert.match(await page(), /Git from another process/);
      assert.match(await page('?topic=git'), /1 found/);
    } finally {
      await web.stop();
      await db.destroy();
    }
  }));
