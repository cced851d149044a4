import assert from 'node:assert/strict';
import { test } from 'node:test';
import { webApi } from '@slack/bolt';
import { Client, GatewayIntentBits, type Message, type TextChannel } from 'discord.js';
import { FakeDiscord, snowflakeAt, snowflakeTime } from './fake-discord.js';
import { FakeSlack } from './fake-slack.js';

// The fakes' channel histories, as issue 22 needs them (re-sending a message only after checking
// whether an earlier attempt arrived): driven by the real discord.js client and the real Slack
// WebClient, so the fakes answer what those clients ask and understand.

/** The real discord.js client, logged in to the fake. */
async function discordClient(fake: FakeDiscord): Promise<Client> {
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl, retries: 0 } });
  const ready = new Promise<void>((resolve) => client.once('clientReady', () => resolve()));
  await client.login('fake-token');
  await ready;
  return client;
}

test('Discord fake: a channel’s history pages forward with after and limit, newest first in each page, by time', async () => {
  let now = Date.parse('2027-03-01T10:00:00Z');
  const fake = await FakeDiscord.start({ now: () => now });
  const client = await discordClient(fake);
  try {
    const channel = (await client.channels.fetch(fake.guild.channels[0]!.id)) as TextChannel;
    for (let n = 0; n < 150; n++) {
      await channel.send(`message ${n}`);
      now += 1000;
    }
    const posts = fake.posts(channel.id);
    assert.equal(posts.length, 150);
    assert.equal(snowflakeTime(posts[0]!.id), Date.parse('2027-03-01T10:00:00Z'), 'a snowflake encodes when it was made');

    // Paging forward as discord.js users do: the newest of a page is the next page's `after`.
    const seen: string[] = [];
    let after = snowflakeAt(Date.parse('2027-03-01T10:00:30Z'));
    for (;;) {
      const page = await channel.messages.fetch({ after, limit: 50 });
      if (!page.size) break;
      const contents = [...page.values()].map((m: Message) => m.content);
      assert.deepEqual(
        contents,
        [...contents].sort((a, b) => Number(b.split(' ')[1]) - Number(a.split(' ')[1])),
        'newest first',
      );
      seen.push(...contents.reverse());
      after = page.first()!.id;
    }
    assert.deepEqual(
      seen,
      Array.from({ length: 120 }, (_, i) => `message ${i + 30}`),
      'the messages from 10:00:30 on, each once',
    );

    const latest = await channel.messages.fetch({ limit: 3 });
    assert.deepEqual(
      [...latest.values()].map((m) => m.content),
      ['message 149', 'message 148', 'message 147'],
    );
    const before = await channel.messages.fetch({ before: posts[10]!.id, limit: 2 });
    assert.deepEqual(
      [...before.values()].map((m) => m.content),
      ['message 9', 'message 8'],
    );
    const first = latest.first()!;
    assert.equal(first.author.id, fake.bot.id);
    assert.equal(first.createdTimestamp, Date.parse('2027-03-01T10:02:29Z'), 'the timestamp is the fake’s clock');
  } finally {
    await client.destroy();
    await fake.close();
  }
});

test('Discord fake: a second send with the same nonce and enforceNonce returns the first message and makes none', async () => {
  const fake = await FakeDiscord.start();
  const client = await discordClient(fake);
  try {
    const channel = (await client.channels.fetch(fake.guild.channels[1]!.id)) as TextChannel;
    const first = await channel.send({ content: 'hello', nonce: '4242', enforceNonce: true });
    const again = await channel.send({ content: 'hello again', nonce: '4242', enforceNonce: true });
    assert.equal(again.id, first.id);
    assert.equal(again.content, 'hello');
    assert.deepEqual(
      fake.posts(channel.id).map((m) => m.content),
      ['hello'],
    );
    // Without enforceNonce the nonce checks nothing; in another channel it is another nonce.
    await channel.send({ content: 'unchecked', nonce: '4242' });
    const other = (await client.channels.fetch(fake.guild.channels[2]!.id)) as TextChannel;
    const elsewhere = await other.send({ content: 'elsewhere', nonce: '4242', enforceNonce: true });
    assert.notEqual(elsewhere.id, first.id);
    assert.equal(fake.posts(channel.id).length, 2);
    assert.equal(fake.posts(other.id).length, 1);
  } finally {
    await client.destroy();
    await fake.close();
  }
});

