import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { localParts, zonedInstant } from '../../src/services/local-time.js';

const ZONES = ['Europe/Berlin', 'Europe/London', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kolkata', 'UTC'];

test('every instant’s wall-clock time in a zone leads back to it (or, in a repeated hour, to its first occurrence)', () => {
  fc.assert(
    fc.property(fc.constantFrom(...ZONES), fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2040, 0, 1) }), (zone, ms) => {
      const at = new Date(Math.floor(ms / 60_000) * 60_000);
      const { date, time } = localParts(at, zone);
      const back = zonedInstant(date, time, zone);
      assert.ok(back, `${at.toISOString()} in ${zone}`);
      const earlier = at.getTime() - back.getTime();
      assert.ok(
        earlier === 0 || earlier === 3_600_000 || earlier === 1_800_000,
        `${at.toISOString()} in ${zone} came back as ${back.toISOString()}`,
      );
      assert.deepEqual(localParts(back, zone), { date, time }, 'the same wall clock');
    }),
    { numRuns: 3000 },
  );
});

test('a wall-clock time skipped by spring-forward has no instant', () => {
  assert.equal(zonedInstant({ year: 2027, month: 3, day: 28 }, { hour: 2, minute: 0 }, 'Europe/Berlin'), null);
  assert.equal(zonedInstant({ year: 2027, month: 3, day: 14 }, { hour: 2, minute: 30 }, 'America/New_York'), null);
  assert.equal(
    zonedInstant({ year: 2027, month: 3, day: 28 }, { hour: 3, minute: 0 }, 'Europe/Berlin')?.toISOString(),
    '2027-03-28T01:00:00.000Z',
  );
});
