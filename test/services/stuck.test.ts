import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Member } from '../../entities/Member.js';
import { StuckRequest } from '../../entities/StuckRequest.js';
import { UserError } from '../../src/core/errors.js';
import type { Person } from '../../src/core/types.js';
import { consoleBot } from '../support/console-bot.js';
import { eachDatabase, freshDatabase, postgresUnavailable, type TestDatabase } from '../support/helpers.js';

// Workshop #1: Tuesday 12 January 2027, 10:00-13:00 in Berlin (09:00-12:00 UTC); check-in opens at 08:00 UTC.
const ENDS = new Date('2027-01-12T12:00:00Z');
const MINUTE = 60_000;
const person = (name: string): Person => ({ platform: 'console', workspace: 'console', id: name, name });

/** A rejection with this message key. */
const refused =
  (key: string) =>
  (err: unknown): boolean => {
    assert.ok(err instanceof UserError, String(err));
    assert.equal(err.key, key);
    return true;
  };

type Bot = Awaited<ReturnType<typeof consoleBot>>;

/**
 * Workshop #1 at 08:30 UTC (check-in open) with four claimed coaches: ada (speaks German) and bob
 * (English) checked in before the groups were made, cy checked in after (free, in no group), dee
 * not checked in. German-speaking learners end up with ada, English-speaking ones with bob.
 */
async function dayOf(bot: Bot, learners: { de: string[]; en: string[] }) {
  await bot.run(
    '@mona /chapter create name:Berlin timezone:Europe/Berlin',
    '@mona /workshop create chapter:Berlin title:"Python day" topic:Python date:2027-01-12 time:10:00 learners:8 coaches:4',
    '@ada /coach volunteer topics:Python languages:de',
    ...['bob', 'cy', 'dee'].map((c) => `@${c} /coach volunteer topics:Python languages:en`),
    ...['ada', 'bob', 'cy', 'dee'].map((c) => `@${c} /workshop claim 1`),
    ...learners.de.map((l) => `@${l} /workshop join id:1 language:de`),
    ...learners.en.map((l) => `@${l} /workshop join id:1 language:en`),
  );
  const { code } = await bot.app.services.workshopDay.code(1);
  bot.clock.set(new Date('2027-01-12T08:30:00Z'));
  // Groups are balanced first: made from two German and one English speaker, the rest join late,
  // each placed with the coach who speaks their language.
  const [early, late] = [
    [...learners.de.slice(0, 2), ...learners.en.slice(0, 1)],
    [...learners.de.slice(2), ...learners.en.slice(1)],
  ];
  for (const m of ['ada', 'bob', ...early]) await bot.app.services.workshopDay.checkIn(person(m), 1, code);
  await bot.app.services.workshopDay.make(1);
  for (const m of late) await bot.app.services.workshopDay.checkIn(person(m), 1, code);
  await bot.app.services.workshopDay.checkIn(person('cy'), 1, code);
  const groups = await bot.app.services.workshopDay.groups(1);
  const of = (coach: string) =>
    groups
      .find((g) => g.coach.userId === coach)
      ?.learners.map((l) => l.member.userId)
      .sort();
  assert.deepEqual(
    [of('ada'), of('bob')],
    [learners.de, learners.en].map((l) => [...l].sort()),
  );
  bot.printed();
  return { code };
}

/** A bot on the database with the workshop day above; `stuck` is the real queue of the real app. */
async function stuckBot(database: TestDatabase, learners = { de: ['l1', 'l2', 'l3'], en: ['l4'] }, env: Record<string, string> = {}) {
  const bot = await consoleBot(database, env);
  try {
    await dayOf(bot, learners);
  } catch (err) {
    await bot.close();
    throw err;
  }
  const memberId = async (name: string) => (await bot.app.db.getRepository(Member).findOneByOrFail({ userId: name })).id;
  return { bot, stuck: bot.app.services.stuck, requests: bot.app.db.getRepository(StuckRequest), memberId };
}

