import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { npmStart } from '../support/npm-start.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { freePort, tempDir } from '../support/helpers.js';

/** GETs until the server answers (it starts after migrations), at most ~20 s. */
async function whenUp(url: string): Promise<Response> {
  for (let i = 0; i < 200; i++) {
    try {
      return await fetch(url);
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${url} never answered`);
}

test('npm start with WEB_PORT serves the public page beside the console, and stops it on exit', async () => {
  const tmp = tempDir();
  const port = await freePort();
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: join(import.meta.dirname, '..', '..'),
      env: {
        PATH: process.env.PATH!,
        HOME: process.env.HOME ?? '/tmp',
        LOG_LEVEL: 'warn',
        DATA_DIR: tmp.dir,
        WEB_PORT: String(port),
        WEB_HOST: '127.0.0.1',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.stdin.write('@moderator /chapter create name:Leipzig timezone:Europe/Berlin\n');
    let home = await (await whenUp(`http://127.0.0.1:${port}/`)).text();
    for (let i = 0; i < 100 && !home.includes('Leipzig'); i++) {
      await new Promise((r) => setTimeout(r, 100));
      home = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    }
    assert.match(home, /<a href="\/chapters\/Leipzig">Leipzig<\/a>/);
    child.stdin.end();
    assert.equal(await exited, 0, stdout);
    await assert.rejects(fetch(`http://127.0.0.1:${port}/`), 'the server is closed with the bot');
  } finally {
    tmp.remove();
  }
});

test('WEB_PORT: unset, no web server; a bad value stops start-up naming it', () => {
  assert.equal(loadConfig({}).web, undefined);
  assert.deepEqual(loadConfig({ WEB_PORT: '8080' }).web, { port: 8080, host: '0.0.0.0' });
  assert.throws(
    () => loadConfig({ WEB_PORT: 'eighty' }),
    (err: unknown) => err instanceof ConfigError && err.variable === 'WEB_PORT',
  );
  assert.throws(() => loadConfig({ WEB_PORT: '70000' }), /WEB_PORT must be between 1 and 65535/);
});

test('a WEB_PORT already taken stops start-up with one line naming it', async () => {
  const tmp = tempDir();
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const { port } = taken.address() as AddressInfo;
  try {
    const run = await npmStart('/help\n', { DATA_DIR: tmp.dir, WEB_PORT: String(port), WEB_HOST: '127.0.0.1' });
    assert.equal(run.code, 1);
    assert.match(run.stderr, new RegExp(`The public page could not listen on 127\\.0\\.0\\.1:${port} \\(WEB_PORT\\): .*EADDRINUSE`));
  } finally {
    taken.close();
    tmp.remove();
  }
});
