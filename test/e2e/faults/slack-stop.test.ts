import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { Question } from '../../../entities/Question.js';
import { createDataSource } from '../../../src/db/data-source.js';
import { freePort, tempDir } from '../../support/helpers.js';
import { FakeSlack } from '../../support/fake-slack.js';
import { postSigned, slashCommandBody } from '../../support/slack-requests.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const SECRET = 'graceful-stop-signing-secret';
const STOPPING = 'The bot is restarting or stopping, so this command was not run. Please try again in a moment.';

// On SQLite a command waiting on a database lock would block the whole process (one connection),
// so the natural in-flight state is a command waiting on the platform: here Slack's
// chat.postMessage, which the fake Slack answers only after two seconds.
test('SIGTERM while commands wait on Slack (SQLite): they finish, their posts arrive and their rows are stored, a new command is refused clearly, exit 0 within 10 s', async () => {
  const fake = await new FakeSlack().start();
  fake.users.set('UADMIN', { name: 'ada', isAdmin: true });
  const askers = ['UASK1', 'UASK2', 'UASK3'];
  for (const id of [...askers, 'ULATE']) fake.users.set(id, { name: id.toLowerCase() });
  const tmp = tempDir();
  const port = await freePort();
  const database = join(tmp.dir, 'bot.sqlite');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH!,
      HOME: process.env.HOME ?? '/tmp',
      DATA_DIR: tmp.dir,
      DATABASE_URL: `sqlite:${database}`,
      ANON_SECRET: 's'.repeat(32),
      LOG_LEVEL: 'info',
      SLACK_BOT_TOKEN: 'xoxb-stop-test',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
      SLACK_PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}/slack/events`;
  const slash = (user: string, command: string, text: string, id: string) =>
    postSigned(url, slashCommandBody({ command, text, user, responseUrl: fake.responseUrl(id), triggerId: `trigger-${id}` }), SECRET);
  /** The command's answer: in the acknowledgement, or at its response URL once it is done. */
  const answerOf = async (answer: Promise<{ json: Record<string, unknown> | undefined }>, id: string) =>
    String(
      (await answer).json?.text ?? (await fake.until(`the answer to ${id}`, () => fake.responses.find((r) => r.id === id)?.body)).text,
    );
  try {
    await fake.until('the adapter to listen', () => stderr.includes('slack adapter listening'), 30_000);
    assert.match(
      await answerOf(slash('UADMIN', '/chapter', 'create name:Berlin timezone:Europe/Berlin', 'setup-1'), 'setup-1'),
      /Chapter Berlin created/,
    );
    assert.match(
      await answerOf(slash('UADMIN', '/chapter', 'set name:Berlin questions-channel:<#CQUEST|questions>', 'setup-2'), 'setup-2'),
      /questions → <#CQUEST>/,
    );

    fake.holdAnswers('chat.postMessage', 2000);
    const asked = askers.map((user, i) =>
      slash(user, '/ask', `text:"Question number ${i + 1}: does a graceful stop lose it?"`, `ask-${i + 1}`),
    );
    // In flight: each /ask has stored its question and waits on Slack for the post.
    await fake.until('the three posts to be under way', () => fake.held.get('chat.postMessage') === askers.length);
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    await fake.until('the bot to begin stopping', () => stderr.includes('"msg":"stopping"'));

    const late = await slash('ULATE', '/chapter', 'list', 'late');
    assert.equal(late.status, 200);
    assert.deepEqual(
      late.json,
      { response_type: 'ephemeral', text: STOPPING },
      'a command arriving while the bot stops is refused clearly',
    );

    for (const [i, answer] of asked.entries())
      assert.match(await answerOf(answer, `ask-${i + 1}`), /Your question #\d+ is posted in/, `asker ${i + 1} is told`);
    assert.equal(await exited, 0, stderr);
    assert.ok(Date.now() - signalledAt < 10_000, 'stopped within 10 seconds of the signal');

    const posts = fake.callsOf('chat.postMessage').filter((c) => c.params.channel === 'CQUEST');
    for (let i = 1; i <= askers.length; i++)
      assert.equal(posts.filter((c) => String(c.params.text).includes(`Question number ${i}:`)).length, 1, `question ${i} was posted once`);
    assert.equal(fake.responses.filter((r) => r.id === 'late').length, 0, 'the refused command did not run later');
    assert.match(stderr, /"msg":"stopping"[^]*"msg":"stopped"/);
    const logs = stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number });
    assert.deepEqual(
      logs.filter((l) => l.level >= 50),
      [],
      'nothing logged as an error',
    );

    const ds = createDataSource({ kind: 'sqlite', path: database });
    await ds.initialize();
    try {
      const questions = await ds.manager.find(Question, { order: { id: 'ASC' } });
      assert.equal(questions.length, askers.length);
      for (const q of questions) assert.ok(q.messageId && q.postedAt, `question #${q.id} is stored as posted, with the post's ts`);
    } finally {
      await ds.destroy();
    }
  } finally {
    child.kill('SIGKILL');
    await fake.stop();
    tmp.remove();
  }
});
