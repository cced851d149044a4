import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuditEntry } from '../../entities/AuditEntry.js';
import { CoachInvitation } from '../../entities/CoachInvitation.js';
import { Share } from '../../entities/Share.js';
import { consoleBot } from '../support/console-bot.js';
import { discordBot, str, sub } from '../support/discord-bot.js';
import type { FakeUser } from '../support/fake-discord.js';
import { eachDatabase } from '../support/helpers.js';

// Progress, shared (issue "After the workshop"): learners share what they made in the chapter's
// showcase channel; a share of a workshop they attended counts once towards the invitation to
// coach; moderators hide one; /progress tells the path as a short story with what comes next.

// Workshop #1 (Python) on Tuesday 12 January 2027, #2 (Git) a week later, #3 (Python) in February.
const SETUP = [
  '@mona /chapter create name:Berlin timezone:Europe/Berlin',
  '@mona /workshop create chapter:Berlin title:"Python day" topic:Python date:2027-01-12 time:10:00 learners:8',
  '@mona /workshop create chapter:Berlin title:"Git together" topic:Git date:2027-01-19 time:10:00 learners:8',
  '@mona /workshop create chapter:Berlin title:"Python again" topic:python date:2027-02-02 time:10:00 learners:8',
  '@lea /workshop join id:1',
  '@lea /workshop join id:2',
  '@max /workshop join id:1',
];

