import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Member } from '../../entities/Member.js';
import { WorkshopFeedback } from '../../entities/WorkshopFeedback.js';
import { consoleBot } from '../support/console-bot.js';
import { eachDatabase } from '../support/helpers.js';

// Learners with names that cannot turn up by chance anywhere else.
const LEARNERS = ['lerner_qx7v', 'lerner_zk3p'];

test('feedback anonymity: after a whole scenario no feedback row, log line or export holds a learner; texts stay hidden below the threshold, in the files too', (t) =>
  eachDatabase(t, async (database) => {
    const bot = await consoleBot(database);
    try {
      await bot.run(
        '@mona /chapter create name:Berlin timezone:Europe/Berlin',
        '@mona /workshop create chapter:Berlin title:"Python day" topic:Python date:2027-01-12 time:10:00 learners:8',
        '@ada /coach volunteer topics:Python',
        '@ada /workshop claim 1',
        ...LEARNERS.map((l) => `@${l} /workshop join id:1`),
      );
      bot.clock.set(new Date('2027-01-12T08:30:00Z'));
      const { code } = await bot.app.services.workshopDay.code(1);
      for (const who of ['ada', ...LEARNERS]) await bot.run(`@${who} /workshop checkin id:1 code:${code}`);
      bot.clock.set(new Date('2027-01-12T13:00:00Z'));
      await bot.app.services.feedback.askDue();
      for (const [i, l] of LEARNERS.entries()) {
        await bot.run(
          `@${l} /workshop feedback id:1 pace:right learned:${4 + i} coach:5 again:true`,
          `@${l} /workshop feedback id:1 worked:"Written by ${l}" improve:"Also by ${l}"`,
        );
      }

      // Each feedback row, all but the texts the learners typed (which name them here on purpose): no learner, no member id.
      const rows = await bot.app.db.getRepository(WorkshopFeedback).find();
      assert.equal(rows.length, 2);
      const members = await bot.app.db.getRepository(Member).find();
      for (const { worked, improve, ...rest } of rows) {
        assert.ok(worked && improve);
        const row = JSON.stringify(rest);
        for (const l of LEARNERS) assert.ok(!row.includes(l), `a feedback row names ${l}`);
        for (const m of members)
          assert.ok(!Object.values(rest).includes(m.id) || m.id === rest.workshopId || m.id === rest.id, 'a member id');
      }
      assert.deepEqual(Object.keys(rows[0]!).sort(), [
        'again',
        'coachSupport',
        'id',
        'improve',
        'learned',
        'pace',
        'pseudonym',
        'worked',
        'workshopId',
      ]);

      // Two answers are below FEEDBACK_MIN_RESPONSES (3): no text in the report, nor in the chapter's files.
      const report = await bot.run('@mona /workshop report 1');
      assert.match(report, /2 learners answered; the written answers are shown from 3 answers on/);
      assert.doesNotMatch(report, /Written by|Also by/);
      const files = await bot.run('@mona /chapter report name:Berlin');
      assert.match(files, /\[attachment: report-berlin\.json/);
      assert.doesNotMatch(files, /Written by|Also by/, 'no text in the CSV or the JSON');
      assert.match(files, /"texts": null/);

      // A learner's own export holds no feedback: nothing in it is theirs by name.
      const exported = await bot.run(`@${LEARNERS[0]} /privacy export`);
      assert.doesNotMatch(exported, /Written by|"pace"|"learned"/);

      // The logs name no learner.
      const logs = bot.logs().join('\n');
      for (const l of LEARNERS) assert.ok(!logs.includes(l), `the logs name ${l}`);
    } finally {
      await bot.close();
    }
  }));
