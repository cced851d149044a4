import assert from 'node:assert/strict';
import { test } from 'node:test';
import { consoleBot } from '../support/console-bot.js';
import { eachDatabase, type TestDatabase } from '../support/helpers.js';

/** The real app through the console adapter, with Berlin's question and moderation channels set. */
async function questionsBot(database: TestDatabase) {
  const bot = await consoleBot(database, { CONSOLE_MODERATORS: 'moderator' }, { start: new Date('2027-03-01T10:00:00Z') });
  await bot.run('@moderator /chapter create name:Berlin timezone:Europe/Berlin');
  await bot.run('/chapter set name:Berlin questions-channel:#questions moderation-channel:#moderation');
  return { services: bot.app.services, run: bot.run, close: bot.close };
}

test('/questions list links each question’s post', (t) =>
  eachDatabase(t, async (database) => {
    const { run, close } = await questionsBot(database);
    try {
      assert.match(await run('@bob /ask text:"Why does my loop never end, whatever I try?"'), /\[#questions msg:1\]/);
      assert.match(await run('@carol /ask text:"How do I undo my last git commit safely?"'), /\[#questions msg:2\]/);
      const listed = await run('@dora /questions list');
      assert.match(listed, /\*\*#1\*\* Open · .* · #questions msg:1\n/);
      assert.match(listed, /\*\*#2\*\* Open · .* · #questions msg:2\n/);
    } finally {
      await close();
    }
  }));

test('a moderator closing someone’s question is in the audit log; an asker closing their own is not, not even a moderator asker', (t) =>
  eachDatabase(t, async (database) => {
    const { services, run, close } = await questionsBot(database);
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
      await close();
    }
  }));

test('a block’s end is told in the chapter’s time, in German with the offset and the city where German has no abbreviation', (t) =>
  eachDatabase(t, async (database) => {
    const bot = await consoleBot(database, { CONSOLE_MODERATORS: 'moderator' }, { start: new Date('2027-03-01T10:00:00Z'), locale: 'de' });
    try {
      await bot.run('@moderator /chapter create name:Boston timezone:America/New_York');
      await bot.run('/chapter set name:Boston questions-channel:#questions moderation-channel:#moderation');
      await bot.run('@bob /ask text:"Why does my loop never end, whatever I try?"');
      // Seven days from 10:00 UTC on 1 March: 05:00 in New York, still winter time (EST, UTC-5).
      const blocked = await bot.run('@moderator /mod block question:1 reason:"Spam" days:7');
      assert.match(blocked, /bis Mo\., 8\. März 2027, 05:00 GMT-5, New York nicht anonym posten/);
      assert.doesNotMatch(blocked, /UTC/);
      assert.match(await bot.run('@moderator /mod blocks'), /bis Mo\., 8\. März 2027, 05:00 GMT-5, New York, gesetzt von moderator/);
      assert.match(
        await bot.run('@bob /ask text:"And another question about loops?"'),
        /Du kannst bis 2027-03-08 05:00 America\/New_York nicht anonym posten/,
      );
    } finally {
      await bot.close();
    }
  }));
