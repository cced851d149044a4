import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MODERATOR_ROLE } from '../../../entities/ChapterChannel.js';
import { WorkshopSignup } from '../../../entities/WorkshopSignup.js';
import { REF_FORM_PREFIX } from '../../../src/adapters/discord/forms.js';
import { REF_PREFIX } from '../../../src/adapters/discord/render.js';
import type { Button } from '../../../src/core/reply.js';
import { p } from '../../../src/core/reply.js';
import { eachDatabase } from '../../support/helpers.js';
import { discordBot, str, sub } from '../../support/discord-bot.js';
import type { FakeDiscord, FakeMessage, FakeUser } from '../../support/fake-discord.js';

// Buttons in direct messages on Discord: the real discord.js client against the fake Discord, the
// real app on each database. A DM belongs to no server: its buttons carry only a reference, and a
// press acts in the server the stored row names, with the presser's roles there.

const alice: FakeUser = { id: '555555555555555501', username: 'alice' };
const mona: FakeUser = { id: '555555555555555502', username: 'mona' };
const rolf: FakeUser = { id: '555555555555555503', username: 'rolf' };
/** Every fake guild's owner: Manage Server by ownership. */
const owner: FakeUser = { id: '999999999999999999', username: 'owner' };

type Bot = Awaited<ReturnType<typeof discordBot>>;

