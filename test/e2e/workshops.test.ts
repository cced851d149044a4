import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eachDatabase, tempDir } from '../support/helpers.js';
import { npmStart } from '../support/npm-start.js';

// 25 March 2029 is the last Sunday of March: Berlin's clocks jump from 02:00 to 03:00.
const SCRIPT = `
@moderator /chapter create name:Berlin timezone:Europe/Berlin
/chapter set name:Berlin moderation-channel:#moderation
/workshop create chapter:Berlin title:"Python for beginners" topic:Python date:2029-03-25 time:10:00 learners:8 location:c-base
/workshop create chapter:Berlin title:"Night owls" topic:Python date:2029-03-25 time:02:30 learners:8
/workshop create chapter:Berlin title:"Nope" topic:Python date:31-02-2027 time:10:00 learners:10000
@ada /coach volunteer topics:"Python, Git" level:experienced
@bob /coach volunteer topics:Python
@cy /coach volunteer topics:HTML
@ada /workshop claim 1
@l1 /workshop join 1
@l2 /workshop join 1
@l3 /workshop join 1
@l4 /workshop join 1
@l5 /workshop join 1
@l6 /workshop join 1
@bob /workshop claim 1
@cy /workshop claim 1
/workshop claim 1
@dan /workshop claim 1
/workshop claim 99
@bob /workshop release 1
@l1 /workshop roster 1
@cy /workshop roster 1
@moderator /workshop show 1
/workshop ics 1
@ada /coach list topic:python
/workshop list
@moderator /chapter set name:Berlin learners-per-coach:3
/workshop create chapter:Berlin title:"Git together" topic:Git date:2029-10-28 time:18:30 learners:7 duration:90
`;

