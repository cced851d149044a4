import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DataSource } from 'typeorm';
import { AuditEntry } from '../../entities/AuditEntry.js';
import { ManualClock } from '../../src/core/clock.js';
import { action, defineCommand } from '../../src/core/command.js';
import type { Dispatcher } from '../../src/core/dispatcher.js';
import { type Interaction, type Outcome } from '../../src/core/dispatcher.js';
import { UserError } from '../../src/core/errors.js';
import { option } from '../../src/core/options.js';
import { CommandRegistry } from '../../src/core/registry.js';
import { inlineText, message, type Message } from '../../src/core/reply.js';
import type { Services } from '../../src/services/index.js';
import { capturedLogger, freshDatabase, servicesOn, type TestDatabase, testDispatcher } from '../support/helpers.js';
import type { Actor } from '../../src/core/types.js';

const SECRET_TEXT = 'my embarrassing question about pointers';

// Commands made for these tests; they run through the real dispatcher, services and SQLite.
const probe = defineCommand({
  name: 'probe',
  description: 'cmd.help',
  subcommands: {
    echo: action({
      description: 'cmd.help',
      options: {
        text: option.text({ description: 'cmd.help', required: true, minLength: 3, maxLength: 10 }),
        count: option.integer({ description: 'cmd.help', min: 1, max: 200 }),
        flag: option.boolean({ description: 'cmd.help' }),
        status: option.choice({ description: 'cmd.help', choices: ['open', 'answered', 'all'] }),
        date: option.date({ description: 'cmd.help' }),
        time: option.time({ description: 'cmd.help' }),
        member: option.user({ description: 'cmd.help' }),
      },
      async execute(ctx) {
        const o = ctx.options;
        return message(
          JSON.stringify({ text: o.text, count: o.count, flag: o.flag, status: o.status, date: o.date, time: o.time, member: o.member }),
        );
      },
    }),
    refuse: action({
      description: 'cmd.help',
      async execute() {
        throw new UserError('chapter.not_found', { name: 'Atlantis' });
      },
    }),
    crash: action({
      description: 'cmd.help',
      options: { text: option.text({ description: 'cmd.help', required: true }) },
      async execute(ctx) {
        throw new Error(`database exploded while saving ${ctx.options.text}`);
      },
    }),
    twice: action({
      description: 'cmd.help',
      async execute(ctx) {
        await ctx.reply(message('first'));
        await ctx.reply(message('second'));
      },
    }),
    silent: action({ description: 'cmd.help', async execute() {} }),
    slow: action({
      description: 'cmd.help',
      async execute(ctx) {
        await ctx.defer();
        await ctx.post(message('to the channel', { visibility: { kind: 'channel', channel: 'questions' } }));
        return message('done after deferring');
      },
    }),
    coachy: action({
      description: 'cmd.help',
      permission: 'coach',
      async execute() {
        return message('coach stuff');
      },
    }),
    mod: action({
      description: 'cmd.help',
      permission: 'moderator',
      target: { kind: 'here' },
      async execute(ctx) {
        ctx.auditTarget('chapter:Berlin', 'did a thing');
        return message('moderated');
      },
    }),
    sluggish: action({
      description: 'cmd.help',
      async execute() {
        await new Promise((resolve) => setTimeout(resolve, 120));
        return message('finally');
      },
    }),
    limited: action({
      description: 'cmd.help',
      rateLimit: { max: 2, windowSeconds: 60 },
      async execute() {
        return message('ok');
      },
    }),
    id: action({
      description: 'cmd.help',
      options: { id: option.integer({ description: 'cmd.help', required: true, min: 1 }) },
      async execute(ctx) {
        return message(`id ${ctx.options.id}`);
      },
    }),
  },
});

interface Recorded {
  answers: { how: string; message: Message }[];
  posts: Message[];
}

