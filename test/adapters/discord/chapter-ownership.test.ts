import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChapterBinding } from '../../../entities/ChapterBinding.js';
import { Question } from '../../../entities/Question.js';
import { Workshop } from '../../../entities/Workshop.js';
import { applicationCommands } from '../../../src/adapters/discord/commands.js';
import { message } from '../../../src/core/reply.js';
import { eachDatabase, freshDatabase } from '../../support/helpers.js';
import { discordBot, int, str, sub } from '../../support/discord-bot.js';
import type { CommandOption, FakeGuild, FakeUser } from '../../support/fake-discord.js';

// Chapter ownership on Discord, through the real discord.js client in two guilds: Berlin lives in
// guild A (mona has Manage Server there); rolf has Manage Server in guild B, a server he could
// have made for the purpose.

const alice: FakeUser = { id: '555555555555555501', username: 'alice' };
const mona: FakeUser = { id: '555555555555555502', username: 'mona' };
const rolf: FakeUser = { id: '555555555555555503', username: 'rolf' };

test('Discord, two guilds: an admin of guild B gains no rights over guild A’s chapter without a code from its moderators; with one, guild A’s moderators are told', (t) =>
  eachDatabase(t, async (database) => {
    const b = await discordBot(database);
    try {
      const [guildA, guildB] = b.fake.guilds as [FakeGuild, FakeGuild];
      const inA = { guild: guildA.id, moderator: true };
      const inB = { guild: guildB.id, moderator: true };
      assert.match(
        await b.reply(b.fake.slash(mona, 'chapter', sub('create', [str('name', 'Berlin'), str('timezone', 'Europe/Berlin')]), inA)),
        /Chapter Berlin created/,
      );
      await b.app.services.chapters.setChannels(
        'Berlin',
        { platform: 'discord', workspace: guildA.id },
        { questions: guildA.channels[1]!.id, moderation: guildA.channels[2]!.id },
      );
      const workshop = [
        str('chapter', 'Berlin'),
        str('title', 'Python basics'),
        str('topic', 'Python'),
        str('date', '2027-06-01'),
        str('time', '18:00'),
        int('learners', 4),
      ];
      assert.match(await b.reply(b.fake.slash(mona, 'workshop', sub('create', workshop), inA)), /Workshop #1/);
      assert.match(
        await b.reply(b.fake.slash(alice, 'ask', sub('new', [str('text', 'How do I start with Python?')]), { guild: guildA.id })),
        /question #1/i,
      );

      const m = b.app.db.manager;
      const state = async () =>
        JSON.stringify([
          await m.find(ChapterBinding, { order: { id: 'ASC' } }),
          await m.find(Question),
          await m.find(Workshop),
          await b.app.services.chapters.get('Berlin'),
        ]);
      const before = await state();

      // 1. Binding guild B to Berlin without a code: refused with the reason.
      assert.match(
        await b.reply(b.fake.slash(rolf, 'chapter', sub('use', [str('name', 'Berlin')]), inB)),
        /Berlin belongs to its moderators elsewhere \(discord\)\. Ask them for a link code/,
      );
      // 2. Berlin's objects from guild B: refused.
      assert.match(
        await b.reply(b.fake.slash(rolf, 'mod', sub('hide', [int('id', 1), str('reason', 'Not wanted here')]), inB)),
        /Only the moderators of Berlin can run \/mod hide/,
      );
      assert.match(
        await b.reply(b.fake.slash(rolf, 'workshop', sub('cancel', [int('id', 1), str('reason', 'Room is gone')]), inB)),
        /Only the moderators of Berlin can run \/workshop cancel/,
      );
      assert.match(
        await b.reply(b.fake.slash(rolf, 'chapter', sub('set', [str('name', 'Berlin'), int('learners-per-coach', 3)]), inB)),
        /Only the moderators of Berlin can run \/chapter set/,
      );
      assert.match(
        await b.reply(b.fake.slash(rolf, 'chapter', sub('link', [str('name', 'Berlin')]), inB)),
        /Only the moderators of Berlin can run \/chapter link/,
      );
      assert.equal(await state(), before, 'nothing changed');

      // 3. A code from Berlin's moderator in guild A, shown to her only.
      const linkAnswer = JSON.parse(await b.reply(b.fake.slash(mona, 'chapter', sub('link', [str('name', 'Berlin')]), inA))) as {
        data: { flags?: number };
      };
      assert.equal(linkAnswer.data.flags, 64, 'ephemeral');
      const code = /Link code for Berlin: ([0-9A-Z]{4}-[0-9A-Z]{4})/.exec(JSON.stringify(linkAnswer))![1]!;
      const used = await b.reply(b.fake.slash(rolf, 'chapter', sub('use', [str('name', 'Berlin'), str('code', code)]), inB));
      assert.match(used, /This workspace now belongs to chapter Berlin/);
      const notice = await b.fake.waitFor(
        () =>
          [...b.fake.messages.values()].find(
            (msg) => msg.channel_id === guildA.channels[2]!.id && JSON.stringify(msg).includes('now bound also to'),
          ),
        'the notice in guild A’s moderation channel',
      );
      assert.match(
        JSON.stringify(notice),
        new RegExp(`Berlin is now bound also to discord:${guildB.id}, with a link code from its moderators`),
      );
      // A moderator in guild B now moderates Berlin.
      assert.match(
        await b.reply(b.fake.slash(rolf, 'chapter', sub('set', [str('name', 'Berlin'), int('learners-per-coach', 3)]), inB)),
        /Berlin/,
      );
      assert.equal((await b.app.services.chapters.get('Berlin')).learnersPerCoach, 3);
      assert.deepEqual(
        (await m.find(ChapterBinding, { order: { id: 'ASC' } })).map((x) => x.workspace),
        [guildA.id, guildB.id],
      );
    } finally {
      await b.stop();
    }
  }));

test('ALLOWED_WORKSPACES: in a guild not on the list every command, button and autocomplete gets one line and nothing runs', async (t) => {
  const database = await freshDatabase('sqlite');
  // The fake's first guild is listed (with a Slack team id beside it); its second is not.
  const b = await discordBot(database, { ALLOWED_WORKSPACES: '222222222222222222, T01ABCDEF' });
  try {
    const [guildA, guildB] = b.fake.guilds as [FakeGuild, FakeGuild];
    assert.equal(guildA.id, '222222222222222222');
    const shapes = applicationCommands(b.app.registry);
    let n = 0;
    for (const leaf of b.app.registry.leaves) {
      // Each action as Discord nests it, without options: the refusal comes before anything else.
      const top = shapes.find((s) => s.name === leaf.path[0])!;
      const nested = top.options?.some((o) => o.type === 1 || o.type === 2) ?? false;
      const names = leaf.path.length === 1 ? (nested ? ['new'] : []) : leaf.path.slice(1);
      // A subcommand (type 1), inside its group (type 2) when it has one.
      const options: CommandOption[] =
        names.length === 2 ? [{ name: names[0]!, type: 2, options: sub(names[1]!) }] : names.length === 1 ? sub(names[0]!) : [];
      const answer = await b.reply(b.fake.slash(rolf, leaf.path[0]!, options, { guild: guildB.id, moderator: true }));
      assert.match(answer, /This bot is not set up for this server or workspace\./, `/${leaf.path.join(' ')}`);
      n++;
    }
    assert.ok(n > 40, `${n} actions`);
    // A button on a message in guild B.
    const posted = await b.app.services.notifier.outbox('discord', guildB.id)!.post(
      message('Join us', {
        visibility: { kind: 'channel', channel: guildB.channels[0]!.id },
        buttons: [{ label: 'Help', command: '/help' }],
      }),
    );
    const button = b.fake.messages.get(posted.messageId)!;
    const customId = (button.components[0] as { components: { custom_id: string }[] }).components[0]!.custom_id;
    assert.match(await b.reply(b.fake.click(alice, button, customId)), /not set up for this server/);
    // Autocomplete: no suggestions.
    const completion = JSON.parse(
      await b.reply(
        b.fake.slash(rolf, 'chapter', sub('show', [{ name: 'name', type: 3, value: 'Ber', focused: true }]), {
          guild: guildB.id,
          autocomplete: true,
        }),
      ),
    ) as { type: number; data: { choices: unknown[] } };
    assert.deepEqual([completion.type, completion.data.choices], [8, []]);
    assert.equal(await b.app.db.manager.count(ChapterBinding), 0, 'nothing was written');
    // The listed guild is served as usual.
    assert.match(await b.reply(b.fake.slash(alice, 'help', [], { guild: guildA.id })), /Commands you can run/);
  } finally {
    await b.stop();
    await database.drop();
  }
  t.diagnostic('every action refused in the guild not listed');
});
