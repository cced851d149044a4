import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DataSource } from 'typeorm';
import type { PlatformAdapter } from '../../src/core/adapter.js';
import { ManualClock } from '../../src/core/clock.js';
import { action, defineCommand } from '../../src/core/command.js';
import { Dispatcher } from '../../src/core/dispatcher.js';
import { Notifier } from '../../src/core/notifier.js';
import { option } from '../../src/core/options.js';
import { RateLimiter } from '../../src/core/rate-limit.js';
import { CommandRegistry } from '../../src/core/registry.js';
import { inlineText, message, type Message } from '../../src/core/reply.js';
import type { Actor } from '../../src/core/types.js';
import type { Services } from '../../src/services/index.js';
import { capturedLogger, freshDatabase, servicesOn, type TestDatabase } from '../support/helpers.js';
import { FakeAdapter } from '../support/fake-adapter.js';

// The core against an adapter that only satisfies PlatformAdapter: what the dispatcher and the
// notifier need of a platform is that contract, nothing of Discord, Slack or the console.

/** Called when `/notice slow` runs; `releaseSlow` (set then) lets it finish. */
let slowRuns: () => void = () => undefined;
let releaseSlow: () => void = () => undefined;

const notice = defineCommand({
  name: 'notice',
  description: 'cmd.help',
  subcommands: {
    post: action({
      description: 'cmd.help',
      options: {
        channel: option.channel({ description: 'cmd.help', required: true }),
        text: option.text({ description: 'cmd.help', required: true }),
      },
      async execute(ctx) {
        await ctx.post(message(ctx.options.text, { visibility: { kind: 'channel', channel: ctx.options.channel.id } }));
        return message('Posted.');
      },
    }),
    slow: action({
      description: 'cmd.help',
      async execute() {
        await new Promise<void>((resolve) => {
          releaseSlow = resolve;
          slowRuns();
        });
        return message('Finally done.');
      },
    }),
  },
});

const text = (m: Message) => m.body.map((b) => (b.kind === 'paragraph' ? inlineText(b.children) : '')).join('\n');
const member = (id: string, workspace = 'w1'): Actor => ({ platform: 'fake', workspace, id, name: id, facts: { admin: false } });

let database: TestDatabase;
let db: DataSource;
let services: Services;
let dispatcher: Dispatcher;

before(async () => {
  database = await freshDatabase('sqlite');
  const clock = new ManualClock(new Date('2027-03-01T10:00:00Z'));
  const log = capturedLogger().log;
  ({ db, services } = await servicesOn(database.target, clock, log));
  // Berlin is bound to the fake platform's workspace w1, with a moderation channel there.
  await services.chapters.create({ name: 'Berlin', timeZone: 'Europe/Berlin', bindTo: { platform: 'fake', workspace: 'w1' } });
  await services.chapters.setChannels('Berlin', { platform: 'fake', workspace: 'w1' }, { moderation: 'mods' });
  dispatcher = new Dispatcher({
    registry: new CommandRegistry([notice]),
    services,
    log,
    rateLimiter: new RateLimiter(clock),
    rateLimit: { max: 100, windowSeconds: 60 },
    autoDeferMs: 0,
  });
});
after(async () => {
  await db.destroy();
  await database.drop();
});

test('the notifier posts through the outbox of the adapter registered for the platform, only in workspaces it serves', async () => {
  const adapter: PlatformAdapter = new FakeAdapter({ dispatcher, serves: ['w1'] });
  const fake = adapter as FakeAdapter;
  const notifier = new Notifier();
  notifier.register(adapter.platform, (workspace) => adapter.outbox(workspace));
  const outbox = notifier.outbox('fake', 'w1');
  assert.ok(outbox, 'the served workspace has an outbox');
  const ref = await outbox.post(message('Reminder: workshop at 18:00.', { visibility: { kind: 'channel', channel: 'general' } }));
  await outbox.edit(ref, message('Reminder: workshop at 18:30.', { visibility: { kind: 'channel', channel: 'general' } }));
  assert.deepEqual(
    fake.posts.map((p) => [p.workspace, p.ref.channel, text(p.message)]),
    [['w1', 'general', 'Reminder: workshop at 18:00.']],
  );
  assert.deepEqual(
    fake.edits.map((e) => [e.ref, text(e.message)]),
    [[ref, 'Reminder: workshop at 18:30.']],
  );
  assert.equal(notifier.outbox('fake', 'w2'), undefined, 'another workspace is left to the process serving it');
  assert.equal(notifier.outbox('discord', 'w1'), undefined, 'no adapter of that platform runs here');
});

test('a command’s post goes out through the adapter’s outbox for the actor’s workspace, the answer through its responder', async () => {
  const fake = new FakeAdapter({ dispatcher });
  await fake.start();
  assert.equal(await fake.act(member('alice'), '/notice post channel:#questions text:"Hello there"'), 'ok');
  assert.deepEqual(
    fake.posts.map((p) => [p.workspace, p.ref.channel, text(p.message)]),
    [['w1', 'questions', 'Hello there']],
  );
  assert.deepEqual(
    fake.answers.map((a) => [a.actor, text(a.message)]),
    [['alice', 'Posted.']],
  );
});

test('a post the platform keeps refusing: the member is told, and the chapter’s moderators hear of it through the outbox', async () => {
  const fake = new FakeAdapter({ dispatcher });
  // As src/main.ts registers each running adapter: the notice is an outbox row this process sends.
  services.notifier.register(fake.platform, (workspace) => fake.outbox(workspace));
  fake.failing.add('questions');
  assert.equal(await fake.act(member('alice'), '/notice post channel:#questions text:"Hello there"'), 'user-error');
  assert.match(text(fake.answers.at(-1)!.message), /questions/);
  const told = await waitFor(() => fake.posts.find((p) => p.ref.channel === 'mods'));
  assert.equal(told.workspace, 'w1');
  assert.match(text(told.message), /could not post in/);
});

test('refuseNew: new work is refused while work under way finishes; stop() waits for it', async () => {
  const fake = new FakeAdapter({ dispatcher });
  await fake.start();
  const running = new Promise<void>((resolve) => (slowRuns = resolve));
  const slow = fake.act(member('bob'), '/notice slow');
  await running;
  fake.refuseNew();
  assert.equal(await fake.act(member('carol'), '/notice post channel:#questions text:"Too late"'), 'refused');
  assert.match(text(fake.answers.at(-1)!.message), /stopping/);
  let stopped = false;
  const stopping = fake.stop().then(() => (stopped = true));
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(stopped, false, 'stop() waits for the command under way');
  releaseSlow();
  assert.equal(await slow, 'ok');
  await stopping;
  assert.equal(fake.started, false);
  assert.deepEqual(fake.posts, [], 'the refused command posted nothing');
  assert.deepEqual(fake.answers.map((a) => [a.actor, text(a.message)]).at(-1), ['bob', 'Finally done.']);
});

async function waitFor<T>(read: () => T | undefined | false, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