let database: TestDatabase;
let db: DataSource;
let services: Services;
const clock = new ManualClock(new Date('2027-03-01T10:00:00Z'));
const captured = capturedLogger();
let dispatcher: Dispatcher;

before(async () => {
  database = await freshDatabase('sqlite');
  ({ db, services } = await servicesOn(database.target, clock, captured.log));
  // A chapter bound to the console workspace (mona administers it), and carla, an active coach.
  await services.chapters.create({ name: 'Berlin', timeZone: 'Europe/Berlin', bindTo: { platform: 'console', workspace: 'console' } });
  await services.coaches.volunteer({ platform: 'console', workspace: 'console', id: 'carla', name: 'carla' }, { topics: 'Python' });
  dispatcher = testDispatcher({ registry: new CommandRegistry([probe]), services, log: captured.log, clock, autoDeferMs: 50 });
});
after(async () => {
  await db.destroy();
  await database.drop();
});

function actor(id: string, admin = false): Actor {
  return { platform: 'console', workspace: 'console', id, name: id, facts: { admin } };
}

async function run(line: string, who: Actor = actor('alice'), locale = 'en'): Promise<{ outcome: Outcome; text: string; rec: Recorded }> {
  const rec: Recorded = { answers: [], posts: [] };
  const record = (how: string) => async (m: Message) => void rec.answers.push({ how, message: m });
  const interaction: Interaction = {
    actor: who,
    channel: 'general',
    locale,
    invocation: { kind: 'line', text: line },
    responder: {
      reply: record('reply'),
      editReply: record('editReply'),
      followUp: record('followUp'),
      defer: async () => void rec.answers.push({ how: 'defer', message: message('') }),
    },
    outbox: { post: async (m) => (rec.posts.push(m), { channel: 'questions', messageId: '1' }), edit: async () => undefined },
    resolvers: { user: (raw) => (raw.startsWith('@') ? { id: raw.slice(1), name: raw.slice(1) } : undefined) },
  };
  const outcome = await dispatcher.dispatch(interaction);
  const last = rec.answers.at(-1);
  const text = last ? last.message.body.map((b) => (b.kind === 'paragraph' ? inlineText(b.children) : '')).join('\n') : '';
  return { outcome, text, rec };
}

test('valid options arrive converted to their declared types', async () => {
  const { outcome, text } = await run('/probe echo text:"hi you" count:7 flag:yes status:ANSWERED date:2027-03-28 time:9:05 member:@bob');
  assert.equal(outcome, 'ok');
  assert.deepEqual(JSON.parse(text), {
    text: 'hi you',
    count: 7,
    flag: true,
    status: 'answered',
    date: { year: 2027, month: 3, day: 28 },
    time: { hour: 9, minute: 5 },
    member: { id: 'bob', name: 'bob' },
  });
});

test('every bad option is named at once, with the usage line to type instead', async () => {
  const { outcome, text, rec } = await run('/probe echo text:hi count:0 flag:maybe status:closed date:2027-02-31 time:25:00 member:bob');
  assert.equal(outcome, 'user-error');
  assert.equal(rec.answers[0]!.message.visibility.kind, 'ephemeral');
  for (const expected of [
    'text must be at least 3 characters long (you gave 2)',
    'count must be between 1 and 200 (you gave 0)',
    'flag must be true or false',
    'status must be one of: open, answered, all',
    'date must be a real date written YYYY-MM-DD',
    'time must be a time written HH:MM',
    'member must name a member',
    'Type: /probe echo text:<text> [count:<1-200>] [flag:<true|false>] [status:<open|answered|all>] [date:<YYYY-MM-DD>] [time:<HH:MM>] [member:<@member>]',
  ]) {
    assert.ok(text.includes(expected), `missing “${expected}” in:\n${text}`);
  }
});

