import assert from 'node:assert/strict';
import { test } from 'node:test';
import { message } from '../../../src/core/reply.js';
import { eachDatabase } from '../../support/helpers.js';
import { discordBot, str, sub } from '../../support/discord-bot.js';
import { type FakeDiscord, type FakeUser } from '../../support/fake-discord.js';

// One bot, one discord.js client, two guilds: what happens in guild B stays in guild B. This also
// shows how to drive the fake in two guilds (`FakeDiscord.start({ guilds: 2 })`, `{ guild }`).

const alice: FakeUser = { id: '555555555555555501', username: 'alice' };
const mona: FakeUser = { id: '555555555555555502', username: 'mona' };
const rolf: FakeUser = { id: '555555555555555503', username: 'rolf' };

test('in two guilds at once: both arrive on the one client, /help is answered in guild B, and its outbox posts into guild B’s channel', (t) =>
  eachDatabase(t, async (database) => {
    const b = await discordBot(database);
    try {
      const [guildA, guildB] = b.fake.guilds as [FakeDiscord['guild'], FakeDiscord['guild']];
      assert.equal(b.fake.guild, guildA, '`guild` is still the first guild');
      assert.equal(guildA.id, '222222222222222222');
      assert.equal(guildB.id, '222222222222222233');
      assert.deepEqual(
        guildB.channels.map((c) => [c.id, c.name]),
        [
          ['333333333333333401', 'general'],
          ['333333333333333402', 'questions'],
          ['333333333333333403', 'moderation'],
        ],
      );
      assert.deepEqual([...b.adapter.client.guilds.cache.values()].map((g) => [g.id, g.name]).sort(), [
        [guildA.id, 'Berlin Learners'],
        [guildB.id, 'Hamburg Learners'],
      ]);
      assert.equal(b.adapter.client.guilds.cache.get(guildB.id)?.roles.cache.get(guildB.roles[0]!.id)?.name, 'organisers');

      // What discord.js made of the interaction: guild B, known to the client from its GUILD_CREATE.
      const seen: [string | null, string | undefined, string][] = [];
      b.adapter.client.on('interactionCreate', (x) => seen.push([x.guildId, x.guild?.name, x.channelId ?? '']));
      const i = b.fake.slash(alice, 'help', [], { guild: guildB.id });
      const help = JSON.parse(await b.reply(i)) as { type: number; data: { flags: number; embeds: { title: string }[] } };
      assert.equal(help.type, 4);
      assert.equal(help.data.flags, 64);
      assert.equal(help.data.embeds[0]!.title, 'Commands you can run');
      assert.deepEqual(seen, [[guildB.id, 'Hamburg Learners', guildB.channels[0]!.id]]);

      const outbox = b.app.services.notifier.outbox('discord', guildB.id)!;
      const questionsB = guildB.channels[1]!.id;
      const ref = await outbox.post(message('Welcome to Hamburg.', { visibility: { kind: 'channel', channel: questionsB } }));
      assert.equal(ref.channel, questionsB);
      assert.match(JSON.stringify(b.fake.messages.get(ref.messageId)), /Welcome to Hamburg\./);
      assert.deepEqual(b.fake.posts(guildA.channels[1]!.id), [], 'nothing went to guild A');
      // The channel the client looked up is guild B's, as Discord answered it.
      assert.equal(b.adapter.client.channels.cache.get(questionsB)?.isDMBased(), false);
      assert.equal((b.adapter.client.channels.cache.get(questionsB) as { guildId?: string } | undefined)?.guildId, guildB.id);

      // A guild added while connected arrives as Discord sends it when the bot is invited.
      const guildC = b.fake.addGuild({ name: 'Köln Learners' });
      assert.equal(guildC.id, '222222222222222244');
      await b.fake.waitFor(() => b.adapter.client.guilds.cache.get(guildC.id)?.name === 'Köln Learners', 'the third guild on the client');
    } finally {
      await b.stop();
    }
  }));

test('a chapter bound to guild B: /ask there posts in guild B’s questions channel, and Me too on that post is answered there', (t) =>
  eachDatabase(t, async (database) => {
    const b = await discordBot(database);
    try {
      const [guildA, guildB] = b.fake.guilds as [FakeDiscord['guild'], FakeDiscord['guild']];
      const [, questionsA] = guildA.channels.map((c) => c.id);
      const [generalB, questionsB] = guildB.channels.map((c) => c.id) as [string, string];
      await b.reply(
        b.fake.slash(mona, 'chapter', sub('create', [str('name', 'Berlin'), str('timezone', 'Europe/Berlin')]), { moderator: true }),
      );
      await b.reply(
        b.fake.slash(mona, 'chapter', sub('create', [str('name', 'Hamburg'), str('timezone', 'Europe/Berlin')]), {
          moderator: true,
          guild: guildB.id,
        }),
      );
      const resolved = {
        channels: { [questionsB]: { id: questionsB, type: 0, name: 'questions', permissions: '0', guild_id: guildB.id } },
      };
      await b.reply(
        b.fake.slash(mona, 'chapter', sub('set', [str('name', 'Hamburg'), { name: 'questions-channel', type: 7, value: questionsB }]), {
          moderator: true,
          guild: guildB.id,
          resolved,
        }),
      );
      // Each guild sees its own chapter as the one bound there.
      const boundHere = (list: string) => /\*\*(\w+)\*\*[^*]*\(bound here\)/.exec(list)?.[1];
      assert.equal(boundHere(await b.reply(b.fake.slash(rolf, 'chapter', sub('list'), { channel: generalB }))), 'Hamburg');
      assert.equal(boundHere(await b.reply(b.fake.slash(rolf, 'chapter', sub('list')))), 'Berlin');

      const asked = await b.reply(
        b.fake.slash(alice, 'ask', sub('new', [str('text', 'Where do we meet in Hamburg?')]), { guild: guildB.id }),
      );
      assert.match(asked, /Your question #1 is posted in <#333333333333333402>/);
      const post = await b.fake.waitFor(() => b.fake.posts(questionsB)[0], 'the question in guild B');
      assert.deepEqual(b.fake.posts(questionsA!), [], 'nothing went to guild A');
      assert.equal(b.fake.guildOf(post.channel_id), guildB);
      // The click carries the guild of the message's channel.
      assert.match(await b.reply(b.fake.click(rolf, post, 'cmd:/ask metoo id:1')), /People who have question #1 too: 1/);
    } finally {
      await b.stop();
    }
  }));