/** Berlin bound in guild A with workshop #1, Hamburg in guild B with workshop #2 and its questions channel. */
async function twoChapters(b: Bot) {
  const [guildA, guildB] = b.fake.guilds as [FakeDiscord['guild'], FakeDiscord['guild']];
  const questionsB = guildB.channels[1]!.id;
  const asMona = { moderator: true };
  await b.reply(b.fake.slash(mona, 'chapter', sub('create', [str('name', 'Berlin'), str('timezone', 'Europe/Berlin')]), asMona));
  await b.reply(
    b.fake.slash(mona, 'chapter', sub('create', [str('name', 'Hamburg'), str('timezone', 'Europe/Berlin')]), {
      ...asMona,
      guild: guildB.id,
    }),
  );
  const workshop = (chapter: string, title: string, guild: string) =>
    b.reply(
      b.fake.slash(
        mona,
        'workshop',
        sub('create', [
          str('chapter', chapter),
          str('title', title),
          str('topic', 'python'),
          str('date', '2027-04-10'),
          str('time', '18:00'),
          { name: 'learners', type: 4, value: 4 },
        ]),
        { ...asMona, guild },
      ),
    );
  assert.match(await workshop('Berlin', 'Python in Berlin', guildA.id), /#1/);
  assert.match(await workshop('Hamburg', 'Git in Hamburg', guildB.id), /#2/);
  const where = { platform: 'discord', workspace: guildB.id };
  await b.app.services.chapters.setChannels('Hamburg', where, { questions: questionsB });
  return { guildA, guildB, questionsB, hamburg: await b.app.services.chapters.get('Hamburg') };
}

/** Sends `to` a DM from guild `guild`'s workspace with these buttons (as the services do), and returns the message Discord got. */
async function dm(b: Bot, to: FakeUser, guild: string, chapterId: number, buttons: Button[]): Promise<FakeMessage> {
  const member = await b.app.services.members.ensure({ platform: 'discord', workspace: guild, id: to.id, name: to.username });
  const before = new Set(b.fake.messages.keys());
  await b.app.services.dms.send(member, () => ({ body: [p('Your workshop')], buttons }), { chapterId });
  return b.fake.waitFor(
    () => [...b.fake.messages.values()].find((m) => !before.has(m.id) && m.channel_id === b.fake.dmChannelOf(to.id)),
    'the DM',
  );
}

const customIds = (m: FakeMessage) =>
  (m.components as { components: { custom_id: string; label: string }[] }[]).flatMap((row) => row.components.map((c) => c.custom_id));

test('a DM’s buttons carry only a reference; pressed by the recipient in the DM, each runs its command in the server its row names, the policy deciding', (t) =>
  eachDatabase(t, async (database) => {
    const b = await discordBot(database);
    try {
      const { guildB, questionsB, hamburg } = await twoChapters(b);
      const message = await dm(b, alice, guildB.id, hamburg.id, [
        { label: 'Workshops', command: '/workshop list' },
        { label: 'Join', command: '/workshop join id:2', style: 'primary' },
        { label: 'Roster', command: '/workshop roster id:2' },
        { label: 'Ask', command: '/ask' },
      ]);
      const ids = customIds(message);
      assert.equal(ids.length, 4);
      for (const id of ids) assert.match(id, new RegExp(`^${REF_PREFIX}[A-Za-z0-9_-]{22}$`));
      assert.doesNotMatch(JSON.stringify(message), /\/workshop|\/ask|id:2/, 'no command line in the DM');
      const [list, join, roster, ask] = ids as [string, string, string, string];

      // Guild B's chapter, though a DM is in no guild.
      const listed = await b.reply(b.fake.clickInDm(alice, message, list));
      assert.match(listed, /Upcoming workshops: Hamburg/);
      assert.match(listed, /Git in Hamburg/);
      assert.doesNotMatch(listed, /Python in Berlin/);

      assert.match(await b.reply(b.fake.clickInDm(alice, message, join)), /#2/);
      const signup = await b.app.db.getRepository(WorkshopSignup).findOneOrFail({ where: { workshopId: 2 }, relations: { member: true } });
      assert.deepEqual([signup.member!.workspace, signup.member!.userId, signup.role], [guildB.id, alice.id, 'learner']);

      // The roster is the chapter's moderators': the policy decides from her roles in guild B.
      const refused = await b.reply(b.fake.clickInDm(alice, message, roster));
      assert.match(refused, /Only the coaches of workshop #2 and the moderators of Hamburg can run \/workshop roster/);
      const organisers = guildB.roles[0]!.id;
      await b.app.services.chapters.setChannels('Hamburg', { platform: 'discord', workspace: guildB.id }, { [MODERATOR_ROLE]: organisers });
      b.fake.memberRoles.set(`${guildB.id}/${alice.id}`, [organisers]);
      const shown = await b.reply(b.fake.clickInDm(alice, message, roster));
      assert.match(shown, /Roster of #2 Git in Hamburg/);
      assert.match(shown, new RegExp(`Learner waitlist","value":"1\\. <@${alice.id}>`), 'she waits for a coach');
      assert.ok(
        b.fake.calls.some((c) => c.method === 'GET' && c.path === `/guilds/${guildB.id}/members/${alice.id}`),
        'her roles came from Discord',
      );

      // A form: its modal carries the reference too, and the submission acts in guild B.
      const opened = JSON.parse(await b.callback(b.fake.clickInDm(alice, message, ask))) as { type: number; data: { custom_id: string } };
      assert.equal(opened.type, 9);
      assert.equal(opened.data.custom_id, REF_FORM_PREFIX + ask.slice(REF_PREFIX.length));
      const asked = await b.reply(
        b.fake.submitInDm(alice, message.channel_id, opened.data.custom_id, { text: 'Is there parking near the venue?' }),
      );
      assert.match(asked, new RegExp(`Your question #1 is posted in <#${questionsB}>`));
      await b.fake.waitFor(() => b.fake.posts(questionsB).find((m) => JSON.stringify(m).includes('parking')), 'the question in guild B');

      // Manage Server counts too: the server's owner moderates every chapter there.
      const owned = await dm(b, owner, guildB.id, hamburg.id, [{ label: 'Roster', command: '/workshop roster id:2' }]);
      assert.match(await b.reply(b.fake.clickInDm(owner, owned, customIds(owned)[0]!)), /Roster of/);
    } finally {
      await b.stop();
    }
  }));

test('a DM’s button pressed by someone else, forged, or after the member left the server runs nothing and says why, in the presser’s language; a command button in a DM is still refused', (t) =>
  eachDatabase(t, async (database) => {
    const b = await discordBot(database);
    try {
      const { guildB, hamburg } = await twoChapters(b);
      const message = await dm(b, alice, guildB.id, hamburg.id, [{ label: 'Join', command: '/workshop join id:2' }]);
      const [join] = customIds(message) as [string];
      const signups = () => b.app.db.getRepository(WorkshopSignup).count();
      const ephemeral = async (i: { id: string; token: string }) => {
        const answer = JSON.parse(await b.reply(i)) as { type: number; data: { flags?: number; content?: string } };
        assert.equal(answer.data.flags, 64, 'only the presser sees it');
        return answer.data.content ?? '';
      };

      assert.match(await ephemeral(b.fake.clickInDm(rolf, message, join)), /This button was sent to someone else/);
      assert.match(
        await ephemeral(b.fake.clickInDm(rolf, message, join, { locale: 'de' })),
        /Dieser Button wurde jemand anderem geschickt/,
      );
      assert.match(
        await ephemeral(b.fake.clickInDm(alice, message, `${REF_PREFIX}AAAAAAAAAAAAAAAAAAAAAA`)),
        /This button has expired or is no longer valid/,
      );
      assert.match(await ephemeral(b.fake.clickInDm(alice, message, `${REF_PREFIX}/workshop join id:2`)), /expired or is no longer valid/);
      assert.match(await ephemeral(b.fake.clickInDm(alice, message, `${REF_PREFIX}${'x'.repeat(22)}`, { locale: 'de' })), /abgelaufen/);
      // A command line in a DM's button is refused as before: only references act outside a server.
      assert.match(
        await ephemeral(b.fake.clickInDm(alice, message, 'cmd:/workshop join id:2')),
        /work in a server, not in direct messages/,
      );

      b.fake.departed.add(`${guildB.id}/${alice.id}`);
      assert.match(await ephemeral(b.fake.clickInDm(alice, message, join)), /no longer a member of the server this button belongs to/);
      assert.equal(await signups(), 0, 'nothing ran');

      // Fourteen days on, the button is stale.
      b.fake.departed.clear();
      b.clock.advance(14 * 24 * 3_600_000);
      assert.match(await ephemeral(b.fake.clickInDm(alice, message, join)), /expired or is no longer valid/);
      assert.equal(await signups(), 0, 'nothing ran');
    } finally {
      await b.stop();
    }
  }));

test('a DM’s button acts in a server this process does not hold (another shard’s): the server’s roles and owner are asked of Discord', (t) =>
  eachDatabase(t, async (database) => {
    const b = await discordBot(database);
    try {
      const { guildB, hamburg } = await twoChapters(b);
      const organisers = guildB.roles[0]!.id;
      await b.app.services.chapters.setChannels('Hamburg', { platform: 'discord', workspace: guildB.id }, { [MODERATOR_ROLE]: organisers });
      b.fake.memberRoles.set(`${guildB.id}/${alice.id}`, [organisers]);
      const message = await dm(b, alice, guildB.id, hamburg.id, [{ label: 'Roster', command: '/workshop roster id:2' }]);
      // As in a process whose shard does not have guild B: the DM's interaction reaches shard 0 only.
      b.adapter.client.guilds.cache.delete(guildB.id);
      assert.match(await b.reply(b.fake.clickInDm(alice, message, customIds(message)[0]!)), /Roster of/);
      assert.ok(b.fake.calls.some((c) => c.method === 'GET' && c.path === `/guilds/${guildB.id}`));
    } finally {
      await b.stop();
    }
  }));
