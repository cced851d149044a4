import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DataSource } from 'typeorm';
import { chapter } from '../../../commands/chapter.js';
import { help } from '../../../commands/help.js';
import { AuditEntry } from '../../../entities/AuditEntry.js';
import { type RunningSlack, startSlack } from '../../../src/adapters/slack/adapter.js';
import { ManualClock } from '../../../src/core/clock.js';
import { action, defineCommand } from '../../../src/core/command.js';
import { Dispatcher } from '../../../src/core/dispatcher.js';
import { option } from '../../../src/core/options.js';
import { RateLimiter } from '../../../src/core/rate-limit.js';
import { CommandRegistry } from '../../../src/core/registry.js';
import { message, p, type PostedRef } from '../../../src/core/reply.js';
import type { DatabaseTarget } from '../../../src/config.js';
import type { Services } from '../../../src/services/index.js';
import { capturedLogger, eachDatabase, freshDatabase, servicesOn, type TestDatabase, testDispatcher } from '../../support/helpers.js';
import { FakeSlack } from '../../support/fake-slack.js';
import { interactionBody, postSigned, type SlackHttpAnswer, slackSignature, slashCommandBody } from '../../support/slack-requests.js';
import type { Actor } from '../../../src/core/types.js';

const SECRET = 'test-signing-secret-0123456789abcdef';

// Commands made for these tests: they post with buttons, count presses in the database, take a
// form and wait for the test; they run through the real dispatcher, services and database.
let posted: PostedRef | undefined;
let release: () => void = () => undefined;
let gate = Promise.resolve();
const tally = async (services: Services, kind: string, actor: Actor) => {
  await services.audit.record({ actor, chapterId: null, action: `probe ${kind}`, target: null, details: null });
  return services.store.manager.getRepository(AuditEntry).countBy({ action: `probe ${kind}` });
};
const probe = defineCommand({
  name: 'probe',
  description: 'cmd.help',
  subcommands: {
    post: action({
      description: 'cmd.help',
      options: { text: option.text({ description: 'cmd.help', required: true }) },
      async execute(ctx) {
        posted = await ctx.post(
          message([p(ctx.options.text)], {
            visibility: { kind: 'channel', channel: ctx.channel },
            buttons: [{ label: 'Press', command: '/probe press' }],
          }),
        );
        return message('posted');
      },
    }),
    press: action({
      description: 'cmd.help',
      async execute(ctx) {
        const n = await tally(ctx.services, 'press', ctx.actor);
        await ctx.edit(posted!, message(`pressed ${n} times`, { visibility: { kind: 'channel', channel: posted!.channel } }));
        return message('counted');
      },
    }),
    reach: action({
      description: 'cmd.help',
      async execute(ctx) {
        await ctx.post(message('just for you', { visibility: { kind: 'dm', to: { id: ctx.actor.id, name: ctx.actor.name } } }));
        await ctx.post(
          message('in the thread', { visibility: { kind: 'thread', channel: posted!.channel, messageId: posted!.messageId } }),
        );
        return message('reached');
      },
    }),
    claim: action({
      description: 'cmd.help',
      options: { id: option.integer({ description: 'cmd.help', required: true, min: 1 }) },
      async execute(ctx) {
        await tally(ctx.services, `claim ${ctx.options.id}`, ctx.actor);
        return message(`claimed ${ctx.options.id}`);
      },
    }),
    form: action({
      description: 'cmd.help',
      form: true,
      options: {
        title: option.string({ description: 'cmd.help', required: true, minLength: 3 }),
        seats: option.integer({ description: 'cmd.help', min: 1, max: 50 }),
      },
      async execute(ctx) {
        await tally(ctx.services, 'form', ctx.actor);
        return message(`created ${ctx.options.title} with ${ctx.options.seats ?? 'no'} seats`);
      },
    }),
    wait: action({
      description: 'cmd.help',
      async execute() {
        await gate;
        return message('finally', { visibility: { kind: 'here' } });
      },
    }),
  },
});

interface Bot {
  fake: FakeSlack;
  clock: ManualClock;
  db: DataSource;
  services: Services;
  slack: RunningSlack;
  url: string;
  logs: () => string[];
  close(): Promise<void>;
}

