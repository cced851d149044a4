import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  type Group,
  type GroupCoach,
  type GroupLearner,
  type Grouping,
  type GroupingInput,
  type LearnerLevel,
  makeGroups,
  placeLate,
} from '../../src/services/workshops/grouping.js';

const RUNS = 300;
const LEVELS: readonly (LearnerLevel | null)[] = ['new', 'some', 'comfortable', null];
// Wishes in mixed case and with blanks: codes compare case-insensitively, blank is no wish.
const WISHES = [null, null, 'de', 'en', 'fr', 'DE', ' En ', 'it', ''];
const SPOKEN = ['de', 'en', 'fr', 'EN', 'pl'];
const ABSENT_COACH = 999;

interface Shape {
  readonly maxLearners: number;
  readonly maxCoaches: number;
  readonly pins: boolean;
  readonly wishes: boolean;
}

function inputs({ maxLearners, maxCoaches, pins, wishes }: Shape): fc.Arbitrary<GroupingInput> {
  return fc
    .record({
      coachIds: fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: maxCoaches, size: 'max' }),
      learnerIds: fc.uniqueArray(fc.integer({ min: 1, max: 500 }), { maxLength: maxLearners, size: 'max' }),
      ratio: fc.integer({ min: 1, max: 6 }),
      mode: fc.constantFrom('mixed' as const, 'by-level' as const),
    })
    .chain(({ coachIds, learnerIds, ratio, mode }) => {
      const pin = pins
        ? fc.oneof({ arbitrary: fc.constant(null), weight: 3 }, { arbitrary: fc.constantFrom(...coachIds, ABSENT_COACH), weight: 1 })
        : fc.constant(null);
      return fc.record({
        coaches: fc.tuple(...coachIds.map((id) => fc.subarray(SPOKEN).map((languages): GroupCoach => ({ id, languages })))),
        learners: fc.tuple(
          ...learnerIds.map((id) =>
            fc.record({
              id: fc.constant(id),
              level: fc.constantFrom(...LEVELS),
              language: wishes ? fc.constantFrom(...WISHES) : fc.constant(null),
              pinnedCoach: pin,
            }),
          ),
        ),
        ratio: fc.constant(ratio),
        mode: fc.constant(mode),
      });
    });
}

const code = (l: string | null) => l?.trim().toLowerCase() || null;
const speaks = (coach: GroupCoach | undefined, wish: string) => !!coach && coach.languages.some((l) => code(l) === wish);
const rankOf = (l: GroupLearner) => LEVELS.indexOf(l.level);

