import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkshopFeedback } from '../../entities/WorkshopFeedback.js';
import { pseudonym } from '../../src/services/anonymity.js';
import { consoleBot } from '../support/console-bot.js';
import { eachDatabase } from '../support/helpers.js';

// Workshop #1: Tuesday 12 January 2027, 10:00-13:00 in Berlin (09:00-12:00 UTC). Feedback is asked for at 13:00 UTC.
const DAY = [
  '@mona /chapter create name:Berlin timezone:Europe/Berlin',
  '@mona /workshop create chapter:Berlin title:"Python day" topic:Python date:2027-01-12 time:10:00 learners:8',
  '@mona /materials add title:"Loops explained" url:https://learn.example.org/loops topic:python language:en',
  '@ada /coach volunteer topics:Python',
  '@bob /coach volunteer topics:Python',
  '@ada /workshop claim 1',
  '@bob /workshop claim 1',
  ...['l1', 'l2', 'l3', 'l4', 'l5'].map((l) => `@${l} /workshop join id:1`),
];

test('after the workshop on the console: anonymous feedback by DM buttons and command, coaches’ notes, the report and the chapter report', (t) =>
  eachDatabase(t, async (database) => {
    const bot = await consoleBot(database, { ANON_SECRET: 'f'.repeat(32) });
    try {
      await bot.run(...DAY);
      bot.clock.set(new Date('2027-01-12T08:30:00Z'));
      const { code } = await bot.app.services.workshopDay.code(1);
      for (const who of ['ada', 'bob', 'l1', 'l2', 'l3', 'l4']) await bot.run(`@${who} /workshop checkin id:1 code:${code}`);
      assert.match(await bot.run('@l1 /workshop feedback id:1 pace:right'), /has not ended yet/);

      // An hour after the end: each learner who came gets the form, each coach theirs; once.
      bot.clock.set(new Date('2027-01-12T12:59:59Z'));
      bot.printed();
      assert.equal(await bot.app.services.feedback.askDue(), 0);
      bot.clock.set(new Date('2027-01-12T13:00:00Z'));
      assert.equal(await bot.app.services.feedback.askDue(), 1);
      const asked = bot.printed();
      for (const l of ['l1', 'l2', 'l3', 'l4']) assert.match(asked, new RegExp(`\\[dm → ${l}\\]\\nThank you for coming to #1 Python day`));
      assert.doesNotMatch(asked, /\[dm → l5\]/, 'l5 did not come');
      assert.match(asked, /\[button: \/workshop feedback id:1 pace:slow\]/);
      assert.match(asked, /\[button: \/workshop feedback id:1 learned:5\]/);
      assert.match(asked, /\[button: \/workshop feedback id:1\]/, 'the button for the two texts');
      assert.match(asked, /\[dm → ada\]\nThank you for coaching #1 Python day/);
      assert.equal(await bot.app.services.feedback.askDue(), 0, 'asked once');

      // Answers, piece by piece, changeable; one row per learner.
      await bot.run('@l1 /workshop feedback id:1 pace:fast', '@l1 /workshop feedback id:1 learned:4 coach:5 again:true');
      const changed = await bot.run('@l1 /workshop feedback id:1 pace:right worked:"The loops part, by l1" improve:"More breaks"');
      assert.match(
        changed,
        /Your feedback on workshop #1 is saved:\n- Pace: just right\n- Learned: 4\/5\n- Coach support: 5\/5\n- Come again: yes/,
      );
      await bot.run('@l2 /workshop feedback id:1 pace:slow learned:2 coach:4 again:false worked:"Pairing" improve:"Slower please"');
      assert.match(await bot.run('@l5 /workshop feedback id:1 pace:right'), /Only learners who came to workshop #1/);
      assert.match(await bot.run('@l1 /workshop feedback id:1'), /Say what you thought/);

      // Notes: coaches who came only.
      assert.match(
        await bot.run(
          '@ada /workshop notes id:1 taught:"loops, lists" materials:1 went:"Lively" change:"More time for lists" publish:named',
        ),
        /Your notes on workshop #1 are saved\.\nThey go on the chapter’s public record with your name\./,
      );
      assert.match(await bot.run('@l1 /workshop notes id:1 went:"x"'), /Only coaches who came/);
      assert.match(await bot.run('@ada /workshop notes id:1 materials:99'), /no materials #99/);
      // Past the databases' INTEGER range: no such material either (PostgreSQL once failed on comparing it).
      assert.match(await bot.run('@ada /workshop notes id:1 materials:1,4294967296'), /no materials #4294967296/);

      // The report: two answers, below FEEDBACK_MIN_RESPONSES (3): no texts.
      let report = await bot.run('@mona /workshop report 1');
      assert.match(report, /Seats: 5 of 8 confirmed/);
      assert.match(report, /Learners who came: 4 \(checked in: 4, walk-ins: 0\); no-shows: 1/);
      assert.match(report, /Coaches who came: 2 of 2 claimed/);
      assert.match(report, /Learners who answered: 2/);
      assert.match(report, /2 learners answered; the written answers are shown from 3 answers on/);
      assert.doesNotMatch(report, /Pairing|The loops part/);
      assert.match(report, /ada \(They go on the chapter’s public record with your name\.\) · taught: loops, lists · materials: #1/);
      assert.match(await bot.run('@l1 /workshop report 1'), /Only the coaches of workshop #1/);

      await bot.run('@l3 /workshop feedback id:1 pace:right learned:5 coach:5 again:true worked:"Everything"');
      report = await bot.run('@ada /workshop report 1');
      assert.match(report, /Learned: 3\.7 \(0\/1\/0\/1\/1\)/);
      for (const text of ['The loops part, by l1', 'Pairing', 'Everything', 'More breaks', 'Slower please'])
        assert.ok(report.includes(text), text);

      // The one reminder, three days later, to those who came and did not answer.
      bot.clock.set(new Date('2027-01-15T13:00:01Z'));
      bot.printed();
      await bot.app.services.feedback.askDue();
      const reminded = bot.printed();
      assert.match(reminded, /\[dm → l4\]\nA last reminder: how was #1 Python day/);
      assert.doesNotMatch(reminded, /\[dm → l[1235]\]/);
      await bot.app.services.feedback.askDue();
      assert.equal(bot.printed(), '', 'reminded once');

      // Anonymity: no feedback row holds a member's id or name; a pseudonym per workshop, unlike the question pseudonym.
      const rows = await bot.app.db.getRepository(WorkshopFeedback).find();
      assert.equal(rows.length, 3);
      const members = ['l1', 'l2', 'l3', 'l4', 'l5'];
      for (const r of rows) {
        const { pseudonym: key, worked, ...rest } = r;
        assert.doesNotMatch(JSON.stringify(rest), /l[1-5]/);
        assert.ok(!members.includes(key));
        void worked;
      }
      const l1 = { platform: 'console', workspace: 'console', id: 'l1' };
      const mine = bot.app.services.feedback.pseudonym(l1, 1);
      assert.ok(rows.some((r) => r.pseudonym === mine));
      assert.notEqual(bot.app.services.feedback.pseudonym(l1, 2), mine, 'another workshop, another pseudonym');
      assert.notEqual(pseudonym('f'.repeat(32), l1), mine, 'not the question pseudonym');

      // The chapter report, as CSV and JSON.
      const chapter = await bot.run('@mona /chapter report name:Berlin from:2027-01-01 to:2027-01-31');
      assert.match(chapter, /1 workshop from 2027-01-01 to 2027-01-31/);
      assert.match(chapter, /Python: 1 workshop, 4 learners, learned 3\.7, coach support 4\.7/);
      assert.match(chapter, /\[attachment: report-berlin\.csv \(text\/csv, \d+ bytes\)\]\nworkshop,date,title,topic,seats/);
      const json = JSON.parse(chapter.slice(chapter.indexOf('{\n'), chapter.lastIndexOf('}') + 1)) as {
        workshops: { workshop: number; feedback_responses: number; texts: { worked: string[] } | null }[];
        topics: { topic: string; learnedMean: number }[];
      };
      assert.deepEqual(
        json.workshops.map((w) => [w.workshop, w.feedback_responses]),
        [[1, 3]],
      );
      assert.deepEqual(json.workshops[0]!.texts!.worked.sort(), ['Everything', 'Pairing', 'The loops part, by l1']);
      assert.equal(json.topics[0]!.learnedMean, 3.7);

      // Two weeks after the end the window closes.
      bot.clock.set(new Date('2027-01-26T12:00:01Z'));
      assert.match(await bot.run('@l4 /workshop feedback id:1 pace:right'), /closed 14 days after it/);
    } finally {
      await bot.close();
    }
  }));
