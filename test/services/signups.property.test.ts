import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Member } from '../../entities/Member.js';
import { Workshop } from '../../entities/Workshop.js';
import { WorkshopSignup } from '../../entities/WorkshopSignup.js';
import { ManualClock } from '../../src/core/clock.js';
import { UserError } from '../../src/core/errors.js';
import type { Services } from '../../src/services/index.js';
import { eachDatabase, servicesOn } from '../support/helpers.js';

// Claims and joins work out `settle` from the signups read under the workshop's lock (signups.ts
// `planSettle`); releases, leaves and edits settle step by step. Whatever the order, after every
// change the counters equal the rows, no limit is passed, nobody who could move up is left waiting,
// and a waiting newcomer is told their true place.

const NOW = new Date('2027-01-10T12:00:00Z');
const who = (name: string) => ({ platform: 'console', workspace: 'console', id: name, name });

type Op =
  | { kind: 'join'; who: number }
  | { kind: 'leave'; who: number }
  | { kind: 'claim'; who: number }
  | { kind: 'release'; who: number }
  | { kind: 'edit'; learners: number; coaches: number }
  | { kind: 'hold'; who: number; ended: boolean };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('join' as const), who: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('claim' as const), who: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('leave' as const), who: fc.integer({ min: 0, max: 7 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), who: fc.integer({ min: 0, max: 3 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('edit' as const),
      learners: fc.integer({ min: 1, max: 6 }),
      coaches: fc.integer({ min: 1, max: 3 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('hold' as const), who: fc.integer({ min: 0, max: 7 }), ended: fc.boolean() }),
  },
);

async function check(services: Services, id: number, settled: boolean, note: string): Promise<void> {
  const m = services.store.manager;
  const w = await m.findOneByOrFail(Workshop, { id });
  const rows = await m.find(WorkshopSignup, { where: { workshopId: id }, order: { id: 'ASC' } });
  const held = (role: string) => rows.filter((r) => r.role === role && (r.state === 'confirmed' || r.state === 'offered')).length;
  assert.equal(w.coachesClaimed, held('coach'), `${note}: coach counter equals the rows`);
  assert.equal(w.learnersConfirmed, held('learner'), `${note}: learner counter equals the rows`);
  assert.ok(w.coachesClaimed <= w.coachSlots, `${note}: coach slots`);
  assert.ok(w.learnersConfirmed <= w.learnerCapacity, `${note}: learner capacity`);
  if (w.strictRatio) assert.ok(w.learnersConfirmed <= w.coachesClaimed * w.learnersPerCoach, `${note}: the ratio`);
  if (!settled) return;
  const waiting = (role: string) => rows.filter((r) => r.role === role && r.state === 'waiting');
  if (w.coachesClaimed < w.coachSlots) assert.equal(waiting('coach').length, 0, `${note}: a coach waits beside a free slot`);
  const room = w.learnersConfirmed < w.learnerCapacity && (!w.strictRatio || w.learnersConfirmed < w.coachesClaimed * w.learnersPerCoach);
  const eligible = waiting('learner').filter((r) => !r.heldUntil || r.heldUntil.getTime() <= NOW.getTime());
  if (room) assert.equal(eligible.length, 0, `${note}: a learner who may move up waits beside a free seat`);
}

test('claims and joins keep the counters, the limits and the line, mixed with releases, leaves, edits and cool-downs', (t) =>
  eachDatabase(t, async ({ target, kind }) => {
    const clock = new ManualClock(NOW);
    const { db, services } = await servicesOn(target, clock);
    try {
      const { chapter } = await services.chapters.create({ name: 'Berlin', timeZone: 'Europe/Berlin' });
      await services.chapters.setLearnersPerCoach('Berlin', 2);
      for (let i = 0; i < 4; i++) await services.coaches.volunteer(who(`c${i}`), { topics: 'Python' });
      let run = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.record({ learners: fc.integer({ min: 1, max: 6 }), coaches: fc.integer({ min: 1, max: 3 }), strict: fc.boolean() }),
          fc.array(op, { minLength: 1, maxLength: 25 }),
          async (shape, ops) => {
            run += 1;
            const w = await services.workshops.create(
              { ...chapter, learnersPerCoach: 2 },
              {
                title: `Run ${run}`,
                topic: 'Python',
                date: { year: 2027, month: 2, day: 20 },
                time: { hour: 10, minute: 0 },
                learners: shape.learners,
                coaches: shape.coaches,
                strictRatio: shape.strict,
              },
            );
            // After a cool-down changed by hand, the workshop is in line again only once a change settles it.
            let dirty = false;
            for (const [i, o] of ops.entries()) {
              const note = `step ${i} ${JSON.stringify(o)}`;
              try {
                if (o.kind === 'join' || o.kind === 'claim') {
                  const person = who(o.kind === 'join' ? `l${o.who}` : `c${o.who}`);
                  const r = o.kind === 'join' ? await services.workshops.join(person, w.id) : await services.workshops.claim(person, w.id);
                  const rows = await services.store.manager.find(WorkshopSignup, {
                    where: { workshopId: w.id },
                    relations: { member: true },
                    order: { id: 'ASC' },
                  });
                  const mine = rows.find((x) => x.member!.userId === person.id)!;
                  assert.equal(mine.state, r.state, `${note}: the answer tells the stored state`);
                  if (r.state === 'waiting') {
                    const ahead = rows.filter((x) => x.role === mine.role && x.state === 'waiting' && x.id < mine.id).length;
                    assert.equal(r.position, ahead + 1, `${note}: the place told`);
                  }
                  const counters = await services.store.manager.findOneByOrFail(Workshop, { id: w.id });
                  assert.equal(r.workshop.coachesClaimed, counters.coachesClaimed, `${note}: the workshop answered is as stored`);
                  assert.equal(r.workshop.learnersConfirmed, counters.learnersConfirmed, `${note}: the workshop answered is as stored`);
                  dirty = false;
                } else if (o.kind === 'leave') {
                  await services.workshops.leave(who(`l${o.who}`), w.id);
                  dirty = false;
                } else if (o.kind === 'release') {
                  await services.workshops.release(who(`c${o.who}`), w.id);
                  dirty = false;
                } else if (o.kind === 'edit') {
                  const { changed } = await services.workshops.edit(w.id, { learners: o.learners, coaches: o.coaches });
                  if (changed.length) dirty = false;
                } else {
                  // A no-show cool-down put on a waiting learner, or one that ended (the next change lets them move up).
                  dirty = true;
                  const ended = o.ended;
                  const member = await services.store.manager.findOneBy(Member, { userId: `l${o.who}` });
                  if (member)
                    await services.store.transaction((em) =>
                      em.update(
                        WorkshopSignup,
                        { workshopId: w.id, memberId: member.id, state: 'waiting' },
                        { heldUntil: new Date(NOW.getTime() + (ended ? -1 : 1) * 86_400_000) },
                      ),
                    );
                }
              } catch (err) {
                if (!(err instanceof UserError)) throw err;
              }
              await check(services, w.id, !dirty, note);
            }
          },
        ),
        { numRuns: kind === 'sqlite' ? 150 : 25, seed: 23 },
      );
    } finally {
      await db.destroy();
    }
  }));