/** The checks every result passes, whatever the input. */
function checkHardRules(input: GroupingInput, out: Grouping): void {
  const coachIds = new Set(input.coaches.map((c) => c.id));
  const learners = new Map(input.learners.map((l) => [l.id, l]));
  assert.equal(out.missingCoaches, Math.max(0, Math.ceil(input.learners.length / input.ratio) - input.coaches.length), 'missingCoaches');

  if (input.coaches.length === 0) {
    assert.deepEqual(out.groups, []);
    assert.deepEqual(
      [...out.unplaced].sort((a, b) => a - b),
      [...learners.keys()].sort((a, b) => a - b),
      'everyone unplaced',
    );
    return;
  }
  assert.deepEqual(out.unplaced, []);

  const seen = out.groups.flatMap((g) => g.learners);
  assert.deepEqual(
    [...seen].sort((a, b) => a - b),
    [...learners.keys()].sort((a, b) => a - b),
    'every learner exactly once',
  );
  assert.equal(new Set(out.groups.map((g) => g.coach)).size, out.groups.length, 'distinct coaches');
  out.groups.forEach((g, i) => {
    assert.equal(g.number, i + 1, 'numbered from 1');
    assert.ok(coachIds.has(g.coach), 'a present coach');
    assert.ok(g.learners.length > 0, 'no empty group');
    assert.deepEqual(
      g.learners,
      [...g.learners].sort((a, b) => a - b),
      'learners ascending',
    );
    if (i > 0) assert.ok(out.groups[i - 1]!.coach < g.coach, 'numbered in coach id order');
  });

  // Pins: kept when the coach is here, reported when not; nothing else reported as a pin.
  const groupOf = new Map(out.groups.flatMap((g) => g.learners.map((id) => [id, g] as const)));
  const pinnedCoaches = new Set<number>();
  let freeLearners = 0;
  for (const l of input.learners) {
    const pin = l.pinnedCoach ?? null;
    const reported = out.unmet.some((u) => u.learner === l.id && u.wish === 'pin' && u.reason === 'pinned_coach_absent');
    if (pin !== null && coachIds.has(pin)) {
      assert.equal(groupOf.get(l.id)!.coach, pin, `learner ${l.id} stays with the coach they were moved to`);
      pinnedCoaches.add(pin);
    } else freeLearners++;
    assert.equal(reported, pin !== null && !coachIds.has(pin), `pin of learner ${l.id} reported iff its coach is absent`);
  }
  // As many groups as can each have a learner (documented in makeGroups).
  assert.equal(out.groups.length, Math.min(input.coaches.length, pinnedCoaches.size + freeLearners), 'number of groups');

  // Language wishes: met, or reported with the right reason; each at most once.
  for (const l of input.learners) {
    const wish = code(l.language);
    const reports = out.unmet.filter((u) => u.learner === l.id && u.wish === 'language');
    assert.ok(reports.length <= 1);
    if (wish === null) {
      assert.equal(reports.length, 0);
      continue;
    }
    const coach = input.coaches.find((c) => c.id === groupOf.get(l.id)!.coach);
    if (speaks(coach, wish)) {
      assert.equal(reports.length, 0, `learner ${l.id}'s wish is met and not reported`);
      continue;
    }
    const expected = !input.coaches.some((c) => speaks(c, wish))
      ? 'no_coach_speaks'
      : l.pinnedCoach === coach!.id
        ? 'pinned'
        : 'group_full';
    assert.deepEqual(
      reports.map((u) => u.reason),
      [expected],
      `learner ${l.id}'s unmet wish for ${wish}`,
    );
  }
  assert.deepEqual(
    out.unmet,
    [...out.unmet].sort((a, b) => a.learner - b.learner || a.wish.localeCompare(b.wish)),
    'unmet in learner order',
  );
}

/** Rules 1–2 with the pins: a group breaking them holds only learners pinned to its coach. */
function checkSizes(input: GroupingInput, out: Grouping): void {
  if (out.groups.length === 0) return;
  const sizes = out.groups.map((g) => g.learners.length);
  const min = Math.min(...sizes);
  const roomForAll = input.coaches.length * input.ratio >= input.learners.length;
  const pinnedTo = new Map(input.learners.map((l) => [l.id, l.pinnedCoach ?? null]));
  for (const g of out.groups) {
    const onlyPinned = g.learners.every((id) => pinnedTo.get(id) === g.coach);
    if (g.learners.length > min + 1) assert.ok(onlyPinned, `group ${g.number} is over min + 1 (${min + 1}) with learners not pinned there`);
    if (roomForAll && g.learners.length > input.ratio)
      assert.ok(onlyPinned, `group ${g.number} is over the ratio with learners not pinned there`);
  }
}

function metWishes(input: GroupingInput, coachOf: (learner: GroupLearner) => number): number {
  return input.learners.filter((l) => {
    const wish = code(l.language);
    return (
      wish !== null &&
      speaks(
        input.coaches.find((c) => c.id === coachOf(l)),
        wish,
      )
    );
  }).length;
}

