import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { test } from 'node:test';
import { drawOrder, drawTime, newSeed, randomBelow, seedHash } from '../../src/services/workshops/lottery.js';

const SEED = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';

/** The README's recipe, written out again independently: what a member would run to check a draw. */
function recompute(seedHex: string, n: number): number[] {
  const key = Buffer.from(seedHex, 'hex');
  let counter = 0;
  const below = (m: number) => {
    for (;;) {
      const x = createHmac('sha256', key).update(String(counter++)).digest().readUIntBE(0, 6);
      if (x < m * Math.floor(2 ** 48 / m)) return x % m;
    }
  };
  const a = Array.from({ length: n }, (_, i) => i + 1);
  for (let i = n - 1; i > 0; i--) {
    const j = below(i + 1);
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

test('the same seed and pool give the same order, the one the README recipe recomputes', () => {
  const first = drawOrder(SEED, 30);
  assert.deepEqual(drawOrder(SEED, 30), first);
  assert.deepEqual(recompute(SEED, 30), first);
  assert.deepEqual(
    [...first].sort((a, b) => a - b),
    Array.from({ length: 30 }, (_, i) => i + 1),
    'a permutation of 1..30',
  );
  assert.notDeepEqual(drawOrder(SEED.replace(/^00/, '01'), 30), first, 'another seed, another order');
  // A fixed vector, so a change of the algorithm cannot pass unnoticed (published draws must stay checkable).
  assert.deepEqual(drawOrder(SEED, 8), [7, 3, 5, 6, 8, 1, 4, 2]);
  assert.deepEqual(drawOrder(SEED, 0), []);
  assert.deepEqual(drawOrder(SEED, 1), [1]);
});

test('the hash commits to the seed’s bytes, and a new seed is 32 random bytes', () => {
  assert.equal(seedHash(SEED), createHash('sha256').update(Buffer.from(SEED, 'hex')).digest('hex'));
  const a = newSeed();
  assert.match(a, /^[0-9a-f]{64}$/);
  assert.notEqual(a, newSeed());
});

test('numbers below m are uniform: rejection instead of a biased modulo', () => {
  const below = randomBelow(SEED);
  const counts = [0, 0, 0];
  for (let i = 0; i < 30_000; i++) counts[below(3)]!++;
  for (const c of counts) assert.ok(Math.abs(c - 10_000) < 500, `count ${c} is within 5% of 10000`);
  assert.throws(() => below(0), RangeError);
});

test('fairness: over many seeded draws every pool member has an equal chance of a seat', () => {
  const n = 12;
  const seats = 4;
  const runs = 6000;
  const won = new Array<number>(n + 1).fill(0);
  for (let r = 0; r < runs; r++) {
    const seed = createHash('sha256').update(`run ${r}`).digest('hex');
    for (const k of drawOrder(seed, n).slice(0, seats)) won[k]!++;
  }
  const expected = (runs * seats) / n; // 2000
  // Binomial sd ≈ sqrt(6000 · 1/3 · 2/3) ≈ 36.5; 5 sd is a tolerance a fair draw passes, a biased one (early joiners favoured) fails.
  for (let k = 1; k <= n; k++) assert.ok(Math.abs(won[k]! - expected) < 185, `member ${k} won ${won[k]} times, expected ≈${expected}`);
});

test('fairness with tiers: first-timers are drawn first, the cool-down last, each tier alike within', () => {
  // Members 1-3 first-timers (tier 0), 4-9 everyone else (tier 1), 10-12 in a cool-down (tier 2); 5 seats.
  const tier = (k: number) => (k <= 3 ? 0 : k <= 9 ? 1 : 2);
  const runs = 6000;
  const won = new Array<number>(13).fill(0);
  for (let r = 0; r < runs; r++) {
    const seed = createHash('sha256').update(`tiers ${r}`).digest('hex');
    const order = drawOrder(seed, 12, tier);
    // The tiers' order, and within each tier exactly the untiered shuffle's order.
    assert.deepEqual(order.map(tier), [...order.map(tier)].sort());
    const plain = drawOrder(seed, 12);
    for (const t of [0, 1, 2])
      assert.deepEqual(
        order.filter((k) => tier(k) === t),
        plain.filter((k) => tier(k) === t),
      );
    for (const k of order.slice(0, 5)) won[k]!++;
  }
  for (const k of [1, 2, 3]) assert.equal(won[k], runs, 'a first-timer always gets a seat');
  for (const k of [10, 11, 12]) assert.equal(won[k], 0, 'cool-downs come last');
  // Two seats among six: 2000 expected each, sd ≈ 36.5.
  for (let k = 4; k <= 9; k++) assert.ok(Math.abs(won[k]! - 2000) < 185, `member ${k} won ${won[k]}`);
});

test('the draw time: a day after sign-ups open by default, never later than an hour before the start', () => {
  const opens = new Date('2027-01-10T12:00:00Z');
  assert.equal(drawTime(opens, new Date('2027-02-01T10:00:00Z')).toISOString(), '2027-01-11T12:00:00.000Z');
  assert.equal(drawTime(opens, new Date('2027-02-01T10:00:00Z'), 48).toISOString(), '2027-01-12T12:00:00.000Z');
  assert.equal(drawTime(opens, new Date('2027-01-11T10:00:00Z')).toISOString(), '2027-01-11T09:00:00.000Z');
});

test('the draw time counts from when sign-ups open and comes an hour before they close at the latest', async () => {
  const { drawTime } = await import('../../src/services/workshops/lottery.js');
  const opens = new Date('2027-03-01T10:00:00Z');
  const start = new Date('2027-03-10T18:00:00Z');
  assert.equal(drawTime(opens, start).toISOString(), '2027-03-02T10:00:00.000Z', '24 hours after opening');
  assert.equal(drawTime(opens, start, 48).toISOString(), '2027-03-03T10:00:00.000Z');
  const closes = new Date('2027-03-02T08:00:00Z');
  assert.equal(drawTime(opens, closes).toISOString(), '2027-03-02T07:00:00.000Z', 'an hour before sign-ups close');
});
