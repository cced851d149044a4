import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuditEntry } from '../../entities/AuditEntry.js';
import { CoachNote } from '../../entities/CoachNote.js';
import { Member } from '../../entities/Member.js';
import { Workshop } from '../../entities/Workshop.js';
import { PublicRecord, topicsOf } from '../../src/services/workshops/record.js';
import { startWeb } from '../../src/web/server.js';
import { consoleBot } from '../support/console-bot.js';
import { capturedLogger, eachDatabase } from '../support/helpers.js';
import { ADA, GRACE, LEARNERS, LINUS, recordFixture, SECRET_TEXTS } from '../support/record-fixture.js';

async function get(port: number, path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { headers });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text(), headers: res.headers };
}

/** One workshop's article on the chapter page. */
function article(body: string, id: number): string {
  const found = new RegExp(`<article id="workshop-${id}"[\\s\\S]*?</article>`).exec(body);
  assert.ok(found, `workshop #${id} is on the page`);
  return found[0];
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The shape of /chapters/<name>/report.json, as the README documents it. */
interface Report {
  chapter: { name: string; city: string | null; timeZone: string; page: string };
  feedbackPublicMin: number;
  workshops: {
    id: number;
    title: string;
    topic: string;
    startsAt: string;
    endsAt: string;
    taught: string[];
    materials: { id: number; title: string; url: string | null; language: string; license: string }[];
    came: { learners: number; coaches: number };
    ratings: {
      responses: number;
      pace: { slow: number; right: number; fast: number };
      learned: { mean: number | null; counts: number[] };
      coachSupport: { mean: number | null; counts: number[] };
      again: { yes: number; no: number };
    } | null;
    notes: { coach: string | null; taught: string[]; went: string | null; change: string | null }[];
  }[];
}

test('topics of notes: split at commas, trimmed, each once whatever its case, in the order first typed', () => {
  assert.deepEqual(topicsOf(['Loops, functions ,, Loops', null, 'FUNCTIONS, Lists', '']), ['Loops', 'functions', 'Lists']);
  assert.deepEqual(topicsOf([]), []);
});

test('the public record over real HTTP: past workshops with what was taught, who came as counts, ratings only from FEEDBACK_PUBLIC_MIN answers, published notes; no learner and no free text; /workshop publish hides one; report.json', (t) =>
  eachDatabase(t, async (database) => {
    const bot = await consoleBot(database);
    const { log, lines } = capturedLogger();
    const services = bot.app.services;
    const web = await startWeb(services, { port: 0, host: '127.0.0.1' }, log);
    try {
      const f = await recordFixture(services, bot.clock);
      // Markup a coach typed is text on the page.
      await bot.app.db
        .getRepository(CoachNote)
        .update({ workshopId: f.python.id, publish: 'anonymous' }, { went: 'Working in <em>pairs</em> went well.<script>x()</script>' });

      // A moderator takes #3 off the record; a member may not.
      assert.match(await bot.run(`@randy /workshop publish id:${f.git.id} visible:false`), /Only the moderators of Berlin/);
      assert.equal((await bot.app.db.getRepository(Workshop).findOneByOrFail({ id: f.git.id })).recordHidden, false);
      assert.match(
        await bot.run(`@mona /workshop publish id:${f.git.id} visible:false`),
        new RegExp(`Workshop #${f.git.id} \\(Git and GitHub\\) is off the public record of Berlin`),
      );
      const audit = await bot.app.db.getRepository(AuditEntry).findOneByOrFail({ action: 'workshop publish' });
      assert.deepEqual(
        [audit.actorId, audit.target, JSON.parse(audit.details!)],
        ['mona', `workshop:${f.git.id}`, { key: 'audit.workshop.record.off', params: {} }],
      );
      assert.equal(audit.chapterId, f.chapter.id);

      const page = await get(web.port, '/chapters/Berlin');
      assert.equal(page.status, 200);
      const body = page.body;
      assert.match(body, /<section aria-labelledby="past-heading"><h2 id="past-heading">Past workshops<\/h2>/);
      assert.match(body, /Ratings appear once at least 5 learners have answered/);
      assert.match(body, /<a href="\/chapters\/Berlin\/report.json" type="application\/json">This record as open data \(JSON\)<\/a>/);
      const past = body.slice(body.indexOf('id="past-heading"'));
      // Newest first; not the hidden, the cancelled, the other chapter's or the upcoming one.
      const order = [...past.matchAll(/<article id="workshop-(\d+)"/g)].map((m) => Number(m[1]));
      assert.deepEqual(order, [f.web.id, f.python.id]);
      assert.doesNotMatch(body, /Git and GitHub|Cancelled jam|Hamburg Python/);
      assert.match(body, /Data with pandas/, 'the upcoming one is listed above, as before');
      assert.ok(body.indexOf('Data with pandas') < body.indexOf('id="past-heading"'));

      const python = article(past, f.python.id);
      assert.match(
        python,
        /<time datetime="2027-01-12T09:00:00.000Z">Tuesday, 12 January 2027 at 10:00<\/time> – <time datetime="2027-01-12T12:00:00.000Z">13:00<\/time>/,
      );
      // Every note's topics, private ones included (topics are not personal), each once.
      assert.match(python, /<dt>Taught<\/dt><dd>Variables, loops, functions, lists, Dictionaries<\/dd>/);
      // The workshop's material, then those the notes name; the removed one and an unknown id left out.
      assert.match(
        python,
        new RegExp(
          `<dd><ul><li><a href="https://learn.example.org/python-guide" hreflang="en">Python for beginners \\(workshop guide\\)</a> <span class="meta">\\(CC-BY-SA-4.0\\)</span></li><li><a href="https://learn.example.org/cheat-sheet" hreflang="de">Loops and functions cheat sheet</a> <span class="meta">\\(CC0-1.0\\)</span></li></ul></dd>`,
        ),
      );
      assert.doesNotMatch(body, /Old slides|99999/);
      assert.match(python, /<dt>Learners who came<\/dt><dd>5<\/dd>/, 'six joined; Wanda was marked absent');
      assert.match(python, /<dt>Coaches who came<\/dt><dd>2<\/dd>/, 'Linus did not check in');
      // Exactly FEEDBACK_PUBLIC_MIN (5) answers: the ratings show.
      assert.match(python, /<dt>Learners who answered<\/dt><dd>5<\/dd>/);
      assert.match(python, /<dt>Pace<\/dt><dd>too slow: 1 · just right: 3 · too fast: 1<\/dd>/);
      assert.match(python, /<dt>How much they learned<\/dt><dd>4.2 of 5 on average<\/dd>/);
      assert.match(python, /<dt>Help from the coaches<\/dt><dd>4.5 of 5 on average<\/dd>/);
      assert.match(python, /<dt>Would come again<\/dt><dd>yes: 3 · no: 1<\/dd>/);
      // The notes: Ada's with her name, Grace's without, Linus's private one not at all.
      assert.match(python, /<h4>Coaches’ notes<\/h4>/);
      assert.match(python, /Working in &lt;em&gt;pairs&lt;\/em&gt; went well\.&lt;script&gt;x\(\)&lt;\/script&gt;/, 'escaped, not markup');
      assert.doesNotMatch(body, /<script|<em>/);
      assert.match(
        python,
        /<strong>Next time:<\/strong> Start with a short tour of the editor\.<\/p><\/blockquote><figcaption>— Ada Lovelace<\/figcaption>/,
      );
      assert.match(python, /went well\.&lt;script&gt;x\(\)&lt;\/script&gt;<\/p><\/blockquote><figcaption>— a coach<\/figcaption>/);
      assert.equal((python.match(/<figure class="note">/g) ?? []).length, 2);

      // One answer too few: no ratings, and not how many answered either.
      const webPage = article(past, f.web.id);
      assert.match(webPage, /<dt>Feedback<\/dt><dd>Fewer than 5 learners answered, so no ratings are shown\.<\/dd>/);
      assert.doesNotMatch(webPage, /Learners who answered|Pace|on average|Would come again/);
      assert.match(webPage, /<dt>Learners who came<\/dt><dd>4<\/dd>/);
      assert.match(webPage, /<figcaption>— Grace Hopper<\/figcaption>/, 'named on the note she published with her name');

      const report = await get(web.port, '/chapters/berlin/report.json');
      assert.equal(report.status, 200);
      assert.match(report.type, /^application\/json; charset=utf-8/);
      assert.equal(report.headers.get('access-control-allow-origin'), '*');
      const json = JSON.parse(report.body) as Report;
      assert.deepEqual(json.chapter, { name: 'Berlin', city: 'Berlin', timeZone: 'Europe/Berlin', page: '/chapters/Berlin' });
      assert.equal(json.feedbackPublicMin, 5);
      assert.deepEqual(
        json.workshops.map((w) => w.id),
        [f.web.id, f.python.id],
      );
      const [w2, w1] = json.workshops as [Report['workshops'][number], Report['workshops'][number]];
      assert.deepEqual(
        { ...w1, ratings: undefined, notes: undefined },
        {
          id: f.python.id,
          title: 'Python for beginners',
          topic: 'Python',
          startsAt: '2027-01-12T09:00:00.000Z',
          endsAt: '2027-01-12T12:00:00.000Z',
          taught: ['Variables', 'loops', 'functions', 'lists', 'Dictionaries'],
          materials: [
            {
              id: f.guide.id,
              title: 'Python for beginners (workshop guide)',
              url: 'https://learn.example.org/python-guide',
              language: 'en',
              license: 'CC-BY-SA-4.0',
            },
            {
              id: f.sheet.id,
              title: 'Loops and functions cheat sheet',
              url: 'https://learn.example.org/cheat-sheet',
              language: 'de',
              license: 'CC0-1.0',
            },
          ],
          came: { learners: 5, coaches: 2 },
          ratings: undefined,
          ratingsPending: false,
          notes: undefined,
        },
      );
      assert.deepEqual(w1.ratings, {
        responses: 5,
        pace: { slow: 1, right: 3, fast: 1 },
        learned: { mean: 4.2, counts: [0, 0, 1, 2, 2] },
        coachSupport: { mean: 4.5, counts: [0, 0, 0, 2, 2] },
        again: { yes: 3, no: 1 },
      });
      assert.deepEqual(w1.notes, [
        {
          coach: 'Ada Lovelace',
          taught: ['Variables', 'loops', 'functions'],
          went: 'Everyone wrote a loop that prints a times table.',
          change: 'Start with a short tour of the editor.',
        },
        { coach: null, taught: ['Functions', 'lists'], went: 'Working in <em>pairs</em> went well.<script>x()</script>', change: null },
      ]);
      assert.equal(w2.ratings, null, 'four answers: below FEEDBACK_PUBLIC_MIN');
      assert.deepEqual(w2.came, { learners: 4, coaches: 1 });
      assert.deepEqual(
        w2.notes.map((n) => n.coach),
        ['Grace Hopper'],
      );

      // Nobody but the coaches who published with their name; no platform id, no free text, no private note.
      const members = await bot.app.db.getRepository(Member).find();
      const learners = members.filter((m) => LEARNERS.some((l) => l.id === m.userId));
      assert.equal(learners.length, LEARNERS.length);
      for (const text of [body, report.body]) {
        for (const m of learners) {
          for (const word of [m.userId, ...m.displayName.split(' ')])
            assert.doesNotMatch(text, new RegExp(escapeRe(word), 'i'), `learner ${m.displayName} is never on the record`);
        }
        for (const id of [ADA.id, GRACE.id, LINUS.id]) assert.ok(!text.includes(id), 'no platform id');
        assert.doesNotMatch(text, /Linus|Quietly/, 'the coach who kept his note private is not named');
        for (const secret of SECRET_TEXTS) assert.ok(!text.includes(secret), `never published: ${secret}`);
      }
      assert.ok(!python.includes('Grace'), 'Grace’s anonymous note on #1 does not name her');

      // The threshold is FEEDBACK_PUBLIC_MIN: with 6, the five answers on #1 are withheld too.
      const stricter = new PublicRecord(services.store, services.clock, 6);
      const [, strict1] = await stricter.pastWorkshops(f.chapter.id, { limit: 10 });
      assert.equal(strict1?.id, f.python.id);
      assert.equal(strict1?.ratings, null);
      assert.deepEqual(
        (await services.record.pastWorkshops(f.chapter.id, { limit: 1 })).map((w) => w.id),
        [f.web.id],
        'the limit keeps the newest',
      );

      // While feedback is open (until 14 days after the end) the ratings wait, so they never change once shown.
      bot.clock.set(new Date('2027-01-25T12:00:00Z'));
      const open = await services.record.pastWorkshops(f.chapter.id, { limit: 10 });
      const python1 = open.find((w) => w.id === f.python.id)!;
      assert.deepEqual([python1.ratings, python1.ratingsPending], [null, true], 'five answers, but feedback is still open');
      assert.match(
        (await get(web.port, '/chapters/Berlin')).body,
        /Ratings are published when feedback closes, two weeks after the workshop\./,
      );
      bot.clock.set(new Date('2027-02-01T12:00:00Z'));

      // In German.
      const de = (await get(web.port, '/chapters/Berlin', { 'accept-language': 'de' })).body;
      assert.match(de, /<h2 id="past-heading">Vergangene Workshops<\/h2>/);
      assert.match(de, /<dt>Wie viel sie gelernt haben<\/dt><dd>im Schnitt 4,2 von 5<\/dd>/);
      assert.match(de, /Weniger als 5 Lernende haben geantwortet, deshalb zeigen wir keine Bewertungen\./);
      assert.match(de, /<figcaption>— ein Coach<\/figcaption>/);

      // Back on the record.
      assert.match(
        await bot.run(`@mona /workshop publish id:${f.git.id} visible:true`),
        new RegExp(`Workshop #${f.git.id} \\(Git and GitHub\\) is on the public record of Berlin\\.`),
      );
      const again = (await get(web.port, '/chapters/Berlin')).body;
      assert.deepEqual(
        [...again.slice(again.indexOf('id="past-heading"')).matchAll(/<article id="workshop-(\d+)"/g)].map((m) => Number(m[1])),
        [f.git.id, f.web.id, f.python.id],
      );
      const git = article(again, f.git.id);
      assert.match(git, /<dt>Learners who came<\/dt><dd>0<\/dd>/);
      assert.doesNotMatch(git, /Taught|Materials|Coaches’ notes/, 'nothing to say: no empty rows');
      assert.match(
        await bot.run(`@mona /workshop publish id:${f.next.id} visible:true`),
        /will be on the public record of Berlin once it has ended/,
      );
      assert.match(await bot.run(`@mona /workshop publish id:${f.jam.id} visible:true`), /was cancelled: cancelled workshops are never/);
      assert.match(await bot.run('@mona /workshop publish id:999 visible:false'), /#999/);

      // Unknown chapters: 404, like the page; a chapter without past workshops: an empty list, and no section.
      for (const path of ['/chapters/Nowhere/report.json', '/chapters/Berlin/report.json/x']) {
        const missing = await get(web.port, path);
        assert.equal(missing.status, 404, path);
      }
      await services.chapters.create({ name: 'Leipzig', timeZone: 'Europe/Berlin' });
      const empty = JSON.parse((await get(web.port, '/chapters/Leipzig/report.json')).body) as Report;
      assert.deepEqual(empty.workshops, []);
      assert.doesNotMatch((await get(web.port, '/chapters/Leipzig')).body, /past-heading/);
      assert.deepEqual(
        lines().filter((l) => l.includes('"level":50')),
        [],
        'no page failed',
      );
    } finally {
      await web.stop();
      await bot.close();
    }
  }));
