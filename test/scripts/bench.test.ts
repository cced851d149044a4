import assert from 'node:assert/strict';
import { test } from 'node:test';
import { benchDispatch, buildWorld, KINDS, startBenchBot, worldFor } from '../../scripts/bench/dispatch.js';
import { freshDatabase, tempDir } from '../support/helpers.js';

// The benchmark's command mix must keep succeeding as commands change: benchDispatch refuses to
// report figures for a run in which any command was refused or failed. Shape only, no timings.
test('the benchmark mix runs through the dispatcher with every command succeeding', async () => {
  const db = await freshDatabase('sqlite');
  const tmp = tempDir();
  const bot = await startBenchBot(db.url, tmp.dir);
  try {
    const world = worldFor(200);
    await buildWorld(bot, world);
    const r = await benchDispatch(bot, world, 200);
    assert.equal(r.all.count, 200);
    assert.deepEqual(r.outcomes, { ok: 200, 'user-error': 0, incident: 0 });
    for (const kind of KINDS) assert.equal(r.byKind[kind].count, 200 / KINDS.length, kind);
    // Every statement the driver ran went through TypeORM's logger, each command sent some, and
    // none ran after the last command had answered (so each is counted toward its own command).
    assert.equal(r.statementsLogged, r.statementsAtDriver);
    assert.equal(r.statementsAfterRun, 0);
    for (const kind of KINDS) assert.ok(r.statements[kind].min > 0, kind);
  } finally {
    await bot.close();
    await db.drop();
    tmp.remove();
  }
});
