import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChapterLinkAttempt } from '../../entities/ChapterLinkAttempt.js';
import { ChapterLinkCode } from '../../entities/ChapterLinkCode.js';
import { UserError } from '../../src/core/errors.js';
import { canonicalLinkCode } from '../../src/services/chapters.js';
import { eachDatabase, tempDir, type TestDatabase } from '../support/helpers.js';
import { consoleBot } from '../support/console-bot.js';
import { spawnNpm } from '../support/npm.js';

// Chapter ownership on the console, with two workspaces: `console`, where Berlin lives and mona
// administers, and `other`, whose administrator hanna would like Berlin's rights.

const codeIn = (text: string) => /Link code for \w+: ([0-9A-Z]{4}-[0-9A-Z]{4})/.exec(text)?.[1];

test('another workspace joins a chapter only with a code from its moderators, and the chapter’s moderators hear of it', (t) =>
  eachDatabase(t, async (database) => {
    const c = await consoleBot(database);
    try {
      await c.run(
        '@mona /chapter create name:Berlin timezone:Europe/Berlin',
        '/chapter set name:Berlin moderation-channel:#mods questions-channel:#fragen',
      );
      await c.run(
        '@mona /workshop create chapter:Berlin title:"Python basics" topic:Python date:2027-03-01 time:18:00 learners:4',
        '@ada /ask text:"How do I start with Python?"',
      );
      const before = await c.bindings();
      assert.deepEqual(before, ['Berlin@console']);

      // Without a code: refused, with the reason and what to do; nothing changes.
      assert.match(
        await c.run('@hanna@other /chapter use name:Berlin'),
        /Berlin belongs to its moderators elsewhere \(console\)\. Ask them for a link code/,
      );
      assert.match(await c.run('/chapter use name:Berlin scope:channel'), /Ask them for a link code/);
      assert.match(await c.run('/mod hide id:1 reason:"Not wanted here"'), /Only the moderators of Berlin/);
      assert.match(await c.run('/workshop cancel id:1 reason:"Room is gone"'), /Only the moderators of Berlin/);
      assert.match(await c.run('/chapter set name:Berlin moderator-role:@&friends'), /Only the moderators of Berlin/);
      assert.match(await c.run('/chapter link name:Berlin'), /Only the moderators of Berlin/, 'no code for strangers');
      assert.deepEqual(await c.bindings(), before);

      // A code from Berlin's moderator, where Berlin is bound: shown to them only, stored hashed.
      const linked = await c.run('@mona /chapter link name:Berlin');
      assert.match(linked, /^\[ephemeral → mona\]/);
      const code = codeIn(linked)!;
      assert.ok(code, linked);
      const stored = await c.app.db.getRepository(ChapterLinkCode).find();
      assert.equal(stored.length, 1);
      assert.doesNotMatch(JSON.stringify(stored), new RegExp(code.replace('-', '-?')), 'only a hash of the code is kept');

      const used = await c.run(`@hanna@other /chapter use name:Berlin code:${code.toLowerCase()}`);
      assert.match(
        used,
        /\[#mods msg:\d+\]\nBerlin is now bound also to console:other, with a link code from its moderators\. \/mod audit shows who linked it\./,
        'Berlin’s moderation channel was told',
      );
      assert.match(used, /This workspace now belongs to chapter Berlin\.\nIts moderators were told/);
      assert.deepEqual(await c.bindings(), ['Berlin@console', 'Berlin@other']);
      assert.match(
        await c.run('@hanna@other /chapter show name:Berlin'),
        /Bound in: console:console, console:other/,
        'its moderators see where it is bound',
      );
      assert.doesNotMatch(await c.run('@ada@other /chapter show name:Berlin'), /Bound in/, 'members do not see other communities’ ids');
      assert.match(await c.run('@hanna@other /chapter set name:Berlin learners-per-coach:3'), /Berlin/);
      assert.equal((await c.app.services.chapters.get('Berlin')).learnersPerCoach, 3, 'hanna now moderates Berlin');

      // One time only.
      assert.match(await c.run(`@otto@third /chapter use name:Berlin code:${code}`), /Who|Only the administrators/);
      assert.match(await c.run(`@hanna@third /chapter use name:Berlin code:${code}`), /That code is wrong, used or expired for Berlin/);

      // Unlinking: a workspace's administrators unlink their own; the chapter's moderators any place.
      assert.match(
        await c.run('@hanna@other /chapter unlink name:Berlin place:console:console'),
        /Berlin is no longer bound to console:console/,
        'a moderator of Berlin may unlink any place',
      );
      assert.match(await c.run('@hanna@other /chapter unlink name:Berlin'), /no longer bound to console:other[\s\S]*bound nowhere/);
      assert.deepEqual(await c.bindings(), []);
      assert.match(
        await c.run('@mona /chapter use name:Berlin'),
        /Berlin is bound nowhere yet\. Ask whoever runs this bot for a code \(npm run chapter:code -- Berlin\)/,
      );
    } finally {
      await c.close();
    }
  }));

test('after five wrong codes in an hour a member is refused, even with the right code; codes expire after 24 hours', (t) =>
  eachDatabase(t, async (database) => {
    const c = await consoleBot(database);
    try {
      await c.run('@mona /chapter create name:Berlin timezone:Europe/Berlin');
      const code = codeIn(await c.run('@mona /chapter link name:Berlin'))!;
      for (let i = 0; i < 5; i++)
        assert.match(await c.run('@hanna@other /chapter use name:Berlin code:ZZZZ-ZZZZ'), new RegExp(`Tries left this hour: ${4 - i}`));
      assert.match(await c.run(`/chapter use name:Berlin code:${code}`), /Too many wrong codes/);
      assert.match(await c.run(`@hugo@other /chapter use name:Berlin code:${code}`), /Only the administrators/, 'hugo administers nothing');
      c.clock.advance(3_600_001);
      assert.match(
        await c.run(`@hanna@other /chapter use name:Berlin code:${code}`),
        /now belongs to chapter Berlin\.\nIts moderators could not be told: no moderation channel is set/,
        'an hour later the right code works',
      );

      const late = codeIn(await c.run('@mona /chapter link name:Berlin'))!;
      c.clock.advance(24 * 3_600_000 + 1);
      assert.match(await c.run(`@hanna@third /chapter use name:Berlin code:${late}`), /wrong, used or expired/);
      assert.deepEqual(await c.bindings(), ['Berlin@console', 'Berlin@other']);
    } finally {
      await c.close();
    }
  }));

test('link-code guesses sent at once: no more than five are read, on one process or two', (t) =>
  eachDatabase(t, async (database) => {
    const c = await consoleBot(database);
    // On PostgreSQL half the guesses go to a second app on the same database (another pool, as another process).
    const other = database.kind === 'postgres' ? await consoleBot(database) : c;
    try {
      await c.run('@mona /chapter create name:Berlin timezone:Europe/Berlin');
      const code = codeIn(await c.run('@mona /chapter link name:Berlin'))!;
      const hanna = { platform: 'console', workspace: 'other', id: 'hanna', name: 'hanna' };
      const place = { platform: 'console', workspace: 'other', channel: '' };
      const results = await Promise.allSettled(
        Array.from({ length: 12 }, (_, n) =>
          (n % 2 ? other : c).app.services.chapters.bind('Berlin', place, { code: 'ZZZZ-ZZZZ', member: hanna }),
        ),
      );
      const keys = results.map((r) => (r.status === 'rejected' && r.reason instanceof UserError ? r.reason.key : String(r.status)));
      const read = keys.filter((k) => k === 'chapter.use.wrong_code').length;
      assert.ok(read <= 5, keys.join(', '));
      assert.equal(keys.filter((k) => k === 'chapter.use.too_many_codes').length, 12 - read, keys.join(', '));
      assert.equal(await c.app.db.getRepository(ChapterLinkAttempt).count(), read, 'each guess read is counted, none refused unread');
      // Whatever the burst left, no more than five guesses in all: then even the right code is refused.
      for (let n = 0; n < 5 - read; n++)
        await assert.rejects(
          c.app.services.chapters.bind('Berlin', place, { code: 'ZZZZ-ZZZZ', member: hanna }),
          (e: unknown) => e instanceof UserError && e.key === 'chapter.use.wrong_code',
        );
      await assert.rejects(
        c.app.services.chapters.bind('Berlin', place, { code, member: hanna }),
        (e: unknown) => e instanceof UserError && e.key === 'chapter.use.too_many_codes',
      );
      assert.deepEqual(await c.bindings(), ['Berlin@console']);
    } finally {
      if (other !== c) await other.close();
      await c.close();
    }
  }));

test('a new chapter is bound where it is created, and a taken name is refused with where it lives and how to join', (t) =>
  eachDatabase(t, async (database) => {
    const c = await consoleBot(database);
    try {
      await c.run('@mona /chapter create name:Berlin timezone:Europe/Berlin');
      assert.match(
        await c.run('@mona /chapter create name:Hamburg timezone:Europe/Berlin'),
        /already belongs to another chapter, so Hamburg is bound to this channel/,
      );
      assert.deepEqual(await c.bindings(), ['Berlin@console', 'Hamburg@console#general']);
      assert.match(
        await c.run('@mona /chapter create name:Bremen timezone:Europe/Berlin'),
        /this channel already belong to other chapters/,
      );
      const taken = await c.run('@hanna@other /chapter create name:berlin timezone:Europe/Berlin');
      assert.match(
        taken,
        /A chapter named Berlin already exists \(console\)\. [\s\S]*ask its moderators for a link code \(\/chapter link name:Berlin\)/,
      );
      assert.deepEqual(await c.bindings(), ['Berlin@console', 'Hamburg@console#general']);
      // Inside a workspace already bound to the chapter, a channel binding needs no code.
      assert.match(await c.run('@mona /chapter use name:Berlin scope:channel'), /This channel now belongs to chapter Berlin/);
      assert.equal(canonicalLinkCode('abcd-efgh'), 'ABCDEFGH');
      assert.equal(canonicalLinkCode('0Ol1-IiXY'), '00111IXY'.replace('I', '1'));
      assert.equal(canonicalLinkCode('ABCD-EFG'), null, 'too short');
      assert.equal(canonicalLinkCode('ABCD-EFGU'), null, 'U is not a symbol');
    } finally {
      await c.close();
    }
  }));

test('npm run chapter:code makes a code for a chapter bound nowhere, which an administrator then uses', async () => {
  const tmp = tempDir();
  const database: TestDatabase = {
    kind: 'sqlite',
    target: { kind: 'sqlite', path: `${tmp.dir}/bot.sqlite` },
    url: `sqlite:${tmp.dir}/bot.sqlite`,
    drop: async () => undefined,
  };
  // The script runs on the real clock: so does this bot.
  const c = await consoleBot(database, {}, { start: new Date() });
  try {
    await c.app.services.chapters.create({ name: 'Köln', timeZone: 'Europe/Berlin' });
    assert.match(await c.run('@mona /chapter use name:Köln'), /bound nowhere yet/);
    const run = spawnNpm(['run', '--silent', 'chapter:code', '--', 'Köln'], {
      DATA_DIR: c.dir,
      DATABASE_URL: database.url,
      ANON_SECRET: 'o'.repeat(32),
    });
    const done = await run.done;
    assert.equal(done.code, 0, done.stderr);
    const code = /Link code for Köln: ([0-9A-Z]{4}-[0-9A-Z]{4})/.exec(done.stdout)?.[1];
    assert.ok(code, done.stdout);
    const claimed = await c.run(`@mona /chapter use name:Köln code:${code}`);
    assert.match(claimed, /now belongs to chapter Köln/);
    assert.doesNotMatch(claimed, /Its moderators/, 'a chapter bound nowhere before has no moderators elsewhere to tell');
    const missing = await spawnNpm(['run', '--silent', 'chapter:code', '--', 'Atlantis'], {
      DATA_DIR: c.dir,
      DATABASE_URL: database.url,
      ANON_SECRET: 'o'.repeat(32),
    }).done;
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /There is no chapter named “Atlantis”/);
  } finally {
    await c.close();
    tmp.remove();
  }
});
