import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { freePort, tempDir } from '../support/helpers.js';
import { FakeDiscord, type FakeUser, int, str, sub } from '../support/fake-discord.js';
import { FakeSlack } from '../support/fake-slack.js';
import { spawnNpm } from '../support/npm.js';
import { postSigned, slashCommandBody } from '../support/slack-requests.js';

// Exactly once (issue 22) across a crash: one real `npm start` process on an SQLite file sends a
// message on its own initiative (the DM offering a freed seat to the first learner waiting) and
// is killed (SIGKILL, the outbox's test hook OUTBOX_TEST_CRASH) right before the platform call
// or right after the platform accepted the message, before its outbox row is deleted. Restarted
// without the hook, the process finds the row (its lease taken before this start counts as
// free on SQLite) and sends it: the member has the message exactly once, and the row is gone.
// On Discord the fake's clock is moved past Discord's nonce window before the restart, so only
// the look at the channel's history can keep the message from being sent twice.

type Crash = 'before-send' | 'after-send';

const OFFER = /has freed up/;
const NONCE_WINDOW_MS = 5 * 60_000;
/** Safety nets, not timing assertions: a start builds dist/ and connects; the scheduler runs every 5 s. */
const PATIENCE_MS = 30_000;

/** The outbox's rows in the SQLite file (read beside the running bot: WAL lets a reader in). */
function outboxRows(path: string): { id: number; attempts: number; attemptedAt: number | null }[] {
  const db = new Database(path, { fileMustExist: true, timeout: 5000 });
  try {
    return db.prepare('SELECT id, attempts, "attemptedAt" FROM outbox_message ORDER BY id').all() as {
      id: number;
      attempts: number;
      attemptedAt: number | null;
    }[];
  } finally {
    db.close();
  }
}

/** The bot's JSON log lines. */
const logsOf = (out: string) =>
  out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: number; msg: string });

