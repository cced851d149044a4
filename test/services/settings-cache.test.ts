import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DataSource, Logger as OrmLogger } from 'typeorm';
import { ManualClock } from '../../src/core/clock.js';
import { eachDatabase, servicesOn } from '../support/helpers.js';

// Bindings, channels and moderator roles are cached per process (src/db/settings-cache.ts): each
// change is seen at once in the process that made it, and (PostgreSQL) by every other process once
// the notification of its commit arrives.

const NOW = new Date('2027-01-10T12:00:00Z');
const place = { platform: 'console', workspace: 'console', channel: 'c1' };
const where = { platform: 'console', workspace: 'console' };

/** Counts the statements a data source sends from now on. */
function counting(db: DataSource): { count: () => number } {
  let n = 0;
  const logger: OrmLogger = {
    logQuery: () => void (n += 1),
    logQueryError: () => undefined,
    logQuerySlow: () => undefined,
    logSchemaBuild: () => undefined,
    logMigration: () => undefined,
    log: () => undefined,
  };
  (db as unknown as { logger: OrmLogger }).logger = logger;
  return { count: () => n };
}

/** Polls `probe` until it holds, for at most `tries` × 50 ms (a bound, not a timing assertion). */
async function eventually(what: string, probe: () => Promise<boolean>, tries = 200): Promise<void> {
  for (let i = 0; i < tries; i++) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.fail(`never: ${what}`);
}

test('a change of binding, channels or moderator role is seen at once here, and by another process sharing the database', (t) =>
  eachDatabase(t, async ({ target, kind }) => {
    const clock = new ManualClock(NOW);
    const a = await servicesOn(target, clock);
    // On SQLite one process serves the file: the second process is PostgreSQL's case only.
    const b = kind === 'postgres' ? await servicesOn(target, clock) : a;
    try {
      const { chapter: berlin } = await a.services.chapters.create({ name: 'Berlin', timeZone: 'Europe/Berlin', bindTo: place });
      await a.services.chapters.setChannels('Berlin', where, { questions: 'Q1', 'moderator-role': 'R1' });
      const statements = counting(a.db);
      // Cached once read (on PostgreSQL once this process listens): a second read sends nothing.
      await eventually('the cache answers', async () => {
        await a.services.chapters.resolve(place);
        await a.services.chapters.channels(berlin, where);
        const before = statements.count();
        const again = await a.services.chapters.resolve(place);
        const channels = await a.services.chapters.channels(berlin, where);
        assert.equal(again?.name, 'Berlin');
        assert.equal(channels.questions, 'Q1');
        return statements.count() === before;
      });
      const moderator = { ...where, id: 'u1', name: 'mo', facts: { admin: false, roles: ['R1'] } };
      assert.equal(await a.services.policy.moderates(moderator, berlin.id), true);

      // Changed in this process: seen at once.
      await a.services.chapters.setChannels('Berlin', where, { questions: 'Q2' });
      assert.equal((await a.services.chapters.channels(berlin, where)).questions, 'Q2');

      // Changed by the other process: seen once its commit is told.
      await b.services.chapters.setChannels('Berlin', where, { questions: 'Q3', 'moderator-role': 'R2' });
      await eventually('the other process’s channel', async () => (await a.services.chapters.channels(berlin, where)).questions === 'Q3');
      assert.equal(await a.services.policy.moderates(moderator, berlin.id), false, 'the old moderator role no longer counts');

      await b.services.chapters.unbind(berlin, where);
      await eventually('the unbinding', async () => (await a.services.chapters.resolve(place)) === null);
      assert.equal(await a.services.policy.moderates({ ...moderator, facts: { admin: true } }, berlin.id), false, 'nor an admin');
      const { chapter: munich } = await b.services.chapters.create({ name: 'Munich', timeZone: 'Europe/Berlin', bindTo: place });
      await eventually('the new binding', async () => (await a.services.chapters.resolve(place))?.id === munich.id);

      await b.services.noShows.setPolicy(munich, { limit: 5 });
      await eventually('the chapter row', async () => (await a.services.chapters.resolve(place))?.noShowLimit === 5);
    } finally {
      if (b !== a) await b.db.destroy();
      await a.db.destroy();
    }
  }));