/** Whether an assignment (learner index → coach index) obeys the hard rules, the pins and rules 1–2 as checkSizes states them. */
function allowed(input: GroupingInput, assignment: readonly number[]): boolean {
  const { coaches, learners, ratio } = input;
  const members = coaches.map(() => [] as GroupLearner[]);
  assignment.forEach((c, i) => members[c]!.push(learners[i]!));
  for (const [i, l] of learners.entries()) {
    const pin = l.pinnedCoach ?? null;
    if (pin !== null && coaches.some((c) => c.id === pin) && coaches[assignment[i]!]!.id !== pin) return false;
  }
  const pinnedCoaches = new Set(learners.map((l) => l.pinnedCoach).filter((p) => coaches.some((c) => c.id === p)));
  const free = learners.filter((l) => !coaches.some((c) => c.id === l.pinnedCoach)).length;
  const used = members.filter((m) => m.length > 0);
  if (used.length !== Math.min(coaches.length, pinnedCoaches.size + free)) return false;
  const min = Math.min(...used.map((m) => m.length));
  return members.every((m, c) => {
    const onlyPinned = m.every((l) => l.pinnedCoach === coaches[c]!.id);
    if (m.length > min + 1 && !onlyPinned) return false;
    return !(coaches.length * ratio >= learners.length && m.length > ratio && !onlyPinned);
  });
}

test('the hard rules, the pins and missingCoaches hold for any input', () => {
  fc.assert(
    fc.property(inputs({ maxLearners: 30, maxCoaches: 7, pins: true, wishes: true }), (input) => {
      const out = makeGroups(input);
      checkHardRules(input, out);
      checkSizes(input, out);
    }),
    { numRuns: RUNS },
  );
});

test('without pins no group exceeds the ratio when the coaches suffice, and sizes are within one of each other', () => {
  fc.assert(
    fc.property(inputs({ maxLearners: 30, maxCoaches: 7, pins: false, wishes: true }), (input) => {
      const out = makeGroups(input);
      checkHardRules(input, out);
      const sizes = out.groups.map((g) => g.learners.length);
      if (sizes.length === 0) return;
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `sizes ${sizes}`);
      if (input.coaches.length * input.ratio >= input.learners.length) assert.ok(Math.max(...sizes) <= input.ratio, `sizes ${sizes}`);
      // Too few coaches: the groups grow evenly past the ratio instead.
      else assert.equal(Math.max(...sizes), Math.ceil(input.learners.length / input.coaches.length));
    }),
    { numRuns: RUNS },
  );
});

test('as many language wishes are met as any assignment keeping the pins and rules 1–2 could meet (brute force on small days)', () => {
  fc.assert(
    fc.property(inputs({ maxLearners: 6, maxCoaches: 3, pins: true, wishes: true }), (input) => {
      fc.pre(input.coaches.length > 0);
      const out = makeGroups(input);
      const coachOfOurs = new Map(out.groups.flatMap((g) => g.learners.map((id) => [id, g.coach] as const)));
      const ours = metWishes(input, (l) => coachOfOurs.get(l.id)!);
      let best = -1;
      const n = input.learners.length;
      const c = input.coaches.length;
      for (let code = 0; code < c ** n; code++) {
        const assignment = Array.from({ length: n }, (_, i) => Math.floor(code / c ** i) % c);
        if (!allowed(input, assignment)) continue;
        const index = new Map(input.learners.map((l, i) => [l.id, i]));
        best = Math.max(
          best,
          metWishes(input, (l) => input.coaches[assignment[index.get(l.id)!]!]!.id),
        );
      }
      assert.ok(best >= 0, 'our own kind of assignment exists');
      assert.equal(ours, best, 'met wishes');
    }),
    { numRuns: RUNS },
  );
});

/** Inputs where language wishes cannot compete with levels: every coach speaks every language. */
function everyoneSpeaksEverything(input: GroupingInput): GroupingInput {
  return { ...input, coaches: input.coaches.map((c) => ({ ...c, languages: ['DE', 'en', 'fr', 'it'] })) };
}

test('mixed: without pins, each level is spread over the groups within one', () => {
  fc.assert(
    fc.property(inputs({ maxLearners: 30, maxCoaches: 7, pins: false, wishes: true }), (raw) => {
      const input = everyoneSpeaksEverything({ ...raw, mode: 'mixed' });
      const out = makeGroups(input);
      assert.deepEqual(out.unmet, []);
      const learners = new Map(input.learners.map((l) => [l.id, l]));
      for (const level of LEVELS) {
        const counts = out.groups.map((g) => g.learners.filter((id) => learners.get(id)!.level === level).length);
        if (counts.length) assert.ok(Math.max(...counts) - Math.min(...counts) <= 1, `level ${level}: ${counts}`);
      }
    }),
    { numRuns: RUNS },
  );
});

