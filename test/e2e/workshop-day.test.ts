import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Attendance } from '../../entities/Attendance.js';
import { StuckRequest } from '../../entities/StuckRequest.js';
import { consoleBot } from '../support/console-bot.js';
import { eachDatabase } from '../support/helpers.js';

// Workshop #1: Tuesday 12 January 2027, 10:00-13:00 in Berlin (09:00-12:00 UTC); check-in opens at 08:00 UTC.
const SETUP = [
  '@mona /chapter create name:Berlin timezone:Europe/Berlin',
  '@mona /workshop create chapter:Berlin title:"Python day" topic:Python date:2027-01-12 time:10:00 learners:8',
  '@ada /coach volunteer topics:Python languages:"de, en"',
  '@bob /coach volunteer topics:Python languages:en',
  '@ada /workshop claim 1',
  '@bob /workshop claim 1',
];

test('the workshop day on the console: profile, check-in, walk-in, groups, late arrival, stuck, on my way, escalation, end', (t) =>
  eachDatabase(t, async (database) => {
    const bot = await consoleBot(database);
    try {
      await bot.run(...SETUP);
      // The sign-up profile, and changing it by joining again.
      assert.match(await bot.run('@l1 /workshop join id:1 level:new language:DE'), /Your seat at workshop #1 is confirmed/);
      assert.match(await bot.run('@l1 /workshop join id:1 goal:"write my first loop"'), /Your profile for workshop #1 is updated/);
      for (const l of ['l2', 'l3', 'l4']) await bot.run(`@${l} /workshop join id:1 level:some`);
      const roster = await bot.run('@ada /workshop roster 1');
      assert.match(roster, /@l1 \(new · de · “write my first loop”\)/, roster);
      assert.match(await bot.run('@l1 /workshop roster 1'), /Only the coaches of this workshop|moderators/i);

      // The code: for coaches and moderators only.
      const shown = await bot.run('@ada /workshop code 1');
      const code = /Check-in code for workshop #1: \*\*([A-Z2-9]{5})\*\*/.exec(shown)?.[1];
      assert.ok(code, shown);
      assert.doesNotMatch(code, /[01OIL]/);
      assert.match(await bot.run('@l1 /workshop code 1'), /coach|moderator/i);
      assert.equal(/\*\*([A-Z2-9]{5})\*\*/.exec(await bot.run('@mona /workshop code 1'))?.[1], code, 'one code per workshop');

      // Before the window: a clear answer with the opening time.
      assert.match(
        await bot.run(`@l1 /workshop checkin id:1 code:${code}`),
        /opens an hour before the start, at 2027-01-12 09:00 Europe\/Berlin/,
      );
      bot.clock.set(new Date('2027-01-12T08:30:00Z'));
      assert.match(await bot.run('@l1 /workshop checkin id:1 code:ZZZZZ'), /not the check-in code of workshop #1.*4 tries left/);
      assert.match(await bot.run(`@l1 /workshop checkin id:1 code:${code.toLowerCase()}`), /You are checked in at #1 Python day/);
      assert.match(await bot.run(`@l1 /workshop checkin id:1 code:${code}`), /checked in at #1 Python day already/);
      assert.match(await bot.run(`@ada /workshop checkin id:1 code:${code}`), /checked in as a coach/);
      await bot.run(
        `@bob /workshop checkin id:1 code:${code}`,
        `@l2 /workshop checkin id:1 code:${code}`,
        `@l3 /workshop checkin id:1 code:${code}`,
      );
      assert.match(await bot.run(`@stranger /workshop checkin id:1 code:${code}`), /not signed up for workshop #1/);
      // A walk-in, by a coach; a learner may not check in others.
      assert.match(await bot.run('@l2 /workshop checkin id:1 member:@wally'), /Only the coaches of workshop #1/);
      assert.match(await bot.run('@ada /workshop checkin id:1 member:@wally'), /@wally is checked in at workshop #1 as a walk-in/);

      // Groups from the check-ins: l1 asked for German and goes with ada, who speaks it.
      const made = await bot.run('@ada /workshop groups id:1 action:make');
      assert.match(made, /Groups made from the members checked in: 2\./, made);
      const groups = await bot.run('@mona /workshop groups id:1');
      const adaGroup = /Group (\d) · \d learners: \*\*@ada\*\*([^]*?)(?:\nGroup|$)/.exec(groups);
      assert.ok(adaGroup, groups);
      assert.match(adaGroup[2]!, /@l1 \(new · de\)/);
      const dms = made;
      // Each group's place: on the console a printed block with its coach and learners.
      assert.match(
        made,
        /\[group:workshop-1-group-\d msg:\d+ → ada, l1, [a-z0-9]+\]\n\*\*Group \d · #1 Python day\*\*\nCoach: @ada\. Learners: /,
      );
      assert.match(made, /\[group:workshop-1-group-\d msg:\d+ → bob, /);
      assert.match(dms, /\[dm → l1\][^]*You are in group \d with coach @ada/);
      assert.match(await bot.run('@l1 /workshop mygroup 1'), /You are in group \d with coach @ada/);

      // A late learner joins the smallest group and is told which.
      const late = await bot.run(`@l4 /workshop checkin id:1 code:${code}`);
      assert.match(late, /You are in group \d with coach @(ada|bob)/);

      // I'm stuck: only the coach is told, by DM, with the place in their queue.
      const asked = await bot.run('@l1 /stuck note:"my loop never ends"');
      assert.match(asked, /\[ephemeral → l1\]\nYour coach @ada is told\. You are number 1 in their queue/);
      assert.match(asked, /\[dm → ada\]\n@l1 in group \d is stuck \(#1 Python day\)\.\nNote: my loop never ends\nNumber 1 in your queue\./);
      assert.doesNotMatch(asked, /\[dm → bob\]|\[channel/);
      assert.match(await bot.run('@l1 /stuck note:"an endless while loop"'), /Your note is updated/);
      assert.equal(await bot.app.db.getRepository(StuckRequest).count(), 1, 'one open request per learner');

      // Past STUCK_ESCALATE_MINUTES: offered to bob, who is checked in and free.
      bot.clock.set(new Date('2027-01-12T08:36:00Z'));
      bot.printed();
      await bot.app.services.stuck.escalate();
      const offered = bot.printed();
      assert.match(offered, /\[dm → bob\]\n@l1 in group \d has waited 5 minutes for their coach/);
      assert.equal(await bot.app.services.stuck.escalate(), 0, 'offered once');

      // ada takes it; bob is too late.
      const taken = await bot.run('@ada /stuck next id:1');
      assert.match(taken, /On your way to @l1/);
      assert.match(taken, /\[dm → l1\]\nYour coach @ada is on the way/);
      assert.match(await bot.run('@bob /stuck take request:1'), /Another coach took request 1 already/);
      assert.match(await bot.run('@ada /stuck done request:1'), /Request 1 is done/);
      // A second call, withdrawn.
      await bot.run('@l2 /stuck');
      assert.match(await bot.run('@l2 /stuck cancel'), /withdrawn/);

      // The end: requests close, names and notes go, the times stay.
      await bot.run('@l3 /stuck');
      bot.clock.set(new Date('2027-01-12T12:00:01Z'));
      assert.equal(await bot.app.services.stuck.closeEnded(), 1);
      const rows = await bot.app.db.getRepository(StuckRequest).find();
      assert.equal(rows.length, 3);
      for (const r of rows) assert.deepEqual([r.learnerId, r.coachId, r.note, r.open], [null, null, null, null]);
      const figures = await bot.app.services.stuck.figures(1);
      assert.deepEqual(figures, { requests: 3, medianWaitMs: 6 * 60_000, p90WaitMs: 6 * 60_000 });
      assert.match(await bot.run('@l1 /stuck'), /No workshop of yours is under way/);

      // Attendance: the check-ins plus a moderator's correction, which has the last word.
      assert.equal(await bot.app.services.workshopDay.hasCheckin(1), true);
      assert.match(await bot.run('@mona /workshop attendance id:1 absent:@l3'), /Recorded 1 as not present/);
      const present = await bot.app.db.getRepository(Attendance).find({ where: { present: true }, relations: { member: true } });
      assert.deepEqual(present.map((a) => a.member!.userId).sort(), ['ada', 'bob', 'l1', 'l2', 'l4', 'wally']);
      assert.match(await bot.run('@l3 /progress'), /Attended as a learner \(0\)/);
      assert.match(await bot.run('@wally /progress'), /Attended as a learner \(1\)/);
    } finally {
      await bot.close();
    }
  }));

test('the workshop day in German: check-in, the group by DM, and a call for help', (t) =>
  eachDatabase(t, async (database) => {
    const bot = await consoleBot(database, {}, { locale: 'de' });
    try {
      await bot.run(...SETUP, '@l1 /workshop join id:1 level:new');
      bot.clock.set(new Date('2027-01-12T08:30:00Z'));
      const code = (await bot.app.services.workshopDay.code(1)).code;
      assert.match(await bot.run('@l1 /workshop checkin id:1 code:AAAAA'), /Das ist nicht der Check-in-Code von Workshop #1/);
      assert.match(await bot.run(`@l1 /workshop checkin id:1 code:${code}`), /Du bist bei #1 Python day eingecheckt\. Willkommen!/);
      await bot.run(`@ada /workshop checkin id:1 code:${code}`);
      const made = await bot.run('@ada /workshop groups id:1 action:make');
      assert.match(made, /Gruppen aus den Eingecheckten gebildet: 1\./);
      assert.match(made, /\[dm → l1\]\nDu bist in Gruppe 1 bei Coach @ada\./);
      const asked = await bot.run('@l1 /stuck note:"Schleife"');
      assert.match(asked, /Dein Coach @ada weiß Bescheid\. Du bist Nummer 1 in der Warteschlange\./);
      assert.match(asked, /\[dm → ada\]\n@l1 aus Gruppe 1 hängt fest/);
    } finally {
      await bot.close();
    }
  }));
