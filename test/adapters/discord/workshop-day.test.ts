import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eachDatabase } from '../../support/helpers.js';
import { DAY_PEOPLE, discordBot, int, str, sub, workshopDay } from '../../support/discord-bot.js';
import type { FakeGuild } from '../../support/fake-discord.js';

// The workshop day on Discord, through the real discord.js client against the loopback fake: the
// groups' private threads are made in the chapter's workshops channel with the coach and learners
// added, and "I'm stuck" reaches the coach alone, by DM.

const { mona, ada, lea, lou } = DAY_PEOPLE;

test('Discord: check-in, groups in a private thread with their members, and a stuck request that reaches the coach alone', (t) =>
  eachDatabase(t, async (database) => {
    const b = await discordBot(database, {}, { guilds: 1 });
    try {
      const guild = b.fake.guilds[0] as FakeGuild;
      const at = { guild: guild.id };
      const [announcements, workshops] = [guild.channels[1]!.id, guild.channels[0]!.id];
      const replies = await workshopDay(b, { checkIn: true });
      await b.app.services.chapters.setChannels('Berlin', { platform: 'discord', workspace: guild.id }, { announcements, workshops });
      assert.match(replies[1]!, /Workshop #1/);
      assert.match(replies[3]!, /You coach workshop #1/);
      for (const r of replies.slice(4, 6)) assert.match(r, /confirmed/);
      for (const r of replies.slice(6)) assert.match(r, /checked in/);
      const made = await b.reply(b.fake.slash(ada, 'workshop', sub('groups', [int('id', 1), str('action', 'make')]), at));
      assert.match(made, /Groups made from the members checked in: 1\./);

      const threads = [...b.fake.groupThreads.entries()];
      assert.equal(threads.length, 1, 'one private thread for the one group');
      const [threadId, thread] = threads[0]!;
      assert.equal(thread.parent, workshops, 'in the chapter’s workshops channel');
      assert.equal(thread.type, 12, 'private');
      assert.deepEqual(new Set(thread.members), new Set([b.fake.bot.id, ada.id, lea.id, lou.id]));
      assert.match(JSON.stringify(b.fake.posts(threadId)[0]!.embeds), /Group 1 · #1 Python day/);
      assert.match(JSON.stringify(b.fake.posts(b.fake.dmChannelOf(lea.id)!).at(-1)!.embeds), /You are in group 1 with coach/);

      // Remaking the groups makes no second thread.
      await b.reply(b.fake.slash(mona, 'workshop', sub('groups', [int('id', 1), str('action', 'make')]), { ...at, moderator: true }));
      assert.equal(b.fake.groupThreads.size, 1);

      // I'm stuck: the coach alone gets it, by DM, with "On my way" and "Done"; nothing goes to the thread or a channel.
      const postsBefore = [threadId, workshops, announcements].map((c) => b.fake.posts(c).length);
      assert.match(
        await b.reply(b.fake.slash(lea, 'stuck', sub('new', [str('note', 'my loop never ends')]), at)),
        /You are number 1 in their queue/,
      );
      const dm = await b.fake.waitFor(
        () => b.fake.posts(b.fake.dmChannelOf(ada.id) ?? '').find((m) => /is stuck/.test(JSON.stringify(m.embeds))),
        'the coach’s DM',
      );
      assert.match(JSON.stringify(dm.embeds), /my loop never ends/);
      assert.match(JSON.stringify(dm.components), /On my way/);
      assert.match(JSON.stringify(dm.components), /Done/);
      assert.deepEqual(
        [threadId, workshops, announcements].map((c) => b.fake.posts(c).length),
        postsBefore,
        'not in the group’s thread, not in a channel',
      );
      assert.equal(
        b.fake
          .posts(b.fake.dmChannelOf(lou.id)!)
          .filter((m) => /stuck/.test(JSON.stringify(m.embeds)) && /loop/.test(JSON.stringify(m.embeds))).length,
        0,
      );

      // The coach presses "On my way" in the DM (an opaque reference, not the command): the learner is told.
      const buttons = (dm.components as { components: { label: string; custom_id: string }[] }[]).flatMap((row) => row.components);
      const onMyWay = buttons.find((x) => x.label === 'On my way')!;
      assert.doesNotMatch(onMyWay.custom_id, /stuck/, 'the custom id says nothing of the command');
      assert.match(await b.reply(b.fake.clickInDm(lou, dm, onMyWay.custom_id)), /sent to someone else/);
      assert.match(await b.reply(b.fake.clickInDm(ada, dm, onMyWay.custom_id)), /On your way to/);
      const told = await b.fake.waitFor(
        () => b.fake.posts(b.fake.dmChannelOf(lea.id)!).find((m) => /is on the way/.test(JSON.stringify(m.embeds))),
        'the learner is told',
      );
      assert.match(JSON.stringify(told.embeds), /Your coach .* is on the way/);
    } finally {
      await b.stop();
    }
  }));
