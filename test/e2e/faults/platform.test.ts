import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Question } from '../../../entities/Question.js';
import { startSlack } from '../../../src/adapters/slack/adapter.js';
import { createApp, startScheduler } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { ManualClock } from '../../../src/core/clock.js';
import { minimumDelayMs, retryPolicy } from '../../../src/core/retry.js';
import { capturedLogger, eachDatabase, freshDatabase, tempDir, type TestDatabase } from '../../support/helpers.js';
import type { FakeUser } from '../../support/fake-discord.js';
import { FakeSlack } from '../../support/fake-slack.js';
import { discordBot as sharedDiscordBot } from '../../support/discord-bot.js';
import { postSigned, slashCommandBody } from '../../support/slack-requests.js';

// Platform faults (issue 9): Discord's and Slack's APIs answering 5xx or not at all while the bot
// posts. Every call is retried with the shared backoff (src/core/retry.ts); a question's post that
// still fails waits in the outbox and is tried again later (the member is told; the chapter's
// moderators once it is given up), and the stored state stays consistent. The real adapters, the real app, a fake platform on loopback. Calls time out after
// PLATFORM_TIMEOUT_MS = 1000 here: short, so the stories stay quick, and long enough that a call
// the fake does answer never times out on a busy machine. Waits for answers allow 30 s (a safety
// net: with three retries the backoff alone may take 7 s).

const TIMEOUT = '1000';
const PATIENCE_MS = 30_000;
const QUESTION = 'Will this question survive an outage?';
// A question's post is an outbox row (issue "Exactly once"): one the platform refuses waits and is tried again.
// The channel is a link each platform shows by its name: <#id> on both Discord and Slack.
const POST_WAITING = /Your question #1 is saved, but the platform did not accept its post in <#\w+> yet. The bot keeps trying on its own/;
const GIVEN_UP = /A message of this chapter could not be delivered after several tries/;
/** Longer than any wait of the outbox between two attempts (at most 30 minutes). */
const OUTBOX_WAIT_MS = 31 * 60_000;

/** The gaps between consecutive attempts, in milliseconds. */
const gaps = (times: readonly number[]) => times.slice(1).map((at, n) => at - times[n]!);

/**
 * Each wait is at least the policy's minimum for that retry (BASE × 2ⁿ, growing); lower bounds
 * only, the machine may be slow. 2 ms allow for the millisecond clocks of timers and Date.now.
 */
function assertBackoff(times: readonly number[], retries: number): void {
  const policy = retryPolicy({ retries, timeoutMs: Number(TIMEOUT) });
  const measured = gaps(times);
  assert.equal(measured.length, retries);
  measured.forEach((gap, n) => {
    assert.ok(
      gap >= minimumDelayMs(policy, n) - 2,
      `wait before retry ${n + 1} was ${gap} ms, the policy's minimum is ${minimumDelayMs(policy, n)} ms (waits: ${measured.join(', ')})`,
    );
    if (n > 0) assert.ok(minimumDelayMs(policy, n) > minimumDelayMs(policy, n - 1), 'the minimum waits grow');
  });
}

// ---------------------------------------------------------------- Discord

const alice: FakeUser = { id: '555555555555555501', username: 'alice', globalName: 'Alice Asker' };
const mona: FakeUser = { id: '555555555555555502', username: 'mona' };