test('a share goes to the showcase channel under the member’s name, counts once per attended workshop towards the invitation to coach, and moderators hide it', (t) =>
  eachDatabase(t, async (database) => {
    const bot = await consoleBot(database, { INVITE_TO_COACH_AFTER: '2' });
    try {
      await bot.run(...SETUP);
      // Without a showcase channel there is nowhere to share, and the answer says how to set one.
      assert.match(
        await bot.run('@lea /share text:"My first loop"'),
        /Chapter Berlin has no showcase channel here yet[^]*\/chapter set name:Berlin showcase-channel:#showcase/,
      );
      assert.match(await bot.run('@mona /chapter set name:Berlin showcase-channel:#showcase'), /showcase → #showcase/);

      // After workshop #1, lea and max are recorded there (lea's second workshop is still to come).
      bot.clock.set(new Date('2027-01-13T09:00:00Z'));
      await bot.run('@mona /workshop attendance id:1 present:"@lea @max"');
      assert.equal(await bot.app.db.getRepository(CoachInvitation).count(), 0, 'one attended workshop is below the threshold of 2');

      // Only a workshop they attended may be named; the link is an http(s) one.
      assert.match(await bot.run('@lea /share text:"My git log" workshop:2'), /You were not recorded at workshop #2/);
      assert.match(await bot.run('@nina /share text:"Not there" workshop:1'), /You were not recorded at workshop #1/);
      assert.match(await bot.run('@lea /share text:"A tiny game" url:ftp://lea.example.org/game'), /Only http and https links/);
      assert.equal(await bot.app.db.getRepository(Share).count(), 0, 'refused shares leave nothing behind');

      // The share: posted in the showcase channel, as lea, with her words as typed and the link in its stored form.
      const shared = await bot.run(
        '@lea /share text:"A tiny game in pygame, try it @everyone <@123456789012345678>" url:http://Lea.example.org/game/ workshop:1',
      );
      assert.match(shared, /\[#showcase msg:\d+\]\n\*\*Shared project #1\*\*\n\*\*@lea\*\* shared what they made:\n/);
      assert.match(
        shared,
        /A tiny game in pygame, try it @everyone <@123456789012345678>\nhttps:\/\/lea\.example\.org\/game\nMade at: #1 Python day/,
      );
      assert.match(shared, /\[ephemeral → lea\]\nThank you for sharing! Your project #1 is in #showcase\.\nIt counts for workshop #1\./);
      // One attended workshop and its share make 2: the invitation, by DM, once.
      assert.match(shared, /With it, you have been to enough workshops to coach one/);
      assert.match(shared, /\[dm → lea\]\nThank you for coming to our workshops, and for sharing what you made there!/);
      const row = await bot.app.db.getRepository(Share).findOneByOrFail({ id: 1 });
      assert.deepEqual([row.platform, row.channelId, row.url, row.workshopId], ['console', 'showcase', 'https://lea.example.org/game', 1]);
      assert.ok(row.messageId, 'the post is remembered, for a hide later');

      // A second share of the same workshop counts no more; max's first share brings his invitation.
      const again = await bot.run('@lea /share text:"The game, now with sound" workshop:1');
      assert.doesNotMatch(again, /\[dm → lea\]|enough workshops/);
      assert.equal(
        (await bot.app.services.workshops.progress({ platform: 'console', workspace: 'console', id: 'lea', name: 'lea' })).credits,
        2,
      );
      assert.match(await bot.run('@max /share text:"A quiz about Berlin" workshop:1'), /\[dm → max\]\nThank you for coming/);
      assert.equal(await bot.app.db.getRepository(CoachInvitation).count(), 2, 'one each');
      // A share without a workshop goes to the chapter bound here, and counts towards nothing.
      assert.match(await bot.run('@nina /share text:"My homepage"'), /Your project #4 is in #showcase\.(?!\nIt counts)/);

      // Hiding: the chapter's moderators only; the post then says only that it was hidden, and why.
      assert.match(await bot.run('@lea /share hide id:1 reason:"Not mine"'), /Only the moderators of Berlin can run \/share hide/);
      const hidden = await bot.run('@mona /share hide id:1 reason:"Links to a page full of ads"');
      assert.match(
        hidden,
        /\[#showcase msg:\d+ edited\]\n\*\*Shared project #1\*\*\nHidden by the moderators: Links to a page full of ads\n/,
      );
      assert.doesNotMatch(hidden, /tiny game|@lea/);
      assert.match(hidden, /Shared project #1 is hidden; its post now says why\./);
      assert.match(await bot.run('@mona /share hide id:1 reason:"Twice"'), /Shared project #1 is hidden already\./);
      assert.match(await bot.run('@mona /share hide id:99 reason:"Nothing"'), /There is no shared project #99\./);
      const audit = await bot.app.db.getRepository(AuditEntry).findOneByOrFail({ action: 'share hide' });
      assert.deepEqual([audit.actorName, audit.target, audit.details], ['mona', 'share:1', 'Links to a page full of ads']);
      assert.match(await bot.run('@mona /mod audit'), /\/share hide → share:1 \(Links to a page full of ads\)/);
      // The other share of workshop #1 still counts it once; with both hidden it would not.
      assert.equal(
        (await bot.app.services.workshops.progress({ platform: 'console', workspace: 'console', id: 'lea', name: 'lea' })).credits,
        2,
      );
      await bot.run('@mona /share hide id:2 reason:"Same again"');
      assert.equal(
        (await bot.app.services.workshops.progress({ platform: 'console', workspace: 'console', id: 'lea', name: 'lea' })).credits,
        1,
      );
      assert.equal(await bot.app.db.getRepository(CoachInvitation).count(), 2, 'an invitation sent stays sent');
    } finally {
      await bot.close();
    }
  }));

test('/progress tells the path as a short story, then what comes next: a workshop on a topic attended, any other, or the invitation to coach', (t) =>
  eachDatabase(t, async (database) => {
    const bot = await consoleBot(database, { INVITE_TO_COACH_AFTER: '2' });
    try {
      await bot.run(...SETUP, '@mona /chapter set name:Berlin showcase-channel:#showcase');
      // A newcomer: nothing yet, and the chapter's next workshop.
      const first = await bot.run('@nina /progress');
      assert.match(first, /You have not been to a workshop yet\.\nWhat comes next: \*\*#1 Python day\*\* in Berlin on Tue, 12 Jan 2027\./);

      bot.clock.set(new Date('2027-01-13T09:00:00Z'));
      await bot.run('@mona /workshop attendance id:1 present:"@lea @max"');
      // max went to a Python workshop: the next one on Python, though a Git one comes first.
      const max = await bot.run('@max /progress');
      assert.match(max, /You attended one workshop \(Python\), shared no projects and coached no workshops\./);
      assert.match(max, /What comes next: \*\*#3 Python again\*\* on Tue, 2 Feb 2027, on python again\. Join with \/workshop join id:3/);
      assert.match(max, /Made something at a workshop\? Share it/);
      // Existing sections stay: the attended list.
      assert.match(max, /Attended as a learner \(1\): \*\*#1 Python day\*\*/);
      // Signed up for it, he is offered the next of any topic instead.
      await bot.run('@max /workshop join id:3');
      assert.match(await bot.run('@max /progress'), /What comes next: \*\*#2 Git together\*\* in Berlin on Tue, 19 Jan 2027\./);
      // Signed up for everything planned: his next one.
      await bot.run('@max /workshop join id:2');
      assert.match(
        await bot.run('@max /progress'),
        /What comes next: \*\*#2 Git together\*\* on Tue, 19 Jan 2027, which you signed up for\./,
      );
      await bot.run('@max /workshop leave id:2');

      // lea shares what she made at #1: attended 1 + shared 1 reaches 2, so coaching comes next.
      await bot.run('@lea /share text:"A tiny game" workshop:1');
      const lea = await bot.run('@lea /progress');
      assert.match(lea, /You attended one workshop \(Python\), shared one project and coached no workshops\./);
      assert.match(lea, /What comes next: you have come a long way\. Why not coach a workshop\? Every level is welcome: \/coach volunteer/);
      assert.match(lea, /Shared \(1\): #1 A tiny game/);
      assert.match(lea, /Coming up: \*\*#2 Git together\*\*/);
      // Once a coach, the story goes on without the invitation.
      await bot.run('@lea /coach volunteer topics:Python');
      assert.doesNotMatch(await bot.run('@lea /progress'), /Why not coach/);

      // In German.
      const de = await consoleBot(database, { INVITE_TO_COACH_AFTER: '2' }, { locale: 'de', start: bot.clock.now() });
      try {
        assert.match(
          await de.run('@max /progress'),
          /Du hast einen Workshop \(Python\) besucht, keine Projekte geteilt und keine Workshops gecoacht\.\nWie es weitergeht: \*\*#2 Git together\*\* in Berlin am/,
        );
      } finally {
        await de.close();
      }
    } finally {
      await bot.close();
    }
  }));

const lea: FakeUser = { id: '555555555555555501', username: 'lea' };
const mona: FakeUser = { id: '555555555555555502', username: 'mona' };

test('on Discord, the share is an embed in the showcase channel naming the member without a ping, with mentions she typed made inert', (t) =>
  eachDatabase(t, async (database) => {
    const b = await discordBot(database, {}, { guilds: 1 });
    try {
      const [, showcase] = b.fake.guild.channels.map((c) => c.id) as [string, string];
      await b.reply(
        b.fake.slash(mona, 'chapter', sub('create', [str('name', 'Berlin'), str('timezone', 'Europe/Berlin')]), { moderator: true }),
      );
      const resolved = {
        channels: { [showcase]: { id: showcase, type: 0, name: 'questions', permissions: '0', guild_id: b.fake.guild.id } },
      };
      await b.reply(
        b.fake.slash(mona, 'chapter', sub('set', [str('name', 'Berlin'), { name: 'showcase-channel', type: 7, value: showcase }]), {
          moderator: true,
          resolved,
        }),
      );
      const answer = await b.reply(
        b.fake.slash(lea, 'share', sub('new', [str('text', 'My bot @everyone <@&444444444444444401> [x](https://evil)')])),
      );
      assert.match(answer, new RegExp(`Your project #1 is in <#${showcase}>`));
      const post = await b.fake.waitFor(() => b.fake.posts(showcase)[0], 'the share in the showcase channel');
      const embed = post.embeds[0] as { title: string; description: string };
      assert.equal(embed.title, 'Shared project #1');
      assert.match(embed.description, new RegExp(`^\\*\\*<@${lea.id}>\\*\\* shared what they made:`));
      assert.match(embed.description, /My bot @\u200beveryone <\u200b@&444444444444444401> \[x\]\u200b\(https:\/\/evil\)/);
      assert.equal(post.content, '', 'nobody is pinged');
      assert.deepEqual(post.allowed_mentions, { parse: [], users: [] });
    } finally {
      await b.stop();
    }
  }));