async function startBot(target: DatabaseTarget, env: Record<string, string> = {}): Promise<Bot> {
  const fake = await new FakeSlack().start();
  fake.users.set('UADMIN', { name: 'ada', isAdmin: true });
  fake.users.set('UMEMBER', { name: 'max' });
  fake.users.set('UMOD', { name: 'mo' });
  fake.users.set('UDE', { name: 'dora', locale: 'de-DE' });
  fake.groups.set('SMODS', ['UMOD']);
  const captured = capturedLogger();
  const clock = new ManualClock(new Date('2027-03-01T10:00:00Z'));
  const { db, services, config } = await servicesOn(target, clock, captured.log, {
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.apiUrl,
    ...env,
  });
  const registry = new CommandRegistry([help, chapter, probe]);
  const dispatcher = testDispatcher({ registry, services, log: captured.log, clock, rateLimitMax: 1000 });
  const slack = await startSlack({ registry, dispatcher, services }, config, captured.log, { listen: { port: 0, host: '127.0.0.1' } });
  return {
    fake,
    clock,
    db,
    services,
    slack,
    url: `http://127.0.0.1:${slack.port}/slack/events`,
    logs: captured.lines,
    close: async () => {
      await slack.stop();
      await fake.stop();
      await db.destroy();
    },
  };
}

let database: TestDatabase;
let bot: Bot;
before(async () => {
  database = await freshDatabase('sqlite');
  bot = await startBot(database.target, { SLACK_COMMAND_PREFIX: 'ots-' });
});
after(async () => {
  await bot.close();
  await database.drop();
});

let nextResponse = 0;
/** A slash command as Slack sends it; returns the HTTP answer and the id of its response URL. */
async function slash(command: string, text: string, user = 'UMEMBER', extra: { channel?: string } = {}) {
  const id = `r${++nextResponse}`;
  const answer = await postSigned(
    bot.url,
    slashCommandBody({ command, text, user, responseUrl: bot.fake.responseUrl(id), ...extra }),
    SECRET,
  );
  return { ...answer, responseId: id };
}
/** The command's answer: in the acknowledgement, or (after a deferral) at its response URL. */
const finalAnswer = (answer: SlackHttpAnswer & { responseId: string }) =>
  answer.json
    ? Promise.resolve(answer.json)
    : bot.fake.until('the answer', () => bot.fake.responses.find((r) => r.id === answer.responseId)?.body);
const shown = (json: Record<string, unknown> | undefined) => JSON.stringify(json ?? {});

test('a slash command is acknowledged with an ephemeral answer in the HTTP response (prefixed name)', async () => {
  const started = Date.now();
  const answer = await slash('/ots-help', '');
  assert.equal(answer.status, 200);
  assert.ok(Date.now() - started < 3000, 'within Slack’s three seconds');
  assert.equal(answer.json?.response_type, 'ephemeral');
  assert.match(String(answer.json?.text), /Commands you can run/);
  assert.match(String(answer.json?.text), /\/ots-chapter list/, 'commands are named as they are typed on this workspace');
  assert.doesNotMatch(String(answer.json?.text), /[^-]\/chapter list/);
  assert.doesNotMatch(String(answer.json?.text), /chapter create/, 'members do not see moderator commands');
});

test('free words fill the one missing option, as typed on Slack (/probe claim 3), and parse errors answer with the usage', async () => {
  const claimed = await slash('/ots-probe', 'claim 3');
  assert.equal(claimed.json?.text, 'claimed 3');
  const bad = await slash('/ots-probe', 'claim id:"3');
  assert.equal(bad.json?.response_type, 'ephemeral');
  assert.match(String(bad.json?.text), /never closed/);
});