test('the queue: positions in arrival order, next takes the oldest, one open request per learner even when pressed twice at once', (t) =>
  eachDatabase(t, async (database) => {
    const { bot, stuck, requests, memberId } = await stuckBot(database);
    try {
      // Three learners of ada's group: numbers 1, 2, 3, each told to ada alone.
      assert.match(await bot.run('@l1 /stuck note:"loops"'), /Your coach @ada is told\. You are number 1 in their queue/);
      bot.clock.advance(MINUTE);
      const second = await bot.run('@l2 /stuck');
      assert.match(second, /You are number 2 in their queue/);
      assert.match(second, /\[dm → ada\]\n@l2 in group \d is stuck[^]*Number 2 in your queue/);
      assert.doesNotMatch(second, /\[dm → (bob|cy|dee)\]/);
      // l3 presses three times at once (double clicks, two processes): one request, one place in the
      // queue. Withdrawn and pressed again, five times over, for the race to have its chances.
      const l3 = await memberId('l3');
      for (let round = 0; round < 5; round++) {
        if (round) await stuck.cancel(person('l3'), 1);
        const presses = await Promise.all(['a', 'b', 'c'].map((note) => stuck.ask(person('l3'), undefined, note)));
        assert.deepEqual(
          presses.map((r) => r.position),
          [3, 3, 3],
        );
        assert.deepEqual(presses.map((r) => r.updated).sort(), [false, true, true], 'one made it, the others changed its note');
        assert.equal(new Set(presses.map((r) => r.request.id)).size, 1);
        assert.equal(await requests.countBy({ learnerId: l3, open: true }), 1);
        assert.equal(await requests.countBy({ learnerId: l3 }), round + 1);
      }
      const open = () => requests.countBy({ open: true });
      assert.equal(await open(), 3);

      // Pressing again changes the note: still one row, same place.
      assert.match(await bot.run('@l1 /stuck note:"endless loops"'), /Your note is updated\. You are number 1 in @ada’s queue/);
      assert.equal(await open(), 3);
      const l1 = await requests.findOneByOrFail({ learnerId: await memberId('l1') });
      assert.equal(l1.note, 'endless loops');

      // Another coach's `next` finds nobody waiting for them (nothing escalated yet); ada's takes the oldest.
      assert.match(await bot.run('@bob /stuck next id:1'), /Nobody is waiting for you at workshop #1/);
      const taken = await bot.run('@ada /stuck next id:1');
      assert.match(taken, /On your way to @l1[^]*Their note: endless loops/);
      assert.match(taken, /\[dm → l1\]\nYour coach @ada is on the way/);
      assert.equal((await requests.findOneByOrFail({ id: l1.id })).state, 'coming');
      // The others moved up; l1, pressing again, is told ada is on the way.
      assert.match(await bot.run('@l2 /stuck'), /You are number 1 in @ada’s queue/);
      assert.match(await bot.run('@l3 /stuck'), /You are number 2 in @ada’s queue/);
      assert.match(await bot.run('@l1 /stuck'), /@ada is on the way already/);
      // bob's learner starts bob's own queue.
      assert.match(await bot.run('@l4 /stuck'), /Your coach @bob is told\. You are number 1 in their queue/);
      assert.match(await bot.run('@ada /stuck next id:1'), /On your way to @l2/);
      assert.equal(await open(), 4);
    } finally {
      await bot.close();
    }
  }));

test('escalation: after STUCK_ESCALATE_MINUTES, once, to the checked-in coaches who are free, not to the learner’s own', (t) =>
  eachDatabase(t, async (database) => {
    const { bot, stuck, requests, memberId } = await stuckBot(database);
    try {
      // bob is on his way to l4: busy.
      await bot.run('@l4 /stuck', '@bob /stuck next id:1');
      const asked = new Date('2027-01-12T08:31:00Z');
      bot.clock.set(asked);
      await bot.run('@l1 /stuck note:"imports"');
      bot.printed();

      bot.clock.set(new Date(asked.getTime() + 5 * MINUTE));
      assert.equal(await stuck.escalate(), 0, 'not before the five minutes have passed');
      assert.equal(bot.printed(), '');
      const request = await requests.findOneByOrFail({ learnerId: await memberId('l1') });
      assert.equal(request.escalatedAt, null);

      const due = new Date(asked.getTime() + 5 * MINUTE + 1);
      bot.clock.set(due);
      assert.equal(await stuck.escalate(), 1);
      const offered = bot.printed();
      assert.match(offered, /\[dm → cy\]\n@l1 in group \d has waited 5 minutes for their coach\. Can you help\?\nNote: imports/);
      // Not ada (it is in her queue already), not bob (on his way to l4), not dee (not checked in).
      assert.equal(offered.match(/\[dm → /g)?.length, 1, offered);
      assert.equal((await requests.findOneByOrFail({ id: request.id })).escalatedAt?.getTime(), due.getTime());

      // Offered once, however often the scheduler looks.
      bot.clock.set(new Date(asked.getTime() + 30 * MINUTE));
      assert.equal(await stuck.escalate(), 0);
      assert.equal(bot.printed(), '');

      // Now anyone holding a coach slot may take it, and the learner hears who comes.
      const taken = await bot.run(`@cy /stuck take request:${request.id}`);
      assert.match(taken, /On your way to @l1/);
      assert.match(taken, /\[dm → l1\]\nYour coach @cy is on the way/);
      const row = await requests.findOneByOrFail({ id: request.id });
      assert.deepEqual([row.state, row.coachId], ['coming', await memberId('cy')]);
      assert.match(await bot.run(`@ada /stuck take request:${request.id}`), new RegExp(`Another coach took request ${request.id} already`));
      // A second request of ada's group, escalated, finds no one free: ada is its coach, bob and cy are busy.
      await bot.run('@l2 /stuck');
      bot.clock.set(new Date(asked.getTime() + 40 * MINUTE));
      bot.printed();
      assert.equal(await stuck.escalate(), 1);
      assert.doesNotMatch(bot.printed(), /\[dm → /);
    } finally {
      await bot.close();
    }
  }));

/** Both take at once; returns the winner's name after checking that exactly one won and the other was told `stuck.taken`. */
async function race(
  requests: { findOneByOrFail: (w: { id: number }) => Promise<StuckRequest> },
  id: number,
  takers: [string, () => Promise<unknown>][],
  memberId: (name: string) => Promise<number>,
) {
  const results = await Promise.allSettled(takers.map(([, take]) => take()));
  const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [takers[i]![0]] : []));
  assert.equal(won.length, 1, `exactly one taker of request ${id}: ${JSON.stringify(results.map((r) => r.status))}`);
  for (const r of results) if (r.status === 'rejected') refused('stuck.taken')(r.reason);
  const row = await requests.findOneByOrFail({ id });
  assert.deepEqual([row.state, row.coachId], ['coming', await memberId(won[0]!)]);
  return won[0]!;
}

test('exactly one taker: two coaches take the same escalated request at once', (t) =>
  eachDatabase(t, async (database) => {
    const { bot, stuck, requests, memberId } = await stuckBot(database);
    try {
      for (let round = 0; round < 10; round++) {
        const { request } = await stuck.ask(person('l1'), undefined, `round ${round}`);
        bot.clock.advance(6 * MINUTE);
        assert.equal(await stuck.escalate(), 1);
        // ada's own queue and cy's offer, pressed at the same moment (the order of the calls alternates).
        const takers: [string, () => Promise<unknown>][] = [
          ['ada', () => stuck.take(person('ada'), request.id)],
          ['cy', () => stuck.take(person('cy'), request.id)],
        ];
        const winner = await race(requests, request.id, round % 2 ? takers : [takers[1]!, takers[0]!], memberId);
        await stuck.done(person(winner), request.id);
      }
      assert.equal(await requests.countBy({ state: 'done' }), 10);
    } finally {
      await bot.close();
    }
  }));

// PostgreSQL only: SQLite is one process's file, and its transactions are queued in the process.
test('exactly one taker across two processes: two apps on one PostgreSQL database race for 20 escalated requests', async (t) => {
  const reason = await postgresUnavailable();
  if (reason) return t.skip(reason);
  const database = await freshDatabase('postgres');
  try {
    const { bot: a, requests, memberId } = await stuckBot(database);
    // A second app on the same database: its own connection pool, its own services, as another process would have.
    const b = await consoleBot(database);
    try {
      b.clock.set(a.clock.now());
      const tally = { ada: 0, cy: 0 };
      for (let round = 0; round < 20; round++) {
        const { request } = await a.app.services.stuck.ask(person('l1'), undefined, `round ${round}`);
        for (const bot of [a, b]) bot.clock.advance(6 * MINUTE);
        assert.equal(await (round % 2 ? a : b).app.services.stuck.escalate(), 1);
        // ada presses on one process, cy on the other; which is which alternates.
        const [onA, onB] = round % 2 ? ['ada', 'cy'] : ['cy', 'ada'];
        const winner = await race(
          requests,
          request.id,
          [
            [onA, () => a.app.services.stuck.take(person(onA), request.id)],
            [onB, () => b.app.services.stuck.take(person(onB), request.id)],
          ],
          memberId,
        );
        tally[winner as 'ada' | 'cy']++;
        await (winner === onA ? a : b).app.services.stuck.done(person(winner), request.id);
      }
      assert.equal(tally.ada + tally.cy, 20);
      assert.equal(await requests.countBy({ state: 'done' }), 20);
      assert.equal(await requests.countBy({ state: 'coming' }), 0);
    } finally {
      await b.close();
      await a.close();
    }
  } finally {
    await database.drop();
  }
});

test('the end of the workshop closes its requests and erases who and what, keeping the times', (t) =>
  eachDatabase(t, async (database) => {
    const { bot, stuck, requests } = await stuckBot(database);
    try {
      await bot.run('@l1 /stuck note:"done one"', '@ada /stuck next id:1');
      bot.clock.advance(2 * MINUTE);
      await bot.run('@ada /stuck done request:1');
      await bot.run('@l2 /stuck note:"withdrawn"', '@l2 /stuck cancel');
      await bot.run('@l3 /stuck note:"still waiting"');
      bot.clock.advance(3 * MINUTE);
      await bot.run('@l4 /stuck note:"coming"', '@bob /stuck next id:1');
      const before = await requests.find({ order: { id: 'ASC' } });
      assert.deepEqual(
        before.map((r) => r.state),
        ['done', 'cancelled', 'waiting', 'coming'],
      );

      bot.clock.set(new Date(ENDS.getTime() - 1));
      assert.equal(await stuck.closeEnded(), 0, 'not before the end');
      assert.deepEqual(await requests.find({ order: { id: 'ASC' } }), before);

      bot.clock.set(ENDS);
      assert.equal(await stuck.closeEnded(), 2, 'the waiting and the coming one close');
      const after = await requests.find({ order: { id: 'ASC' } });
      assert.deepEqual(
        after.map((r) => [r.state, r.open, r.learnerId, r.coachId, r.note]),
        [
          ['done', null, null, null, null],
          ['cancelled', null, null, null, null],
          ['closed', null, null, null, null],
          ['closed', null, null, null, null],
        ],
      );
      const times = (rows: StuckRequest[]) => rows.map((r) => [r.createdAt.getTime(), r.takenAt?.getTime() ?? null]);
      assert.deepEqual(times(after), times(before), 'the times stay');
      assert.deepEqual(
        after.map((r) => r.closedAt?.getTime()),
        [before[0]!.closedAt!.getTime(), before[1]!.closedAt!.getTime(), ENDS.getTime(), ENDS.getTime()],
      );
      assert.equal(await stuck.closeEnded(), 0, 'nothing left to close or erase');
      assert.deepEqual((await stuck.figures(1)).requests, 4);
      assert.match(await bot.run('@l3 /stuck'), /No workshop of yours is under way/);
    } finally {
      await bot.close();
    }
  }));

test('a cancelled workshop’s requests close at once, though its time has not come', (t) =>
  eachDatabase(t, async (database) => {
    const { bot, stuck, requests } = await stuckBot(database);
    try {
      await bot.run('@l1 /stuck note:"help"');
      assert.match(await bot.run('@mona /workshop cancel id:1 reason:"power cut"'), /cancelled/i);
      assert.equal(await stuck.closeEnded(), 1);
      const [row] = await requests.find();
      assert.deepEqual([row!.state, row!.learnerId, row!.coachId, row!.note], ['closed', null, null, null]);
    } finally {
      await bot.close();
    }
  }));

test('figures: the number of requests and the median and 90th percentile waits to “On my way”, by nearest rank', (t) =>
  eachDatabase(t, async (database) => {
    const { bot, stuck } = await stuckBot(database);
    try {
      assert.deepEqual(await stuck.figures(1), { requests: 0, medianWaitMs: null, p90WaitMs: null });
      const waits = [7, 1, 3, 10, 2, 9, 4, 8, 6, 5];
      for (const [n, minutes] of waits.entries()) {
        await stuck.ask(person('l1'), 1, undefined);
        bot.clock.advance(minutes * MINUTE);
        const taken = await stuck.next(person('ada'), 1);
        assert.ok(taken);
        bot.clock.advance(MINUTE);
        await stuck.done(person('ada'), taken.request.id);
        // Three waits, 7, 1 and 3 minutes: the median is the 2nd of three, the 90th percentile the 3rd.
        if (n === 2) assert.deepEqual(await stuck.figures(1), { requests: 3, medianWaitMs: 3 * MINUTE, p90WaitMs: 7 * MINUTE });
      }
      // A withdrawn request counts as a request but has no wait.
      await stuck.ask(person('l2'), 1, undefined);
      bot.clock.advance(MINUTE);
      await stuck.cancel(person('l2'), 1);
      // Ten waits of 1..10 minutes: nearest rank puts the median at the 5th (5 minutes), the 90th percentile at the 9th.
      assert.deepEqual(await stuck.figures(1), { requests: 11, medianWaitMs: 5 * MINUTE, p90WaitMs: 9 * MINUTE });
      bot.clock.set(ENDS);
      await stuck.closeEnded();
      assert.deepEqual(await stuck.figures(1), { requests: 11, medianWaitMs: 5 * MINUTE, p90WaitMs: 9 * MINUTE }, 'kept after the end');
    } finally {
      await bot.close();
    }
  }));

test('only the workshop’s coaches take and close requests, and only their own until one is offered to all', (t) =>
  eachDatabase(t, async (database) => {
    const { bot, stuck, requests, memberId } = await stuckBot(database);
    try {
      const { request } = await stuck.ask(person('l1'), undefined, 'help');
      for (const who of ['l2', 'l4']) {
        await assert.rejects(stuck.take(person(who), request.id), refused('stuck.not_found'), `${who} take`);
        await assert.rejects(stuck.done(person(who), request.id), refused('stuck.not_found'), `${who} done`);
        await assert.rejects(stuck.next(person(who), 1), refused('stuck.not_coach'), `${who} next`);
      }
      await assert.rejects(stuck.take(person('stranger'), request.id), UserError);
      await assert.rejects(stuck.done(person('stranger'), request.id), UserError);
      assert.match(await bot.run(`@l2 /stuck take request:${request.id}`), /There is no request \d+ for a workshop you coach/);
      // Another coach of the workshop: not theirs to take or close before it is offered to all.
      await assert.rejects(stuck.take(person('bob'), request.id), refused('stuck.not_yours'));
      await assert.rejects(stuck.done(person('bob'), request.id), refused('stuck.not_yours'));
      assert.match(await bot.run(`@cy /stuck done request:${request.id}`), /waiting for another coach/);
      await assert.rejects(stuck.take(person('ada'), 999), refused('stuck.not_found'));
      const row = await requests.findOneByOrFail({ id: request.id });
      assert.deepEqual([row.state, row.coachId, row.takenAt, row.open], ['waiting', await memberId('ada'), null, true]);
      // A coach of another workshop is no coach of this one.
      await bot.run(
        '@mona /workshop create chapter:Berlin title:"Later" topic:Python date:2027-02-12 time:10:00 learners:8',
        '@eve /coach volunteer topics:Python',
        '@eve /workshop claim 2',
      );
      await assert.rejects(stuck.take(person('eve'), request.id), refused('stuck.not_found'));
      await assert.rejects(stuck.next(person('eve'), 1), refused('stuck.not_coach'));
      // ada's own: done without "On my way" first closes it too.
      assert.match(await bot.run(`@ada /stuck done request:${request.id}`), /is done/);
      await assert.rejects(stuck.take(person('ada'), request.id), refused('stuck.closed'));
    } finally {
      await bot.close();
    }
  }));

test('a learner withdraws their call: the coach is told, and an offer of it can no longer be taken', (t) =>
  eachDatabase(t, async (database) => {
    const { bot, stuck, requests } = await stuckBot(database);
    try {
      await bot.run('@l1 /stuck note:"help"');
      const withdrawn = await bot.run('@l1 /stuck cancel');
      assert.match(withdrawn, /\[ephemeral → l1\]\nYour call for help is withdrawn; your coach is told/);
      assert.match(withdrawn, /\[dm → ada\]\n@l1 does not need help any more\./);
      assert.doesNotMatch(withdrawn, /\[dm → (bob|cy|dee)\]/);
      assert.match(await bot.run('@l1 /stuck cancel'), /You have no open call for help/);
      await assert.rejects(stuck.take(person('ada'), 1), refused('stuck.closed'));

      // Pressing again is a new request, at the back of the queue; withdrawn after it was offered to all
      // and a coach is on the way, that coach is told, and the others' offer is void.
      await bot.run('@l2 /stuck');
      const { request } = await stuck.ask(person('l1'), undefined, 'again');
      assert.equal(request.id, 3);
      bot.clock.advance(6 * MINUTE);
      assert.equal(await stuck.escalate(), 2);
      await bot.run(`@bob /stuck take request:${request.id}`);
      const again = await bot.run('@l1 /stuck cancel');
      assert.match(again, /\[dm → bob\]\n@l1 does not need help any more\./);
      assert.doesNotMatch(again, /\[dm → ada\]/);
      await assert.rejects(stuck.take(person('cy'), request.id), refused('stuck.closed'));
      assert.deepEqual(
        (await requests.find({ order: { id: 'ASC' } })).map((r) => r.state),
        ['cancelled', 'waiting', 'cancelled'],
      );
    } finally {
      await bot.close();
    }
  }));