test('by-level: without pins, at most (levels present − 1) groups mix levels, and levels run in order', () => {
  fc.assert(
    fc.property(inputs({ maxLearners: 30, maxCoaches: 7, pins: false, wishes: true }), (raw) => {
      const input = everyoneSpeaksEverything({ ...raw, mode: 'by-level' });
      const out = makeGroups(input);
      const learners = new Map(input.learners.map((l) => [l.id, l]));
      const levels = new Set(input.learners.map((l) => l.level)).size;
      const ranges = out.groups.map((g) => {
        const ranks = g.learners.map((id) => rankOf(learners.get(id)!));
        return { lo: Math.min(...ranks), hi: Math.max(...ranks), distinct: new Set(ranks).size };
      });
      const mixing = ranges.filter((r) => r.distinct > 1).length;
      assert.ok(mixing <= Math.max(0, levels - 1), `${mixing} groups mix ${levels} levels`);
      // No two groups interleave: sorted by lowest level, each group starts where the previous ends or later.
      const sorted = [...ranges].sort((a, b) => a.lo - b.lo || a.hi - b.hi);
      for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i]!.lo >= sorted[i - 1]!.hi, 'levels in contiguous runs');
    }),
    { numRuns: RUNS },
  );
});

test('the same day gives the same groups, again and in any input order', () => {
  const shuffledSame = (input: GroupingInput) =>
    fc.record({
      input: fc.constant(input),
      learners: fc.shuffledSubarray([...input.learners], { minLength: input.learners.length }),
      coaches: fc
        .shuffledSubarray([...input.coaches], { minLength: input.coaches.length })
        .chain((cs) =>
          fc.tuple(
            ...cs.map((c) =>
              fc.shuffledSubarray([...c.languages], { minLength: c.languages.length }).map((languages) => ({ ...c, languages })),
            ),
          ),
        ),
    });
  fc.assert(
    fc.property(
      inputs({ maxLearners: 25, maxCoaches: 6, pins: true, wishes: true }).chain(shuffledSame),
      ({ input, learners, coaches }) => {
        const once = makeGroups(input);
        assert.deepEqual(makeGroups(input), once, 'again');
        assert.deepEqual(makeGroups({ ...input, learners, coaches }), once, 'shuffled');
      },
    ),
    { numRuns: RUNS },
  );
});

test('a late arrival joins the smallest group whose coach speaks their language, else the smallest, ties to the lowest number', () => {
  fc.assert(
    fc.property(inputs({ maxLearners: 20, maxCoaches: 5, pins: false, wishes: true }), fc.constantFrom(...WISHES), (input, language) => {
      const { groups } = makeGroups(input);
      const late: GroupLearner = { id: 10_000, level: 'new', language };
      const chosen = placeLate(groups, input.coaches, late);
      if (groups.length === 0) return assert.equal(chosen, null);
      const wish = code(language);
      const speaking =
        wish === null
          ? []
          : groups.filter((g) =>
              speaks(
                input.coaches.find((c) => c.id === g.coach),
                wish,
              ),
            );
      const pool = speaking.length ? speaking : groups;
      const smallest = Math.min(...pool.map((g) => g.learners.length));
      assert.equal(chosen, pool.find((g) => g.learners.length === smallest)!.number);
    }),
    { numRuns: RUNS },
  );
});

// Readable cases.

const coach = (id: number, ...languages: string[]): GroupCoach => ({ id, languages });
function learners(n: number, from = 1, extra: Partial<GroupLearner> = {}): GroupLearner[] {
  return Array.from({ length: n }, (_, i) => ({ id: from + i, level: null, language: null, ...extra }));
}
const sizes = (groups: readonly Group[]) => groups.map((g) => g.learners.length);