test('workspace admins moderate; so do members of the chapter’s moderator group, which /chapter show keeps apart from the channels', async () => {
  assert.match(
    shown((await slash('/ots-chapter', 'create name:Berlin timezone:Europe/Berlin', 'UMEMBER')).json),
    /Only the administrators of this server or workspace can run \/ots-chapter create/,
  );
  assert.match(shown((await slash('/ots-chapter', 'create name:Berlin timezone:Europe/Berlin', 'UADMIN')).json), /Chapter Berlin created/);
  const set = await slash(
    '/ots-chapter',
    'set name:Berlin questions-channel:<#CQUEST|questions> moderator-group:<!subteam^SMODS|@mods>',
    'UADMIN',
  );
  assert.match(shown(set.json), /Channels of Berlin here: questions → <#CQUEST>\./);
  assert.match(shown(set.json), /Members of the user group SMODS now moderate Berlin here\./, 'the group is not listed as a channel');
  assert.match(shown((await slash('/ots-chapter', 'set name:Berlin learners-per-coach:3', 'UMOD')).json), /Berlin/);
  assert.equal((await bot.services.chapters.get('Berlin')).learnersPerCoach, 3, 'a member of the group moderates Berlin');
  assert.match(
    shown((await slash('/ots-chapter', 'set name:Berlin learners-per-coach:5', 'UMEMBER')).json),
    /Only the moderators of Berlin can run \/ots-chapter set/,
  );
  assert.equal((await bot.services.chapters.get('Berlin')).learnersPerCoach, 3, 'unchanged');
  const show = String((await slash('/ots-chapter', 'show', 'UMEMBER')).json?.text);
  assert.match(show, /\*Channels here\*\nquestions: <#CQUEST>\n/, 'the group is not listed as a channel');
  assert.match(show, /\*Moderator group here\*\nSMODS$/);
});

test('a member speaking German is answered in German', async () => {
  assert.match(shown((await slash('/ots-chapter', 'list', 'UDE')).json), /Berlin\* — Europe\/Berlin \(hier gebunden\)/);
  assert.match(shown((await slash('/ots-chapter', 'zeige', 'UDE')).json), /kennt „zeige“ nicht/);
});

test('a post goes out once through chat.postMessage, with broadcasts and mentions typed by the member inert', async () => {
  const before = bot.fake.callsOf('chat.postMessage').length;
  const answer = await slash('/ots-probe', 'post text:"<!channel> look <@U0EVIL|eve> &lt;!here&gt; <!subteam^S1|@all>"');
  assert.equal(answer.json?.text, 'posted');
  const posts = bot.fake.callsOf('chat.postMessage').slice(before);
  assert.equal(posts.length, 1);
  const sent = JSON.stringify(posts[0]!.params);
  for (const live of ['<!channel>', '<!here>', '<@U0EVIL', '<!subteam'])
    assert.ok(!sent.includes(live), `${live} reached Slack live: ${sent}`);
  assert.match(String(posts[0]!.params.text), /&lt;!channel&gt; look @eve &lt;!here&gt; S1/);
  assert.equal(posts[0]!.params.channel, 'CGENERAL');
});

test('a request with a wrong signature, or signed more than five minutes ago, is refused with 401 and writes nothing', async () => {
  const calls = bot.fake.calls.length;
  const audit = await bot.db.getRepository(AuditEntry).count();
  const body = slashCommandBody({ command: '/ots-probe', text: 'claim 9', user: 'UMEMBER', responseUrl: bot.fake.responseUrl('forged') });
  const wrong = await postSigned(bot.url, body, 'not-the-secret');
  assert.equal(wrong.status, 401);
  const old = Math.floor(Date.now() / 1000) - 6 * 60;
  const stale = await postSigned(bot.url, body, SECRET, { timestamp: old });
  assert.equal(stale.status, 401);
  const now = Math.floor(Date.now() / 1000);
  const tampered = await postSigned(bot.url, body.replace('claim+9', 'claim+8'), SECRET, {
    timestamp: now,
    signature: slackSignature(SECRET, now, body),
  });
  assert.equal(tampered.status, 401);
  assert.equal(bot.fake.calls.length, calls, 'no Web API call');
  assert.equal(await bot.db.getRepository(AuditEntry).count(), audit, 'nothing written');
  assert.equal(bot.fake.responses.filter((r) => r.id === 'forged').length, 0);
});

test('a button press runs the command it carries and the bot’s post is updated with chat.update', async () => {
  await slash('/ots-probe', 'post text:"press below"');
  const post = bot.fake.callsOf('chat.postMessage').at(-1)!;
  const button = (post.params.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).find(
    (b) => b.type === 'actions',
  )!.elements![0]!;
  assert.equal(button.value, '/probe press');
  const ts = posted!.messageId;
  const press = (user: string, id: string) =>
    postSigned(
      bot.url,
      interactionBody({
        type: 'block_actions',
        team: { id: 'T1', domain: 'test' },
        user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: 'T1' },
        api_app_id: 'A1',
        token: 'deprecated',
        container: { type: 'message', message_ts: ts, channel_id: 'CGENERAL', is_ephemeral: false },
        trigger_id: `trigger-${id}`,
        channel: { id: 'CGENERAL', name: 'general' },
        message: { type: 'message', ts, text: 'press below' },
        response_url: bot.fake.responseUrl(id),
        actions: [
          {
            type: 'button',
            action_id: button.action_id,
            block_id: 'b1',
            text: { type: 'plain_text', text: 'Press' },
            value: button.value,
            action_ts: '1700000001.000000',
          },
        ],
      }),
      SECRET,
    );
  const first = await press('UMEMBER', 'press-1');
  assert.equal(first.status, 200);
  assert.equal(first.text, '', 'a button’s acknowledgement is empty');
  const update = await bot.fake.until('chat.update', () => bot.fake.callsOf('chat.update').at(-1));
  assert.deepEqual([update.params.channel, update.params.ts, update.params.text], ['CGENERAL', ts, 'pressed 1 times']);
  const answer = await bot.fake.until('the answer to the press', () => bot.fake.responses.find((r) => r.id === 'press-1'));
  assert.deepEqual([answer.body.text, answer.body.response_type, answer.body.replace_original], ['counted', 'ephemeral', false]);
  await press('UADMIN', 'press-2');
  await bot.fake.until('the second update', () => bot.fake.callsOf('chat.update').find((c) => c.params.text === 'pressed 2 times'));
});

test('a form action without its options opens a modal; a bad submission gets field errors, a good one runs the action', async () => {
  const opened = await slash('/ots-probe', 'form seats:12');
  assert.equal(opened.status, 200);
  assert.equal(opened.text, '', 'the modal is the answer');
  const open = bot.fake.callsOf('views.open').at(-1)!;
  assert.equal(open.params.trigger_id, 'trigger-UMEMBER');
  const view = open.params.view as {
    callback_id: string;
    private_metadata: string;
    blocks: { block_id: string; optional: boolean; element: Record<string, unknown> }[];
  };
  assert.deepEqual(
    view.blocks.map((b) => [b.block_id, b.optional, b.element.type, b.element.initial_value]),
    [
      ['title', false, 'plain_text_input', undefined],
      ['seats', true, 'number_input', '12'],
    ],
  );
  const submit = (title: string, seats: string | null) =>
    postSigned(
      bot.url,
      interactionBody({
        type: 'view_submission',
        team: { id: 'T1', domain: 'test' },
        user: { id: 'UMEMBER', username: 'max', name: 'max', team_id: 'T1' },
        api_app_id: 'A1',
        token: 'deprecated',
        trigger_id: 'trigger-submit',
        view: {
          id: 'V1',
          type: 'modal',
          callback_id: view.callback_id,
          private_metadata: view.private_metadata,
          state: {
            values: {
              title: { value: { type: 'plain_text_input', value: title } },
              seats: { value: { type: 'number_input', value: seats } },
            },
          },
          hash: 'h',
        },
        response_urls: [],
      }),
      SECRET,
    );
  const forms = () => bot.db.getRepository(AuditEntry).countBy({ action: 'probe form' });
  const bad = await submit('ab', '99');
  assert.equal(bad.json?.response_action, 'errors');
  const errors = bad.json?.errors as Record<string, string>;
  assert.match(errors.title!, /at least 3 characters/);
  assert.match(errors.seats!, /between 1 and 50/);
  assert.equal(await forms(), 0, 'nothing ran');
  const good = await submit('Intro to Python', null);
  assert.equal(good.status, 200);
  assert.equal(good.text, '', 'the modal closes');
  const answer = await bot.fake.until('the form’s answer', () => bot.fake.responses.find((r) => r.id === opened.responseId));
  assert.equal(answer.body.text, 'created Intro to Python with no seats');
  assert.equal(await forms(), 1);
});

test('a slow action is acknowledged before Slack’s deadline and answers through the response URL when done', async () => {
  gate = new Promise((resolve) => (release = resolve));
  const answer = await slash('/ots-probe', 'wait');
  assert.equal(answer.status, 200);
  assert.equal(answer.text, '', 'acknowledged while the action still runs');
  assert.equal(bot.fake.responses.filter((r) => r.id === answer.responseId).length, 0);
  release();
  const later = await bot.fake.until('the late answer', () => bot.fake.responses.find((r) => r.id === answer.responseId));
  assert.deepEqual([later.body.text, later.body.response_type], ['finally', 'in_channel']);
});

test('stopping lets an answer under way finish before the database closes, and refuses commands that arrive meanwhile', async () => {
  const db = await freshDatabase('sqlite');
  const own = await startBot(db.target);
  try {
    gate = new Promise((resolve) => (release = resolve));
    const answer = await postSigned(
      own.url,
      slashCommandBody({ command: '/probe', text: 'wait', user: 'UMEMBER', responseUrl: own.fake.responseUrl('w') }),
      SECRET,
    );
    assert.equal(answer.text, '', 'acknowledged, still running');
    let stopped = false;
    const stopping = own.slack.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(stopped, false, 'stop waits for the running action');
    const late = await postSigned(
      own.url,
      slashCommandBody({ command: '/probe', text: 'claim id:1', user: 'UMEMBER', responseUrl: own.fake.responseUrl('late') }),
      SECRET,
    );
    assert.equal(late.status, 200);
    assert.deepEqual(
      JSON.parse(late.text),
      { response_type: 'ephemeral', text: 'The bot is restarting or stopping, so this command was not run. Please try again in a moment.' },
      'a command arriving while stopping is refused clearly',
    );
    assert.equal(await own.services.store.manager.getRepository(AuditEntry).countBy({ action: 'probe claim 1' }), 0, 'and not run');
    release();
    await stopping;
    assert.equal(own.fake.responses.find((r) => r.id === 'w')?.body.text, 'finally', 'the answer went out before stop() returned');
  } finally {
    await own.fake.stop();
    await own.db.destroy();
    await db.drop();
  }
});

test('a ratelimited chat.postMessage is retried after Retry-After and arrives once', async () => {
  const before = bot.fake.callsOf('chat.postMessage').length;
  bot.fake.failNext('chat.postMessage', { kind: 'ratelimited', retryAfter: 1 });
  const answer = await slash('/ots-probe', 'post text:"patience"');
  assert.equal(answer.status, 200);
  assert.equal((await finalAnswer(answer)).text, 'posted');
  assert.equal(bot.fake.callsOf('chat.postMessage', 'ratelimited').length, 1);
  const arrived = bot.fake
    .callsOf('chat.postMessage')
    .slice(before)
    .filter((c) => String(c.params.text).includes('patience'));
  assert.equal(arrived.length, 1);
});

test('direct messages open a conversation first, thread replies carry thread_ts, and notifications post without an interaction', async () => {
  await slash('/ots-probe', 'post text:"thread root"');
  const root = posted!;
  const before = bot.fake.callsOf('chat.postMessage').length;
  assert.equal((await slash('/ots-probe', 'reach')).json?.text, 'reached');
  assert.deepEqual(bot.fake.callsOf('conversations.open').at(-1)!.params.users, 'UMEMBER');
  const [dm, reply] = bot.fake.callsOf('chat.postMessage').slice(before);
  assert.deepEqual([dm!.params.channel, dm!.params.text], ['DUMEMBER', 'just for you']);
  assert.deepEqual([reply!.params.channel, reply!.params.thread_ts, reply!.params.text], [root.channel, root.messageId, 'in the thread']);
  const outbox = bot.services.notifier.outbox('slack', 'T1');
  assert.ok(outbox, 'the adapter registered its outbox');
  const ref = await outbox.post(message('reminder', { visibility: { kind: 'channel', channel: 'CQUEST' } }));
  assert.equal(bot.fake.callsOf('chat.postMessage').at(-1)!.params.text, 'reminder');
  assert.equal(ref.channel, 'CQUEST');
  assert.match(ref.messageId, /^1700000000\.\d{6}$/, 'the ts Slack gave, so the post can be edited later');
});

test('a channel the bot is not in gets a clear answer instead of an apology', async () => {
  bot.fake.failNext('chat.postMessage', { kind: 'error', error: 'not_in_channel' });
  const answer = await slash('/ots-probe', 'post text:"hello"', 'UMEMBER', { channel: 'CSECRET' });
  assert.match(String(answer.json?.text), /I am not a member of the channel CSECRET.*\/invite @otsbot/);
  bot.fake.failNext('chat.postMessage', { kind: 'error', error: 'channel_not_found' });
  assert.match(String((await slash('/ots-probe', 'post text:"hello"')).json?.text), /I cannot find the channel CGENERAL/);
});

test('neither typed text nor member ids reach the log', async () => {
  const log = bot.logs().join('\n');
  for (const secret of ['UMEMBER', 'UADMIN', 'U0EVIL', 'press below', 'look', 'patience', 'Intro to Python'])
    assert.ok(!log.includes(secret), `${secret} was logged`);
});

test('many slash commands at once are each handled exactly once', (t) =>
  eachDatabase(t, async (db) => {
    const own = await startBot(db.target);
    try {
      const users = Array.from({ length: 30 }, (_, i) => `UC${i}`);
      const answers = await Promise.all(
        users.map((user, i) =>
          postSigned(
            own.url,
            slashCommandBody({ command: '/probe', text: 'claim id:7', user, responseUrl: own.fake.responseUrl(`c${i}`) }),
            SECRET,
          ),
        ),
      );
      assert.deepEqual(new Set(answers.map((a) => a.status)), new Set([200]));
      assert.equal(answers.filter((a) => a.json?.text === 'claimed 7').length, users.length, 'each answered in its acknowledgement');
      const rows = await own.db.getRepository(AuditEntry).findBy({ action: 'probe claim 7' });
      assert.equal(rows.length, users.length);
      assert.deepEqual(new Set(rows.map((r) => r.actorId)), new Set(users));
      assert.equal(own.fake.responses.length, 0, 'nothing answered twice');
    } finally {
      await own.close();
    }
  }));

test('in Socket Mode the same commands arrive over the WebSocket and are answered in their acknowledgements', async () => {
  const db = await freshDatabase('sqlite');
  const fake = await new FakeSlack().start();
  fake.enableSocketMode();
  fake.users.set('UADMIN', { name: 'ada', isAdmin: true });
  const captured = capturedLogger();
  const clock = new ManualClock(new Date('2027-03-01T10:00:00Z'));
  const {
    db: source,
    services,
    config,
  } = await servicesOn(db.target, clock, captured.log, {
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_APP_TOKEN: 'xapp-test',
    SLACK_API_URL: fake.apiUrl,
  });
  const registry = new CommandRegistry([help, chapter, probe]);
  const dispatcher = new Dispatcher({
    registry,
    services,
    log: captured.log,
    rateLimiter: new RateLimiter(clock),
    rateLimit: { max: 100, windowSeconds: 60 },
  });
  const slack = await startSlack({ registry, dispatcher, services }, config, captured.log);
  try {
    assert.equal(slack.port, undefined, 'no HTTP server in Socket Mode');
    const payload = Object.fromEntries(
      new URLSearchParams(
        slashCommandBody({
          command: '/chapter',
          text: 'create name:Hamburg timezone:Europe/Berlin',
          user: 'UADMIN',
          responseUrl: fake.responseUrl('s1'),
        }),
      ),
    );
    const ack = await fake.envelope('slash_commands', payload);
    assert.equal(ack?.response_type, 'ephemeral');
    assert.match(String(ack?.text), /Chapter Hamburg created/);
    assert.equal((await services.chapters.get('hamburg')).name, 'Hamburg');
  } finally {
    await slack.stop();
    await fake.stop();
    await source.destroy();
    await db.drop();
  }
});

test('Slack is asked about a member once a minute, not once per command; a change of rights shows after that minute', async () => {
  bot.fake.users.set('UCACHE', { name: 'cara' });
  const asked = () => bot.fake.callsOf('users.info').filter((c) => c.params.user === 'UCACHE').length;
  assert.doesNotMatch(shown((await slash('/ots-help', '', 'UCACHE')).json), /chapter create/);
  bot.fake.users.set('UCACHE', { name: 'cara', isAdmin: true });
  assert.doesNotMatch(shown((await slash('/ots-help', '', 'UCACHE')).json), /chapter create/, 'still the answer Slack gave a moment ago');
  assert.equal(asked(), 1);
  bot.clock.advance(61_000);
  assert.match(shown((await slash('/ots-help', '', 'UCACHE')).json), /chapter create/, 'a minute later, the new admin moderates');
  assert.equal(asked(), 2);
});
