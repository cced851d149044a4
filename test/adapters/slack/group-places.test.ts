import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startSlack } from '../../../src/adapters/slack/adapter.js';
import { GROUP_DM_MAX_USERS } from '../../../src/adapters/slack/web.js';
import { createApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { ManualClock } from '../../../src/core/clock.js';
import { UserError } from '../../../src/core/errors.js';
import { mention, p, type UserRef } from '../../../src/core/reply.js';
import type { GroupPlace, Outbox } from '../../../src/core/types.js';
import { capturedLogger, freshDatabase, tempDir, type TestDatabase } from '../../support/helpers.js';
import { FakeSlack } from '../../support/fake-slack.js';

// A workshop group's own place on Slack (Outbox.openGroup): the real Bolt app's WebClient against
// the fake Slack. Up to 8 members a group DM, more a private channel the bot makes.

const coach: UserRef = { id: 'UCOACH', name: 'cora' };
const learnersOf = (n: number): UserRef[] => Array.from({ length: n }, (_, i) => ({ id: `ULEARN${i + 1}`, name: `learner${i + 1}` }));

let database: TestDatabase;
let fake: FakeSlack;
let outbox: Outbox;
let stop: () => Promise<void>;

before(async () => {
  database = await freshDatabase('sqlite');
  fake = await new FakeSlack().start();
  const tmp = tempDir();
  const config = loadConfig({
    DATABASE_URL: database.url,
    DATA_DIR: tmp.dir,
    SLACK_BOT_TOKEN: 'xoxb-places',
    SLACK_SIGNING_SECRET: 'places-signing-secret-0123456789',
    SLACK_API_URL: fake.apiUrl,
  });
  const log = capturedLogger();
  const app = await createApp(config, log.log, new ManualClock(new Date('2027-03-01T10:00:00Z')));
  const slack = await startSlack(app, config, log.log, { listen: { port: 0, host: '127.0.0.1' } });
  outbox = app.services.notifier.outbox('slack', 'T1')!;
  stop = async () => {
    await slack.stop();
    await fake.stop();
    await app.close();
    tmp.remove();
  };
});
after(async () => {
  await stop();
  await database.drop();
});

const place = (members: readonly UserRef[], name = 'workshop-12-group-2'): GroupPlace => ({
  channel: null,
  name,
  members,
  intro: {
    title: 'Group 2',
    body: [p('Welcome! ', mention(coach), ' coaches you today.')],
    buttons: [{ label: 'Leave', command: '/workshop leave id:12' }],
  },
});

/** The calls to Slack from here on, as `method`. */
const callsSince = (n: number) => fake.calls.slice(n).map((c) => c.method);

test('Slack’s limit for a group DM is 8 users besides the bot', () => {
  assert.equal(GROUP_DM_MAX_USERS, 8);
});

test('a group of up to 8 gets a group DM with exactly those users, and the intro is posted there', async () => {
  const members = [coach, ...learnersOf(7)];
  const before = fake.calls.length;
  const id = await outbox.openGroup!(place(members));

  assert.deepEqual(callsSince(before), ['conversations.open', 'chat.postMessage']);
  const open = fake.callsOf('conversations.open').at(-1)!;
  assert.equal(open.params.users, members.map((m) => m.id).join(','), 'the bot is not listed: Slack adds the caller');
  assert.deepEqual(
    fake.groupDms.get(id),
    members.map((m) => m.id),
  );
  const intro = fake.callsOf('chat.postMessage').at(-1)!;
  assert.equal(intro.params.channel, id);
  assert.match(JSON.stringify(intro.params.blocks), /Group 2/);
  assert.match(JSON.stringify(intro.params.blocks), /Leave/, 'with its buttons');
  assert.equal(fake.channels.size, 0, 'no channel was made');
});

test('9 members get a private channel named for the group, with all of them invited, then the intro', async () => {
  const members = [coach, ...learnersOf(8)];
  const before = fake.calls.length;
  const id = await outbox.openGroup!(place(members, 'workshop-12-group-3'));

  assert.deepEqual(callsSince(before), ['conversations.create', 'conversations.invite', 'chat.postMessage']);
  const create = fake.callsOf('conversations.create').at(-1)!;
  assert.equal(create.params.name, 'workshop-12-group-3');
  assert.equal(create.params.is_private, 'true');
  const channel = fake.channels.get(id)!;
  assert.equal(channel.isPrivate, true);
  assert.deepEqual(channel.members, ['UBOT', ...members.map((m) => m.id)]);
  assert.equal(fake.callsOf('chat.postMessage').at(-1)!.params.channel, id);
});

test('a taken channel name gets a short suffix', async () => {
  fake.channels.set('CTAKEN', { id: 'CTAKEN', name: 'workshop-13-group-1', isPrivate: false, members: [], archived: false });
  const before = fake.callsOf('conversations.create').length;
  const id = await outbox.openGroup!(place([coach, ...learnersOf(9)], 'workshop-13-group-1'));
  const [first, second] = fake.callsOf('conversations.create').slice(before);
  assert.equal(first!.params.name, 'workshop-13-group-1', 'Slack answered name_taken');
  assert.match(String(second!.params.name), /^workshop-13-group-1-[0-9a-f]{4}$/);
  assert.equal(fake.channels.get(id)!.name, second!.params.name);
});

test('an existing private channel only gets the members not yet in it: nothing is made', async () => {
  const members = [coach, ...learnersOf(8)];
  const id = await outbox.openGroup!(place(members, 'workshop-14-group-1'));
  const latecomer = { id: 'ULATE', name: 'late' };
  const before = fake.calls.length;
  assert.equal(await outbox.openGroup!(place([...members, latecomer], 'workshop-14-group-1'), id), id);

  assert.deepEqual(callsSince(before), ['conversations.invite', 'chat.postMessage']);
  assert.equal(fake.callsOf('conversations.invite').at(-1)!.params.force, 'true', 'those already in are passed over');
  assert.deepEqual(fake.channels.get(id)!.members, ['UBOT', ...members.map((m) => m.id), latecomer.id]);

  // Everyone already in: Slack answers already_in_channel, which is no failure.
  const again = fake.calls.length;
  assert.equal(await outbox.openGroup!(place([...members, latecomer], 'workshop-14-group-1'), id), id);
  assert.deepEqual(callsSince(again), ['conversations.invite', 'chat.postMessage']);
  assert.equal(fake.channels.get(id)!.members.length, 11);
});

test('a group DM cannot take anyone new: a latecomer means a group DM of the whole group, whose id is returned', async () => {
  const members = [coach, ...learnersOf(3)];
  const id = await outbox.openGroup!(place(members));
  assert.equal(await outbox.openGroup!(place(members), id), id, 'the same people: the same group DM');

  const latecomer = { id: 'ULATE', name: 'late' };
  const before = fake.calls.length;
  const next = await outbox.openGroup!(place([...members, latecomer]), id);
  assert.notEqual(next, id);
  assert.deepEqual(callsSince(before), ['conversations.invite', 'conversations.open', 'chat.postMessage']);
  assert.deepEqual(
    fake.groupDms.get(next),
    [...members, latecomer].map((m) => m.id),
  );

  // Grown past 8: a private channel instead.
  const grown = [...members, latecomer, ...learnersOf(7).slice(3)];
  assert.equal(grown.length, 9);
  const channel = await outbox.openGroup!(place(grown, 'workshop-15-group-1'), next);
  assert.deepEqual(fake.channels.get(channel)!.members, ['UBOT', ...grown.map((m) => m.id)]);
});

test('an existing private channel archived since, or that the bot was removed from, is replaced by a new one (its name is still taken)', async () => {
  const members = [coach, ...learnersOf(9)];
  const id = await outbox.openGroup!(place(members, 'workshop-16-group-1'));
  fake.channels.get(id)!.archived = true;
  const before = fake.calls.length;
  const next = await outbox.openGroup!(place(members, 'workshop-16-group-1'), id);
  assert.notEqual(next, id);
  assert.deepEqual(callsSince(before), [
    'conversations.invite',
    'conversations.create',
    'conversations.create',
    'conversations.invite',
    'chat.postMessage',
  ]);
  assert.deepEqual(fake.channels.get(next)!.members, ['UBOT', ...members.map((m) => m.id)]);
  assert.equal(fake.callsOf('chat.postMessage').at(-1)!.params.channel, next);

  // One the bot was removed from cannot take anyone either.
  fake.channels.get(next)!.members.shift();
  const third = await outbox.openGroup!(place(members, 'workshop-16-group-1'), next);
  assert.notEqual(third, next);
  assert.deepEqual(fake.channels.get(third)!.members, ['UBOT', ...members.map((m) => m.id)]);
});

test('an app installed without the new scopes says which one is missing', async () => {
  fake.failNext('conversations.open', { kind: 'error', error: 'missing_scope' });
  await assert.rejects(outbox.openGroup!(place([coach, ...learnersOf(2)])), (err: unknown) => {
    assert.ok(err instanceof UserError);
    assert.equal(err.key, 'slack.error.missing_scope');
    assert.deepEqual(err.params, { scope: 'mpim:write' });
    return true;
  });
});

test('a sensitive intro is refused before anything is made', async () => {
  const before = fake.calls.length;
  await assert.rejects(
    outbox.openGroup!({ ...place([coach]), intro: { body: [p('about a question')], sensitive: true } }),
    /direct message only/,
  );
  assert.deepEqual(callsSince(before), []);
});
