import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChatInputCommandInteraction, Client } from 'discord.js';
import fc from 'fast-check';
import { startDiscord } from '../../src/adapters/discord/adapter.js';
import { structured } from '../../src/adapters/discord/convert.js';
import { applicationCommands, type CommandJSON, DEFAULT_SUBCOMMAND, type OptionJSON } from '../../src/adapters/discord/commands.js';
import type { App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { OptionSpec } from '../../src/core/options.js';
import { type Leaf, optionsOf } from '../../src/core/registry.js';
import { freshDatabase, postgresUnavailable } from '../support/helpers.js';
import { type CommandOption, FakeDiscord } from '../support/fake-discord.js';
import {
  ADAPTER_RUNS,
  type ActorName,
  anything,
  dispatchCollecting,
  E2E_RUNS,
  type FuzzPath,
  fuzzApp,
  fuzzEveryCommand,
  PG_RUNS,
  setUp,
  type SubTest,
  validFor,
  type World,
} from './fuzz.js';

// The Discord path: the same random values as Discord delivers them, as typed option values
// (strings, integers, booleans, members, channels and roles with their `resolved` data) in
// Discord's nesting of subcommands, built by discord.js from the gateway payload and converted
// by the adapter (`structured`) for the dispatcher; then a sample end to end through the real
// discord.js client against the fake Discord, autocomplete included. See fuzz.ts for what runs where.

const GUILD = '222222222222222222';
const DISCORD: World = {
  platform: 'discord',
  workspace: GUILD,
  here: '333333333333333301',
  users: { moderator: '555555555555555510', alice: '555555555555555511', coach_de: '555555555555555512' },
  channels: {
    general: '333333333333333301',
    questions: '333333333333333302',
    moderation: '333333333333333303',
    announcements: '333333333333333304',
    disclaimers: '333333333333333305',
  },
};
const locale = (who: ActorName): string => (who === 'coach_de' ? 'de' : 'en-US');

/** Members a user option can name: the three, and someone not in the server. */
const USERS = [
  ...Object.entries(DISCORD.users).map(([name, id]) => ({
    id,
    username: name,
    global_name: name === 'alice' ? 'Alice 🙂' : null,
    member: true,
  })),
  { id: '555555555555555599', username: 'stranger', global_name: '‮evil‬', member: false },
];
/** Channels: the guild's text channels, and a thread, a voice channel, a category and a channel the bot cannot see. */
const CHANNELS = [
  ...Object.entries(DISCORD.channels).map(([name, id]) => ({ id, name, type: 0 })),
  { id: '333333333333333390', name: 'a-thread', type: 11 },
  { id: '333333333333333391', name: 'Voice', type: 2 },
  { id: '333333333333333392', name: 'CATEGORY', type: 4 },
  { id: '333333333333333398', name: 'elsewhere', type: 0 },
];
/** Roles: one that exists, @everyone (whose id is the guild's), one deleted since. */
const ROLES = [
  { id: '444444444444444401', name: 'organisers' },
  { id: GUILD, name: '@everyone' },
  { id: '444444444444444499', name: 'ghosts' },
];

type Resolved = {
  users?: Record<string, unknown>;
  members?: Record<string, unknown>;
  channels?: Record<string, unknown>;
  roles?: Record<string, unknown>;
};

/** A chat-input (or autocomplete) interaction's data as Discord sends it. */
interface DiscordCase {
  readonly name: string;
  readonly options: CommandOption[];
  readonly resolved: Resolved;
  readonly autocomplete: boolean;
}

/** Where a leaf sits in the registered commands: the subcommand (group) names above its options, and the options. */
function shapeOf(commands: readonly CommandJSON[], leaf: Leaf): { chain: [string, number][]; options: OptionJSON[] } {
  const top = commands.find((c) => c.name === leaf.path[0])!;
  const nested = top.options?.some((o) => o.type === 1 || o.type === 2) ?? false;
  let level = top.options ?? [];
  const chain: [string, number][] = [];
  for (const name of leaf.path.length === 1 && nested ? [DEFAULT_SUBCOMMAND] : leaf.path.slice(1)) {
    const o = level.find((x) => x.name === name)!;
    chain.push([name, o.type]);
    level = o.options ?? [];
  }
  return { chain, options: level };
}

/** Discord caps what members type into a string option at 6,000 characters. */
const capped = (s: string): string => (s.length > 6000 ? s.slice(0, 6000) : s);

/**
 * One option's value as Discord delivers it, with its `resolved` entry. Mostly what Discord's
 * own checks let through (declared choices, limits); sometimes not, as a stale command
 * registration or a client bypassing the form would send, which must be answered clearly too.
 */
function valueFor(o: OptionJSON, spec: OptionSpec): fc.Arbitrary<{ option: CommandOption; resolved: Resolved }> {
  const plain = (value: string | number | boolean) => ({ option: { name: o.name, type: o.type, value }, resolved: {} });
  switch (o.type) {
    case 3: {
      const valid = o.choices ? fc.constantFrom(...o.choices.map((c) => c.value)) : validFor(o.name, spec);
      return fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: anything }).map((s) => plain(capped(s)));
    }
    case 4:
      return fc
        .oneof(
          { weight: 3, arbitrary: validFor(o.name, spec).map(Number) },
          { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.constantFrom(0, -1, 2 ** 31, 2 ** 53, -(2 ** 53))) },
        )
        .map(plain);
    case 5:
      return fc.boolean().map(plain);
    case 6:
      return fc.constantFrom(...USERS).map((u) => ({
        option: { name: o.name, type: 6, value: u.id },
        resolved: {
          users: { [u.id]: { id: u.id, username: u.username, global_name: u.global_name, discriminator: '0', avatar: null } },
          ...(u.member
            ? { members: { [u.id]: { nick: null, roles: [], joined_at: '2026-01-01T00:00:00.000000+00:00', permissions: '0', flags: 0 } } }
            : {}),
        },
      }));
    case 7:
      return fc.constantFrom(...CHANNELS).map((c) => ({
        option: { name: o.name, type: 7, value: c.id },
        resolved: {
          channels: {
            [c.id]: {
              id: c.id,
              type: c.type,
              name: c.name,
              permissions: '0',
              guild_id: GUILD,
              ...(c.type === 11
                ? {
                    parent_id: DISCORD.channels.questions,
                    thread_metadata: {
                      archived: false,
                      auto_archive_duration: 1440,
                      archive_timestamp: '2026-01-01T00:00:00.000000+00:00',
                      locked: false,
                    },
                  }
                : {}),
            },
          },
        },
      }));
    case 8:
      return fc.constantFrom(...ROLES).map((r) => ({
        option: { name: o.name, type: 8, value: r.id },
        resolved: {
          roles: {
            [r.id]: {
              id: r.id,
              name: r.name,
              permissions: '0',
              position: 1,
              color: 0,
              hoist: false,
              managed: false,
              mentionable: true,
              flags: 0,
            },
          },
        },
      }));
    default:
      throw new Error(`no values for option type ${o.type}`);
  }
}

