import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkshopSignup } from '../../../entities/WorkshopSignup.js';
import { REF_PREFIX } from '../../../src/adapters/discord/render.js';
import { eachDatabase } from '../../support/helpers.js';
import { discordBot, int, str, sub } from '../../support/discord-bot.js';
import type { FakeGuild, FakeMessage, FakeUser } from '../../support/fake-discord.js';

// Waitlist offers on Discord, through the real discord.js client against the loopback fake: the
// offer's DM has Accept and Decline as opaque buttons; another member's press does nothing; the
// learner's Accept takes the seat.

const mona: FakeUser = { id: '555555555555555600', username: 'mona' };
const ada: FakeUser = { id: '555555555555555601', username: 'ada' };
const lea: FakeUser = { id: '555555555555555602', username: 'lea' };
const lou: FakeUser = { id: '555555555555555603', username: 'lou' };

type Row = { type: number; components: { type: number; custom_id: string; label: string }[] };

test('Discord: a freed seat is offered by DM with opaque Accept and Decline buttons; only the learner’s press counts, and Accept seats her', (t) =>
  eachDatabase(t, async (database) => {
    const b = await discordBot(database, {}, { guilds: 1 });
    try {
      const guild = b.fake.guilds[0] as FakeGuild;
      const at = { guild: guild.id };
      await b.reply(
        b.fake.slash(mona, 'chapter', sub('create', [str('name', 'Berlin'), str('timezone', 'Europe/Berlin')]), { ...at, moderator: true }),
      );
      const create = [
        str('chapter', 'Berlin'),
        str('title', 'Python day'),
        str('topic', 'Python'),
        str('date', '2027-03-02'),
        str('time', '10:00'),
        int('learners', 1),
      ];
      assert.match(await b.reply(b.fake.slash(mona, 'workshop', sub('create', create), { ...at, moderator: true })), /Workshop #1/);
      await b.reply(b.fake.slash(ada, 'coach', sub('volunteer', [str('topics', 'Python')]), at));
      await b.reply(b.fake.slash(ada, 'workshop', sub('claim', [int('id', 1)]), at));
      assert.match(await b.reply(b.fake.slash(lea, 'workshop', sub('join', [int('id', 1)]), at)), /confirmed/);
      assert.match(await b.reply(b.fake.slash(lou, 'workshop', sub('join', [int('id', 1)]), at)), /number 1 on the waitlist/);
      assert.match(await b.reply(b.fake.slash(lea, 'workshop', sub('leave', [int('id', 1)]), at)), /gave up your seat|left/i);

      const offer = await b.fake.waitFor(
        () => b.fake.posts(b.fake.dmChannelOf(lou.id) ?? '').find((m) => /has freed up/.test(JSON.stringify(m.embeds))),
        'the offer DM to lou',
      );
      const buttons = (offer.components as Row[]).flatMap((r) => r.components);
      assert.deepEqual(
        buttons.map((c) => c.label),
        ['Accept the seat', 'Decline'],
      );
      for (const c of buttons) assert.match(c.custom_id, new RegExp(`^${REF_PREFIX}[A-Za-z0-9_-]{22}$`), 'an opaque reference');
      assert.doesNotMatch(JSON.stringify(offer.components), /\/workshop|answer:/, 'no command line in the buttons');
      const button = (m: FakeMessage, label: string) =>
        (m.components as Row[]).flatMap((r) => r.components).find((c) => c.label === label)!.custom_id;
      const lous = async () => (await b.app.db.getRepository(WorkshopSignup).findOneByOrFail({ workshopId: 1, role: 'learner' })).state;
      assert.equal(await lous(), 'offered');

      // Lea presses lou's Accept: not hers.
      assert.match(await b.reply(b.fake.clickInDm(lea, offer, button(offer, 'Accept the seat'))), /sent to someone else/);
      assert.equal(await lous(), 'offered');
      // Lou accepts: on the roster at once.
      assert.match(await b.reply(b.fake.clickInDm(lou, offer, button(offer, 'Accept the seat'))), /Your seat at workshop #1 is confirmed/);
      assert.equal(await lous(), 'confirmed');
      // A second press finds no offer any more.
      assert.match(await b.reply(b.fake.clickInDm(lou, offer, button(offer, 'Decline'))), /already/);
      assert.equal(await lous(), 'confirmed');
    } finally {
      await b.stop();
    }
  }));
