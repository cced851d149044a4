import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { migrations } from '../../src/db/migrations/index.js';
import { tempDir } from '../support/helpers.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..', '..');

async function npm(script: string, env: Record<string, string>, ...args: string[]): Promise<string> {
  const { stdout } = await run('npm', ['run', '--silent', script, ...(args.length ? ['--', ...args] : [])], {
    cwd: root,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', ...env },
  });
  return stdout;
}

test('npm run migration:run, migration:generate and migration:revert work on the configured database', async () => {
  const tmp = tempDir();
  try {
    const env = { DATABASE_URL: `sqlite:${join(tmp.dir, 'cli.sqlite')}`, DATA_DIR: tmp.dir };
    assert.match(await npm('migration:run', env), /Migration Foundation1795000000000 has been executed successfully/);
    // Entities and migrations agree, so there is nothing to generate (the CLI exits 1 saying so).
    const generate = await npm('migration:generate', env, join(tmp.dir, 'Nothing')).then(
      () => 'generated',
      (err: { stdout: string }) => err.stdout,
    );
    assert.match(generate, /No changes in database schema were found/);
    // revert undoes the newest migration only.
    const last = new migrations[migrations.length - 1]!().name;
    assert.match(await npm('migration:revert', env), new RegExp(`Migration ${last} has been reverted successfully`));
  } finally {
    tmp.remove();
  }
});
