import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startSlack } from '../../src/adapters/slack/adapter.js';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { ManualClock } from '../../src/core/clock.js';
import { PLATFORM_LIMITS } from '../../src/core/limits.js';
import { link, list, message, p, type Message } from '../../src/core/reply.js';
import type { Outbox } from '../../src/core/types.js';
import { discordBot, str, sub } from '../support/discord-bot.js';
import { FakeSlack } from '../support/fake-slack.js';
import { capturedLogger, freshDatabase, tempDir, type TestDatabase } from '../support/helpers.js';

// A message longer than one platform message, posted through the real discord.js client and the
// real Bolt app's WebClient against the loopback fakes: it arrives as several messages, in order,
// each within the limits, the buttons on the last; the post's reference is the first.

const items = Array.from({ length: 300 }, (_, i) => [`item ${i}: `, link(`https://example.org/${i}`, `material ${i}`), ' and some words']);
const long = (channel: string): Message =>
  message([p('The whole list:'), list(...items)], {
    title: 'Materials',
    visibility: { kind: 'channel', channel },
    buttons: [{ label: 'More', command: '/materials list' }],
  });

/** Each item's link, in order, found exactly once in the texts of the messages. */
function assertEveryItemOnce(texts: readonly string[], linkOf: (i: number) => string): void {
  const all = texts.join('\n');
  let from = 0;
  for (let i = 0; i < items.length; i++) {
    const at = all.indexOf(linkOf(i), from);
    assert.ok(at >= 0, `item ${i} is there, after the one before`);
    assert.equal(all.indexOf(linkOf(i), at + 1), -1, `item ${i} once`);
    from = at;
  }
}

let database: TestDatabase;
before(async () => {
  database = await freshDatabase('sqlite');
});
after(async () => {
  await database.drop();
});

test('Discord: a long post goes as several channel messages within the limits, buttons on the last, its reference the first', async () => {
  const bot = await discordBot(database, {}, { guilds: 1 });
  try {
    const channel = bot.fake.guild.channels[0]!.id;
    const outbox: Outbox = bot.app.services.notifier.outbox('discord', bot.fake.guild.id)!;
    const ref = await outbox.post(long(channel));
    const posts = bot.fake.posts(channel);
    assert.ok(posts.length > 1, `${posts.length} messages`);
    assert.equal(ref.messageId, posts[0]!.id, 'the reference is the first message');
    const D = PLATFORM_LIMITS.discord;
    const texts: string[] = [];
    for (const [n, post] of posts.entries()) {
      const embeds = post.embeds as { title?: string; description?: string }[];
      const size = embeds.reduce((s, e) => s + (e.title?.length ?? 0) + (e.description?.length ?? 0), 0);
      assert.ok(embeds.length <= D.embeds && size <= D.embedTotal, `message ${n}: ${size} characters`);
      for (const e of embeds) assert.ok((e.description?.length ?? 0) <= D.description);
      texts.push(...embeds.map((e) => e.description ?? ''));
      assert.equal(post.components.length, n === posts.length - 1 ? 1 : 0, `buttons only on the last message (${n})`);
    }
    assert.equal((posts[0]!.embeds[0] as { title?: string }).title, 'Materials');
    assertEveryItemOnce(texts, (i) => `[material ${i}](https://example.org/${i})`);
    // A post the bot edits stays one message: an edit that would need more is refused before Discord hears of it.
    const before = bot.fake.calls.length;
    await assert.rejects(outbox.edit(ref, long(channel)), /renders as \d+: bound its parts/);
    assert.equal(bot.fake.calls.length, before);
  } finally {
    await bot.stop();
  }
});