async function discordBot(database: TestDatabase, retries: string, env: Record<string, string> = {}) {
  const base = await sharedDiscordBot(database, { PLATFORM_TIMEOUT_MS: TIMEOUT, PLATFORM_RETRIES: retries, ...env }, { guilds: 1 });
  const { fake, app, log, clock } = base;
  // The scheduler as `npm start` runs it; its ticks are driven by the test (the interval is an hour).
  const scheduler = startScheduler(app, log.log, 3_600_000);
  const [, questions, moderation] = fake.guild.channels.map((c) => c.id) as [string, string, string];
  /** The member's final answer: the reply, or the edit of a deferral. */
  const answer = async (i: { id: string; token: string }) =>
    JSON.stringify(
      (await fake.waitFor(() => fake.responses(i).find((r) => !/^\{"type":5\b/.test(JSON.stringify(r.body))), 'the answer', PATIENCE_MS))
        .body,
    );
  const channel = (id: string, name: string) => ({ [id]: { id, type: 0, name, permissions: '0', guild_id: fake.guild.id } });
  await answer(
    fake.slash(
      mona,
      'chapter',
      [
        {
          name: 'create',
          type: 1,
          options: [
            { name: 'name', type: 3, value: 'Berlin' },
            { name: 'timezone', type: 3, value: 'Europe/Berlin' },
          ],
        },
      ],
      { moderator: true },
    ),
  );
  await answer(
    fake.slash(
      mona,
      'chapter',
      [
        {
          name: 'set',
          type: 1,
          options: [
            { name: 'name', type: 3, value: 'Berlin' },
            { name: 'questions-channel', type: 7, value: questions },
            { name: 'moderation-channel', type: 7, value: moderation },
          ],
        },
      ],
      { moderator: true, resolved: { channels: { ...channel(questions, 'questions'), ...channel(moderation, 'moderation') } } },
    ),
  );
  const ask = () => fake.slash(alice, 'ask', [{ name: 'new', type: 1, options: [{ name: 'text', type: 3, value: QUESTION }] }]);
  const postsToQuestions = () => fake.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${questions}/messages`);
  return {
    fake,
    app,
    clock,
    scheduler,
    questions,
    moderation,
    answer,
    ask,
    postsToQuestions,
    logs: log.lines,
    stop: async () => {
      await scheduler.stop();
      await base.stop();
    },
  };
}

test('Discord: a question post that times out every time tells the member it waits; the question stays unposted and the outbox posts it once after its wait, when Discord answers again', (t) =>
  eachDatabase(t, async (database) => {
    const b = await discordBot(database, '2');
    try {
      b.fake.hangNext('POST', new RegExp(`^/channels/${b.questions}/messages$`), 100);
      const answer = await b.answer(b.ask());
      assert.match(answer, POST_WAITING);
      assert.doesNotMatch(answer, /incident/);
      assert.equal(b.fake.posts(b.moderation).length, 0, 'the moderators hear only if it is given up');
      const attempts = b.postsToQuestions();
      assert.equal(attempts.length, 3, 'the first attempt and two retries');
      assert.ok(
        attempts.every((c) => c.status === 0),
        'none was answered',
      );
      // Stored state as before the post: the question is saved, not marked posted, no message.
      const q = await b.app.db.getRepository(Question).findOneByOrFail({ id: 1 });
      assert.equal(q.text, QUESTION);
      assert.equal(q.postedAt, null);
      assert.equal(q.messageId, null);
      assert.equal(b.fake.posts(b.questions).length, 0);
      assert.ok(!b.logs().join('\n').includes(alice.id), 'the logs name the asker');

      // Discord answers again: not before the outbox's wait; then the scheduler's tick posts the question, the one after does nothing.
      b.fake.clearFailures();
      await b.scheduler.tick();
      assert.equal(b.fake.posts(b.questions).length, 0, 'waiting');
      b.clock.advance(OUTBOX_WAIT_MS);
      await b.scheduler.tick();
      await b.scheduler.tick();
      assert.equal(b.fake.posts(b.questions).length, 1);
      const posted = await b.app.db.getRepository(Question).findOneByOrFail({ id: 1 });
      assert.equal(posted.messageId, b.fake.posts(b.questions)[0]!.id);
      assert.notEqual(posted.postedAt, null);
    } finally {
      await b.stop();
    }
  }));

test('Discord: a post whose answer is lost once is retried with the same nonce, and Discord keeps one message; the member gets the normal answer', async () => {
  const database = await freshDatabase('sqlite');
  const b = await discordBot(database, '2');
  try {
    // Discord makes the message, but its answer never arrives: the retry must not make a second one.
    b.fake.hangNext('POST', new RegExp(`^/channels/${b.questions}/messages$`), 1, { afterHandling: true });
    const answer = await b.answer(b.ask());
    assert.match(answer, /Your question #1 is posted in <#\d+>/);
    const attempts = b.postsToQuestions();
    assert.deepEqual(
      attempts.map((c) => c.status),
      [0, 200],
    );
    const nonces = attempts.map((c) => (c.body as { nonce?: string; enforce_nonce?: boolean }).nonce);
    assert.ok(nonces[0], 'sent with a nonce');
    assert.equal(nonces[1], nonces[0], 'the retry carries the same nonce');
    assert.ok(
      attempts.every((c) => (c.body as { enforce_nonce?: boolean }).enforce_nonce === true),
      'and asks Discord to enforce it',
    );
    assert.equal(b.fake.posts(b.questions).length, 1, 'exactly one message');
    const q = await b.app.db.getRepository(Question).findOneByOrFail({ id: 1 });
    assert.equal(q.messageId, b.fake.posts(b.questions)[0]!.id);
    assert.equal(b.fake.posts(b.moderation).length, 0, 'nothing to report');
  } finally {
    await b.stop();
    await database.drop();
  }
});

test('Discord: the waits between retries of a 5xx grow and are at least the policy’s minimum; a post that succeeds on the last try is posted once', async () => {
  const database = await freshDatabase('sqlite');
  const b = await discordBot(database, '3');
  try {
    b.fake.failNext('POST', new RegExp(`^/channels/${b.questions}/messages$`), 502, { message: 'Bad Gateway', code: 0 }, {}, 3);
    assert.match(await b.answer(b.ask()), /Your question #1 is posted/);
    const attempts = b.postsToQuestions();
    assert.deepEqual(
      attempts.map((c) => c.status),
      [502, 502, 502, 200],
    );
    assertBackoff(
      attempts.map((c) => c.at),
      3,
    );
    assert.equal(b.fake.posts(b.questions).length, 1);
  } finally {
    await b.stop();
    await database.drop();
  }
});

test('Discord: other calls are retried too (a thread start, an edit), and a repeated thread start after a lost answer lands in the one thread', async () => {
  const database = await freshDatabase('sqlite');
  const b = await discordBot(database, '2');
  try {
    assert.match(await b.answer(b.ask()), /posted/);
    const post = b.fake.posts(b.questions)[0]!;
    // The thread is started, but the answer is lost; the retry hears "already created" and uses it.
    b.fake.hangNext('POST', new RegExp(`^/channels/${b.questions}/messages/${post.id}/threads$`), 1, { afterHandling: true });
    b.fake.failNext('PATCH', new RegExp(`^/channels/${b.questions}/messages/${post.id}$`), 500, {
      message: 'Internal Server Error',
      code: 0,
    });
    const i = b.fake.slash(mona, 'ask', [
      {
        name: 'answer',
        type: 1,
        options: [
          { name: 'id', type: 4, value: 1 },
          { name: 'text', type: 3, value: 'Yes, it was stored.' },
        ],
      },
    ]);
    assert.doesNotMatch(await b.answer(i), /incident|did not accept/);
    const thread = b.fake.threadOf(post.id)!;
    await b.fake.waitFor(
      () => b.fake.posts(thread).length === 1 && b.fake.messages.get(post.id)!.edits > 0,
      'the answer in the thread and the updated post',
    );
    assert.match(JSON.stringify(b.fake.posts(thread)[0]), /Yes, it was stored\./);
    assert.deepEqual(
      b.fake.calls.filter((c) => c.method === 'PATCH' && c.path === `/channels/${b.questions}/messages/${post.id}`).map((c) => c.status),
      [500, 200],
    );
  } finally {
    await b.stop();
    await database.drop();
  }
});

test('Discord: a delayed question the scheduler cannot post is tried again after waits; given up, the moderators are told once, and /mod outbox’s retry posts it once', async () => {
  const database = await freshDatabase('sqlite');
  const b = await discordBot(database, '1', { ANON_POST_DELAY_MAX: '60', OUTBOX_MAX_ATTEMPTS: '2' });
  try {
    assert.match(await b.answer(b.ask()), /will appear in the questions channel within a minute/);
    b.fake.failNext('POST', new RegExp(`^/channels/${b.questions}/messages$`), 503, { message: 'Service Unavailable', code: 0 }, {}, 100);
    b.clock.advance(61_000);
    await b.scheduler.tick();
    assert.equal(b.postsToQuestions().length, 2, 'the first attempt and one retry');
    assert.equal(b.fake.posts(b.moderation).length, 0, 'not given up yet');
    await b.scheduler.tick();
    assert.equal(b.postsToQuestions().length, 2, 'not tried again before its wait is over');
    b.clock.advance(OUTBOX_WAIT_MS);
    await b.scheduler.tick();
    assert.equal(b.postsToQuestions().length, 4, 'tried again after the wait');
    assert.equal(b.fake.posts(b.moderation).length, 1, 'given up: the moderators are told');
    assert.match(JSON.stringify(b.fake.posts(b.moderation)[0]), GIVEN_UP);
    b.clock.advance(OUTBOX_WAIT_MS);
    await b.scheduler.tick();
    assert.equal(b.postsToQuestions().length, 4, 'a message given up is not tried by itself');
    assert.equal(b.fake.posts(b.moderation).length, 1, 'the moderators were told once');
    const q = await b.app.db.getRepository(Question).findOneByOrFail({ id: 1 });
    assert.equal(q.postedAt, null);

    b.fake.clearFailures();
    const [row] = await b.app.services.outbox.undelivered(q.chapterId);
    assert.equal(row?.kind, 'question_post');
    assert.equal((await b.app.services.outbox.retryUndelivered(q.chapterId, row.id)).outcome, 'sent');
    await b.scheduler.tick();
    assert.equal(b.fake.posts(b.questions).length, 1);
    assert.equal((await b.app.db.getRepository(Question).findOneByOrFail({ id: 1 })).messageId, b.fake.posts(b.questions)[0]!.id);
  } finally {
    await b.stop();
    await database.drop();
  }
});

test('Discord: reminders the platform keeps refusing are tried again after waits, then given up; the moderation channel is told once, without names', async () => {
  const database = await freshDatabase('sqlite');
  const b = await discordBot(database, '1', { OUTBOX_MAX_ATTEMPTS: '2' });
  try {
    const opt = (name: string, value: string | number | boolean) => ({
      name,
      type: typeof value === 'number' ? 4 : typeof value === 'boolean' ? 5 : 3,
      value,
    });
    const create = [
      opt('chapter', 'Berlin'),
      opt('title', 'Python basics'),
      opt('topic', 'python'),
      opt('date', '2027-03-10'),
      opt('time', '18:00'),
      opt('learners', 4),
      opt('strict-ratio', false),
    ];
    assert.match(await b.answer(b.fake.slash(mona, 'workshop', [{ name: 'create', type: 1, options: create }], { moderator: true })), /#1/);
    assert.match(await b.answer(b.fake.slash(alice, 'workshop', [{ name: 'join', type: 1, options: [opt('id', 1)] }])), /#1/);
    // Direct messages cannot be opened: Discord answers 503 to every try.
    b.fake.failNext('POST', /^\/users\/@me\/channels$/, 503, { message: 'Service Unavailable', code: 0 }, {}, 100);
    b.clock.set(new Date('2027-03-09T17:05:00Z')); // the day-before reminder is due (18:00 in Berlin is 17:00 UTC)
    await b.app.services.reminders.tick();
    await b.app.services.reminders.tick();
    const opens = () => b.fake.calls.filter((c) => c.method === 'POST' && c.path === '/users/@me/channels').length;
    assert.equal(opens(), 2, 'the first send: one call and one retry (PLATFORM_RETRIES=1), once for both ticks');
    assert.equal(await b.app.services.outbox.deliverDue(), 0, 'the next send waits');
    b.clock.advance(61_000);
    await b.app.services.outbox.deliverDue();
    assert.equal(opens(), 4, 'the second send, the last (OUTBOX_MAX_ATTEMPTS=2)');
    b.clock.advance(3_600_000);
    await b.app.services.outbox.deliverDue();
    await b.app.services.reminders.tick();
    assert.equal(opens(), 4, 'given up: not sent again');
    const notices = b.fake.posts(b.moderation).filter((m) => /could not be delivered/.test(JSON.stringify(m)));
    assert.equal(notices.length, 1);
    assert.match(JSON.stringify(notices[0]), /A message of this chapter could not be delivered after several tries/);
    const mod = await b.answer(b.fake.slash(mona, 'mod', [{ name: 'outbox', type: 1, options: [] }], { moderator: true }));
    assert.match(mod, /Reminder \(workshop #1\)/, mod);
    for (const who of [alice.id, alice.username, alice.globalName!]) {
      assert.ok(!JSON.stringify(notices[0]).includes(who), `the notice names ${who}`);
      assert.ok(!mod.includes(who), `/mod outbox names ${who}`);
    }
  } finally {
    await b.stop();
    await database.drop();
  }
});

// ---------------------------------------------------------------- Slack

const SECRET = 'faults-signing-secret-0123456789abcdef';

async function slackBot(database: TestDatabase, retries: string, o: { ackDeadlineMs?: number } = {}) {
  const fake = await new FakeSlack().start();
  fake.users.set('UADMIN', { name: 'ada', isAdmin: true });
  fake.users.set('UASKER', { name: 'asker_q7x2k9' });
  const tmp = tempDir();
  const config = loadConfig({
    DATABASE_URL: database.url,
    DATA_DIR: tmp.dir,
    SLACK_BOT_TOKEN: 'xoxb-faults',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.apiUrl,
    RATE_LIMIT_MAX: '1000',
    PLATFORM_TIMEOUT_MS: TIMEOUT,
    PLATFORM_RETRIES: retries,
  });
  const log = capturedLogger();
  const clock = new ManualClock(new Date('2027-03-01T10:00:00Z'));
  const app = await createApp(config, log.log, clock);
  const slack = await startSlack(app, config, log.log, { listen: { port: 0, host: '127.0.0.1' }, ...o });
  const scheduler = startScheduler(app, log.log, 3_600_000);
  let n = 0;
  /** A signed slash command; resolves with the member's final answer, on the acknowledgement or through the response URL. */
  const slash = async (user: string, command: string, text: string): Promise<string> => {
    const id = `r${++n}`;
    const ack = await postSigned(
      `http://127.0.0.1:${slack.port}/slack/events`,
      slashCommandBody({ command, text, user, responseUrl: fake.responseUrl(id) }),
      SECRET,
    );
    assert.equal(ack.status, 200);
    if (typeof ack.json?.text === 'string') return ack.json.text;
    return String((await fake.until(`the answer on ${id}`, () => fake.responses.find((r) => r.id === id), PATIENCE_MS)).body.text);
  };
  assert.match(await slash('UADMIN', '/chapter', 'create name:Berlin timezone:Europe/Berlin'), /Chapter Berlin created/);
  assert.match(
    await slash('UADMIN', '/chapter', 'set name:Berlin questions-channel:<#CQUESTIONS|questions> moderation-channel:<#CMOD|moderation>'),
    /questions/,
  );
  const postsTo = (channel: string, outcome?: string) =>
    fake.calls.filter(
      (c) => c.method === 'chat.postMessage' && c.params.channel === channel && (outcome === undefined || c.outcome === outcome),
    );
  return {
    fake,
    app,
    clock,
    scheduler,
    slash,
    postsTo,
    logs: log.lines,
    stop: async () => {
      await scheduler.stop();
      await slack.stop();
      await fake.stop();
      await app.close();
      tmp.remove();
    },
  };
}

