import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PermissionFlagsBits } from 'discord.js';
import { BOT_PERMISSIONS } from '../../../src/adapters/discord/client.js';
import { UserError } from '../../../src/core/errors.js';
import { mention, p } from '../../../src/core/reply.js';
import type { GroupPlace, Outbox } from '../../../src/core/types.js';
import { freshDatabase, type TestDatabase } from '../../support/helpers.js';
import { discordBot } from '../../support/discord-bot.js';

// A workshop group's own place on Discord: a private thread made by the real discord.js client
// against the loopback fake, in the channel the services name (Outbox.openGroup).

const coach = { id: '555555555555555501', name: 'Cora' };
const learners = [
  { id: '555555555555555502', name: 'Lea' },
  { id: '555555555555555503', name: 'Lou' },
];

let database: TestDatabase;
let bot: Awaited<ReturnType<typeof discordBot>>;
let outbox: Outbox;
let workshops: string;

before(async () => {
  database = await freshDatabase('sqlite');
  bot = await discordBot(database, {}, { guilds: 1 });
  outbox = bot.app.services.notifier.outbox('discord', bot.fake.guild.id)!;
  workshops = bot.fake.guild.channels[0]!.id;
});
after(async () => {
  await bot.stop();
  await database.drop();
});

const place = (o: Partial<GroupPlace> = {}): GroupPlace => ({
  channel: workshops,
  name: 'workshop-12-group-2',
  members: [coach, ...learners],
  intro: {
    title: 'Group 2',
    body: [p('Welcome, ', mention(coach), ' coaches you today.')],
    buttons: [{ label: 'Leave', command: '/workshop leave id:12' }],
    ping: [coach],
  },
  ...o,
});

test('a group gets a private thread in the given channel, not invitable, with the coach and learners added and the intro posted first', async () => {
  const before = bot.fake.calls.length;
  const id = await outbox.openGroup!(place());

  const thread = bot.fake.groupThreads.get(id);
  assert.ok(thread, 'the returned id is the thread the bot made');
  assert.equal(thread.parent, workshops);
  assert.equal(thread.type, 12, 'a private thread');
  assert.equal(thread.invitable, false, 'learners cannot add others');
  assert.equal(thread.name, 'workshop-12-group-2');
  assert.equal(thread.autoArchiveDuration, 10080, 'it stays in the sidebar for a week without messages');
  assert.deepEqual(thread.members, [bot.fake.bot.id, coach.id, ...learners.map((l) => l.id)]);

  const calls = bot.fake.calls.slice(before).filter((c) => c.method !== 'GET');
  assert.deepEqual(
    calls.map((c) => `${c.method} ${c.path}`),
    [
      `POST /channels/${workshops}/threads`,
      ...[coach, ...learners].map((m) => `PUT /channels/${id}/thread-members/${m.id}`),
      `POST /channels/${id}/messages`,
    ],
    'made, members added, then the intro: nothing posted in the channel itself',
  );
  const [intro] = bot.fake.posts(id);
  assert.match(JSON.stringify(intro!.embeds), /Group 2/);
  assert.match(JSON.stringify(intro!.components), /Leave/, 'with its buttons');
  assert.deepEqual(intro!.allowed_mentions, { parse: [], users: [coach.id] }, 'it pings only whom the intro names');
  assert.deepEqual(bot.fake.posts(workshops), []);
});

test('with an existing thread the members are added there and no thread is made; a latecomer joins', async () => {
  const id = await outbox.openGroup!(place());
  const latecomer = { id: '555555555555555504', name: 'Lin' };
  const before = bot.fake.calls.length;
  const again = await outbox.openGroup!(place({ members: [coach, ...learners, latecomer] }), id);

  assert.equal(again, id);
  const calls = bot.fake.calls.slice(before);
  assert.ok(!calls.some((c) => c.method === 'POST' && c.path.endsWith('/threads')), 'no second thread');
  assert.deepEqual(
    calls.filter((c) => c.method === 'PUT').map((c) => c.path),
    [coach, ...learners, latecomer].map((m) => `/channels/${id}/thread-members/${m.id}`),
    'adding someone already in it changes nothing on Discord, so everyone is added',
  );
  assert.deepEqual(bot.fake.groupThreads.get(id)!.members, [bot.fake.bot.id, coach.id, ...learners.map((l) => l.id), latecomer.id]);
  assert.equal(bot.fake.posts(id).length, 2, 'the intro is posted again, for the newcomers');
});

test('an existing thread that was archived is unarchived before members are added; a deleted one is made again', async () => {
  const id = await outbox.openGroup!(place());
  bot.fake.archiveThread(id);
  assert.equal(await outbox.openGroup!(place(), id), id);
  assert.equal(bot.fake.groupThreads.get(id)!.archived, false);

  bot.fake.deleteThread(id);
  const replaced = await outbox.openGroup!(place(), id);
  assert.notEqual(replaced, id);
  assert.equal(bot.fake.groupThreads.get(replaced)!.parent, workshops);
  assert.equal(bot.fake.posts(replaced).length, 1);
});

test('without a channel, or in a channel that is not a text channel, Discord has no private thread: a UserError says what to set', async () => {
  const before = bot.fake.calls.length;
  await assert.rejects(outbox.openGroup!(place({ channel: null })), (err: unknown) => {
    assert.ok(err instanceof UserError);
    assert.equal(err.key, 'workshop.place.no_channel');
    return true;
  });
  assert.deepEqual(bot.fake.calls.slice(before), [], 'nothing was asked of Discord');

  // An announcement channel, where discord.js would quietly make a public thread instead.
  const news = { id: bot.fake.id(), name: 'announcements', type: 5 };
  bot.fake.guild.channels.push(news);
  await assert.rejects(outbox.openGroup!(place({ channel: news.id })), (err: unknown) => {
    assert.ok(err instanceof UserError);
    assert.equal(err.key, 'workshop.place.not_text');
    return true;
  });
  assert.ok(!bot.fake.calls.some((c) => c.method === 'POST' && c.path === `/channels/${news.id}/threads`), 'no thread was made there');
});

test('a sensitive intro is refused before anything is made', async () => {
  const before = bot.fake.calls.length;
  await assert.rejects(outbox.openGroup!(place({ intro: { body: [p('about a question')], sensitive: true } })), /direct message only/);
  assert.deepEqual(bot.fake.calls.slice(before), []);
});

test('the invite URL asks for Create Private Threads and Send Messages in Threads', () => {
  assert.ok(BOT_PERMISSIONS.has(['CreatePrivateThreads', 'SendMessagesInThreads']));
  const asked = BigInt(new URL(bot.adapter.inviteUrl).searchParams.get('permissions')!);
  assert.equal(asked & PermissionFlagsBits.CreatePrivateThreads, PermissionFlagsBits.CreatePrivateThreads);
});
