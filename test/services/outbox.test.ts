import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Chapter } from '../../entities/Chapter.js';
import { OutboxMessage } from '../../entities/OutboxMessage.js';
import { link, message, p, time } from '../../src/core/reply.js';
import { loadMessage, storeMessage } from '../../src/services/outbox/stored.js';
import { eachDatabase, freshDatabase, postgresUnavailable } from '../support/helpers.js';
import { slackBot } from '../support/slack-bot.js';

/** The bot in T1 with chapter Berlin, its moderation channel CMODS; the fake Slack's ts follow the bot's clock. */
async function berlin(database: Parameters<typeof slackBot>[0], env: Record<string, string> = {}) {
  const bot = await slackBot(
    database,
    { PLATFORM_TIMEOUT_MS: '300', PLATFORM_RETRIES: '1', ...env },
    { users: { UADA: { name: 'ada', admin: true } } },
  );
  bot.fake.now = () => bot.clock.now().getTime();
  assert.match(await bot.slash('UADA', '/chapter', 'create name:Berlin timezone:Europe/Berlin'), /Chapter Berlin created/);
  assert.match(await bot.slash('UADA', '/chapter', 'set name:Berlin moderation-channel:<#CMODS|mods>'), /^Channels of Berlin here: /);
  const chapter = await bot.app.db.getRepository(Chapter).findOneByOrFail({ name: 'Berlin' });
  return { ...bot, chapterId: chapter.id };
}

/** Every call to post in the channel, whatever its outcome. */
const postsIn = (bot: Awaited<ReturnType<typeof slackBot>>, channel: string) =>
  bot.fake.calls.filter((c) => c.method === 'chat.postMessage' && c.params.channel === channel);

test('a Slack post whose answer was lost is looked for before it is sent again, and shows once', (t) =>
  eachDatabase(t, async (database) => {
    const bot = await berlin(database);
    try {
      const before = postsIn(bot, 'CNEWS').length;
      // Slack makes the message but its answer never arrives: the WebClient alone would post it again.
      bot.fake.failNext('chat.postMessage', { kind: 'lost' });
      await bot.app.services.notices.send({ platform: 'slack', workspace: 'T1', chapterId: bot.chapterId }, 'CNEWS', 'Doors open at six.');
      const calls = postsIn(bot, 'CNEWS').slice(before);
      assert.deepEqual(
        calls.map((c) => c.outcome),
        ['lost'],
        'posted once; the retry found it in the channel history instead of posting again',
      );
      assert.ok(bot.fake.callsOf('conversations.history').length >= 1, 'the history was read');
      const meta = calls[0]!.params.metadata as { event_type: string; event_payload: { token: string; part: number } };
      assert.equal(meta.event_type, 'ots_bot_notice');
      assert.equal(meta.event_payload.part, 0);
      assert.match(meta.event_payload.token, /^[\w-]{22}$/);
      assert.equal(await bot.app.db.getRepository(OutboxMessage).count(), 0, 'the row is gone once sent');
    } finally {
      await bot.stop();
    }
  }));

test('a message that keeps failing is given up after OUTBOX_MAX_ATTEMPTS and the moderators are told once; a moderator’s retry sends it', (t) =>
  eachDatabase(t, async (database) => {
    const bot = await berlin(database, { OUTBOX_MAX_ATTEMPTS: '2', PLATFORM_RETRIES: '0' });
    const outbox = bot.app.db.getRepository(OutboxMessage);
    try {
      for (let i = 0; i < 2; i++) bot.fake.failNext('chat.postMessage', { kind: 'http', status: 503 });
      await bot.app.services.notices.send({ platform: 'slack', workspace: 'T1', chapterId: bot.chapterId }, 'CNEWS', 'Doors open at six.');
      let row = await outbox.findOneByOrFail({ channel: 'CNEWS' });
      assert.equal(row.attempts, 1);
      assert.equal(row.givenUpAt, null);
      assert.ok(row.dueAt.getTime() >= bot.clock.now().getTime() + 30_000, 'the next try waits (shared backoff, on the outbox scale)');
      assert.equal(await bot.app.services.outbox.deliverDue(), 0, 'not due yet');

      bot.clock.advance(61_000);
      assert.equal(await bot.app.services.outbox.deliverDue(), 0);
      row = await outbox.findOneByOrFail({ channel: 'CNEWS' });
      assert.equal(row.attempts, 2);
      assert.ok(row.givenUpAt, 'given up after the second try');
      assert.equal(row.lastError, 'WebAPIHTTPError', 'the kind of failure, never its text');
      const told = postsIn(bot, 'CMODS').filter((c) => c.outcome === 'ok');
      assert.equal(told.length, 1);
      assert.match(String(told[0]!.params.text), /A message of this chapter could not be delivered after several tries/);

      bot.clock.advance(3_600_000);
      assert.equal(await bot.app.services.outbox.deliverDue(), 0, 'a given-up row is not tried again on its own');
      assert.equal(postsIn(bot, 'CMODS').length, 1, 'the moderators were told once');
      assert.equal(postsIn(bot, 'CNEWS').length, 2);

      assert.equal(
        (await bot.app.services.outbox.retryUndelivered(bot.chapterId + 1, row.id)).outcome,
        'not_found',
        'another chapter’s moderators cannot retry it',
      );
      assert.equal((await bot.app.services.outbox.retryUndelivered(bot.chapterId, row.id)).outcome, 'sent');
      assert.equal(await outbox.count(), 0, 'sent on retry, then gone');
      assert.deepEqual(
        postsIn(bot, 'CNEWS').map((c) => c.outcome),
        ['http 503', 'http 503', 'ok'],
      );
    } finally {
      await bot.stop();
    }
  }));

