import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { ConsoleAdapter } from '../../src/adapters/console/console-adapter.js';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { ManualClock } from '../../src/core/clock.js';
import { entities } from '../../entities/index.js';
import { capturedLogger, eachDatabase, tempDir } from '../support/helpers.js';

/** A name that cannot turn up by accident, so finding it anywhere means it leaked. */
const ASKER = 'asker_q7x2k9';

const SCENARIO = `
@moderator /chapter create name:Berlin timezone:Europe/Berlin
/chapter set name:Berlin questions-channel:#questions moderation-channel:#moderation
@${ASKER} /ask text:"How do I reverse a list in Python? <@123> @everyone <!channel>" topic:python
/ask followup id:1 text:"I tried list.reverse() but it returns None"
/ask text:"A question about a workshop that does not exist" workshop:999
@bob /ask metoo id:1
@carol /ask metoo id:1
@${ASKER} /ask metoo id:1
@dave /ask answer id:1 text:"Use reversed(x) or x[::-1]"
@eve /ask report id:1 reason:"looks like spam"
@${ASKER} /ask mine
/ask close id:1
@${ASKER} /ask text:"A second question that will get hidden"
@moderator /mod hide id:2 reason:"off topic"
/mod block question:2 reason:"flooding" days:7
@${ASKER} /ask text:"A third question while blocked"
/ask mine
`;

/** Runs the scenario through the real console adapter and app on a real database; returns what was printed. */
async function runScenario(dbUrl: string, dataDir: string, log: ReturnType<typeof capturedLogger>['log'], closeAfter = true) {
  const config = loadConfig({ DATABASE_URL: dbUrl, DATA_DIR: dataDir, LOG_LEVEL: 'debug' });
  const clock = new ManualClock(new Date('2027-03-01T10:00:00Z'));
  const app = await createApp(config, log, clock);
  let printed = '';
  const out = new PassThrough();
  out.on('data', (d) => (printed += String(d)));
  const adapter = new ConsoleAdapter({ dispatcher: app.dispatcher, out, locale: 'en', moderators: ['moderator'], clock });
  app.services.notifier.register('console', () => adapter.outboxForNotifications);
  for (const line of SCENARIO.split('\n')) {
    await adapter.handle(line);
    clock.advance(1000);
  }
  if (closeAfter) await app.close();
  return { printed, app };
}

function blocks(printed: string) {
  return printed
    .split('\n\n')
    .filter(Boolean)
    .map((b) => ({ header: b.split('\n')[0]!, text: b.split('\n').slice(1).join('\n') }));
}

test('a whole question scenario leaves no trace of the asker in any row, in the SQLite file and its WAL, or in the logs', async () => {
  const tmp = tempDir();
  const captured = capturedLogger();
  try {
    const { printed, app } = await runScenario(`sqlite:${join(tmp.dir, 'bot.sqlite')}`, tmp.dir, captured.log, false);
    const b = blocks(printed);

    // What members saw.
    const post = b.find((x) => x.header === '[#questions msg:1]')!;
    assert.match(post.text, /\*\*Anonymous question #1\*\*\nHow do I reverse a list in Python\?/);
    assert.deepEqual(b.find((x) => x.header.startsWith('[ephemeral → asker'))?.header, `[ephemeral → ${ASKER}]`);
    assert.ok(
      b.some(
        (x) => x.header === '[#questions msg:1 thread]' && x.text === '**The asker adds:** I tried list.reverse() but it returns None',
      ),
    );
    assert.ok(b.some((x) => x.header === '[#questions msg:1 thread]' && x.text === '**dave answers:** Use reversed(x) or x[::-1]'));
    assert.ok(
      b.some((x) => x.header === `[dm → ${ASKER}]` && /has a new answer/.test(x.text)),
      'the asker, and only they, hear of the answer',
    );
    assert.ok(
      b.some((x) => x.header.startsWith('[#moderation') && /\*\*Report on anonymous question #1\*\*\nlooks like spam/.test(x.text)),
    );
    assert.ok(printed.includes('You asked question #1 yourself, so your “me too” does not count.'));
    assert.ok(printed.includes('People who have question #1 too: 2.'));
    assert.ok(b.some((x) => /Hidden by the moderators: off topic/.test(x.text)));
    assert.ok(printed.includes('You cannot post anonymously until 2027-03-08'));
    const mine = b.filter((x) => x.text.startsWith('**Your questions**')).at(-1)!;
    assert.match(mine.text, /#2\*\* Open/);
    assert.match(mine.text, /#1\*\* Answered ·/);
    assert.doesNotMatch(printed, /#3/, 'the blocked ask wrote nothing');
    assert.ok(
      b.some((x) => x.header === `[ephemeral → ${ASKER}]` && /workshop #?999/i.test(x.text)),
      'an unknown workshop is a clear error',
    );
    for (const x of b.filter((x) => x.header.startsWith('[#')))
      assert.ok(!x.text.includes(ASKER) && !x.header.includes(ASKER), `a public post names the asker: ${x.header}`);

    // What the database holds, row by row.
    for (const entity of entities) {
      const rows = await app.db.getRepository(entity).find();
      assert.ok(!JSON.stringify(rows).includes(ASKER), `${entity.name} holds the asker's id`);
    }
    // And byte by byte, with the WAL still open.
    const files = readdirSync(tmp.dir).filter((f) => f.startsWith('bot.sqlite'));
    assert.ok(files.includes('bot.sqlite-wal'), 'the WAL is part of what is checked');
    for (const f of files) assert.equal(readFileSync(join(tmp.dir, f)).indexOf(ASKER), -1, `${f} contains the asker's id`);
    await app.close();
    for (const f of readdirSync(tmp.dir).filter((x) => x.startsWith('bot.sqlite')))
      assert.equal(readFileSync(join(tmp.dir, f)).indexOf(ASKER), -1, `${f} contains the asker's id after closing`);

    // The logs.
    const logs = captured.lines().join('\n');
    assert.ok(logs.length > 0, 'something was logged');
    assert.ok(!logs.includes(ASKER), 'the logs name the asker');
    assert.ok(!logs.includes('How do I reverse'), 'the logs hold the question text');
  } finally {
    tmp.remove();
  }
});

test('the same scenario on each database keeps every row free of the asker', (t) =>
  eachDatabase(t, async ({ url }) => {
    const tmp = tempDir();
    try {
      const { printed, app } = await runScenario(url, tmp.dir, capturedLogger().log, false);
      assert.ok(printed.includes('[#questions msg:1]'));
      for (const entity of entities) assert.ok(!JSON.stringify(await app.db.getRepository(entity).find()).includes(ASKER), entity.name);
      await app.close();
    } finally {
      tmp.remove();
    }
  }));