/** Waits until `check` holds, polling (a safety net of `ms`); `what` names it in the failure. */
async function until<T>(what: string, check: () => T | undefined | false, ms = PATIENCE_MS, tail = () => ''): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = check();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`still waiting for ${what}\n${tail().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// ---------------------------------------------------------------- Discord

const mona: FakeUser = { id: '555555555555555700', username: 'mona' };
const ada: FakeUser = { id: '555555555555555701', username: 'ada' };
const lea: FakeUser = { id: '555555555555555702', username: 'lea' };
const lou: FakeUser = { id: '555555555555555703', username: 'lou' };

async function discordRestart(crash: Crash) {
  const fake = await FakeDiscord.start();
  const tmp = tempDir();
  const database = join(tmp.dir, 'bot.sqlite');
  const start = (extra: Record<string, string>) =>
    spawnNpm(['start', '--silent'], {
      NODE_ENV: 'test',
      DATABASE_URL: `sqlite:${database}`,
      DATA_DIR: tmp.dir,
      ANON_SECRET: 's'.repeat(40),
      DISCORD_TOKEN: 'fake-token',
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_URL: fake.apiUrl,
      RATE_LIMIT_MAX: '1000',
      LOG_LEVEL: 'info',
      ...extra,
    });
  const ready = (bot: ReturnType<typeof start>) =>
    until('the bot to be ready', () => /Discord ready/.test(bot.output()), PATIENCE_MS, bot.output);
  const offers = () => {
    const dm = fake.dmChannelOf(lou.id);
    return dm ? fake.posts(dm).filter((m) => OFFER.test(JSON.stringify(m.embeds))) : [];
  };
  let bot = start({ OUTBOX_TEST_CRASH: crash });
  try {
    await ready(bot);
    const reply = async (i: { id: string; token: string }) =>
      JSON.stringify(
        (await fake.waitFor(() => fake.responses(i).find((r) => (r.body as { type?: number }).type !== 5), 'the answer', PATIENCE_MS)).body,
      );
    const day = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
    assert.match(
      await reply(fake.slash(mona, 'chapter', sub('create', [str('name', 'Berlin'), str('timezone', 'UTC')]), { moderator: true })),
      /Chapter Berlin created/,
    );
    const create = [
      str('chapter', 'Berlin'),
      str('title', 'Python day'),
      str('topic', 'Python'),
      str('date', day),
      str('time', '10:00'),
      int('learners', 1),
    ];
    assert.match(await reply(fake.slash(mona, 'workshop', sub('create', create), { moderator: true })), /Workshop #1/);
    await reply(fake.slash(ada, 'coach', sub('volunteer', [str('topics', 'Python')])));
    await reply(fake.slash(ada, 'workshop', sub('claim', [int('id', 1)])));
    assert.match(await reply(fake.slash(lea, 'workshop', sub('join', [int('id', 1)]))), /confirmed/);
    assert.match(await reply(fake.slash(lou, 'workshop', sub('join', [int('id', 1)]))), /number 1 on the waitlist/);

    // Lea leaves: the offer to lou is the first message the outbox sends, and the process dies there.
    fake.slash(lea, 'workshop', sub('leave', [int('id', 1)]));
    const crashed = await bot.done;
    assert.doesNotMatch(crashed.stderr, /"msg":"stopping"/, 'killed, not stopped');
    const [row] = outboxRows(database);
    assert.ok(row, 'the offer is still in the outbox');
    assert.equal(outboxRows(database).length, 1);
    assert.equal(offers().length, crash === 'after-send' ? 1 : 0, `Discord has the offer ${crash === 'after-send' ? 'once' : 'not yet'}`);
    if (crash === 'after-send') assert.ok(row.attemptedAt, 'the attempt is recorded before the platform call');

    // Discord forgets nonces after a few minutes: the restart comes later than that.
    const shift = NONCE_WINDOW_MS + 5 * 60_000;
    fake.now = () => Date.now() + shift;
    bot = start({});
    await ready(bot);
    await until('the outbox to be empty', () => outboxRows(database).length === 0, PATIENCE_MS, bot.output);
    const sent = offers();
    assert.equal(sent.length, 1, 'the offer exists exactly once');
    const attempts = fake.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${fake.dmChannelOf(lou.id)}/messages`);
    assert.equal(attempts.length, 1, 'Discord was asked to make it once');
    if (crash === 'after-send') {
      // The restart read the DM's history from the first attempt on and did not send again.
      assert.ok(
        fake.calls.some((c) => c.method === 'GET' && c.path === `/channels/${fake.dmChannelOf(lou.id)}/messages`),
        'the history was read',
      );
    }
    bot.signal('SIGTERM');
    const stopped = await bot.done;
    assert.deepEqual(
      logsOf(stopped.stderr).filter((l) => l.level >= 50),
      [],
      'nothing logged as an error after the restart',
    );
  } finally {
    bot.signal('SIGKILL');
    await bot.done;
    await fake.close();
    tmp.remove();
  }
}

test('Discord, killed right after Discord made the offer DM, restarted past the nonce window: the DM exists exactly once and its outbox row is gone', () =>
  discordRestart('after-send'));

test('Discord, killed right before the offer DM was sent, restarted: the DM exists exactly once and its outbox row is gone', () =>
  discordRestart('before-send'));

// ---------------------------------------------------------------- Slack

const SECRET = 'outbox-restart-signing-secret';