// Two processes share PostgreSQL; an SQLite file is served by one process (README, "Scaling out").
test('two processes on one PostgreSQL database send each due row once', async (t) => {
  const reason = await postgresUnavailable();
  if (reason) return t.skip(reason);
  const database = await freshDatabase('postgres');
  try {
    const a = await berlin(database);
    const b = await slackBot(database, { PLATFORM_TIMEOUT_MS: '300' });
    b.fake.now = () => b.clock.now().getTime();
    try {
      // Rows written while neither delivers (due a minute from now), then both deliver at once.
      const due = new Date(a.clock.now().getTime() + 60_000);
      await a.app.services.store.transaction(async (em) => {
        for (let i = 0; i < 20; i++)
          await a.app.services.outbox.enqueue(em, {
            platform: 'slack',
            workspace: 'T1',
            kind: 'notice',
            to: { channel: 'CNEWS' },
            message: message(`Notice ${i}`, { visibility: { kind: 'channel', channel: 'CNEWS' } }),
            dueAt: due,
          });
      });
      a.clock.advance(61_000);
      b.clock.advance(61_000);
      const [sentA, sentB] = await Promise.all([a.app.services.outbox.deliverDue(), b.app.services.outbox.deliverDue()]);
      assert.equal(sentA + sentB, 20);
      const texts = [...postsIn(a, 'CNEWS'), ...postsIn(b, 'CNEWS')].map((c) => String(c.params.text)).sort();
      assert.deepEqual(texts, Array.from({ length: 20 }, (_, i) => `Notice ${i}`).sort());
      assert.equal(await a.app.db.getRepository(OutboxMessage).count(), 0);
    } finally {
      await b.stop();
      await a.stop();
    }
  } finally {
    await database.drop();
  }
});

test('a row’s token says nothing about its order; a stored message comes back the same, times and files included', (t) =>
  eachDatabase(t, async (database) => {
    const bot = await slackBot(database);
    try {
      const tokens = [1, 2, 3, 4].map((id) => bot.app.services.outbox.token(id));
      assert.equal(new Set(tokens).size, 4);
      for (const token of tokens) assert.match(token, /^[\w-]{22}$/);
      assert.equal(bot.app.services.outbox.token(3), tokens[2], 'the same row, the same token (a re-send carries it again)');
      const m = {
        title: 'A',
        body: [p('Starts ', time(new Date('2027-03-02T18:00:00Z'), 'full', 'Europe/Berlin'), ' ', link('https://example.org', 'here'))],
        attachments: [{ filename: 'x.bin', contentType: 'application/octet-stream', data: new Uint8Array([0, 1, 255]) }],
        locale: 'de',
      };
      assert.deepEqual(loadMessage(storeMessage(m)), m);
      // Without times or files (most messages, stored without the tagging); a member's text may look like a tag.
      const plain = { title: 'B', body: [p('{"$date": 5} and {"$bytes":"AA=="}')], fields: [{ name: '$date', value: ['$bytes'] }] };
      assert.deepEqual(loadMessage(storeMessage(plain)), plain);
      assert.deepEqual(loadMessage(storeMessage({ body: [p(time(new Date(5), 'full', 'UTC'), '"$date"')] })), {
        body: [p(time(new Date(5), 'full', 'UTC'), '"$date"')],
      });
    } finally {
      await bot.stop();
    }
  }));
