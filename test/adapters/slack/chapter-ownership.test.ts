import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DataSource } from 'typeorm';
import { Chapter } from '../../../entities/Chapter.js';
import { ChapterBinding } from '../../../entities/ChapterBinding.js';
import { ChapterChannel } from '../../../entities/ChapterChannel.js';
import { ChapterLinkCode } from '../../../entities/ChapterLinkCode.js';
import { Question } from '../../../entities/Question.js';
import { Workshop } from '../../../entities/Workshop.js';
import { ACTION_PREFIX } from '../../../src/adapters/slack/render.js';
import { startSlack } from '../../../src/adapters/slack/adapter.js';
import { createApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { ManualClock } from '../../../src/core/clock.js';
import { capturedLogger, freshDatabase, postgresUnavailable, tempDir, type TestDatabase } from '../../support/helpers.js';
import { FakeSlack } from '../../support/fake-slack.js';
import { interactionBody, postSigned, slashCommandBody, type SlackHttpAnswer } from '../../support/slack-requests.js';

// Chapter ownership on Slack, with two workspaces. One bot process serves one Slack workspace
// (one bot token), so T1 and T2 each get their own process (the real app and the real Bolt app)
// and their own fake Slack, both on the same PostgreSQL schema, as two deployments sharing a
// database would run. Berlin is created in T1; T2's administrator gets Berlin's rights only
// with a link code from T1's.
const SECRET = 'ownership-signing-secret-0123456789';
/** Tables whose rows record transport, not chapter data: the signatures of Slack requests seen (the replay guard). */
const TRANSPORT_TABLES = new Set(['seen_request']);
const NOT_SERVED = 'This bot is not set up for this server or workspace.';

type Bot = Awaited<ReturnType<typeof bot>>;

/** A bot process serving one team: its own fake Slack, its own app and Bolt app, the shared database. */
async function bot(database: TestDatabase, team: string, env: Record<string, string> = {}) {
  const fake = await new FakeSlack(team).start();
  const tmp = tempDir();
  const config = loadConfig({
    DATABASE_URL: database.url,
    DATA_DIR: tmp.dir,
    SLACK_BOT_TOKEN: `xoxb-${team}`,
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.apiUrl,
    RATE_LIMIT_MAX: '1000',
    ...env,
  });
  const log = capturedLogger();
  // Workshop dates must lie within three years of the app's clock: a fixed one, three months before the workshop.
  const app = await createApp(config, log.log, new ManualClock(new Date('2027-03-01T10:00:00Z')));
  let slack;
  try {
    slack = await startSlack(app, config, log.log, { listen: { port: 0, host: '127.0.0.1' } });
  } catch (err) {
    await app.close();
    await fake.stop();
    tmp.remove();
    throw err;
  }
  const url = `http://127.0.0.1:${slack.port}/slack/events`;
  let n = 0;
  return {
    team,
    fake,
    app,
    url,
    logs: log.lines,
    /** A slash command typed by `user` in this team's #general, answered on the acknowledgement. */
    slash: (user: string, command: string, text: string): Promise<SlackHttpAnswer> =>
      postSigned(
        url,
        slashCommandBody({
          command,
          text,
          user,
          team,
          responseUrl: fake.responseUrl(`${team}-r${++n}`),
          triggerId: `${team}-trigger-${n}`,
        }),
        SECRET,
      ),
    stop: async () => {
      await slack.stop();
      await app.close();
      await fake.stop();
      tmp.remove();
    },
  };
}

/** Every row of every chapter-data table, as text: what must not change when a command is refused. */
async function dump(db: DataSource): Promise<string> {
  const out: Record<string, unknown[]> = {};
  for (const meta of [...db.entityMetadatas].sort((a, b) => a.tableName.localeCompare(b.tableName))) {
    if (TRANSPORT_TABLES.has(meta.tableName)) continue;
    out[meta.tableName] = await db
      .getRepository(meta.target)
      .find({ order: Object.fromEntries(meta.primaryColumns.map((c) => [c.propertyName, 'ASC'])) });
  }
  return JSON.stringify(out);
}

const bindings = async (db: DataSource) =>
  (await db.getRepository(ChapterBinding).find({ relations: { chapter: true }, order: { id: 'ASC' } })).map(
    (b) => `${b.chapter!.name}@${b.platform}:${b.workspace}${b.channel ? `#${b.channel}` : ''}`,
  );

const text = (answer: SlackHttpAnswer) => String(answer.json?.text);

/** PostgreSQL only: two processes on one SQLite file is not how this bot is deployed. */
async function onPostgres(t: { skip: (reason: string) => void }, body: (database: TestDatabase) => Promise<void>): Promise<void> {
  const reason = await postgresUnavailable();
  if (reason) return void t.skip(reason);
  const database = await freshDatabase('postgres');
  try {
    await body(database);
  } finally {
    await database.drop();
  }
}

test('on Slack, with a process per workspace, another workspace’s admin moderates Berlin only after using a link code from Berlin’s moderators, and never posts with its token in Berlin’s workspace', (t) =>
  onPostgres(t, async (database) => {
    const running: Bot[] = [];
    try {
      const t1 = await bot(database, 'T1');
      running.push(t1);
      const t2 = await bot(database, 'T2');
      running.push(t2);
      t1.fake.users.set('UADA', { name: 'ada', isAdmin: true });
      t1.fake.users.set('UASKER', { name: 'asker_k3v8' });
      t2.fake.users.set('UHANNA', { name: 'hanna', isAdmin: true });
      const db = t1.app.db;

      // 1. In T1, ada creates Berlin (bound to T1), sets its channels and a workshop; a member asks.
      const created = await t1.slash('UADA', '/chapter', 'create name:Berlin timezone:Europe/Berlin');
      assert.equal(created.status, 200);
      assert.match(text(created), /Chapter Berlin created/);
      assert.deepEqual(await bindings(db), ['Berlin@slack:T1']);
      const set = await t1.slash(
        'UADA',
        '/chapter',
        'set name:Berlin moderation-channel:<#CMODS|mods> questions-channel:<#CQUESTIONS|questions>',
      );
      assert.match(text(set), /^Channels of Berlin here: /, text(set));
      const channels = (await db.getRepository(ChapterChannel).find({ order: { purpose: 'ASC' } })).map(
        (c) => `${c.platform}:${c.workspace} ${c.purpose}=${c.channelId}`,
      );
      assert.deepEqual(channels, ['slack:T1 moderation=CMODS', 'slack:T1 questions=CQUESTIONS']);

      const workshop = await t1.slash(
        'UADA',
        '/workshop',
        'create chapter:Berlin title:"Python basics" topic:Python date:2027-06-01 time:18:00 learners:4',
      );
      assert.match(text(workshop), /#1/, text(workshop));
      const stored = await db.getRepository(Workshop).findOneOrFail({ where: { id: 1 }, relations: { chapter: true } });
      assert.deepEqual([stored.chapter!.name, stored.title, stored.status], ['Berlin', 'Python basics', 'scheduled']);

      const asked = await t1.slash('UASKER', '/ask', 'text:"How do I start with Python?"');
      assert.match(text(asked), /Your question #1 is posted/);
      const question = await db.getRepository(Question).findOneOrFail({ where: { id: 1 }, relations: { chapter: true } });
      assert.deepEqual([question.chapter!.name, question.workspace, question.status], ['Berlin', 'T1', 'open']);
      const questionPost = t1.fake.callsOf('chat.postMessage').at(-1);
      assert.equal(questionPost?.params.channel, 'CQUESTIONS');
      assert.match(String(questionPost?.params.text), /Anonymous question #1/);

      // 2. In T2, hanna (an admin there) has no rights over Berlin: not to bind it without a code,
      //    nor to act on its question, its workshop or its settings. Each refusal changes nothing.
      const before = await dump(db);
      const refusedUse = await t2.slash('UHANNA', '/chapter', 'use name:Berlin');
      assert.match(text(refusedUse), /Berlin belongs to its moderators elsewhere \(slack\)\. Ask them for a link code/);
      assert.deepEqual(await bindings(db), ['Berlin@slack:T1'], 'T2 is not bound');
      for (const [command, line] of [
        ['/mod', 'hide id:1 reason:"Not wanted here"'],
        ['/workshop', 'cancel id:1 reason:"Room is gone"'],
        ['/chapter', 'set name:Berlin learners-per-coach:3'],
        ['/chapter', 'link name:Berlin'],
      ] as const) {
        const refused = await t2.slash('UHANNA', command, line);
        assert.equal(refused.status, 200);
        const name = `${command.slice(1)} ${line.split(' ')[0]}`;
        assert.match(
          text(refused),
          new RegExp(`Only the moderators of Berlin can run /${name} on this`),
          `${command} ${line}: ${text(refused)}`,
        );
      }
      assert.equal(await dump(db), before, 'no refusal changed the database');
      assert.equal((await db.getRepository(Question).findOneByOrFail({ id: 1 })).status, 'open');
      assert.equal((await db.getRepository(Workshop).findOneByOrFail({ id: 1 })).status, 'scheduled');
      assert.equal((await db.getRepository(Chapter).findOneByOrFail({ name: 'Berlin' })).learnersPerCoach, null);
      assert.equal(t2.fake.callsOf('chat.postMessage').length, 0, 'T2’s process posted nothing');

      // 3. Ada makes a link code in T1: shown to her only.
      const linked = await t1.slash('UADA', '/chapter', 'link name:Berlin');
      assert.equal(linked.json?.response_type, 'ephemeral', JSON.stringify(linked.json));
      const code = /Link code for Berlin: ([0-9A-Z]{4}-[0-9A-Z]{4})\./.exec(text(linked))?.[1];
      assert.ok(code, text(linked));
      const codes = await db.getRepository(ChapterLinkCode).find();
      assert.equal(codes.length, 1);
      assert.equal(codes[0]!.usedAt, null);
      assert.ok(!JSON.stringify(codes).includes(code.replace('-', '')), 'only the code’s hash is stored');

      // Hanna uses it in T2: T2 is bound, the code is used up.
      const t1Posts = t1.fake.callsOf('chat.postMessage').length;
      const used = await t2.slash('UHANNA', '/chapter', `use name:Berlin code:${code}`);
      assert.match(text(used), /^This workspace now belongs to chapter Berlin\./, text(used));
      // T2's process cannot post in T1: the notice waits in the database for T1's process.
      assert.match(text(used), /Its moderators were told in their moderation channel\./);
      assert.deepEqual(await bindings(db), ['Berlin@slack:T1', 'Berlin@slack:T2']);
      assert.ok((await db.getRepository(ChapterLinkCode).findOneByOrFail({ id: codes[0]!.id })).usedAt, 'the code is used up');
      // T2's process holds T2's token, which cannot post in T1's channels: it does not try (it did,
      // and Slack would answer channel_not_found, before the Slack adapter offered its outbox to its own team only).
      assert.deepEqual(
        t2.fake.callsOf('chat.postMessage').map((c) => c.params.channel),
        [],
        'T2’s token never posts into T1’s moderation channel',
      );
      // What Berlin's moderators in T1 can see today: the link in their audit trail, filed under Berlin.
      const audit = await t1.slash('UADA', '/mod', 'audit');
      assert.match(text(audit), /hanna[\s\S]*chapter use[\s\S]*Berlin[\s\S]*bound workspace with a link code/, text(audit));

      // T1's scheduler posts it (one tick of what startScheduler runs every few seconds), once.
      assert.equal(await t2.app.services.outbox.deliverDue(), 0, 'T2’s process leaves it alone');
      assert.equal(await t1.app.services.outbox.deliverDue(), 1);
      const notices = t1.fake.callsOf('chat.postMessage').slice(t1Posts);
      assert.deepEqual(
        notices.map((c) => [c.params.channel, c.params.text]),
        [['CMODS', 'Berlin is now bound also to slack:T2, with a link code from its moderators. /mod audit shows who linked it.']],
      );
      assert.equal(await t1.app.services.outbox.deliverDue(), 0, 'posted once');

      // Now hanna moderates Berlin from T2.
      const ratio = await t2.slash('UHANNA', '/chapter', 'set name:Berlin learners-per-coach:3');
      assert.equal(text(ratio), 'New workshops of Berlin plan one coach for every 3 learners.');
      assert.equal((await db.getRepository(Chapter).findOneByOrFail({ name: 'Berlin' })).learnersPerCoach, 3);
    } finally {
      for (const b of running.reverse()) await b.stop();
    }
  }));

test('on Slack, a workspace outside ALLOWED_WORKSPACES gets one line for a slash command and a button, and nothing else happens', (t) =>
  onPostgres(t, async (database) => {
    const t1 = await bot(database, 'T1', { ALLOWED_WORKSPACES: 'T9' });
    try {
      t1.fake.users.set('UADA', { name: 'ada', isAdmin: true });
      const callsAtStart = t1.fake.calls.map((c) => c.method);
      assert.ok(
        callsAtStart.every((m) => m === 'auth.test'),
        callsAtStart.join(),
      );
      const before = await dump(t1.app.db);

      const slash = await t1.slash('UADA', '/chapter', 'create name:Berlin timezone:Europe/Berlin');
      assert.equal(slash.status, 200);
      assert.deepEqual(
        { text: slash.json?.text, blocks: slash.json?.blocks, type: slash.json?.response_type },
        { text: NOT_SERVED, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: NOT_SERVED, verbatim: true } }], type: 'ephemeral' },
      );

      const press = await postSigned(
        t1.url,
        interactionBody({
          type: 'block_actions',
          team: { id: 'T1', domain: 'test' },
          user: { id: 'UADA', username: 'ada', name: 'ada', team_id: 'T1' },
          api_app_id: 'A1',
          token: 'deprecated',
          container: { type: 'message', message_ts: '1700000000.000001', channel_id: 'CGENERAL', is_ephemeral: false },
          trigger_id: 'trigger-button',
          channel: { id: 'CGENERAL', name: 'general' },
          message: { type: 'message', ts: '1700000000.000001', text: 'a post' },
          response_url: t1.fake.responseUrl('button'),
          actions: [
            {
              type: 'button',
              action_id: `${ACTION_PREFIX}0`,
              block_id: 'b1',
              text: { type: 'plain_text', text: 'Create' },
              value: '/chapter create name:Berlin timezone:Europe/Berlin',
              action_ts: '1700000001.000000',
            },
          ],
        }),
        SECRET,
      );
      assert.equal(press.status, 200);
      assert.equal(press.text, '', 'a button’s acknowledgement carries nothing');
      const answer = await t1.fake.until('the answer to the button', () => t1.fake.responses.find((r) => r.id === 'button'));
      assert.equal(answer.body.text, NOT_SERVED);
      assert.deepEqual(answer.body.blocks, [{ type: 'section', text: { type: 'mrkdwn', text: NOT_SERVED, verbatim: true } }]);

      assert.deepEqual(
        t1.fake.responses.map((r) => r.id),
        ['button'],
        'one answer, to the button; the slash command’s rode on its acknowledgement',
      );
      assert.deepEqual(
        t1.fake.calls.map((c) => c.method),
        callsAtStart,
        'no users.info, no views.open, no post: no Web API call after start-up',
      );
      assert.equal(await dump(t1.app.db), before, 'nothing written');
      assert.deepEqual(await bindings(t1.app.db), []);
    } finally {
      await t1.stop();
    }
  }));
