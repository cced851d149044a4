import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Actor } from '../../src/core/types.js';
import { consoleBot } from '../support/console-bot.js';
import { eachDatabase } from '../support/helpers.js';

type Bot = Awaited<ReturnType<typeof consoleBot>>;

/** Runs a line, then presses the button to page `n + 1` as long as there is one; every page's output. */
async function pageThrough(bot: Bot, first: string): Promise<string[]> {
  const pages = [await bot.run(first)];
  for (let n = 1; n < 50; n++) {
    const next = new RegExp(`\\[button: (/[^\\]]* page:${n + 1})\\]`).exec(pages.at(-1)!)?.[1];
    if (!next) break;
    pages.push(await bot.run(`${first.slice(0, first.indexOf(' '))} ${next}`));
  }
  return pages;
}

/** Dates from 2027-02-01 on, one a day. */
const day = (i: number) => new Date(Date.UTC(2027, 1, 1 + i)).toISOString().slice(0, 10);

test('/workshop list with more workshops than a page holds: Next pages through all of them, in order, filters kept', (t) =>
  eachDatabase(t, async (database) => {
    const bot = await consoleBot(database);
    try {
      await bot.run('@mona /chapter create name:Berlin timezone:Europe/Berlin');
      const lines = Array.from(
        { length: 45 },
        (_, i) => `@mona /workshop create chapter:Berlin title:"Python ${i + 1}" topic:Python date:${day(i)} time:10:00 learners:8`,
      );
      await bot.run(...lines);
      await bot.run('@mona /workshop create chapter:Berlin title:"Ruby" topic:Ruby date:2027-02-03 time:18:00 learners:8');

      const pages = await pageThrough(bot, '@alice /workshop list topic:Python');
      const n = pages.length;
      assert.ok(n >= 3, pages.join('\n---\n'));
      const button = (page: number) => `\\[button: /workshop list topic:Python page:${page}\\]`;
      assert.match(pages[0]!, new RegExp(`Page 1 of ${n}\\n${button(2)}$`, 'm'));
      assert.match(pages[1]!, new RegExp(`${button(1)}\\n${button(3)}`));
      assert.match(pages[n - 1]!, new RegExp(`Page ${n} of ${n}\\n${button(n - 1)}$`, 'm'));
      const ids = pages.flatMap((page) => [...page.matchAll(/^- #(\d+) /gm)].map((m) => Number(m[1])));
      assert.deepEqual(
        ids,
        Array.from({ length: 45 }, (_, i) => i + 1),
        'every Python workshop once, soonest first, and no Ruby',
      );
      for (const page of pages) assert.ok(page.length < 4000, 'each page is one message');

      assert.match(
        await bot.run(`@alice /workshop list topic:Python page:${n + 1}`),
        new RegExp(`There is no page ${n + 1}: there are ${n} pages; try /workshop list topic:Python page:${n}`),
      );
      assert.match(
        await bot.run('@alice /workshop list topic:Ruby page:2'),
        /everything fits on one page; try \/workshop list topic:Ruby page:1/,
      );
      assert.match(await bot.run('@alice /workshop list page:0'), /page/, 'page:0 is refused by the option’s minimum');
    } finally {
      await bot.close();
    }
  }));

test('a roster of 40 learners shows all 40 over its pages, none cut, no field over 1,024 characters', async () => {
  const bot = await consoleBot();
  try {
    await bot.run(
      '@mona /chapter create name:Berlin timezone:Europe/Berlin',
      '@mona /workshop create chapter:Berlin title:"Python day" topic:Python date:2027-01-20 time:10:00 learners:60 strict-ratio:false',
    );
    const learners = Array.from({ length: 40 }, (_, i) => `learner${String(i + 1).padStart(2, '0')}`);
    for (const name of learners) await bot.run(`@${name} /workshop join id:1 level:new goal:"learn loops and functions" language:de`);
    const pages = await pageThrough(bot, '@mona /workshop roster id:1');
    assert.ok(pages.length > 1, 'more than one page');
    const shown = pages.flatMap((page) => [...page.matchAll(/@(learner\d\d)/g)].map((m) => m[1]));
    assert.deepEqual(shown, learners);
    for (const page of pages) {
      // A page's members together stay under one field's 1,024 characters (so each of its fields does),
      // leaving room for the title, the workshop's time and the footer.
      assert.ok(page.length <= 1024 + 400, page);
    }
  } finally {
    await bot.close();
  }
});

for (const locale of ['en', 'de'] as const) {
  test(`a moderator's /help in ${locale} is complete: every action the policy lets them run is on some page, once, by area`, async () => {
    const bot = await consoleBot(undefined, {}, { locale });
    try {
      await bot.run('@mona /chapter create name:Berlin timezone:Europe/Berlin');
      const pages = await pageThrough(bot, '@mona /help');
      assert.ok(pages.length > 1);
      const shown = pages.flatMap((page) => [...page.matchAll(/^- \*\*(\/[a-z -]+)\*\* — /gm)].map((m) => m[1]));
      const mona: Actor = { platform: 'console', workspace: 'console', id: 'mona', name: 'mona', facts: { admin: true } };
      const expected: string[] = [];
      for (const leaf of bot.app.registry.leaves) {
        if (await bot.app.services.policy.mayRun(leaf, mona)) expected.push('/' + leaf.path.join(' '));
      }
      assert.ok(expected.includes('/mod audit') && expected.includes('/chapter create'), 'a moderator may run moderator actions');
      assert.deepEqual([...shown].sort(), [...expected].sort(), 'each once, none missing');
      const area = locale === 'de' ? /^\*\*Moderation\*\*$/m : /^\*\*Moderation\*\*$/m;
      assert.ok(pages.some((page) => area.test(page)));
      assert.match(pages[0]!, locale === 'de' ? /Seite 1 von \d/ : /Page 1 of \d/);
      assert.match(pages[0]!, locale === 'de' ? /^\*\*Fragen\*\*$/m : /^\*\*Questions\*\*$/m);
      // /help command:x keeps working, as does the bare word.
      assert.match(
        await bot.run('@mona /help chapter'),
        locale === 'de' ? /`\/chapter create name:<Name>/ : /`\/chapter create name:<name>/,
      );
    } finally {
      await bot.close();
    }
  });
}

test('a workshop with many materials shows all of them, split across fields between materials, none over 1,024 characters', async () => {
  const bot = await consoleBot();
  try {
    await bot.run(
      '@mona /chapter create name:Berlin timezone:Europe/Berlin',
      '@mona /workshop create chapter:Berlin title:"Python day" topic:Python date:2027-01-20 time:10:00 learners:8',
      '@ada /coach volunteer topics:Python',
      '@ada /workshop claim 1',
    );
    for (let i = 1; i <= 30; i++) {
      const url = `https://learn.example.org/${'x'.repeat(60)}/${i}`;
      assert.match(await bot.run(`@ada /materials add title:"Material number ${i}" url:${url} topic:Python language:en`), /#\d+/);
      await bot.run(`@ada /workshop materials id:1 add:${i}`);
    }
    const shown = await bot.run('@ada /workshop show id:1');
    // The console prints a field as `Name: value`, a line each.
    const fields = shown
      .split('\n')
      .filter((line) => line.startsWith('Materials: '))
      .map((line) => line.slice('Materials: '.length));
    assert.ok(fields.length > 1, shown);
    for (const field of fields) assert.ok(field.length <= 1024, field.slice(0, 80));
    const ids = fields.flatMap((field) => [...field.matchAll(/#(\d+) /g)].map((m) => Number(m[1])));
    assert.deepEqual(
      ids,
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
  } finally {
    await bot.close();
  }
});

test('every action of the real registry declares its area for /help (on its command or itself)', async () => {
  const bot = await consoleBot();
  try {
    const undeclared = bot.app.registry.leaves.filter((leaf) => !leaf.action.area && !leaf.command.area).map((leaf) => leaf.path.join(' '));
    assert.deepEqual(undeclared, []);
    assert.equal(bot.app.registry.get(['workshop', 'checkin'])!.area, 'day');
    assert.equal(bot.app.registry.get(['mod', 'audit'])!.area, 'moderation');
  } finally {
    await bot.close();
  }
});

test('/ask mine and /disclaimer mine page through all of a member’s own, newest first', (t) =>
  eachDatabase(t, async (database) => {
    const bot = await consoleBot(database);
    try {
      await bot.run(
        '@mona /chapter create name:Berlin timezone:Europe/Berlin',
        '@mona /chapter set name:Berlin questions-channel:#questions moderation-channel:#moderation',
      );
      // Five questions in ten minutes at most: the clock moves on between them.
      for (let i = 1; i <= 30; i++) {
        await bot.run(`@alice /ask text:"How do I do thing number ${i} in Python?"`);
        bot.clock.advance(3 * 60_000);
      }
      const asked = await pageThrough(bot, '@alice /ask mine');
      assert.ok(asked.length >= 2, asked.join('\n---\n'));
      assert.match(asked[0]!, new RegExp(`Page 1 of ${asked.length}\\n\\[button: /ask mine page:2\\]`));
      const numbers = asked.flatMap((page) => [...page.matchAll(/thing number (\d+) in/g)].map((m) => Number(m[1])));
      assert.deepEqual(
        numbers,
        Array.from({ length: 30 }, (_, i) => 30 - i),
        'each question once, newest first',
      );

      for (let i = 1; i <= 25; i++)
        await bot.run(`@carol /disclaimer log event:"Night ${i}" date:2027-04-01 organiser:"Ruby Friends" role:coach`);
      const logged = await pageThrough(bot, '@carol /disclaimer mine');
      assert.ok(logged.length >= 2, logged.join('\n---\n'));
      const events = logged.flatMap((page) => [...page.matchAll(/Night (\d+)/g)].map((m) => Number(m[1])));
      assert.deepEqual(
        events,
        Array.from({ length: 25 }, (_, i) => 25 - i),
        'each disclaimer once, newest first',
      );
    } finally {
      await bot.close();
    }
  }));