for (const fault of [
  { name: 'a 5xx (WebAPIHTTPError)', failure: { kind: 'http', status: 503 } as const, outcome: 'http 503' },
  { name: 'a timeout', failure: { kind: 'hang' } as const, outcome: 'hang' },
]) {
  test(`Slack: a question post failing with ${fault.name} every time tells the member it waits; the question stays unposted and the outbox posts it once after its wait, when Slack answers again`, (t) =>
    eachDatabase(t, async (database) => {
      const b = await slackBot(database, '2');
      try {
        for (let i = 0; i < 3; i++) b.fake.failNext('chat.postMessage', fault.failure);
        const answer = await b.slash('UASKER', '/ask', QUESTION);
        assert.match(answer, POST_WAITING);
        assert.doesNotMatch(answer, /incident/);
        const attempts = b.postsTo('CQUESTIONS');
        assert.deepEqual(
          attempts.map((c) => c.outcome),
          [fault.outcome, fault.outcome, fault.outcome],
        );
        assert.equal(b.postsTo('CMOD').length, 0, 'the moderators hear only if it is given up');
        const q = await b.app.db.getRepository(Question).findOneByOrFail({ id: 1 });
        assert.equal(q.postedAt, null);
        assert.equal(q.messageId, null);
        const logs = b.logs().join('\n');
        assert.ok(!logs.includes('UASKER') && !logs.includes('asker_q7x2k9'), 'the logs name the asker');

        // Slack answers again (the failures are used up): after the outbox's wait, one post, and none on the next tick.
        await b.scheduler.tick();
        assert.equal(b.postsTo('CQUESTIONS').length, 3, 'waiting');
        b.clock.advance(OUTBOX_WAIT_MS);
        await b.scheduler.tick();
        await b.scheduler.tick();
        assert.equal(b.postsTo('CQUESTIONS', 'ok').length, 1);
        const posted = await b.app.db.getRepository(Question).findOneByOrFail({ id: 1 });
        assert.notEqual(posted.messageId, null);
      } finally {
        await b.stop();
      }
    }));

  test(`Slack: a post failing once with ${fault.name} is retried after a wait and posted once; the member gets the normal answer`, async () => {
    const database = await freshDatabase('sqlite');
    const b = await slackBot(database, '2');
    try {
      b.fake.failNext('chat.postMessage', fault.failure);
      assert.match(await b.slash('UASKER', '/ask', QUESTION), /Your question #1 is posted/);
      const attempts = b.postsTo('CQUESTIONS');
      assert.deepEqual(
        attempts.map((c) => c.outcome),
        [fault.outcome, 'ok'],
      );
      // After a 5xx the wait starts when the answer arrives: at least the policy's first wait (after a
      // timeout it adds to the timeout, which starts before the request reaches the fake).
      const gap = attempts[1]!.at - attempts[0]!.at;
      const least =
        fault.failure.kind === 'http' ? minimumDelayMs(retryPolicy({ retries: 2, timeoutMs: Number(TIMEOUT) }), 0) - 2 : Number(TIMEOUT);
      assert.ok(gap >= least, `retried after ${gap} ms`);
      assert.equal(b.postsTo('CMOD').length, 0, 'nothing to report');
      const q = await b.app.db.getRepository(Question).findOneByOrFail({ id: 1 });
      assert.notEqual(q.messageId, null);
    } finally {
      await b.stop();
      await database.drop();
    }
  });
}

test('Slack: the waits between retries of a 5xx grow and are at least the policy’s minimum', async () => {
  const database = await freshDatabase('sqlite');
  const b = await slackBot(database, '3');
  try {
    for (let i = 0; i < 3; i++) b.fake.failNext('chat.postMessage', { kind: 'http', status: 500 });
    assert.match(await b.slash('UASKER', '/ask', QUESTION), /Your question #1 is posted/);
    const attempts = b.postsTo('CQUESTIONS');
    assert.deepEqual(
      attempts.map((c) => c.outcome),
      ['http 500', 'http 500', 'http 500', 'ok'],
    );
    assertBackoff(
      attempts.map((c) => c.at),
      3,
    );
  } finally {
    await b.stop();
    await database.drop();
  }
});

test('Slack: an answer through the response URL is retried after a 5xx or a timeout, and arrives once', async () => {
  const database = await freshDatabase('sqlite');
  // Acknowledged at once, so every answer goes through the response URL.
  const b = await slackBot(database, '2', { ackDeadlineMs: 1 });
  try {
    b.fake.failResponseNext({ kind: 'http', status: 502 });
    b.fake.failResponseNext({ kind: 'hang' });
    assert.match(await b.slash('UASKER', '/ask', QUESTION), /Your question #1 is posted/);
    const attempts = b.fake.responseAttempts.filter((r) => r.id === 'r3');
    assert.deepEqual(
      attempts.map((r) => r.outcome),
      ['http 502', 'hang', 'ok'],
    );
    // The wait after the 502 is at least the policy's first (the one after the timeout adds to the timeout).
    const gap = attempts[1]!.at - attempts[0]!.at;
    assert.ok(gap >= minimumDelayMs(retryPolicy({ retries: 2, timeoutMs: Number(TIMEOUT) }), 0) - 2, `retried ${gap} ms after the 502`);
    assert.equal(b.fake.responses.filter((r) => r.id === 'r3').length, 1);
  } finally {
    await b.stop();
    await database.drop();
  }
});
