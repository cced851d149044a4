import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startFlags } from '../../scripts/bench/production.js';
import { buildDist, DIST } from '../../scripts/build.mjs';

test('the build turns every source into dist/, leaves unchanged files alone, removes modules whose source is gone, and the result runs', async () => {
  const first = await buildDist();
  assert.ok(first.files > 50, `built ${first.files} files`);
  for (const file of ['src/main.js', 'commands/index.js', 'entities/index.js']) assert.ok(existsSync(join(DIST, file)), file);

  const stale = join(DIST, 'src', 'gone-source.js');
  mkdirSync(join(DIST, 'src'), { recursive: true });
  writeFileSync(stale, 'export {};\n');
  const again = await buildDist();
  assert.equal(again.changed, 0, 'nothing changed since the first build');
  assert.equal(existsSync(stale), false, 'a module without a source is removed');

  // The built bot starts with the flags of the start script and answers on the console.
  const run = spawnSync(process.execPath, [...startFlags(), join(DIST, 'src', 'main.js'), '--console'], {
    input: '/help\n',
    encoding: 'utf8',
    env: { PATH: process.env.PATH, DATABASE_URL: 'sqlite::memory:', LOG_LEVEL: 'error', ANON_SECRET: 'b'.repeat(64) },
    timeout: 30_000,
  });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /\/help/);
});