test('Discord: an answer of any length is the reply and, where it needs more, ephemeral follow-ups within the limits (/partner namecheck)', async () => {
  const bot = await discordBot(database, {}, { guilds: 1 });
  try {
    // The longest answer that is not a paged list: 117 findings of the name check, over 7,000 characters.
    const mona = { id: '555555555555555599', username: 'mona' };
    const i = bot.fake.slash(mona, 'partner', sub('namecheck', [str('text', 'open-tech-school '.repeat(117).trim())]));
    await bot.reply(i);
    const shown = () =>
      bot.fake
        .responses(i)
        .map((r) => JSON.stringify(r.body))
        .join('\n');
    // Wait until the last finding is shown (the follow-ups come after the reply).
    await bot.fake.waitFor(() => shown().includes('1:1973'), 'the last finding');
    for (let n = 0; n < 117; n++) {
      const at = `1:${1 + 17 * n}:`;
      assert.equal(shown().split(at).length - 1, 1, `finding at ${at} shown once`);
    }
    const D = PLATFORM_LIMITS.discord;
    const bodies = bot.fake
      .responses(i)
      .map((r) => r.body as { type?: number; data?: { flags?: number; embeds?: unknown[] } } & { flags?: number; embeds?: unknown[] });
    assert.equal(bodies[0]!.type, 4, 'the reply');
    assert.ok(bodies.length > 1, `${bodies.length} messages: the reply and follow-ups`);
    for (const body of bodies) {
      const m = body.data ?? body;
      const embeds = (m.embeds ?? []) as { title?: string; description?: string; fields?: { name: string; value: string }[] }[];
      const size = embeds.reduce(
        (n, e) =>
          n +
          (e.title?.length ?? 0) +
          (e.description?.length ?? 0) +
          (e.fields ?? []).reduce((k, f) => k + f.name.length + f.value.length, 0),
        0,
      );
      assert.ok(embeds.length <= D.embeds && size <= D.embedTotal, `${size} characters in one message`);
      assert.ok(embeds.every((e) => (e.description?.length ?? 0) <= D.description));
      assert.equal(m.flags, 64, 'ephemeral, the reply and every follow-up');
    }
    assert.doesNotMatch(shown(), /…"/, 'nothing cut off');
  } finally {
    await bot.stop();
  }
});

test('Slack: a long post goes as several chat.postMessage calls within the limits, buttons on the last, its reference the first', async () => {
  const fake = await new FakeSlack().start();
  const tmp = tempDir();
  const config = loadConfig({
    DATABASE_URL: database.url,
    DATA_DIR: tmp.dir,
    SLACK_BOT_TOKEN: 'xoxb-long',
    SLACK_SIGNING_SECRET: 'long-messages-signing-secret-0123',
    SLACK_API_URL: fake.apiUrl,
  });
  const log = capturedLogger();
  const app = await createApp(config, log.log, new ManualClock(new Date('2027-03-01T10:00:00Z')));
  const slack = await startSlack(app, config, log.log, { listen: { port: 0, host: '127.0.0.1' } });
  try {
    const outbox = app.services.notifier.outbox('slack', 'T1')!;
    const ref = await outbox.post(long('CLONG'));
    const posts = fake.calls.filter((c) => c.method === 'chat.postMessage' && c.outcome === 'ok');
    assert.ok(posts.length > 1, `${posts.length} messages`);
    // The fake numbers its messages in order: the post right after is the reference's number + the messages of the long one.
    const next = await outbox.post(message('next', { visibility: { kind: 'channel', channel: 'CLONG' } }));
    const number = (ts: string) => Number(ts.split('.')[1]);
    assert.equal(number(ref.messageId), number(next.messageId) - posts.length, 'the reference is the first message');
    const S = PLATFORM_LIMITS.slack;
    const texts: string[] = [];
    for (const [n, call] of posts.entries()) {
      assert.equal(call.params.channel, 'CLONG');
      const blocks = (typeof call.params.blocks === 'string' ? JSON.parse(call.params.blocks) : call.params.blocks) as {
        type: string;
        text?: { text: string };
      }[];
      const size = blocks.reduce((s, b) => s + (b.text?.text.length ?? 0), 0);
      assert.ok(blocks.length <= S.blocks && size <= S.blocksText, `message ${n}: ${blocks.length} blocks, ${size} characters`);
      for (const b of blocks) assert.ok((b.text?.text.length ?? 0) <= S.sectionText);
      assert.ok(String(call.params.text).length <= S.text);
      texts.push(...blocks.map((b) => b.text?.text ?? ''));
      assert.equal(blocks.filter((b) => b.type === 'actions').length, n === posts.length - 1 ? 1 : 0, `buttons only on the last (${n})`);
    }
    assertEveryItemOnce(texts, (i) => `<https://example.org/${i}|material ${i}>`);
    const updates = fake.calls.filter((c) => c.method === 'chat.update').length;
    await assert.rejects(outbox.edit(ref, long('CLONG')), /renders as \d+: bound its parts/);
    assert.equal(fake.calls.filter((c) => c.method === 'chat.update').length, updates, 'nothing sent');
  } finally {
    await slack.stop();
    await fake.stop();
    await app.close();
    tmp.remove();
  }
});