test('7 learners, 2 coaches, 4 per coach: groups of 4 and 3', () => {
  const out = makeGroups({ learners: learners(7), coaches: [coach(1), coach(2)], ratio: 4, mode: 'mixed' });
  assert.deepEqual(sizes(out.groups), [4, 3]);
  assert.equal(out.missingCoaches, 0);
});

test('9 learners, 2 coaches, 4 per coach: groups of 5 and 4, one coach missing', () => {
  const out = makeGroups({ learners: learners(9), coaches: [coach(1), coach(2)], ratio: 4, mode: 'mixed' });
  assert.deepEqual(sizes(out.groups), [5, 4]);
  assert.equal(out.missingCoaches, 1);
});

test('without a coach no groups are made and everyone is unplaced', () => {
  const out = makeGroups({ learners: learners(5), coaches: [], ratio: 2, mode: 'mixed' });
  assert.deepEqual(out, { groups: [], missingCoaches: 3, unmet: [], unplaced: [1, 2, 3, 4, 5] });
  assert.deepEqual(makeGroups({ learners: [], coaches: [coach(1)], ratio: 2, mode: 'mixed' }), {
    groups: [],
    missingCoaches: 0,
    unmet: [],
    unplaced: [],
  });
});

test('spare coaches make smaller groups: 3 learners and 5 coaches give 3 groups of one', () => {
  const out = makeGroups({ learners: learners(3), coaches: [1, 2, 3, 4, 5].map((id) => coach(id)), ratio: 4, mode: 'mixed' });
  assert.deepEqual(sizes(out.groups), [1, 1, 1]);
});

test('learners go to the coaches who speak their language, whatever its case', () => {
  const out = makeGroups({
    learners: [
      { id: 1, level: null, language: 'DE' },
      { id: 2, level: null, language: 'en' },
      { id: 3, level: null, language: 'de' },
      { id: 4, level: null, language: null },
    ],
    coaches: [coach(10, 'En'), coach(20, 'de')],
    ratio: 2,
    mode: 'mixed',
  });
  assert.deepEqual(out.groups, [
    { number: 1, coach: 10, learners: [2, 4] },
    { number: 2, coach: 20, learners: [1, 3] },
  ]);
  assert.deepEqual(out.unmet, []);
});

test('a spare coach is left out so that the one who speaks the wished language is used', () => {
  const out = makeGroups({
    learners: [{ id: 1, level: null, language: 'fr' }],
    coaches: [coach(1, 'de'), coach(2, 'fr'), coach(3)],
    ratio: 3,
    mode: 'mixed',
  });
  assert.deepEqual(out.groups, [{ number: 1, coach: 2, learners: [1] }]);
});

test('a wish nobody can meet is reported as no_coach_speaks, one that would overfill a group as group_full (the higher id)', () => {
  const out = makeGroups({
    learners: [...learners(3, 1, { language: 'de' }), { id: 4, level: null, language: 'uk' }],
    coaches: [coach(1, 'en'), coach(2, 'de')],
    ratio: 4,
    mode: 'mixed',
  });
  assert.deepEqual(out.groups, [
    { number: 1, coach: 1, learners: [3, 4] },
    { number: 2, coach: 2, learners: [1, 2] },
  ]);
  assert.deepEqual(out.unmet, [
    { learner: 3, wish: 'language', reason: 'group_full' },
    { learner: 4, wish: 'language', reason: 'no_coach_speaks' },
  ]);
});

test('a learner moved by hand stays with that coach, even past the ratio; a pin to an absent coach is reported', () => {
  const out = makeGroups({
    learners: [
      ...learners(3, 1, { pinnedCoach: 2, language: 'fr' }),
      { id: 4, level: null, language: null, pinnedCoach: 77 },
      ...learners(2, 5),
    ],
    coaches: [coach(1), coach(2, 'en')],
    ratio: 2,
    mode: 'mixed',
  });
  assert.deepEqual(out.groups, [
    { number: 1, coach: 1, learners: [4, 5, 6] },
    { number: 2, coach: 2, learners: [1, 2, 3] },
  ]);
  assert.deepEqual(out.unmet, [
    { learner: 1, wish: 'language', reason: 'no_coach_speaks' },
    { learner: 2, wish: 'language', reason: 'no_coach_speaks' },
    { learner: 3, wish: 'language', reason: 'no_coach_speaks' },
    { learner: 4, wish: 'pin', reason: 'pinned_coach_absent' },
  ]);
});