test('a missing required option, an unknown option and a too-long text are clear errors', async () => {
  assert.match((await run('/probe echo')).text, /The option text is missing/);
  assert.match((await run('/probe echo text:abc colour:red')).text, /has no option “colour”. Its options are: text, count/);
  assert.match((await run('/probe echo text:abcdefghijk')).text, /at most 10 characters long \(you gave 11\)/);
  assert.match((await run('/probe echo text:abc text:def')).text, /given twice/);
});

test('a NUL character in a text is refused clearly, on SQLite too, since PostgreSQL cannot store it', async () => {
  const { text, outcome } = await run('/probe echo text:"a\u0000bc"');
  assert.equal(outcome, 'user-error');
  assert.match(text, /text contains an invisible NUL character \(U\+0000\), which cannot be stored\. Type the value again without it\./);
});

test('a number beyond the database’s integer columns is out of range even where no maximum is declared', async () => {
  assert.equal((await run('/probe id 2147483647')).text, 'id 2147483647');
  const typed = await run('/probe id 2147483648');
  assert.equal(typed.outcome, 'user-error');
  assert.match(typed.text, /id must be between 1 and 2147483647 \(you gave 2147483648\)/);
  // Discord delivers integer options up to 2^53.
  const answers: Message[] = [];
  const record = async (m: Message) => void answers.push(m);
  const outcome = await dispatcher.dispatch({
    actor: actor('alice'),
    channel: 'general',
    locale: 'en',
    invocation: { kind: 'structured', path: ['probe', 'id'], options: { id: 2 ** 53 } },
    responder: { reply: record, editReply: record, followUp: record, defer: async () => undefined },
    outbox: { post: async () => ({ channel: 'questions', messageId: '1' }), edit: async () => undefined },
    resolvers: {},
  });
  assert.equal(outcome, 'user-error');
  assert.equal(answers.length, 1);
});

test('free words fill the one required option not given by name', async () => {
  const { text } = await run('/probe echo hello you');
  assert.equal(JSON.parse(text).text, 'hello you');
});

test('validation errors come in German for a German member', async () => {
  const { text } = await run('/probe echo text:hi', actor('alice'), 'de-DE');
  assert.match(text, /text muss mindestens 3 Zeichen lang sein/);
  assert.match(text, /Schreibe: \/probe echo/);
});

test('a UserError is shown to the member as its catalogue text, ephemerally, and logged as nothing worse', async () => {
  const before = captured.lines().length;
  const { outcome, text, rec } = await run('/probe refuse');
  assert.equal(outcome, 'user-error');
  assert.equal(text, 'There is no chapter named “Atlantis”. /chapter list shows the chapters.');
  assert.equal(rec.answers[0]!.message.visibility.kind, 'ephemeral');
  assert.equal(
    captured
      .lines()
      .slice(before)
      .filter((l) => JSON.parse(l).level >= 50).length,
    0,
  );
});

test('an unexpected error gets an apology with an incident id that is logged with the command, not the input or the member', async () => {
  const before = captured.lines().length;
  const { outcome, text } = await run(`/probe crash text:"${SECRET_TEXT}"`, actor('asker-4242'));
  assert.equal(outcome, 'incident');
  const incident = /incident id ([0-9a-f]{8})/.exec(text)?.[1];
  assert.ok(incident, text);
  assert.ok(!text.includes(SECRET_TEXT));
  const logged = captured
    .lines()
    .slice(before)
    .map((l) => JSON.parse(l));
  const entry = logged.find((l) => l.incident === incident);
  assert.ok(entry, 'the incident id is in the log');
  assert.equal(entry.command, 'probe crash');
  assert.equal(entry.level, 50);
  // The error's own message repeats the input: the log keeps the error's type and stack,
  // but neither the text typed nor the member's id.
  assert.match(entry.err.message, /database exploded while saving \[redacted\]/);
  assert.ok(!JSON.stringify(logged).includes(SECRET_TEXT));
  assert.ok(!JSON.stringify(logged).includes('asker-4242'));
});