test('the console, end to end: coaches claim slots, learners wait as the ratio demands, a release promotes the waiting coach, the .ics is valid', (t) =>
  eachDatabase(t, async ({ url }) => {
    const tmp = tempDir();
    try {
      const run = await npmStart(SCRIPT, { DATA_DIR: tmp.dir, DATABASE_URL: url });
      assert.equal(run.code, 0, run.stderr);
      const blocks = [...run.blocks];
      const next = (header: string) => {
        const b = blocks.shift();
        assert.ok(b, `expected ${header}, but the output ended:\n${run.stdout}`);
        assert.equal(b.header, header, b.text);
        return b.text;
      };
      next('[ephemeral → moderator]');
      next('[ephemeral → moderator]');
      const created = next('[ephemeral → moderator]');
      assert.match(created, /^\*\*#1 Python for beginners\*\*\nWorkshop #1 created: 2 coach slots, 8 learner seats\./);
      assert.match(created, /\nStarts: Sun, 25 Mar 2029, 10:00 CEST\n/, 'local time, summer time from that morning');
      assert.match(next('[ephemeral → moderator]'), /On that day 02:30 does not exist in Europe\/Berlin/);
      const bad = next('[ephemeral → moderator]');
      assert.match(bad, /date must be a real date written YYYY-MM-DD/);
      assert.match(bad, /learners must be between 1 and 200 \(you gave 10000\)/);
      for (const name of ['ada', 'bob', 'cy']) assert.match(next(`[ephemeral → ${name}]`), /You are a coach now/);

      assert.match(next('[ephemeral → ada]'), /^You coach workshop #1: 1\/2 coach slots are filled/);
      for (const l of ['l1', 'l2', 'l3', 'l4']) assert.match(next(`[ephemeral → ${l}]`), /^Your seat at workshop #1 is confirmed/);
      assert.match(next('[ephemeral → l5]'), /^Every seat that has a coach is taken at workshop #1 .* You are number 1 on the waitlist/);
      assert.match(next('[ephemeral → l6]'), /You are number 2 on the waitlist/);
      // bob's claim opens four more seats: the two waiting learners are promoted and told.
      assert.match(
        next('[dm → l5]'),
        /^Your seat at workshop #1 is confirmed: you came up from the waitlist\.\n\*\*Python for beginners\*\* — Sun, 25 Mar 2029, 10:00 CEST – 13:00 CEST, at c-base$/,
      );
      assert.match(next('[dm → l6]'), /^Your seat at workshop #1 is confirmed/);
      assert.match(next('[ephemeral → bob]'), /^You coach workshop #1: 2\/2 coach slots are filled/);
      assert.match(next('[ephemeral → cy]'), /^All coach slots of workshop #1 are taken\. You are number 1 on the coach waitlist/);
      assert.match(next('[ephemeral → cy]'), /already claimed a coach slot/);
      assert.match(next('[ephemeral → dan]'), /^Only coaches claim coach slots\. Any member can become one: \/coach volunteer/);
      assert.match(next('[ephemeral → dan]'), /^There is no workshop #99/);

      assert.match(next('[dm → cy]'), /^A coach slot at workshop #1 is yours now/);
      assert.match(next('[ephemeral → bob]'), /^You gave up your coach slot at workshop #1/);
      assert.match(
        next('[ephemeral → l1]'),
        /^Only the coaches of workshop #1 and the moderators of Berlin can run \/workshop roster on it/,
      );
      const roster = next('[ephemeral → cy]');
      assert.match(
        roster,
        /\nCoaches \(2\/2\): @ada, @cy\nCoach waitlist: —\nLearners \(6\/8\): @l1\n@l2\n@l3\n@l4\n@l5\n@l6\nLearner waitlist: —$/,
      );
      const show = next('[ephemeral → moderator]');
      assert.match(show, /\nCoach slots: 2\/2 filled, 0 waiting\nLearner seats: 6\/8 confirmed, 0 waiting\n/);

      const ics = next('[ephemeral → moderator]');
      assert.match(ics, /\[attachment: workshop-1\.ics \(text\/calendar, \d+ bytes\)\]/);
      const lines = ics.slice(ics.indexOf('BEGIN:VCALENDAR')).split('\n');
      assert.equal(lines[0], 'BEGIN:VCALENDAR');
      assert.equal(lines.at(-1), 'END:VCALENDAR');
      assert.ok(lines.includes('VERSION:2.0'));
      assert.ok(lines.includes('DTSTART:20290325T080000Z'), '10:00 CEST is 08:00 UTC');
      assert.ok(lines.includes('DTEND:20290325T110000Z'));
      assert.ok(lines.some((l) => /^UID:workshop-1@\S+$/.test(l)));
      assert.ok(lines.some((l) => /^PRODID:/.test(l)));
      assert.ok(lines.some((l) => /^DTSTAMP:\d{8}T\d{6}Z$/.test(l)));

      const coaches = next('[ephemeral → ada]');
      assert.match(coaches, /^\*\*Active coaches \(2\)\*\*\n- @ada — Python, Git \(experienced\) · workshops coached: 0\n- @bob — Python/);
      assert.equal(
        next('[ephemeral → ada]'),
        '**Upcoming workshops: Berlin**\n- #1 **Python for beginners** — Sun, 25 Mar 2029, 10:00 CEST – 13:00 CEST, at c-base · Python · coaches 2/2 (+0) · learners 6/8 (+0)',
      );
      assert.equal(next('[ephemeral → moderator]'), 'New workshops of Berlin plan one coach for every 3 learners.');
      const git = next('[ephemeral → moderator]');
      assert.match(git, /Workshop #2 created: 3 coach slots, 7 learner seats/, 'ceil(7 / 3) with the chapter’s own ratio');
      assert.match(
        git,
        /\nStarts: Sun, 28 Oct 2029, 18:30 CET\nEnds: Sun, 28 Oct 2029, 20:00 CET\n/,
        'winter time again from that morning',
      );
      assert.deepEqual(blocks, [], 'nothing else was printed');
      const logs = run.stderr
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l));
      assert.deepEqual(
        logs.filter((l) => l.level >= 50),
        [],
      );
    } finally {
      tmp.remove();
    }
  }));
