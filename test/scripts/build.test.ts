import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { startFlags } from '../../scripts/bench/production.js';
import { buildDist, DIST } from '../../scripts/build.mjs';

test('the build bundles the bot into dist/, leaves unchanged files alone, removes files of earlier builds, and the result runs', async () => {
  const first = await buildDist();
  assert.ok(existsSync(join(DIST, 'src', 'main.js')));
  const chunks = readdirSync(join(DIST, 'chunks'));
  assert.equal(first.files, chunks.length + 1, 'main.js and its chunks');
  // The platforms' adapters are chunks of their own, loaded only when a platform is configured.
  const chunkOf = (name: string) => chunks.filter((c) => readFileSync(join(DIST, 'chunks', c), 'utf8').includes(`var ${name} = class`));
  assert.equal(chunkOf('DiscordAdapter').length, 1);
  assert.equal(chunkOf('SlackAdapter').length, 1);
  assert.notDeepEqual(chunkOf('DiscordAdapter'), chunkOf('SlackAdapter'));
  assert.ok(!readFileSync(join(DIST, 'src', 'main.js'), 'utf8').includes('var DiscordAdapter = class'));
  // TypeORM's drivers for other databases are left out; SQLite's and PostgreSQL's are in.
  const code = chunks.map((c) => readFileSync(join(DIST, 'chunks', c), 'utf8')).join('\n');
  for (const driver of ['BetterSqlite3Driver', 'PostgresDriver']) assert.match(code, new RegExp(`var ${driver} = class`), driver);
  for (const driver of ['MysqlDriver', 'SqlServerDriver', 'OracleDriver', 'MongoDriver'])
    assert.doesNotMatch(code, new RegExp(`var ${driver} = class`), driver);
  // Nothing beyond ASCII: a module's source is kept in memory, and one such character doubles it.
  for (const c of chunks) assert.doesNotMatch(readFileSync(join(DIST, 'chunks', c), 'utf8'), /[\u0080-\uffff]/, c);

  const stale = [join(DIST, 'src', 'gone-source.js'), join(DIST, 'chunks', 'chunk-GONE.js'), join(DIST, 'commands', 'index.js')];
  for (const file of stale) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, 'export {};\n');
  }
  const again = await buildDist();
  assert.equal(again.changed, 0, 'nothing changed since the first build');
  for (const file of stale) assert.equal(existsSync(file), false, `${file} of an earlier build is removed`);

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