const merge = (parts: Resolved[]): Resolved => {
  const out: Record<string, Record<string, unknown>> = {};
  for (const part of parts) for (const [k, v] of Object.entries(part)) out[k] = { ...out[k], ...v };
  return out;
};

/**
 * A case for a leaf: each required option present (but for one in twenty: a form fills it, or
 * a stale registration lacks it), optional ones half the time, now and then an option the bot
 * no longer declares. With `autocomplete`, some cases are autocomplete requests instead: the
 * member is typing (anything) into an option that completes.
 */
function caseFor(commands: readonly CommandJSON[], leaf: Leaf, withAutocomplete: boolean): fc.Arbitrary<DiscordCase> {
  const { chain, options } = shapeOf(commands, leaf);
  const specs = optionsOf(leaf.action);
  const nest = (inner: CommandOption[]): CommandOption[] =>
    chain.reduceRight<CommandOption[]>((acc, [name, type]) => [{ name, type, options: acc }], inner);
  const flat = fc
    .tuple(fc.tuple(...options.map((o) => fc.option(valueFor(o, specs[o.name]!), { freq: o.required ? 20 : 2 }))), fc.nat(19))
    .map(([given, dice]) => {
      const present = given.filter((g) => g !== null);
      const stale: CommandOption[] = dice === 0 ? [{ name: 'retired-option', type: 3, value: 'x' }] : [];
      return { options: [...present.map((g) => g.option), ...stale], resolved: merge(present.map((g) => g.resolved)) };
    });
  const command = flat.map((f): DiscordCase => ({
    name: leaf.path[0]!,
    options: nest(f.options),
    resolved: f.resolved,
    autocomplete: false,
  }));
  const completing = options.filter((o) => o.autocomplete);
  if (!withAutocomplete || !completing.length) return command;
  const typing = fc
    .tuple(flat, fc.constantFrom(...completing), fc.oneof(anything, fc.constantFrom('', '1', '#2', 'ber', 'py')))
    .map(([f, focused, typed]): DiscordCase => ({
      name: leaf.path[0]!,
      options: nest([
        ...f.options.filter((o) => o.name !== focused.name),
        { name: focused.name, type: focused.type, value: capped(typed), focused: true },
      ]),
      resolved: f.resolved,
      autocomplete: true,
    }));
  return fc.oneof({ weight: 4, arbitrary: command }, { weight: 1, arbitrary: typing });
}