async function slackRestart(crash: Crash) {
  // ts from the clock, as Slack's are, so the history since the first attempt selects by time.
  const fake = await new FakeSlack('T1', { now: () => Date.now() }).start();
  fake.users.set('UMONA', { name: 'mona', isAdmin: true });
  for (const id of ['UADA', 'ULEA', 'ULOU']) fake.users.set(id, { name: id.slice(1).toLowerCase() });
  const tmp = tempDir();
  const database = join(tmp.dir, 'bot.sqlite');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/slack/events`;
  const start = (extra: Record<string, string>) =>
    spawnNpm(['start', '--silent'], {
      NODE_ENV: 'test',
      DATABASE_URL: `sqlite:${database}`,
      DATA_DIR: tmp.dir,
      ANON_SECRET: 's'.repeat(40),
      SLACK_BOT_TOKEN: 'xoxb-outbox-restart',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
      SLACK_PORT: String(port),
      RATE_LIMIT_MAX: '1000',
      LOG_LEVEL: 'info',
      ...extra,
    });
  const ready = (bot: ReturnType<typeof start>) =>
    until('the adapter to listen', () => /slack adapter listening/.test(bot.output()), PATIENCE_MS, bot.output);
  let n = 0;
  const send = (user: string, command: string, text: string) => {
    const id = `r${++n}`;
    return {
      id,
      answer: postSigned(
        url,
        slashCommandBody({ command, text, user, responseUrl: fake.responseUrl(id), triggerId: `trigger-${id}` }),
        SECRET,
      ),
    };
  };
  /** The command's answer: in the acknowledgement, or at its response URL once it is done. */
  const slash = async (user: string, command: string, text: string) => {
    const { id, answer } = send(user, command, text);
    return String(
      (await answer).json?.text ??
        (await fake.until(`the answer to ${command} ${text}`, () => fake.responses.find((r) => r.id === id)?.body, PATIENCE_MS)).text,
    );
  };
  const offers = () => (fake.history.get('DULOU') ?? []).filter((m) => OFFER.test(m.text + JSON.stringify(m.blocks)));
  let bot = start({ OUTBOX_TEST_CRASH: crash });
  try {
    await ready(bot);
    const day = new Date(Date.now() + 5 * 86_400_000).toISOString().slice(0, 10);
    assert.match(await slash('UMONA', '/chapter', 'create name:Berlin timezone:UTC'), /Chapter Berlin created/);
    assert.match(
      await slash('UMONA', '/workshop', `create chapter:Berlin title:"Python day" topic:Python date:${day} time:10:00 learners:1`),
      /Workshop #1/,
    );
    await slash('UADA', '/coach', 'volunteer topics:Python');
    await slash('UADA', '/workshop', 'claim 1');
    assert.match(await slash('ULEA', '/workshop', 'join 1'), /confirmed/);
    assert.match(await slash('ULOU', '/workshop', 'join 1'), /number 1 on the waitlist/);

    // Lea leaves: the offer to lou is the first message the outbox sends, and the process dies there
    // (the request may go unanswered: the process is gone).
    void send('ULEA', '/workshop', 'leave 1').answer.catch(() => undefined);
    const crashed = await bot.done;
    assert.doesNotMatch(crashed.stderr, /"msg":"stopping"/, 'killed, not stopped');
    const [row] = outboxRows(database);
    assert.ok(row, 'the offer is still in the outbox');
    assert.equal(outboxRows(database).length, 1);
    assert.equal(offers().length, crash === 'after-send' ? 1 : 0, `Slack has the offer ${crash === 'after-send' ? 'once' : 'not yet'}`);

    bot = start({});
    await ready(bot);
    await until('the outbox to be empty', () => outboxRows(database).length === 0, PATIENCE_MS, bot.output);
    const sent = offers();
    assert.equal(sent.length, 1, 'the offer exists exactly once');
    assert.equal(sent[0]!.metadata?.event_type, 'ots_bot_notice', 'marked as the bot’s notice');
    assert.equal(typeof sent[0]!.metadata?.event_payload.token, 'string', 'with the row’s token');
    assert.equal(fake.callsOf('chat.postMessage').filter((c) => c.params.channel === 'DULOU').length, 1, 'Slack was asked once');
    if (crash === 'after-send')
      assert.ok(
        fake.callsOf('conversations.history').some((c) => c.params.channel === 'DULOU'),
        'the history was read',
      );
    bot.signal('SIGTERM');
    const stopped = await bot.done;
    assert.deepEqual(
      logsOf(stopped.stderr).filter((l) => l.level >= 50),
      [],
      'nothing logged as an error after the restart',
    );
  } finally {
    bot.signal('SIGKILL');
    await bot.done;
    await fake.stop();
    tmp.remove();
  }
}

test('Slack, killed right after Slack took the offer DM, restarted: the DM exists exactly once, marked with the outbox’s metadata, and its row is gone', () =>
  slackRestart('after-send'));

test('Slack, killed right before the offer DM was sent, restarted: the DM exists exactly once and its row is gone', () =>
  slackRestart('before-send'));