test('answering twice is a coded misuse, answered as an incident', async () => {
  const before = captured.lines().length;
  const { outcome, rec } = await run('/probe twice');
  assert.equal(outcome, 'incident');
  assert.equal(rec.answers[0]!.how, 'reply');
  assert.equal(rec.answers[1]!.how, 'followUp', 'the apology follows the first answer');
  assert.ok(
    captured
      .lines()
      .slice(before)
      .some((l) => JSON.parse(l).err?.code === 'REPLY_ALREADY_SENT'),
  );
});

test('a command that never answers is an incident, so the member never sees “interaction failed”', async () => {
  const { outcome, text } = await run('/probe silent');
  assert.equal(outcome, 'incident');
  assert.match(text, /Sorry, something went wrong/);
});

test('a deferred answer is completed by editing it; posts go through the outbox', async () => {
  const { outcome, rec } = await run('/probe slow');
  assert.equal(outcome, 'ok');
  assert.deepEqual(
    rec.answers.map((a) => a.how),
    ['defer', 'editReply'],
  );
  assert.equal(rec.posts.length, 1);
  assert.deepEqual(rec.posts[0]!.visibility, { kind: 'channel', channel: 'questions' });
});

test('moderator actions are refused to members and allowed to moderators', async () => {
  const refused = await run('/probe mod');
  assert.equal(refused.outcome, 'user-error');
  assert.match(refused.text, /Only the moderators of Berlin can run \/probe mod/);
  assert.equal((await run('/probe mod', actor('mona', true))).outcome, 'ok');
});

test('coach actions are allowed to coaches and moderators, and tell others how to become one', async () => {
  assert.match((await run('/probe coachy', actor('alice'))).text, /Become one with \/coach volunteer/);
  assert.equal((await run('/probe coachy', actor('carla'))).outcome, 'ok');
  assert.equal((await run('/probe coachy', actor('mona', true))).outcome, 'ok');
});

test('a successful moderator action writes one audit entry naming the moderator and the target', async () => {
  await db.getRepository(AuditEntry).clear();
  await run('/probe mod', actor('mona', true));
  await run('/probe mod', actor('alice')); // refused: no entry
  const entries = await db.getRepository(AuditEntry).find();
  assert.equal(entries.length, 1);
  assert.equal(entries[0]!.actorId, 'mona');
  assert.equal(entries[0]!.action, 'probe mod');
  assert.equal(entries[0]!.target, 'chapter:Berlin');
  assert.equal(entries[0]!.at.toISOString(), clock.now().toISOString());
});

test('the rate limit is per member and per command, and lifts when the window has passed', async () => {
  assert.equal((await run('/probe limited', actor('rita'))).outcome, 'ok');
  assert.equal((await run('/probe limited', actor('rita'))).outcome, 'ok');
  const third = await run('/probe limited', actor('rita'));
  assert.equal(third.outcome, 'user-error');
  assert.match(third.text, /\/probe can be used 2 times in 60 seconds. Try again in 60 seconds/);
  assert.equal((await run('/probe limited', actor('ravi'))).outcome, 'ok', 'another member is not limited');
  clock.advance(61_000);
  assert.equal((await run('/probe limited', actor('rita'))).outcome, 'ok');
});

test('unknown commands and subcommands say what exists', async () => {
  assert.match((await run('/nope')).text, /There is no command \/nope. Type \/help/);
  assert.match((await run('/probe')).text, /\/probe needs one of: echo, refuse, crash/);
  assert.match((await run('/probe zap')).text, /\/probe has no “zap”/);
});

test('an action slower than the auto-defer delay is deferred first, then its answer edits the deferral', async () => {
  const { outcome, rec } = await run('/probe sluggish');
  assert.equal(outcome, 'ok');
  assert.deepEqual(
    rec.answers.map((a) => a.how),
    ['defer', 'editReply'],
  );
  const quick = await run('/probe refuse');
  assert.deepEqual(
    quick.rec.answers.map((a) => a.how),
    ['reply'],
    'a quick answer is not deferred',
  );
});