const show = (c: DiscordCase): string =>
  JSON.stringify({ name: c.name, options: c.options, ...(c.autocomplete ? { autocomplete: true } : {}) });

/**
 * Through the adapter's conversion: discord.js builds the interaction from the payload Discord
 * would send (a client that never logs in: nothing leaves the process), `structured` turns its
 * options into the core's, the dispatcher runs them.
 */
function adapterPath(app: App, client: Client): FuzzPath<DiscordCase> {
  const commands = applicationCommands(app.registry);
  let n = 0;
  return {
    caseFor: (leaf) => caseFor(commands, leaf, false),
    show,
    run: (c, who) => {
      const id = String(1400000000000000000n + BigInt(++n));
      const member = USERS.find((u) => u.id === DISCORD.users[who])!;
      const payload = {
        id,
        application_id: '111111111111111111',
        type: 2,
        token: `token-${id}`,
        version: 1,
        guild_id: GUILD,
        channel_id: DISCORD.here,
        locale: locale(who),
        app_permissions: '0',
        entitlements: [],
        authorizing_integration_owners: { '0': GUILD },
        context: 0,
        member: {
          user: { id: member.id, username: member.username, global_name: member.global_name, discriminator: '0', avatar: null },
          roles: [],
          permissions: who === 'moderator' ? '32' : '0',
          joined_at: '2026-01-01T00:00:00.000000+00:00',
          nick: null,
          deaf: false,
          mute: false,
          flags: 0,
        },
        data: { id: '9', name: c.name, type: 1, guild_id: GUILD, options: c.options, resolved: c.resolved },
      };
      // discord.js builds interactions itself (the constructor is internal), as it does for a gateway event.
      const i = new (ChatInputCommandInteraction as unknown as new (client: Client, data: unknown) => ChatInputCommandInteraction)(
        client,
        payload,
      );
      const { path, options } = structured(i.commandName, i.options.data);
      return dispatchCollecting(app, DISCORD, who, { kind: 'structured', path, options }, {});
    },
  };
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What Discord accepts as an autocomplete answer: at most 25 choices, names of 1-100 characters, values fitting the option. */
function assertDiscordAcceptsChoices(choices: unknown, what: string): void {
  assert.ok(Array.isArray(choices) && choices.length <= 25, `${what}: ${JSON.stringify(choices)}`);
  for (const choice of choices as { name: unknown; value: unknown }[]) {
    assert.ok(
      typeof choice.name === 'string' && choice.name.length >= 1 && [...choice.name].length <= 100 && !LONE_SURROGATE.test(choice.name),
      `${what}: choice name ${JSON.stringify(choice.name)}`,
    );
    assert.ok(
      (typeof choice.value === 'string' && choice.value.length <= 100) || Number.isSafeInteger(choice.value),
      `${what}: choice value ${JSON.stringify(choice.value)}`,
    );
  }
}

/**
 * End to end: each case is an interaction the fake Discord sends over its gateway to the real
 * discord.js client. Its answer is the callback (type 4, or 9 for a form, or 8 for
 * autocomplete), or a deferral (type 5) and the edit of the original that follows; nothing else.
 */
async function endToEnd(t: SubTest, app: App, lines: () => string[]): Promise<void> {
  const fake = await FakeDiscord.start();
  fake.guild.channels.push(
    { id: DISCORD.channels.announcements, name: 'announcements' },
    { id: DISCORD.channels.disclaimers, name: 'disclaimers' },
  );
  const config = loadConfig({
    ANON_SECRET: 'f'.repeat(32),
    DISCORD_TOKEN: 'fake-token',
    DISCORD_APPLICATION_ID: fake.applicationId,
    DISCORD_API_URL: fake.apiUrl,
  });
  const adapter = await startDiscord({
    dispatcher: app.dispatcher,
    services: app.services,
    registry: app.registry,
    log: app.services.log,
    config: config.discord!,
    locale: 'en',
  });
  const commands = applicationCommands(app.registry);
  const sent: { i: { id: string; token: string }; what: string }[] = [];
  // The answer: the callback, or the edit of a deferral. An answer longer than one message continues
  // in follow-ups (POST to the interaction's webhook), which are parts of it, not further answers.
  const answersTo = (i: { id: string; token: string }) =>
    fake
      .responses(i)
      .filter((r) => (r.body as { type?: number } | undefined)?.type !== 5 && !(r.method === 'POST' && r.path.startsWith('/webhooks/')));
  const path: FuzzPath<DiscordCase> = {
    caseFor: (leaf) => caseFor(commands, leaf, true),
    show,
    run: async (c, who) => {
      const member = USERS.find((u) => u.id === DISCORD.users[who])!;
      const i = fake.slash(
        { id: member.id, username: member.username, ...(member.global_name ? { globalName: member.global_name } : {}) },
        c.name,
        c.options,
        {
          moderator: who === 'moderator',
          locale: locale(who),
          resolved: c.resolved,
          autocomplete: c.autocomplete,
          channel: DISCORD.here,
        },
      );
      sent.push({ i, what: show(c) });
      const answers = await fake.waitFor(() => answersTo(i).length > 0 && answersTo(i), `the answer to ${show(c)}`);
      if (c.autocomplete) {
        const body = answers[0]!.body as { type: number; data: { choices: unknown } };
        assert.equal(body.type, 8, `autocomplete answered with type ${body.type}`);
        assertDiscordAcceptsChoices(body.data.choices, show(c));
      }
      return { answers: answers.map((a) => JSON.stringify(a.body)) };
    },
    afterBatch: async () => {
      for (const { i, what } of sent) assert.equal(answersTo(i).length, 1, `${what} answered ${answersTo(i).length} times`);
    },
  };
  try {
    await fuzzEveryCommand(t, app, path, E2E_RUNS, lines);
  } finally {
    await adapter.stop();
    await fake.close();
  }
}

for (const kind of ['sqlite', 'postgres'] as const) {
  const runs = kind === 'sqlite' ? ADAPTER_RUNS : PG_RUNS;
  const e2e = kind === 'sqlite' ? `, then ${E2E_RUNS} per command end to end through discord.js` : '';
  test(
    `every command answers anything Discord delivers exactly once with an answer or a clear error, and the database stays consistent (${kind}, ${runs} cases per command${e2e})`,
    { timeout: 600_000 },
    async (t) => {
      if (kind === 'postgres') {
        const reason = await postgresUnavailable();
        if (reason) return t.skip(reason);
      }
      const db = await freshDatabase(kind);
      const bot = await fuzzApp(db);
      const client = new Client({ intents: [] });
      try {
        await setUp(bot.app, DISCORD);
        await t.test('through the adapter’s conversion', (sub) =>
          fuzzEveryCommand(sub, bot.app, adapterPath(bot.app, client), runs, bot.lines),
        );
        if (kind === 'sqlite') await t.test('end to end through discord.js', (sub) => endToEnd(sub, bot.app, bot.lines));
      } finally {
        await client.destroy();
        await bot.close();
        await db.drop();
      }
    },
  );
}
