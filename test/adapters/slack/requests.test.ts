import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Question } from '../../../entities/Question.js';
import { SeenRequest } from '../../../entities/SeenRequest.js';
import { ACTION_PREFIX } from '../../../src/adapters/slack/render.js';
import { startSlack } from '../../../src/adapters/slack/adapter.js';
import { createApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { ManualClock } from '../../../src/core/clock.js';
import { capturedLogger, eachDatabase, tempDir, type TestDatabase } from '../../support/helpers.js';
import { FakeSlack } from '../../support/fake-slack.js';
import { capturedRequest, interactionBody, postSigned, slashCommandBody } from '../../support/slack-requests.js';

// Signed requests as an attacker would send them: replayed, dated ahead, or pointing the bot's
// answers elsewhere. The real app and the real Bolt app, on SQLite and PostgreSQL.
const SECRET = 'requests-signing-secret-0123456789';

async function bot(database: TestDatabase, fake: FakeSlack, env: Record<string, string> = {}) {
  const tmp = tempDir();
  const config = loadConfig({
    DATABASE_URL: database.url,
    DATA_DIR: tmp.dir,
    SLACK_BOT_TOKEN: 'xoxb-requests',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.apiUrl,
    RATE_LIMIT_MAX: '1000',
    ...env,
  });
  const log = capturedLogger();
  const clock = new ManualClock(new Date('2027-03-01T10:00:00Z'));
  const app = await createApp(config, log.log, clock);
  const slack = await startSlack(app, config, log.log, { listen: { port: 0, host: '127.0.0.1' } });
  return {
    app,
    clock,
    url: `http://127.0.0.1:${slack.port}/slack/events`,
    logs: log.lines,
    stop: async () => {
      await slack.stop();
      await app.close();
      tmp.remove();
    },
  };
}

function newFake(): Promise<FakeSlack> {
  const fake = new FakeSlack();
  fake.users.set('UADMIN', { name: 'ada', isAdmin: true });
  fake.users.set('UASKER', { name: 'asker' });
  return fake.start();
}

const askBody = (fake: FakeSlack, id: string) =>
  slashCommandBody({
    command: '/ask',
    text: `How do I read a file, attempt ${id}?`,
    user: 'UASKER',
    responseUrl: fake.responseUrl(id),
    triggerId: `trigger-${id}`,
  });

test('the same signed request replayed within its five minutes runs once, also when two bot processes share the database', (t) =>
  eachDatabase(t, async (database) => {
    const fake = await newFake();
    const a = await bot(database, fake);
    let b: Awaited<ReturnType<typeof bot>> | undefined;
    try {
      const admin = (text: string, n: string) =>
        postSigned(a.url, slashCommandBody({ command: '/chapter', text, user: 'UADMIN', responseUrl: fake.responseUrl(n) }), SECRET);
      assert.equal((await admin('create name:Berlin timezone:Europe/Berlin', 'c1')).status, 200);
      assert.match(String((await admin('set name:Berlin questions-channel:<#CQUESTIONS|questions>', 'c2')).json?.text), /questions/);

      const ask = capturedRequest(a.url, askBody(fake, 'ask-1'), SECRET);
      const first = await ask();
      assert.equal(first.status, 200);
      assert.match(String(first.json?.text), /Your question #1 is posted/);
      const posts = fake.callsOf('chat.postMessage').length;
      const replay = await ask();
      assert.equal(replay.status, 200, 'a replay is acknowledged');
      assert.equal(replay.text, '', 'with nothing in it');
      assert.equal(await a.app.db.getRepository(Question).count(), 1, 'one question stored');
      assert.equal(fake.callsOf('chat.postMessage').length, posts, 'no second post');
      assert.ok(a.logs().some((l) => l.includes('ignored a replayed Slack request')));

      // A second process on the same database, offered the same fresh request at the same moment: one runs it.
      b = await bot(database, fake);
      const body = askBody(fake, 'ask-2');
      const timestamp = Math.floor(Date.now() / 1000);
      const answers = await Promise.all([
        capturedRequest(a.url, body, SECRET, timestamp)(),
        capturedRequest(b.url, body, SECRET, timestamp)(),
      ]);
      assert.deepEqual(
        answers.map((r) => r.status),
        [200, 200],
      );
      assert.equal(answers.filter((r) => /Your question #2 is posted/.test(String(r.json?.text))).length, 1, JSON.stringify(answers));
      assert.equal(answers.filter((r) => r.text === '').length, 1, 'the other is the empty acknowledgement of a replay');
      assert.equal(await a.app.db.getRepository(Question).count(), 2);
      assert.equal(fake.callsOf('chat.postMessage').length, posts + 1);
      // What the table keeps is the signature and when it was seen, nothing about the member.
      const kept = JSON.stringify(await a.app.db.getRepository(SeenRequest).find());
      for (const who of ['UASKER', 'asker', 'read a file']) assert.ok(!kept.includes(who), who);
    } finally {
      await b?.stop();
      await a.stop();
      await fake.stop();
    }
  }));

test('seen signatures are kept ten minutes, then purged', (t) =>
  eachDatabase(t, async (database) => {
    const fake = await newFake();
    const a = await bot(database, fake);
    try {
      const seen = a.app.services.seenRequests;
      assert.equal(await seen.firstSight('v0=aaaa'), true);
      assert.equal(await seen.firstSight('v0=aaaa'), false);
      a.clock.advance(9 * 60_000);
      assert.equal(await seen.firstSight('v0=bbbb'), true);
      assert.equal(await seen.firstSight('v0=aaaa'), false, 'still kept after nine minutes');
      a.clock.advance(2 * 60_000);
      assert.equal(await seen.firstSight('v0=cccc'), true);
      const left = (await a.app.db.getRepository(SeenRequest).find()).map((r) => r.signature).sort();
      assert.deepEqual(left, ['v0=bbbb', 'v0=cccc'], 'the eleven-minute-old one is gone');
    } finally {
      await a.stop();
      await fake.stop();
    }
  }));

test('a request dated more than five minutes ahead is refused with 401 and runs nothing; one a little ahead runs', (t) =>
  eachDatabase(t, async (database) => {
    const fake = await newFake();
    const a = await bot(database, fake);
    try {
      const calls = fake.calls.length;
      const now = Math.floor(Date.now() / 1000);
      const ahead = await capturedRequest(
        a.url,
        slashCommandBody({ command: '/help', text: '', user: 'UASKER', responseUrl: fake.responseUrl('h1') }),
        SECRET,
        now + 6 * 60,
      )();
      assert.equal(ahead.status, 401);
      assert.equal(fake.calls.length, calls, 'no Web API call');
      assert.equal(await a.app.db.getRepository(SeenRequest).count(), 0, 'not even remembered');
      assert.ok(a.logs().some((l) => l.includes('more than 5 minutes ahead')));
      const slightly = await capturedRequest(
        a.url,
        slashCommandBody({ command: '/help', text: '', user: 'UASKER', responseUrl: fake.responseUrl('h2') }),
        SECRET,
        now + 60,
      )();
      assert.equal(slightly.status, 200);
      assert.match(String(slightly.json?.text), /Commands you can run/);
    } finally {
      await a.stop();
      await fake.stop();
    }
  }));

test('a request without a signature is refused with 401 and runs nothing; Slack’s unsigned ssl_check ping is answered, and what is smuggled beside it is not run', (t) =>
  eachDatabase(t, async (database) => {
    const fake = await newFake();
    const a = await bot(database, fake);
    try {
      const calls = fake.calls.length;
      const post = (body: string, headers: Record<string, string> = {}) =>
        fetch(a.url, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers }, body });
      const help = slashCommandBody({ command: '/help', text: '', user: 'UASKER', responseUrl: fake.responseUrl('u1') });
      const unsigned = await post(help);
      assert.equal(unsigned.status, 401);
      const noTimestamp = await post(help, { 'X-Slack-Signature': 'v0=' + '0'.repeat(64) });
      assert.equal(noTimestamp.status, 401);
      assert.ok(a.logs().some((l) => l.includes('without a signature')));

      // The ping alone, and the ping with a command smuggled beside it: each only answered 200, nothing run.
      for (const body of ['ssl_check=1&token=x', `ssl_check=1&${help}`]) {
        const ping = await post(body);
        assert.equal(ping.status, 200);
        assert.equal(await ping.text(), '');
      }
      assert.equal(fake.calls.length, calls, 'no Web API call');
      assert.equal(fake.responses.length, 0, 'no answer through a response URL');
      assert.equal(await a.app.db.getRepository(SeenRequest).count(), 0, 'nothing remembered');
    } finally {
      await a.stop();
      await fake.stop();
    }
  }));

test('a response_url on a host outside SLACK_RESPONSE_HOSTS is never called: the answer goes as an ephemeral message, and the log names only its origin', (t) =>
  eachDatabase(t, async (database) => {
    const fake = await newFake();
    const elsewhere = await new FakeSlack().start();
    const a = await bot(database, fake);
    try {
      const press = (responseUrl: string, id: string) =>
        postSigned(
          a.url,
          interactionBody({
            type: 'block_actions',
            team: { id: 'T1', domain: 'test' },
            user: { id: 'UASKER', username: 'asker', name: 'asker', team_id: 'T1' },
            api_app_id: 'A1',
            token: 'deprecated',
            container: { type: 'message', message_ts: '1700000000.000001', channel_id: 'CGENERAL', is_ephemeral: false },
            trigger_id: `trigger-${id}`,
            channel: { id: 'CGENERAL', name: 'general' },
            message: { type: 'message', ts: '1700000000.000001', text: 'a post' },
            response_url: responseUrl,
            actions: [
              {
                type: 'button',
                action_id: `${ACTION_PREFIX}0`,
                block_id: 'b1',
                text: { type: 'plain_text', text: 'Help' },
                value: '/help',
                action_ts: '1700000001.000000',
              },
            ],
          }),
          SECRET,
        );
      const secretPath = 'T1/B0123/s3cr3t-path-token';
      assert.equal((await press(`${elsewhere.url}/response/${secretPath}`, 'p1')).status, 200);
      const ephemeral = await fake.until('the ephemeral answer', () => fake.callsOf('chat.postEphemeral').at(-1));
      assert.deepEqual([ephemeral.params.channel, ephemeral.params.user], ['CGENERAL', 'UASKER']);
      assert.match(String(ephemeral.params.text), /Commands you can run/);
      assert.equal(elsewhere.responseAttempts.length, 0, 'the other host heard nothing');
      const warning = a.logs().find((l) => l.includes('outside SLACK_RESPONSE_HOSTS'));
      assert.ok(warning?.includes(elsewhere.url), warning);
      assert.ok(!a.logs().join('\n').includes('s3cr3t-path-token'), 'the secret path is not logged');

      // Look-alikes of an allowed host are refused too; the allowed origin (SLACK_API_URL's) is used.
      for (const [url, id] of [
        [`https://hooks.slack.com.evil.example/response/x`, 'p2'],
        [`${fake.url.replace('http:', 'https:')}/response/p3`, 'p3'],
      ] as const) {
        const before = fake.callsOf('chat.postEphemeral').length;
        await press(url, id);
        await fake.until(`the ephemeral answer to ${id}`, () => fake.callsOf('chat.postEphemeral').length > before);
      }
      await press(fake.responseUrl('p4'), 'p4');
      const answer = await fake.until('the answer at the allowed response URL', () => fake.responses.find((r) => r.id === 'p4'));
      assert.match(String(answer.body.text), /Commands you can run/);
    } finally {
      await a.stop();
      await elsewhere.stop();
      await fake.stop();
    }
  }));
