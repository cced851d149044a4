import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuditEntry } from '../../entities/AuditEntry.js';
import { OutboxMessage } from '../../entities/OutboxMessage.js';
import { consoleBot } from '../support/console-bot.js';
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

      // The console's adapter runs again: a retry starts the row over and sends it now.
      bot.notices();
      const retried = await bot.run(`@mona /mod outbox retry:${toAlice}`);
      assert.match(retried, new RegExp(`Message #${toAlice} was tried again and went out`));
      assert.match(retried, /\[dm → alice\]\n.*Python day/s);
      assert.equal(await outbox.existsBy({ id: toAlice }), false, 'delivered rows are gone');
      // Pressing Bob's button (the console prints a button as its line): sent, though not due for ten minutes.
      const pressed = await bot.run(`@mona /mod outbox retry:${toBob}`);
      assert.match(pressed, /\[dm → bob\]/);
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
          ['mona', `outbox:${toAlice}`],
          ['mona', `outbox:${toBob}`],
        ],
      );
    } finally {
      await bot.close();
    }
  }));
