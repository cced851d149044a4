import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuditEntry } from '../../entities/AuditEntry.js';
import { OutboxMessage } from '../../entities/OutboxMessage.js';
import { consoleBot } from '../support/console-bot.js';
import { DAY_PEOPLE, discordBot, sub, workshopDay } from '../support/discord-bot.js';
import type { FakeMessage } from '../support/fake-discord.js';
import { eachDatabase } from '../support/helpers.js';

// `/mod outbox` (issue 22 "Exactly once"): a chapter's moderators see the messages the bot could
// not deliver, without whom they were for, and try each again. The rows are real reminder DMs,
// queued by the reminder service while the console's adapter does not run in this process; their
// failed attempts are setup data (the console never refuses a message).

test('/mod outbox lists a chapter’s undelivered messages without names, only to its moderators; retry sends, an unknown id is a clear error', (t) =>
  eachDatabase(t, async (database) => {
    const bot = await consoleBot(database, {}, { notices: false });
    try {
      await bot.run(
        '@mona /chapter create name:Berlin timezone:Europe/Berlin',
        '@mona /workshop create chapter:Berlin title:"Python day" topic:Python date:2027-01-12 time:10:00 learners:4 strict-ratio:false',
        '@hanna@hamburg /chapter create name:Hamburg timezone:Europe/Berlin',
        '@hanna@hamburg /workshop create chapter:Hamburg title:"Ruby day" topic:Ruby date:2027-01-12 time:10:00 learners:4 strict-ratio:false',
        '@alice /workshop join id:1 level:new',
        '@bob /workshop join id:1 level:new',
        '@carla@hamburg /workshop join id:2 level:new',
      );
      // The day-before reminders: one DM per learner, queued, not sent (the console's adapter is not running here).
      bot.clock.set(new Date('2027-01-11T09:30:00Z'));
      assert.equal(await bot.app.services.reminders.tick(), 2);
      const outbox = bot.app.db.getRepository(OutboxMessage);
      const rows = await outbox.find({ order: { id: 'ASC' }, relations: { member: true } });
      assert.deepEqual(
        rows.map((r) => [r.kind, r.subject, r.member?.userId]),
        [
          ['reminder', 1, 'alice'],
          ['reminder', 1, 'bob'],
          ['reminder', 2, 'carla'],
        ],
      );
      const [toAlice, toBob, toCarla] = rows.map((r) => r.id) as [number, number, number];
      const now = bot.clock.now();
      assert.match(await bot.run('@mona /mod outbox'), /Nothing is waiting/, 'not attempted yet: not listed');
      // Setup: Alice's given up after 5 refusals, Bob's failed twice and is due again in 10 minutes, Carla's (Hamburg) given up.
      await outbox.update(toAlice, { attempts: 5, givenUpAt: now, lastError: 'console.refused' });
      await outbox.update(toBob, { attempts: 2, lastError: 'ECONNRESET', dueAt: new Date(now.getTime() + 10 * 60_000) });
      await outbox.update(toCarla, { attempts: 5, givenUpAt: now, lastError: 'console.refused' });

      const listed = await bot.run('@mona /mod outbox');
      assert.match(listed, /Undelivered messages/);
      assert.match(
        listed,
        new RegExp(`^- #${toAlice} · Reminder \\(workshop #1\\) · given up after 5 tries \\(console\\.refused\\)$`, 'm'),
      );
      assert.match(
        listed,
        new RegExp(`^- #${toBob} · Reminder \\(workshop #1\\) · 2 tries so far, next try .*10:40.* \\(ECONNRESET\\)$`, 'm'),
      );
      assert.match(listed, new RegExp(`\\[button: /mod outbox retry:${toAlice}\\]`));
      assert.match(listed, new RegExp(`\\[button: /mod outbox retry:${toBob}\\]`));
      assert.doesNotMatch(listed, new RegExp(`#${toCarla} `), 'not Hamburg’s');
      for (const who of ['alice', 'bob', 'carla', 'hanna']) assert.ok(!listed.includes(who), `the list names ${who}: ${listed}`);

      // A member who moderates nothing is refused; the other chapter's moderator sees only their own, and cannot touch Berlin's.
      assert.match(await bot.run('@alice /mod outbox'), /Only the moderators of Berlin/);
      assert.match(await bot.run(`@alice /mod outbox retry:${toAlice}`), /Only the moderators of Berlin/);
      const hamburg = await bot.run('@hanna@hamburg /mod outbox');
      assert.match(hamburg, new RegExp(`^- #${toCarla} · Reminder \\(workshop #2\\) · given up`, 'm'));
      assert.doesNotMatch(hamburg, new RegExp(`#(${toAlice}|${toBob}) `));
      const before = await outbox.find({ order: { id: 'ASC' } });
      assert.match(
        await bot.run(`@hanna@hamburg /mod outbox retry:${toAlice}`),
        new RegExp(`There is no undelivered message #${toAlice} in this chapter`),
      );
      assert.deepEqual(await outbox.find({ order: { id: 'ASC' } }), before, 'Berlin’s row untouched');

      // While the console's adapter runs in no process here, a retry starts the row over for the process that runs it.
      assert.match(
        await bot.run(`@mona /mod outbox retry:${toBob}`),
        new RegExp(`Message #${toBob} will be sent again within seconds, by the bot process that runs its platform`),
      );
      const reset = await outbox.findOneByOrFail({ id: toBob });
      assert.deepEqual([reset.attempts, reset.givenUpAt, reset.lastError, reset.dueAt.getTime()], [0, null, null, now.getTime()]);
      // That process's scheduler sends it.
      bot.notices();
      assert.equal(await bot.app.services.outbox.deliverDue(), 1);
      assert.match(bot.printed(), /\[dm → bob\]\n.*Python day/s);

      // Now the console's adapter runs here: a retry (the line its button carries) starts the row over and sends it at once.
      const retried = await bot.run(`@mona /mod outbox retry:${toAlice}`);
      assert.match(retried, new RegExp(`Message #${toAlice} was tried again and went out`));
      assert.match(retried, /\[dm → alice\]\n.*Python day/s);
      assert.equal(await outbox.existsBy({ id: toAlice }), false, 'delivered rows are gone');
      assert.match(await bot.run('@mona /mod outbox'), /Nothing is waiting/);

      // Sent, another chapter's, or none at all: the same clear error, and nothing is sent.
      for (const id of [toAlice, toCarla, 999]) {
        const answer = await bot.run(`@mona /mod outbox retry:${id}`);
        assert.match(answer, new RegExp(`There is no undelivered message #${id} in this chapter`));
        assert.doesNotMatch(answer, /\[dm →/);
      }
      assert.equal(await outbox.existsBy({ id: toCarla }), true);

      // Each retry is on the audit trail (the listing is not).
      const audited = await bot.app.db.getRepository(AuditEntry).find({ where: { action: 'mod outbox' }, order: { id: 'ASC' } });
      assert.deepEqual(
        audited.map((a) => [a.actorName, a.target]),
        [
          ['mona', `outbox:${toBob}`],
          ['mona', `outbox:${toAlice}`],
        ],
      );
    } finally {
      await bot.close();
    }
  }));

test('Discord: a reminder refused by a member’s closed DMs is listed to the moderator, without the member; its button sends it once they open', (t) =>
  eachDatabase(t, async (database) => {
    // DM_FALLBACK=none: the refusal is final (no notice in a channel instead), so the row is given up at once.
    const b = await discordBot(database, { DM_FALLBACK: 'none' });
    try {
      const { mona, lea, lou } = DAY_PEOPLE;
      const guild = b.fake.guilds[0]!.id;
      await workshopDay(b);
      b.fake.dmClosed.add(lea.id);
      // The hour reminder (workshop #1 starts 09:00 UTC): Discord refuses the DM to Lea (50007).
      b.clock.set(new Date('2027-03-02T08:15:00Z'));
      // The outbox sends once the reminders' transaction commits, before tick() resolves.
      await b.app.services.reminders.tick();
      const rows = await b.app.services.outbox.undelivered(1);
      assert.equal(rows.length, 1, 'only Lea’s reminder did not go out');
      const row = rows[0]!;
      assert.ok(row.givenUpAt, 'a refusal is final');

      const listed = await b.reply(b.fake.slash(mona, 'mod', sub('outbox'), { guild, moderator: true }));
      assert.match(listed, new RegExp(`#${row.id} · Reminder \\(workshop #1\\) · given up after 1 try \\(discord\\.dm_refused\\)`));
      assert.match(listed, /"flags":64/, 'only the moderator sees it');
      for (const needle of [lea.id, lea.username]) assert.ok(!listed.includes(needle), `the list names Lea (${needle})`);
      const customId = `cmd:/mod outbox retry:${row.id}`;
      assert.ok(listed.includes(`"custom_id":"${customId}"`), listed);
      assert.match(await b.reply(b.fake.slash(lou, 'mod', sub('outbox'), { guild })), /Only the moderators of Berlin/);

      // Pressing the row's button (on the ephemeral answer) while Lea's DMs are still closed: refused again, still listed.
      const data = (JSON.parse(listed) as { data: { embeds: unknown[]; components: unknown[] } }).data;
      const answer: FakeMessage = {
        id: '999999999999999990',
        channel_id: b.fake.guilds[0]!.channels[0]!.id,
        content: '',
        embeds: data.embeds,
        components: data.components,
        edits: 0,
      };
      assert.match(
        await b.reply(b.fake.click(mona, answer, customId, { guild, moderator: true })),
        new RegExp(`Message #${row.id} was tried again and failed again \\(discord\\.dm_refused\\)`),
      );
      assert.equal((await b.app.services.outbox.undelivered(1)).length, 1);

      // Lea opens her DMs; the moderator presses it again.
      b.fake.dmClosed.delete(lea.id);
      assert.match(
        await b.reply(b.fake.click(mona, answer, customId, { guild, moderator: true })),
        new RegExp(`Message #${row.id} was tried again and went out`),
      );
      const dm = b.fake.posts(b.fake.dmChannelOf(lea.id)!);
      assert.equal(dm.length, 1, 'the reminder, once');
      assert.match(JSON.stringify(dm[0]!.embeds), /Python day/);
      assert.deepEqual(await b.app.services.outbox.undelivered(1), []);
      // Pressed again (the answer is stale): a clear error, nothing sent.
      assert.match(
        await b.reply(b.fake.click(mona, answer, customId, { guild, moderator: true })),
        new RegExp(`There is no undelivered message #${row.id} in this chapter`),
      );
      assert.equal(b.fake.posts(b.fake.dmChannelOf(lea.id)!).length, 1);
    } finally {
      await b.stop();
    }
  }));
