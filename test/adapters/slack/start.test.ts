import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { freePort, tempDir } from '../../support/helpers.js';
import { FakeSlack } from '../../support/fake-slack.js';
import { postSigned, slashCommandBody } from '../../support/slack-requests.js';

const SECRET = 'start-test-signing-secret';

/** Resolves with the exit code; kills the process (and fails) if it does not exit in time. */
function exitOf(child: ChildProcess, ms = 30_000): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('the bot did not stop'));
    }, ms);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

const ROOT = join(import.meta.dirname, '..', '..', '..');

for (const how of ['SIGTERM to the process (a process manager)', 'Ctrl-C on npm start (SIGINT to the terminal’s process group)'] as const) {
  test(`with SLACK_BOT_TOKEN the bot serves Slack over HTTP and stops cleanly: ${how}`, async () => {
    const fake = await new FakeSlack().start();
    const tmp = tempDir();
    const port = await freePort();
    const viaNpm = how.startsWith('Ctrl-C');
    const child = spawn(viaNpm ? 'npm' : process.execPath, viaNpm ? ['start', '--silent'] : ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      detached: viaNpm,
      env: {
        PATH: process.env.PATH!,
        HOME: process.env.HOME ?? '/tmp',
        DATA_DIR: tmp.dir,
        LOG_LEVEL: 'info',
        SLACK_BOT_TOKEN: 'xoxb-start-test',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: fake.apiUrl,
        SLACK_PORT: String(port),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const exited = exitOf(child);
    try {
      await fake.until('the adapter to listen', () => stderr.includes('slack adapter listening'), 30_000);
      const answer = await postSigned(
        `http://127.0.0.1:${port}/slack/events`,
        slashCommandBody({ command: '/help', text: '', user: 'UANY', responseUrl: fake.responseUrl('r') }),
        SECRET,
      );
      assert.equal(answer.status, 200);
      assert.match(String(answer.json?.text), /Commands you can run/);
      assert.equal(fake.callsOf('auth.test').length > 0, true, 'the token was checked at start-up');
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      assert.equal(health.status, 200);
      if (viaNpm) process.kill(-child.pid!, 'SIGINT');
      else child.kill('SIGTERM');
      const code = await exited;
      // npm itself dies of the SIGINT, as in a terminal; the bot underneath finishes its shutdown.
      if (!viaNpm) assert.equal(code, 0, stderr);
      assert.match(stderr, /"msg":"stopping"[^]*"msg":"stopped"/, 'the receiver stopped and the database closed');
      const logs = stderr
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { level: number });
      assert.deepEqual(
        logs.filter((l) => l.level >= 50),
        [],
      );
    } finally {
      child.kill('SIGKILL');
      await fake.stop();
      tmp.remove();
    }
  });
}

test('a token Slack refuses stops start-up with one clear line', async () => {
  const fake = await new FakeSlack().start();
  fake.failNext('auth.test', { kind: 'error', error: 'invalid_auth' });
  const tmp = tempDir();
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH!,
        HOME: process.env.HOME ?? '/tmp',
        DATA_DIR: tmp.dir,
        SLACK_BOT_TOKEN: 'xoxb-wrong',
        SLACK_SIGNING_SECRET: SECRET,
        SLACK_API_URL: fake.apiUrl,
        SLACK_PORT: String(await freePort()),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += String(d)));
    const code = await exitOf(child);
    assert.equal(code, 1);
    assert.match(stderr, /Slack refused SLACK_BOT_TOKEN \(invalid_auth\)/);
  } finally {
    await fake.stop();
    tmp.remove();
  }
});
