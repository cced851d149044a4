import { createHash, createHmac, randomBytes } from 'node:crypto';

/**
 * The lottery's arithmetic, pure and documented so anyone can recompute a draw from its revealed
 * seed and the pool's size (README, "Fair sign-ups"):
 *
 * - The seed is 32 random bytes, written as 64 hex digits. Before the draw only its hash is
 *   published: SHA-256 of the 32 bytes (not of the hex text), in hex.
 * - Random numbers come from HMAC-SHA256 with the seed's 32 bytes as the key and a counter as the
 *   message, written in decimal ASCII ("0", "1", "2", ...), starting at 0 and going up by one for
 *   every HMAC computed.
 * - A number below `m` is taken from one HMAC: its first 6 bytes as a big-endian integer `x`
 *   (below 2^48). If `x >= m * floor(2^48 / m)` it is thrown away and the next counter is used
 *   (so every number below `m` is equally likely); otherwise the number is `x mod m`.
 * - The pool's entries are numbered 1..n in the order they joined. The list [1..n] is shuffled by
 *   Fisher–Yates: for i from n-1 down to 1 (0-based places), j = a number below i+1, swap places i and j.
 * - The shuffled list is the draw order: the first get the seats, the rest go on the waitlist in that order.
 * - With priority tiers, entries of an earlier tier are moved ahead of later tiers, keeping the
 *   shuffle's order within each tier (a stable sort by tier). Within each tier the order is then
 *   exactly the recomputed shuffle's; the tiers themselves are never published.
 */

const SPAN = 2 ** 48;

/** A new seed: 32 random bytes as 64 hex digits. */
export function newSeed(): string {
  return randomBytes(32).toString('hex');
}

/** The commitment published before the draw: SHA-256 of the seed's bytes, in hex. */
export function seedHash(seedHex: string): string {
  return createHash('sha256').update(Buffer.from(seedHex, 'hex')).digest('hex');
}

/** A stream of uniform integers below `m`, from HMAC-SHA256(seed, counter) with rejection (see above). */
export function randomBelow(seedHex: string): (m: number) => number {
  const key = Buffer.from(seedHex, 'hex');
  let counter = 0;
  return (m: number) => {
    if (!Number.isSafeInteger(m) || m < 1 || m > SPAN) throw new RangeError(`cannot draw below ${m}`);
    const limit = m * Math.floor(SPAN / m);
    for (;;) {
      const mac = createHmac('sha256', key).update(String(counter++)).digest();
      const x = mac.readUIntBE(0, 6);
      if (x < limit) return x % m;
    }
  };
}

/**
 * The draw order of a pool of `n`: sign-up numbers 1..n, shuffled by Fisher–Yates with the seed's
 * stream. `tierOf(k)` (optional) gives sign-up number k's tier (0 first); entries are then stably
 * sorted by tier, which keeps the shuffle's order within each tier.
 */
export function drawOrder(seedHex: string, n: number, tierOf?: (signupNumber: number) => number): number[] {
  const order = Array.from({ length: n }, (_, i) => i + 1);
  const below = randomBelow(seedHex);
  for (let i = n - 1; i >= 1; i--) {
    const j = below(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  if (!tierOf) return order;
  // Array.prototype.sort is stable (ES2019): equal tiers keep the shuffle's order.
  return order
    .map((k) => ({ k, tier: tierOf(k) }))
    .sort((a, b) => a.tier - b.tier)
    .map((e) => e.k);
}

/** The latest draw time allowed: an hour before the start (the issue: "at least one hour before the start"). */
export const DRAW_BEFORE_START_MS = 60 * 60_000;
/** The default draw time: a day after sign-ups open (today: the workshop's creation). */
export const DEFAULT_DRAW_AFTER_MS = 24 * 60 * 60_000;

/**
 * When a lottery draws: `hours` after sign-ups open (`opens:`, else the creation; default 24), but
 * never later than an hour before `deadline`: sign-ups' close or the start, whichever comes first.
 */
export function drawTime(opensAt: Date, deadline: Date, hours?: number): Date {
  const wanted = opensAt.getTime() + (hours !== undefined ? hours * 60 * 60_000 : DEFAULT_DRAW_AFTER_MS);
  return new Date(Math.min(wanted, deadline.getTime() - DRAW_BEFORE_START_MS));
}
