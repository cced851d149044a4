import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { commands } from '../../commands/index.js';
import { ConsoleAdapter } from '../../src/adapters/console/console-adapter.js';
import { ManualClock } from '../../src/core/clock.js';
import { CommandRegistry } from '../../src/core/registry.js';
import { capturedLogger, eachDatabase, servicesOn, type TestDatabase, testDispatcher } from '../support/helpers.js';

/** The console adapter on the real dispatcher and services, with the audit hook as the app wires it. */
async function consoleBot(database: TestDatabase) {
  const clock = new ManualClock(new Date('2027-03-01T10:00:00Z'));
  const { log } = capturedLogger();
  const { db, services } = await servicesOn(database.target, clock, log);
  const dispatcher = testDispatcher({ registry: new CommandRegistry(commands), services, log, clock });
  const out = new PassThrough();
  let printed = '';
  out.on('data', (chunk) => (printed += String(chunk)));
  const adapter = new ConsoleAdapter({ dispatcher, out, locale: 'en', moderators: ['moderator'], clock });
  services.notifier.register('console', () => adapter.outboxForNotifications);
  const run = async (line: string) => {
    printed = '';
    await adapter.handle(line);
    return printed;
  };
  await run('@moderator /chapter create name:Berlin timezone:Europe/Berlin');
  await run('/chapter set name:Berlin questions-channel:#questions moderation-channel:#moderation');
  return { db, services, run };
}

test('/questions list links each question’s post', (t) =>
  eachDatabase(t, async (database) => {
    const { db, run } = await consoleBot(database);
    try {
      assert.match(await run('@bob /ask text:"Why does my loop never end, whatever I try?"'), /\[#questions msg:1\]/);
      assert.match(await run('@carol /ask text:"How do I undo my last git commit safely?"'), /\[#questions msg:2\]/);
      const listed = await run('@dora /questions list');
      assert.match(listed, /\*\*#1\*\* Open · .* · #questions msg:1\n/);
      assert.match(listed, /\*\*#2\*\* Open · .* · #questions msg:2\n/);
    } finally {
      await db.destroy();
    }
  }));

test('a moderator closing someone’s question is in the audit log; an asker closing their own is not, not even a moderator asker', (t) =>
  eachDatabase(t, async (database) => {
    const { db, services, run } = await consoleBot(database);
    try {
      await run('@bob /ask text:"Why does my loop never end, whatever I try?"');
      await run('@carol /ask text:"How do I undo my last git commit safely?"');
      await run('@moderator /ask text:"Is there a good first book on SQL for beginners?"');
      const closes = async () => (await services.audit.recent(50)).filter((e) => e.action === 'ask close');

      assert.match(await run('@carol /ask close id:2'), /closed/i);
      assert.equal((await closes()).length, 0, 'an asker closing their own question is not logged');
      assert.match(await run('@moderator /ask close id:3'), /closed/i);
      assert.equal((await closes()).length, 0, 'nor a moderator closing their own');
      assert.match(await run('@moderator /ask close id:1'), /closed/i);
      const [entry, ...more] = await closes();
      assert.equal(more.length, 0);
      assert.equal(entry!.actorName, 'moderator');
      assert.equal(entry!.target, 'question:1');
      assert.doesNotMatch(JSON.stringify(await services.audit.recent(50)), /bob|carol/, 'no asker appears in the log');
    } finally {
      await db.destroy();
    }
  }));
