import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DataSource } from 'typeorm';
import { commands } from '../../../commands/index.js';
import { AuditEntry } from '../../../entities/AuditEntry.js';
import { type DiscordAdapter, startDiscord } from '../../../src/adapters/discord/adapter.js';
import { FORM_PREFIX } from '../../../src/adapters/discord/forms.js';
import { ManualClock } from '../../../src/core/clock.js';
import { action, defineCommand } from '../../../src/core/command.js';
import { option } from '../../../src/core/options.js';
import { CommandRegistry } from '../../../src/core/registry.js';
import { message, p } from '../../../src/core/reply.js';
import type { Services } from '../../../src/services/index.js';
import { capturedLogger, eachDatabase, freshDatabase, servicesOn, type TestDatabase, testDispatcher } from '../../support/helpers.js';
import { FakeDiscord, type FakeUser } from '../../support/fake-discord.js';

/** Released by the test: lets `/board slow` finish only after its deferral was seen. */
let releaseSlow: () => void = () => undefined;

// Test-only commands, run by the real dispatcher on real services and SQLite; presses are
// counted in the database through the audit log (`audit: true`).
const board = defineCommand({
  name: 'board',
  description: 'cmd.help',
  subcommands: {
    post: action({
      description: 'cmd.help',
      options: {
        channel: option.channel({ description: 'cmd.help', required: true }),
        text: option.text({ description: 'cmd.help', required: true, maxLength: 200 }),
      },
      async execute(ctx) {
        await ctx.post(
          message([p(ctx.options.text)], {
            title: 'A question',
            visibility: { kind: 'channel', channel: ctx.options.channel.id },
            buttons: [
              { label: 'Me too', command: '/board press id:7', style: 'primary' },
              { label: 'Answer', command: '/board answer id:7' },
            ],
          }),
        );
        return message('Posted.');
      },
    }),
    press: action({
      description: 'cmd.help',
      audit: true,
      options: { id: option.integer({ description: 'cmd.help', required: true, min: 1 }) },
      async execute(ctx) {
        ctx.auditTarget(`board:${ctx.options.id}`);
        return message(`Counted for ${ctx.options.id}.`);
      },
    }),
    answer: action({
      description: 'cmd.help',
      form: true,
      options: {
        id: option.integer({ description: 'cmd.help', required: true, min: 1 }),
        text: option.text({ description: 'cmd.help', required: true, minLength: 5, maxLength: 500 }),
      },
      async execute(ctx) {
        return message(`Answer to ${ctx.options.id}: ${ctx.options.text}`);
      },
    }),
    slow: action({
      description: 'cmd.help',
      async execute() {
        await new Promise<void>((resolve) => (releaseSlow = resolve));
        return message('Finally done.');
      },
    }),
    dm: action({
      description: 'cmd.help',
      async execute(ctx) {
        await ctx.post(message('Your reminder: workshop tomorrow.', { visibility: { kind: 'dm', to: ctx.actor } }));
        return message('Sent you a DM.');
      },
    }),
    thread: action({
      description: 'cmd.help',
      options: {
        channel: option.channel({ description: 'cmd.help', required: true }),
        message: option.string({ description: 'cmd.help', required: true }),
      },
      async execute(ctx) {
        const visibility = { kind: 'thread', channel: ctx.options.channel.id, messageId: ctx.options.message } as const;
        await ctx.post(message('First answer.', { visibility }));
        await ctx.post(message('Second answer.', { visibility }));
        return message('Answered in the thread.');
      },
    }),
  },
});

const alice: FakeUser = { id: '555555555555555501', username: 'alice', globalName: 'Alice Asker' };
const mona: FakeUser = { id: '555555555555555502', username: 'mona' };
const rolf: FakeUser = { id: '555555555555555503', username: 'rolf' };

let fake: FakeDiscord;
let db: DataSource;
let services: Services;
let adapter: DiscordAdapter;
let captured: ReturnType<typeof capturedLogger>;
let stop: () => Promise<void>;
let general: string, questions: string, moderation: string;