test('a pin keeps a learner away from the coach who speaks their language, reported as pinned', () => {
  const out = makeGroups({
    learners: [{ id: 1, level: null, language: 'de', pinnedCoach: 2 }, ...learners(1, 2)],
    coaches: [coach(1, 'de'), coach(2)],
    ratio: 2,
    mode: 'mixed',
  });
  assert.deepEqual(out.groups, [
    { number: 1, coach: 1, learners: [2] },
    { number: 2, coach: 2, learners: [1] },
  ]);
  assert.deepEqual(out.unmet, [{ learner: 1, wish: 'language', reason: 'pinned' }]);
});

test('mixed spreads the levels; by-level keeps them together', () => {
  const day = [...learners(4, 1, { level: 'new' }), ...learners(4, 5, { level: 'comfortable' })];
  const mixed = makeGroups({ learners: day, coaches: [coach(1), coach(2)], ratio: 4, mode: 'mixed' });
  assert.deepEqual(
    mixed.groups.map((g) => g.learners.map((id) => (id <= 4 ? 'new' : 'comfortable')).sort()),
    [
      ['comfortable', 'comfortable', 'new', 'new'],
      ['comfortable', 'comfortable', 'new', 'new'],
    ],
  );
  const byLevel = makeGroups({ learners: day, coaches: [coach(1), coach(2)], ratio: 4, mode: 'by-level' });
  assert.deepEqual(byLevel.groups.map((g) => g.learners).sort(), [
    [1, 2, 3, 4],
    [5, 6, 7, 8],
  ]);
});

test('by-level puts free learners with the coach whose pinned learners share their level', () => {
  const out = makeGroups({
    learners: [
      { id: 1, level: 'new', language: null, pinnedCoach: 2 },
      ...learners(3, 2, { level: 'new' }),
      ...learners(4, 5, { level: 'comfortable' }),
    ],
    coaches: [coach(1), coach(2)],
    ratio: 4,
    mode: 'by-level',
  });
  assert.deepEqual(out.groups, [
    { number: 1, coach: 1, learners: [5, 6, 7, 8] },
    { number: 2, coach: 2, learners: [1, 2, 3, 4] },
  ]);
});

test('a late arrival: the smallest group with their language, else the smallest, ties to the lowest number', () => {
  const groups: Group[] = [
    { number: 1, coach: 1, learners: [1, 2, 3] },
    { number: 2, coach: 2, learners: [4, 5] },
    { number: 3, coach: 3, learners: [6, 7] },
  ];
  const coaches = [coach(1, 'de'), coach(2), coach(3, 'EN')];
  assert.equal(placeLate(groups, coaches, { id: 9, level: null, language: 'de' }), 1);
  assert.equal(placeLate(groups, coaches, { id: 9, level: null, language: 'en' }), 3);
  assert.equal(placeLate(groups, coaches, { id: 9, level: null, language: 'uk' }), 2);
  assert.equal(placeLate(groups, coaches, { id: 9, level: null, language: null }), 2);
  assert.equal(placeLate(groups, coaches, { id: 9, level: null, language: null, pinnedCoach: 1 }), 1);
  assert.equal(placeLate([], coaches, { id: 9, level: null, language: 'de' }), null);
});

test('a ratio below one or a learner given twice is a programming error', () => {
  assert.throws(() => makeGroups({ learners: [], coaches: [], ratio: 0, mode: 'mixed' }), RangeError);
  assert.throws(() => makeGroups({ learners: [...learners(1), ...learners(1)], coaches: [], ratio: 2, mode: 'mixed' }), RangeError);
});