test('Discord fake: the bot’s DM channel has a history, and history queries are checked as Discord does', async () => {
  const fake = await FakeDiscord.start();
  const client = await discordClient(fake);
  try {
    const lea = { id: '555555555555555502', username: 'lea' };
    const dm = await client.users.createDM(lea.id);
    await dm.send('your seat is confirmed');
    fake.postAs(lea, dm.id, 'thanks!');
    const history = await dm.messages.fetch({ limit: 10 });
    assert.deepEqual(
      [...history.values()].map((m) => [m.author.id, m.content]),
      [
        [lea.id, 'thanks!'],
        [fake.bot.id, 'your seat is confirmed'],
      ],
    );
    const around = await dm.messages.fetch({ around: history.last()!.id, limit: 2 });
    assert.equal(around.size, 2);
    await assert.rejects(dm.messages.fetch({ limit: 101 }), /limit/);
    const both = await fetch(`${fake.apiUrl}/v10/channels/${dm.id}/messages?after=1&before=2`, {
      headers: { authorization: 'Bot fake-token' },
    });
    assert.equal(both.status, 400);
  } finally {
    await client.destroy();
    await fake.close();
  }
});

test('Slack fake: conversations.history pages with cursors from oldest on, metadata only with include_all_metadata', async () => {
  let now = Date.parse('2027-03-01T10:00:00Z');
  const fake = await new FakeSlack('T1', { now: () => now }).start();
  const client = new webApi.WebClient('xoxb-test', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
  try {
    const sent: string[] = [];
    for (let n = 0; n < 25; n++) {
      const metadata = { event_type: 'outbox_post', event_payload: { key: `post-${n}` } };
      // The client sends metadata as given; one as an object, one as the JSON string a caller may pass.
      const posted = await client.chat.postMessage({
        channel: 'CGENERAL',
        text: `post ${n}`,
        ...(n % 2 ? { metadata } : { metadata: JSON.stringify(metadata) as unknown as typeof metadata }),
      });
      sent.push(posted.ts!);
      now += 1000;
    }
    assert.equal(sent[0], `${Date.parse('2027-03-01T10:00:00Z') / 1000}.000000`, 'a ts is its time');

    const oldest = sent[4]!; // excluded: inclusive is false by default
    const pages: { text?: string; metadata?: unknown; bot_id?: string }[][] = [];
    let cursor: string | undefined;
    do {
      const page = await client.conversations.history({
        channel: 'CGENERAL',
        oldest,
        include_all_metadata: true,
        limit: 8,
        ...(cursor ? { cursor } : {}),
      });
      pages.push(page.messages as { text?: string; metadata?: unknown }[]);
      assert.equal(page.has_more, Boolean(page.response_metadata?.next_cursor));
      cursor = page.response_metadata?.next_cursor || undefined;
    } while (cursor);
    assert.deepEqual(
      pages.map((p) => p.length),
      [8, 8, 4],
    );
    const all = pages.flat();
    assert.deepEqual(
      all.map((m) => m.text),
      Array.from({ length: 20 }, (_, i) => `post ${24 - i}`),
      'newest first, each once, none at or before oldest',
    );
    assert.deepEqual(all[0]!.metadata, { event_type: 'outbox_post', event_payload: { key: 'post-24' } });
    assert.deepEqual(all[1]!.metadata, { event_type: 'outbox_post', event_payload: { key: 'post-23' } });
    assert.equal(all[0]!.bot_id, 'BBOT');

    const plain = await client.conversations.history({ channel: 'CGENERAL', limit: 3 });
    assert.equal(plain.messages!.length, 3);
    assert.ok(
      plain.messages!.every((m) => !('metadata' in m)),
      'no metadata unless asked',
    );
    const inclusive = await client.conversations.history({ channel: 'CGENERAL', oldest, inclusive: true, limit: 100 });
    assert.equal(inclusive.messages!.at(-1)!.text, 'post 4');
    assert.equal(inclusive.has_more, false);
  } finally {
    await fake.stop();
  }
});

test('Slack fake: a DM opened with conversations.open keeps its messages apart; ts stay as before without a clock', async () => {
  const fake = await new FakeSlack().start();
  const client = new webApi.WebClient('xoxb-test', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
  try {
    const opened = await client.conversations.open({ users: 'ULEA' });
    const dm = opened.channel!.id!;
    const posted = await client.chat.postMessage({ channel: dm, text: 'your seat is confirmed' });
    assert.match(posted.ts!, /^1700000000\.\d{6}$/);
    await client.chat.postMessage({ channel: 'CGENERAL', text: 'hello all' });
    fake.postAs('ULEA', dm, 'thanks!');
    const history = await client.conversations.history({ channel: dm });
    assert.deepEqual(
      history.messages!.map((m) => [m.user, m.text]),
      [
        ['ULEA', 'thanks!'],
        ['UBOT', 'your seat is confirmed'],
      ],
    );
    await assert.rejects(client.conversations.history({ channel: dm, cursor: 'bm9wZQ==' }), /invalid_cursor/);
  } finally {
    await fake.stop();
  }
});