/** A fake Discord and the real adapter on a fresh database, with the test commands beside the real ones. */
async function harness(target: TestDatabase) {
  const fake = await FakeDiscord.start();
  const captured = capturedLogger();
  const clock = new ManualClock(new Date('2027-03-01T10:00:00Z'));
  const { db, services, config } = await servicesOn(target.target, clock, captured.log, {
    DISCORD_TOKEN: 'fake-token',
    DISCORD_APPLICATION_ID: fake.applicationId,
    DISCORD_API_URL: fake.apiUrl,
  });
  const registry = new CommandRegistry([...commands, board]);
  const dispatcher = testDispatcher({ registry, services, log: captured.log, clock, rateLimitMax: 1000, autoDeferMs: 150 });
  const adapter = await startDiscord({ dispatcher, services, registry, log: captured.log, config: config.discord!, locale: 'en' });
  const stop = async () => {
    await adapter.stop();
    await fake.close();
    await db.destroy();
  };
  return { fake, db, services, adapter, captured, stop };
}

before(async () => {
  const database = await freshDatabase('sqlite');
  const h = await harness(database);
  ({ fake, db, services, adapter, captured } = h);
  stop = async () => {
    await h.stop();
    await database.drop();
  };
  [general, questions, moderation] = fake.guild.channels.map((c) => c.id) as [string, string, string];
});

after(() => stop());

type Call = ReturnType<FakeDiscord['responses']>[number];
const body = (c: Call) =>
  c.body as {
    type: number;
    data: Record<string, unknown> & { flags?: number; embeds?: { title?: string; description?: string }[]; choices?: unknown[] };
  };
const text = (c: Call) => JSON.stringify(body(c));

/** The first answer to an interaction (its callback). */
async function answer(i: { id: string; token: string }): Promise<Call> {
  return fake.waitFor(() => fake.responses(i)[0], 'the interaction callback');
}

