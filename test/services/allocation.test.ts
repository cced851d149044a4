import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Attendance } from '../../entities/Attendance.js';
import { Chapter } from '../../entities/Chapter.js';
import { Member } from '../../entities/Member.js';
import { Workshop } from '../../entities/Workshop.js';
import { WorkshopSignup } from '../../entities/WorkshopSignup.js';
import { UserError } from '../../src/core/errors.js';
import type { Person } from '../../src/core/types.js';
import { drawOrder, seedHash } from '../../src/services/workshops/lottery.js';
import { consoleBot } from '../support/console-bot.js';
import { eachDatabase, freshDatabase, postgresUnavailable } from '../support/helpers.js';

// The bot's clock starts on Sunday 10 January 2027, 12:00 UTC; workshop #1 is on Wednesday 20 January, 10:00 in Berlin (09:00 UTC).
const HOUR = 60 * 60_000;
const START = new Date('2027-01-20T09:00:00Z');
const person = (name: string): Person => ({ platform: 'console', workspace: 'console', id: name, name });
type Bot = Awaited<ReturnType<typeof consoleBot>>;

const refused =
  (key: string) =>
  (err: unknown): boolean => {
    assert.ok(err instanceof UserError, String(err));
    assert.equal(err.key, key);
    return true;
  };

/** The learners' signups by state, checked against the counter: confirmed and offered seats are held. */
async function learners(bot: Bot, id = 1) {
  const w = await bot.app.db.getRepository(Workshop).findOneByOrFail({ id });
  const rows = await bot.app.db
    .getRepository(WorkshopSignup)
    .find({ where: { workshopId: id, role: 'learner' }, relations: { member: true }, order: { id: 'ASC' } });
  const of = (s: string) => rows.filter((r) => r.state === s).map((r) => r.member!.userId);
  const out = { confirmed: of('confirmed'), offered: of('offered'), waiting: of('waiting'), pool: of('pool') };
  assert.equal(w.learnersConfirmed, out.confirmed.length + out.offered.length, 'the counter equals the rows holding a seat');
  assert.ok(w.learnersConfirmed <= w.learnerCapacity, 'never more seats held than there are');
  return out;
}

/** Chapter Berlin and workshop #1 with `seats` learner seats (no ratio, so only the seats count). */
async function workshop(bot: Bot, seats: number, extra = '') {
  await bot.run(
    '@mona /chapter create name:Berlin timezone:Europe/Berlin',
    `@mona /workshop create chapter:Berlin title:"Python day" topic:Python date:2027-01-20 time:10:00 learners:${seats} strict-ratio:false ${extra}`,
  );
}