/** Polls `read` until `done` holds (or 10 s pass), then returns the last value read. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 10_000;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    value = await read();
  }
  return value;
}

const channelOption = (name: string, id: string) => ({ name, type: 7, value: id });
const resolvedChannels = (...ids: string[]) => ({
  channels: Object.fromEntries(
    ids.map((id) => [
      id,
      { id, type: 0, name: fake.guild.channels.find((c) => c.id === id)?.name ?? 'x', permissions: '0', guild_id: fake.guild.id },
    ]),
  ),
});

test('the client identifies once with the Guilds intent only, and logs an invite with the bot and applications.commands scopes', () => {
  assert.equal(fake.identified, 1);
  assert.equal(fake.identify?.token, 'fake-token');
  assert.equal(fake.identify?.intents, 1, 'Guilds only: no privileged intents');
  assert.match(adapter.inviteUrl, /client_id=111111111111111111/);
  assert.match(adapter.inviteUrl, /scope=bot%20applications.commands&permissions=\d+$/);
  const ready = captured
    .lines()
    .map((l) => JSON.parse(l))
    .find((l) => l.msg?.startsWith('Discord ready'));
  assert.equal(ready?.invite, adapter.inviteUrl);
});

test('/help is answered with an ephemeral callback (type 4, flag 64) listing what the member may run', async () => {
  const c = await answer(fake.slash(alice, 'help'));
  assert.equal(body(c).type, 4);
  assert.equal(body(c).data.flags, 64);
  assert.equal(body(c).data.embeds![0]!.title, 'Commands you can run');
  assert.match(body(c).data.embeds![0]!.description!, /\/chapter list/);
  assert.doesNotMatch(body(c).data.embeds![0]!.description!, /chapter create/);
  assert.deepEqual(body(c).data.allowed_mentions, { parse: [], users: [] });
});

test('a German client gets German answers', async () => {
  const c = await answer(fake.slash(alice, 'help', [], { locale: 'de' }));
  assert.equal(body(c).data.embeds![0]!.title, 'Befehle, die du ausführen kannst');
});

test('a post is an ephemeral answer plus a separate channel message from the bot, with no asker in it, no mentions parsed and a button row', async () => {
  const before = fake.posts(questions).length;
  const typed = 'Is @everyone stuck on <@123456789012345678> pointers?';
  const i = fake.slash(
    alice,
    'board',
    [{ name: 'post', type: 1, options: [channelOption('channel', questions), { name: 'text', type: 3, value: typed }] }],
    { resolved: resolvedChannels(questions) },
  );
  const c = await answer(i);
  assert.equal(body(c).type, 4);
  assert.equal(body(c).data.flags, 64);
  assert.match(text(c), /Posted\./);
  const posted = await fake.waitFor(() => fake.posts(questions).length > before && fake.posts(questions).at(-1));
  const call = fake.calls.find((x) => x.method === 'POST' && x.path === `/channels/${questions}/messages`)!;
  const sent = call.body as {
    allowed_mentions: { parse: unknown[] };
    components: { type: number; components: { custom_id: string; label: string }[] }[];
  };
  assert.deepEqual(sent.allowed_mentions.parse, []);
  assert.deepEqual(
    sent.components[0]!.components.map((b) => [b.label, b.custom_id]),
    [
      ['Me too', 'cmd:/board press id:7'],
      ['Answer', 'cmd:/board answer id:7'],
    ],
  );
  const all = JSON.stringify(call.body);
  for (const who of [alice.id, alice.username, alice.globalName!]) assert.ok(!all.includes(who), `the post names the asker (${who})`);
  assert.doesNotMatch(all, /@everyone|<@\d+>/, 'typed mentions are neutralised');
  assert.equal(posted.embeds.length, 1);
  assert.equal(fake.responses(i).length, 1, 'the post is not a reply to the interaction');
});

test('a button press is dispatched as the command line in its custom id, and counted once in the database', async () => {
  const post = fake.posts(questions).at(-1)!;
  const before = await db.getRepository(AuditEntry).countBy({ action: 'board press' });
  const c = await answer(fake.click(rolf, post, 'cmd:/board press id:7'));
  assert.equal(body(c).type, 4);
  assert.equal(body(c).data.flags, 64);
  assert.match(text(c), /Counted for 7\./);
  // The audit entry is written just after the answer.
  assert.equal(
    await eventually(
      () => db.getRepository(AuditEntry).countBy({ action: 'board press', target: 'board:7' }),
      (n) => n > before,
    ),
    before + 1,
  );
});

test('many members pressing at once: every interaction is answered exactly once and counted exactly once', (t) =>
  eachDatabase(t, async (database) => {
    const h = await harness(database);
    try {
      const post = { id: h.fake.id(), channel_id: h.fake.guild.channels[1]!.id, content: '', embeds: [], components: [], edits: 0 };
      const members = Array.from({ length: 40 }, (_, n): FakeUser => ({
        id: `66666666666666${String(n).padStart(4, '0')}`,
        username: `m${n}`,
      }));
      const presses = members.map((m) => h.fake.click(m, post, 'cmd:/board press id:7'));
      await h.fake.waitFor(() => presses.every((i) => h.fake.responses(i).length >= 1), 'every press answered');
      const count = await eventually(
        () => h.db.getRepository(AuditEntry).countBy({ action: 'board press' }),
        (n) => n >= members.length,
      );
      assert.deepEqual(
        presses.map((i) => h.fake.responses(i).length),
        presses.map(() => 1),
      );
      assert.equal(count, members.length);
    } finally {
      await h.stop();
    }
  }));

test('a button whose action needs text opens a form; its submission is validated and dispatched like a typed command', async () => {
  const post = fake.posts(questions).at(-1)!;
  const c = await answer(fake.click(alice, post, 'cmd:/board answer id:7'));
  assert.equal(body(c).type, 9, 'a modal');
  const modal = body(c).data as {
    custom_id: string;
    title: string;
    components: { type: number; label: string; component: { custom_id: string; style: number; min_length: number; max_length: number } }[];
  };
  assert.equal(modal.custom_id, `${FORM_PREFIX}/board answer id:7`);
  assert.deepEqual(
    modal.components.map((x) => [
      x.type,
      x.label,
      x.component.custom_id,
      x.component.style,
      x.component.min_length,
      x.component.max_length,
    ]),
    [[18, 'text', 'text', 2, 5, 500]],
  );

  const tooShort = await answer(fake.submit(alice, modal.custom_id, { text: 'hm' }));
  assert.match(text(tooShort), /text must be at least 5 characters long/);
  const ok = await answer(fake.submit(alice, modal.custom_id, { text: 'Use a "pointer" \\ here\nand there' }));
  assert.equal(body(ok).data.embeds![0]!.description, 'Answer to 7: Use a "pointer" \\ here\nand there');
});

test('a slash command of a form action without its required text opens the form, carrying the options given', async () => {
  const c = await answer(fake.slash(alice, 'board', [{ name: 'answer', type: 1, options: [{ name: 'id', type: 4, value: 12 }] }]));
  assert.equal(body(c).type, 9);
  assert.equal(body(c).data.custom_id, `${FORM_PREFIX}/board answer id:12`);
  const ok = await answer(fake.submit(alice, `${FORM_PREFIX}/board answer id:12`, { text: 'Through the form.' }));
  assert.match(text(ok), /Answer to 12: Through the form\./);
});

test('a slash command of a form action that has all its options runs at once, without a form', async () => {
  const c = await answer(
    fake.slash(alice, 'board', [
      {
        name: 'answer',
        type: 1,
        options: [
          { name: 'id', type: 4, value: 3 },
          { name: 'text', type: 3, value: 'Right away.' },
        ],
      },
    ]),
  );
  assert.equal(body(c).type, 4);
  assert.match(text(c), /Answer to 3: Right away\./);
});

test('a moderator command from a member without Manage Server or the chapter’s role is refused ephemerally', async () => {
  const c = await answer(
    fake.slash(alice, 'chapter', [
      {
        name: 'create',
        type: 1,
        options: [
          { name: 'name', type: 3, value: 'Berlin' },
          { name: 'timezone', type: 3, value: 'Europe/Berlin' },
        ],
      },
    ]),
  );
  assert.equal(body(c).data.flags, 64);
  assert.match(text(c), /Only the administrators of this server or workspace can run \/chapter create/);
  assert.equal((await services.chapters.list()).length, 0);
});

test('Manage Server makes a moderator; a role set with /chapter set moderator-role makes its members moderators too', async () => {
  const created = await answer(
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
  assert.match(text(created), /Chapter Berlin created/);

  const role = fake.guild.roles[0]!;
  const set = await answer(
    fake.slash(
      mona,
      'chapter',
      [
        {
          name: 'set',
          type: 1,
          options: [
            { name: 'name', type: 3, value: 'Berlin' },
            { name: 'moderator-role', type: 8, value: role.id },
            channelOption('announcements-channel', moderation),
          ],
        },
      ],
      {
        moderator: true,
        resolved: {
          roles: {
            [role.id]: {
              id: role.id,
              name: role.name,
              permissions: '0',
              position: 1,
              color: 0,
              hoist: false,
              managed: false,
              mentionable: true,
              flags: 0,
            },
          },
          ...resolvedChannels(moderation),
        },
      },
    ),
  );
  assert.match(text(set), /Members with the role organisers now moderate Berlin here/);

  const ratio = (n: number) => [
    {
      name: 'set',
      type: 1,
      options: [
        { name: 'name', type: 3, value: 'Berlin' },
        { name: 'learners-per-coach', type: 4, value: n },
      ],
    },
  ];
  const withRole = await answer(fake.slash(rolf, 'chapter', ratio(3), { roles: [role.id] }));
  assert.match(text(withRole), /Berlin/);
  assert.equal((await services.chapters.get('Berlin')).learnersPerCoach, 3, 'the role holder moderates Berlin');
  const withoutRole = await answer(fake.slash(alice, 'chapter', ratio(5)));
  assert.match(text(withoutRole), /Only the moderators of Berlin can run \/chapter set/);
  assert.equal((await services.chapters.get('Berlin')).learnersPerCoach, 3, 'unchanged');
  // Binding a chapter is for the server's administrators, not a chapter's role.
  const bind = await answer(
    fake.slash(rolf, 'chapter', [{ name: 'use', type: 1, options: [{ name: 'name', type: 3, value: 'Berlin' }] }], { roles: [role.id] }),
  );
  assert.match(text(bind), /Only the administrators of this server or workspace can run \/chapter use/);

  const shown = await answer(fake.slash(alice, 'chapter', [{ name: 'show', type: 1, options: [] }]));
  assert.match(text(shown), /announcements: <#\d+>/);
  assert.doesNotMatch(text(shown), new RegExp(role.id), 'the role is not listed as a channel');
});

test('a form action the member may not run opens no form, just the command’s answer; a moderator gets the form', async () => {
  // `/mod hide` is a moderator action with a form; Berlin is bound here and mona has Manage Server.
  const hide = [{ name: 'hide', type: 1, options: [{ name: 'id', type: 4, value: 1 }] }];
  const modals = () => fake.calls.filter((c) => (c.body as { type?: number } | undefined)?.type === 9).length;
  const formsBefore = modals();
  const refused = await answer(fake.slash(alice, 'mod', hide));
  assert.equal(body(refused).type, 4, 'an answer, not a modal');
  assert.equal(body(refused).data.flags, 64);
  const typed = await answer(fake.click(alice, fake.posts(questions).at(-1)!, 'cmd:/mod hide id:1'));
  assert.equal(body(typed).type, 4, 'a button of the same command opens no modal either');
  assert.equal(body(typed).data.embeds![0]!.description, body(refused).data.embeds![0]!.description, 'the same answer either way');
  assert.match(text(refused), /reason/);
  assert.equal(modals(), formsBefore, 'no modal was shown');

  const form = await answer(fake.slash(mona, 'mod', hide, { moderator: true }));
  assert.equal(body(form).type, 9, 'a modal');
  const modal = body(form).data as { custom_id: string; components: { label: string }[] };
  assert.equal(modal.custom_id, `${FORM_PREFIX}/mod hide id:1`);
  assert.deepEqual(
    modal.components.map((c) => c.label),
    ['reason'],
  );
});

test('autocomplete suggests chapters matching what was typed', async () => {
  const i = fake.slash(alice, 'chapter', [{ name: 'show', type: 1, options: [{ name: 'name', type: 3, value: 'ber', focused: true }] }], {
    autocomplete: true,
  });
  const c = await answer(i);
  assert.equal(body(c).type, 8);
  assert.deepEqual(body(c).data.choices, [{ name: 'Berlin', value: 'Berlin' }]);
});

test('a rate-limited channel post (429 with retry_after) is retried and arrives once', async () => {
  fake.failNext(
    'POST',
    new RegExp(`^/channels/${general}/messages$`),
    429,
    { message: 'You are being rate limited.', retry_after: 0.05, global: false },
    { 'retry-after': '0.05', 'x-ratelimit-scope': 'user' },
  );
  const before = fake.posts(general).length;
  const i = fake.slash(
    alice,
    'board',
    [{ name: 'post', type: 1, options: [channelOption('channel', general), { name: 'text', type: 3, value: 'Once only' }] }],
    { resolved: resolvedChannels(general) },
  );
  await answer(i);
  await fake.waitFor(() => fake.responses(i).length >= 1);
  const attempts = fake.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${general}/messages`);
  assert.deepEqual(attempts.map((c) => c.status).slice(-2), [429, 200]);
  assert.equal(fake.posts(general).length, before + 1);
});

test('a channel post answered with a 502 is retried and arrives once', async () => {
  fake.failNext('POST', new RegExp(`^/channels/${general}/messages$`), 502, { message: 'Bad Gateway', code: 0 });
  const before = fake.posts(general).length;
  const i = fake.slash(
    alice,
    'board',
    [{ name: 'post', type: 1, options: [channelOption('channel', general), { name: 'text', type: 3, value: 'Despite the hiccup' }] }],
    { resolved: resolvedChannels(general) },
  );
  // The retry waits (src/core/retry.ts), so the answer may come after the deferral.
  await answer(i);
  await fake.waitFor(() => fake.responses(i).some((r) => /Posted\./.test(JSON.stringify(r.body))), 'the answer');
  const attempts = fake.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${general}/messages`);
  assert.deepEqual(attempts.map((c) => c.status).slice(-2), [502, 200]);
  assert.equal(fake.posts(general).length, before + 1);
});

test('a slow handler gets a deferred response (type 5) first, then its answer edits the original', async () => {
  const i = fake.slash(alice, 'board', [{ name: 'slow', type: 1, options: [] }]);
  const deferred = await answer(i);
  assert.equal(body(deferred).type, 5);
  assert.equal(body(deferred).data.flags, 64);
  releaseSlow();
  const edit = await fake.waitFor(() => fake.responses(i)[1], 'the edit');
  assert.equal(edit.method, 'PATCH');
  assert.match(edit.path, /\/messages\/@original$/);
  assert.match(JSON.stringify(edit.body), /Finally done\./);
  assert.equal(fake.responses(i).length, 2);
});

test('answers in a thread start the thread on the message once, and both answers land in it', async () => {
  const post = fake.posts(questions)[0]!;
  const i = fake.slash(
    alice,
    'board',
    [{ name: 'thread', type: 1, options: [channelOption('channel', questions), { name: 'message', type: 3, value: post.id }] }],
    { resolved: resolvedChannels(questions) },
  );
  assert.match(text(await answer(i)), /Answered in the thread/);
  assert.equal(fake.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${questions}/messages/${post.id}/threads`).length, 1);
  assert.deepEqual(
    fake
      .posts(post.id)
      .map((m) => JSON.stringify(m.embeds))
      .map((e) => /(First|Second) answer/.exec(e)?.[0]),
    ['First answer', 'Second answer'],
  );
});

test('a DM goes to the member; with DMs closed a notice without details goes to the chapter channel, logged without the member id', async () => {
  const open = await answer(fake.slash(rolf, 'board', [{ name: 'dm', type: 1, options: [] }]));
  assert.match(text(open), /Sent you a DM/);
  assert.match(JSON.stringify(fake.posts(fake.dmChannelOf(rolf.id)!)[0]!.embeds), /workshop tomorrow/);

  fake.dmClosed.add(alice.id);
  const before = fake.posts(moderation).length;
  const closed = await answer(fake.slash(alice, 'board', [{ name: 'dm', type: 1, options: [] }]));
  assert.match(text(closed), /Sent you a DM/);
  const notice = await fake.waitFor(() => fake.posts(moderation).length > before && fake.posts(moderation).at(-1));
  const noticeText = JSON.stringify(notice.embeds);
  assert.match(noticeText, new RegExp(`<@${alice.id}> I could not send you a direct message`));
  assert.doesNotMatch(noticeText, /workshop tomorrow/);
  assert.deepEqual(notice.allowed_mentions, { parse: [], users: [alice.id] });
  assert.equal(notice.content, `<@${alice.id}>`, 'the ping is in the content, where Discord notifies');
  const logged = captured.lines().filter((l) => l.includes('direct messages closed'));
  assert.equal(logged.length, 1);
  assert.ok(!captured.lines().join('\n').includes(alice.id), 'no member id in the log');
});

test('the notifier reaches Discord: a post no interaction waits for, then an edit of it', async () => {
  const outbox = services.notifier.outbox('discord', fake.guild.id);
  assert.ok(outbox, 'the adapter registered its outbox');
  const ref = await outbox.post(message('Reminder: workshop at 18:00.', { visibility: { kind: 'channel', channel: general } }));
  assert.equal(ref.channel, general);
  await outbox.edit(ref, message('Reminder: workshop at 18:30.', { visibility: { kind: 'channel', channel: general } }));
  const posted = fake.messages.get(ref.messageId)!;
  assert.equal(posted.edits, 1);
  assert.match(JSON.stringify(posted.embeds), /18:30/);
  const patch = fake.calls.find((c) => c.method === 'PATCH' && c.path === `/channels/${general}/messages/${ref.messageId}`)!;
  assert.deepEqual((patch.body as { allowed_mentions: unknown }).allowed_mentions, { parse: [], users: [] });
});

test('after the gateway connection drops, the client resumes its session and keeps answering', async () => {
  const resumedBefore = fake.resumed;
  fake.dropGateway();
  await fake.waitFor(() => fake.resumed > resumedBefore && fake.connected, 'the client to resume');
  assert.equal(fake.identified, 1, 'resumed, not identified anew');
  const c = await answer(fake.slash(alice, 'help'));
  assert.equal(body(c).type, 4);
});