test('the lottery on the console: a pool before the draw, a committed hash, seats by the recomputable order, DMs, later joins at the end', (t) =>
  eachDatabase(t, async (database) => {
    const bot = await consoleBot(database);
    try {
      await workshop(bot, 3, 'allocation:lottery');
      const w = await bot.app.db.getRepository(Workshop).findOneByOrFail({ id: 1 });
      assert.equal(w.allocation, 'lottery');
      assert.equal(w.drawAt?.toISOString(), '2027-01-11T12:00:00.000Z', 'a day after sign-ups opened');
      assert.equal(w.lotterySeedHash, seedHash(w.lotterySeed!));
      const shown = await bot.run('@l9 /workshop show id:1');
      assert.ok(shown.includes(w.lotterySeedHash!), 'show publishes the hash');
      assert.ok(!shown.includes(w.lotterySeed!), 'but not the seed');

      const names = ['l1', 'l2', 'l3', 'l4', 'l5'];
      for (const n of names) assert.match(await bot.run(`@${n} /workshop join id:1`), /You are in the lottery for workshop #1/);
      assert.deepEqual(await learners(bot), { confirmed: [], offered: [], waiting: [], pool: names });
      assert.match(await bot.run('@l2 /workshop show id:1'), /You are in the lottery pool/);
      const before = await bot.run('@l9 /workshop draw id:1');
      assert.match(before, /In the pool now: 5\./);
      assert.ok(!before.includes(w.lotterySeed!), 'the seed stays secret until the draw');
      // A learner may leave the pool.
      await bot.run('@l5 /workshop leave id:1', '@l5 /workshop join id:1');

      bot.clock.set(new Date('2027-01-11T12:00:00Z'));
      bot.printed();
      assert.equal(await bot.app.services.workshops.lottery.drawDue(), 1);
      assert.equal(await bot.app.services.workshops.lottery.drawDue(), 0, 'drawn once');
      const dms = bot.printed();

      // Anyone recomputes the order from the revealed seed and the pool's size, and it is the one applied.
      const drawn = await bot.run('@l9 /workshop draw id:1');
      const seed = /Seed: ([0-9a-f]{64})/.exec(drawn)?.[1];
      assert.equal(seed, w.lotterySeed);
      assert.equal(seedHash(seed!), w.lotterySeedHash);
      const order = drawOrder(seed!, 5);
      assert.ok(drawn.includes(order.join(', ')), 'the published order is the recomputed one');
      assert.match(drawn, /among 5 in the pool/);
      assert.doesNotMatch(drawn, /l[1-5]/, 'no names');
      const joined = ['l1', 'l2', 'l3', 'l4', 'l5']; // l5 joined the pool again last: sign-up number 5
      const byDraw = order.map((k) => joined[k - 1]!);
      assert.deepEqual(await learners(bot), { confirmed: byDraw.slice(0, 3), offered: [], waiting: byDraw.slice(3), pool: [] });
      for (const n of byDraw.slice(0, 3))
        assert.match(dms, new RegExp(`\\[dm → ${n}\\]\\nThe lottery for workshop #1 \\(Python day\\) is drawn: you have a seat!`));
      assert.match(dms, new RegExp(`\\[dm → ${byDraw[3]}\\]\\n[^\\n]*did not get a seat this time\\. You are number 1 on the waitlist`));
      assert.match(dms, new RegExp(`\\[dm → ${byDraw[4]}\\]\\n[^\\n]*You are number 2 on the waitlist`));
      assert.match(await bot.run(`@${byDraw[4]} /workshop show id:1`), /You are number 2 on the waitlist/);

      // After the draw: the end of the waitlist; the draw can no longer be changed.
      assert.match(await bot.run('@l6 /workshop join id:1'), /You are number 3 on the waitlist/);
      assert.match(await bot.run('@mona /workshop edit id:1 allocation:first-come'), /has been drawn/);
    } finally {
      await bot.close();
    }
  }));

test('tiers: with lottery-first-timers, members who never attended are drawn first; the published order shows no tiers', (t) =>
  eachDatabase(t, async (database) => {
    const bot = await consoleBot(database);
    try {
      await bot.run(
        '@mona /chapter create name:Berlin timezone:Europe/Berlin',
        '@mona /chapter set name:Berlin allocation:lottery lottery-first-timers:true',
      );
      const chapter = await bot.app.db.getRepository(Chapter).findOneByOrFail({ name: 'Berlin' });
      assert.deepEqual([chapter.allocation, chapter.lotteryFirstTimers], ['lottery', true]);
      // Workshop #1 in the past stands for earlier attendance: created, then its date passes.
      await bot.run(
        '@mona /workshop create chapter:Berlin title:"Python day" topic:Python date:2027-01-20 time:10:00 learners:2 strict-ratio:false',
      );
      const w = await bot.app.db.getRepository(Workshop).findOneByOrFail({ id: 1 });
      assert.equal(w.allocation, 'lottery', 'the chapter’s default');
      const names = ['v1', 'v2', 'n1', 'v3', 'n2'];
      for (const n of names) await bot.run(`@${n} /workshop join id:1`);
      // v1-v3 were at a workshop before (another one, recorded present).
      const other = await bot.app.services.workshops.create(chapter, {
        title: 'Earlier',
        topic: 'Python',
        date: { year: 2027, month: 1, day: 11 },
        time: { hour: 10, minute: 0 },
        learners: 5,
      });
      for (const n of ['v1', 'v2', 'v3']) {
        const m = await bot.app.db.getRepository(Member).findOneByOrFail({ userId: n });
        await bot.app.db
          .getRepository(Attendance)
          .save({ workshopId: other.id, memberId: m.id, role: 'learner', present: true, source: 'correction', recordedAt: new Date() });
      }
      bot.clock.set(new Date('2027-01-11T12:00:00Z'));
      assert.equal(await bot.app.services.workshops.lottery.drawDue(), 1);
      const { confirmed, waiting } = await learners(bot);
      assert.deepEqual([...confirmed].sort(), ['n1', 'n2'], 'the two first-timers get the two seats');
      const drawn = await bot.run('@l9 /workshop draw id:1');
      const seed = /Seed: ([0-9a-f]{64})/.exec(drawn)![1]!;
      // Within each tier, the recomputed shuffle's order.
      const plain = drawOrder(seed, 5).map((k) => names[k - 1]!);
      assert.deepEqual(
        waiting,
        plain.filter((n) => n.startsWith('v')),
      );
      assert.doesNotMatch(drawn, /tier|first-timer/i);
    } finally {
      await bot.close();
    }
  }));

test('offers: a freed seat is offered, declined and expired offers pass on, accepting seats at once; short and direct near the start', (t) =>
  eachDatabase(t, async (database) => {
    const bot = await consoleBot(database);
    try {
      await workshop(bot, 2);
      for (const n of ['l1', 'l2', 'l3', 'l4', 'l5', 'l6']) await bot.run(`@${n} /workshop join id:1`);
      assert.deepEqual(await learners(bot), { confirmed: ['l1', 'l2'], offered: [], waiting: ['l3', 'l4', 'l5', 'l6'], pool: [] });

      // l1 leaves: l3 is offered the seat, held for 12 hours, with Accept and Decline.
      const left = await bot.run('@l1 /workshop leave id:1');
      assert.match(left, /\[dm → l3\]\nA seat at workshop #1 \(Python day\) has freed up/);
      assert.match(left, /held for you until Mon, 11 Jan 2027, 01:00 CET/);
      assert.match(left, /\[button: \/workshop offer id:1 answer:accept\]\n\[button: \/workshop offer id:1 answer:decline\]/);
      assert.deepEqual(await learners(bot), { confirmed: ['l2'], offered: ['l3'], waiting: ['l4', 'l5', 'l6'], pool: [] });
      assert.match(await bot.run('@l3 /workshop show id:1'), /A seat is offered to you until/);
      assert.match(await bot.run('@l5 /workshop show id:1'), /You are number 2 on the waitlist/);
      await assert.rejects(bot.app.services.workshops.offers.answer(person('l4'), 1, 'accept'), refused('offer.none'));

      // l3 declines: off the waitlist; l4 is offered the seat.
      const declined = await bot.run('@l3 /workshop offer id:1 answer:decline');
      assert.match(declined, /You declined the seat at workshop #1/);
      assert.match(declined, /\[dm → l4\]\nA seat at workshop #1/);
      assert.deepEqual(await learners(bot), { confirmed: ['l2'], offered: ['l4'], waiting: ['l5', 'l6'], pool: [] });

      // l4 lets it run out: not yet at 11:59 hours, then passed on to l5 by the scheduler step.
      bot.clock.advance(12 * HOUR - 60_000);
      assert.equal(await bot.app.services.workshops.offers.expireDue(), 0);
      bot.clock.advance(60_000);
      await assert.rejects(bot.app.services.workshops.offers.answer(person('l4'), 1, 'accept'), refused('offer.expired'));
      bot.printed();
      assert.equal(await bot.app.services.workshops.offers.expireDue(), 1);
      assert.equal(await bot.app.services.workshops.offers.expireDue(), 0, 'passed on once');
      const expired = bot.printed();
      assert.match(expired, /\[dm → l4\]\nThe seat offered to you at workshop #1 \(Python day\) was not accepted in time/);
      assert.match(expired, /\[dm → l5\]\nA seat at workshop #1/);
      assert.deepEqual(await learners(bot), { confirmed: ['l2'], offered: ['l5'], waiting: ['l6'], pool: [] });

      // l5 accepts: on the roster and on check-in at once.
      const accepted = await bot.run('@l5 /workshop offer id:1 answer:accept');
      assert.match(accepted, /Your seat at workshop #1 is confirmed/);
      assert.deepEqual(await learners(bot), { confirmed: ['l2', 'l5'], offered: [], waiting: ['l6'], pool: [] });
      assert.match(await bot.run('@mona /workshop roster id:1'), /Learners \(2\/2\)[^]*l5/);
      await assert.rejects(bot.app.services.workshops.offers.answer(person('l5'), 1, 'accept'), refused('offer.already_seated'));

      // Within a day of the start an offer waits an hour.
      bot.clock.set(new Date(START.getTime() - 20 * HOUR));
      const late = await bot.run('@l2 /workshop leave id:1');
      assert.match(late, /\[dm → l6\]\nA seat[^]*held for you until Tue, 19 Jan 2027, 15:00 CET/);
      assert.equal((await learners(bot)).offered[0], 'l6');
      // Within two hours of the start the seat goes directly, as before offers.
      await bot.run('@l7 /workshop join id:1', '@l8 /workshop join id:1');
      bot.clock.set(new Date(START.getTime() - 90 * 60_000));
      assert.equal(await bot.app.services.workshops.offers.expireDue(), 1, 'l6’s hour ran out');
      assert.deepEqual(await learners(bot), { confirmed: ['l5', 'l7'], offered: [], waiting: ['l8'], pool: [] });
      const direct = await bot.run('@l5 /workshop leave id:1');
      assert.match(direct, /\[dm → l8\]\nYour seat at workshop #1 is confirmed: you came up from the waitlist/);
      assert.deepEqual(await learners(bot), { confirmed: ['l7', 'l8'], offered: [], waiting: [], pool: [] });
    } finally {
      await bot.close();
    }
  }));

test('a seat on offer counts when the workshop shrinks, and a check-in takes it', (t) =>
  eachDatabase(t, async (database) => {
    const bot = await consoleBot(database);
    try {
      await workshop(bot, 2);
      for (const n of ['l1', 'l2', 'l3', 'l4']) await bot.run(`@${n} /workshop join id:1`);
      await bot.run('@l1 /workshop leave id:1');
      assert.deepEqual(await learners(bot), { confirmed: ['l2'], offered: ['l3'], waiting: ['l4'], pool: [] });
      // A smaller workshop takes back the seat on offer before a confirmed one; a bigger one gives new seats directly.
      await bot.run('@mona /workshop edit id:1 learners:1');
      assert.deepEqual(await learners(bot), { confirmed: ['l2'], offered: [], waiting: ['l3', 'l4'], pool: [] });
      await bot.run('@mona /workshop edit id:1 learners:2');
      assert.deepEqual(await learners(bot), { confirmed: ['l2', 'l3'], offered: [], waiting: ['l4'], pool: [] });
      await bot.run('@l2 /workshop leave id:1');
      assert.deepEqual(await learners(bot), { confirmed: ['l3'], offered: ['l4'], waiting: [], pool: [] });
      // On the day, checking in someone whose seat is on offer takes that seat (the counter holds it already).
      bot.clock.set(new Date(START.getTime() - 30 * 60_000));
      await bot.run('@mona /workshop checkin id:1 member:@l4');
      assert.deepEqual(await learners(bot), { confirmed: ['l3', 'l4'], offered: [], waiting: [], pool: [] });
    } finally {
      await bot.close();
    }
  }));

test('exactly once across two processes: the draw, and an offer passed on, with two apps on one PostgreSQL database', async (t) => {
  const reason = await postgresUnavailable();
  if (reason) return t.skip(reason);
  const database = await freshDatabase('postgres');
  try {
    const a = await consoleBot(database);
    const b = await consoleBot(database);
    try {
      await workshop(a, 3, 'allocation:lottery');
      for (let i = 1; i <= 8; i++) await a.run(`@l${i} /workshop join id:1`);
      for (const bot of [a, b]) bot.clock.set(new Date('2027-01-11T12:00:00Z'));
      a.printed();
      // Both processes' scheduler steps, at once, several times over.
      const drawn = await Promise.all([a, b, a, b].map((bot) => bot.app.services.workshops.lottery.drawDue()));
      assert.equal(
        drawn.reduce((x, y) => x + y),
        1,
        'one draw in all',
      );
      const after = await learners(a);
      assert.equal(after.confirmed.length, 3);
      assert.equal(after.waiting.length, 5);
      assert.equal(after.pool.length, 0);
      assert.equal(
        (a.printed().match(/The lottery for workshop #1/g) ?? []).length + (b.printed().match(/The lottery for workshop #1/g) ?? []).length,
        8,
        'one DM each',
      );

      // Offers: a seat freed, then its offer expires while both processes pass expired offers on.
      await a.run(`@${after.confirmed[0]} /workshop leave id:1`);
      const offered = (await learners(a)).offered;
      assert.deepEqual(offered, [after.waiting[0]]);
      for (const bot of [a, b]) bot.clock.advance(13 * HOUR);
      const passed = await Promise.all([a, b, a, b].map((bot) => bot.app.services.workshops.offers.expireDue()));
      assert.equal(
        passed.reduce((x, y) => x + y),
        1,
        'passed on once',
      );
      assert.deepEqual((await learners(a)).offered, [after.waiting[1]], 'offered to the next one only');
      // The next one presses Decline on both processes at once: one answer counts, one seat moves on.
      const next = after.waiting[1]!;
      const results = await Promise.allSettled([a, b].map((bot) => bot.app.services.workshops.offers.answer(person(next), 1, 'decline')));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      assert.ok(failed.reason instanceof UserError && failed.reason.key === 'offer.none');
      const end = await learners(a);
      assert.deepEqual(end.offered, [after.waiting[2]]);
      assert.deepEqual(end.waiting, after.waiting.slice(3));
    } finally {
      await b.close();
      await a.close();
    }
  } finally {
    await database.drop();
  }
});

test('editing the allocation before the draw: a lottery given up seats its pool in join order; a lottery taken up commits to a seed', (t) =>
  eachDatabase(t, async (database) => {
    const bot = await consoleBot(database);
    try {
      await workshop(bot, 2, 'allocation:lottery draw-hours:48');
      const w = await bot.app.db.getRepository(Workshop).findOneByOrFail({ id: 1 });
      assert.equal(w.drawAt?.toISOString(), '2027-01-12T12:00:00.000Z');
      for (const n of ['l1', 'l2', 'l3']) await bot.run(`@${n} /workshop join id:1`);
      const edited = await bot.run('@mona /workshop edit id:1 allocation:first-come');
      assert.match(edited, /how seats are given/);
      assert.deepEqual(await learners(bot), { confirmed: ['l1', 'l2'], offered: [], waiting: ['l3'], pool: [] });
      const after = await bot.app.db.getRepository(Workshop).findOneByOrFail({ id: 1 });
      assert.deepEqual([after.allocation, after.drawAt, after.lotterySeed, after.lotterySeedHash], ['first-come', null, null, null]);
      assert.match(await bot.run('@l9 /workshop draw id:1'), /has no lottery/);

      await bot.run('@mona /workshop edit id:1 allocation:lottery draw-hours:30');
      const again = await bot.app.db.getRepository(Workshop).findOneByOrFail({ id: 1 });
      assert.equal(again.lotterySeedHash, seedHash(again.lotterySeed!));
      assert.equal(again.drawAt?.toISOString(), '2027-01-11T18:00:00.000Z', '30 hours after sign-ups opened');
      assert.match(await bot.run('@l4 /workshop join id:1'), /You are in the lottery/);
      // Moving the start pulls the draw to an hour before it at the latest.
      await bot.run('@mona /workshop edit id:1 date:2027-01-11 time:12:00');
      const moved = await bot.app.db.getRepository(Workshop).findOneByOrFail({ id: 1 });
      assert.equal(moved.drawAt?.toISOString(), '2027-01-11T10:00:00.000Z');
    } finally {
      await bot.close();
    }
  }));
