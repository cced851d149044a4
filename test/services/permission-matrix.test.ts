import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import type { DataSource } from 'typeorm';
import { Chapter } from '../../entities/Chapter.js';
import { OutboxMessage } from '../../entities/OutboxMessage.js';
import { ConsoleAdapter } from '../../src/adapters/console/console-adapter.js';
import { applicationCommands } from '../../src/adapters/discord/commands.js';
import { startDiscord } from '../../src/adapters/discord/adapter.js';
import { startSlack } from '../../src/adapters/slack/adapter.js';
import { type App, createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { ManualClock } from '../../src/core/clock.js';
import { type Target, TARGET_KINDS, type TargetKind } from '../../src/core/command.js';
import type { OptionSpec } from '../../src/core/options.js';
import { type Leaf, optionsOf } from '../../src/core/registry.js';
import { capturedLogger, eachDatabase, tempDir, type TestDatabase } from '../support/helpers.js';
import { FakeDiscord } from '../support/fake-discord.js';
import { FakeSlack } from '../support/fake-slack.js';
import { postSigned, slashCommandBody } from '../support/slack-requests.js';

// The permission matrix (issue "Trust"), generated from the command declarations, not a hand
// list: for every action that names a target and needs moderator or coach rights (or lets a
// moderator act on someone's behalf), a moderator of chapter Alpha only, acting on an object
// of chapter Beta, is refused with a clear message, and the database is unchanged. Through the
// console, the real Bolt app and the real discord.js client, on SQLite and PostgreSQL.

const SECRET = 'matrix-signing-secret';
const TZ = 'Europe/Berlin';
/** Tables whose rows record transport, not chapter data: the signatures of Slack requests seen (the replay guard). */
const TRANSPORT_TABLES = new Set<string>(['seen_request']);

/** Beta's objects, one of each kind a target can name, and Alpha's (for a second target). */
interface Fixtures {
  readonly beta: Record<TargetKind, string | number>;
  readonly alpha: Record<TargetKind, string | number>;
  /** A message of Beta's the bot gave up on (`/mod outbox` lists it to Beta's moderators): an object of no target kind. */
  readonly betaOutbox: number;
}

/** Chapter Alpha bound to the workspace where the actor acts; Beta bound elsewhere, with one object of every kind. */
async function fixtures(app: App, platform: string, here: string, elsewhere: string): Promise<Fixtures> {
  const s = app.services;
  const world = async (name: string, workspace: string): Promise<Record<TargetKind, string | number>> => {
    const { chapter } = await s.chapters.create({ name, timeZone: TZ, bindTo: { platform, workspace } });
    const member = { platform, workspace, id: `${name}-member`, name: `${name.toLowerCase()}-member`, locale: 'en' };
    const workshop = await s.workshops.create(chapter, {
      title: `${name} basics`,
      topic: 'Python',
      date: { year: 2027, month: 6, day: 1 },
      time: { hour: 18, minute: 0 },
      learners: 4,
    });
    const question = await s.questions.ask({ asker: member, chapter, channel: `${name}-questions`, text: `A question asked in ${name}` });
    const block = await s.questions.block(question.id, 'flooding the channel', 3, {
      platform,
      workspace,
      id: `${name}-mod`,
      name: `${name} moderator`,
    });
    const { proposal } = await s.partnerships.propose({
      proposer: member,
      locale: 'en',
      chapter: name,
      partner: 'Code Club',
      event: `${name} day`,
      date: { year: 2027, month: 6, day: 2 },
      contributions: 'coaches',
    });
    const material = await s.materials.add(
      member,
      { title: `${name} loops`, url: `https://learn.example.org/${name.toLowerCase()}`, topic: 'Python', language: 'en' },
      'en',
      chapter.id,
    );
    // A project shared in the chapter's showcase channel, posted through an outbox that stands for the platform.
    await s.chapters.setChannels(name, { platform, workspace }, { showcase: `${name}-showcase` });
    const { share } = await s.shares.share(
      member,
      chapter,
      null,
      { text: `Made in ${name}` },
      {
        post: async (m) => ({ channel: m.visibility.kind === 'channel' ? m.visibility.channel : '', messageId: `${name}-1` }),
        edit: async () => undefined,
      },
    );
    return {
      chapter: name,
      workshop: workshop.id,
      question: question.id,
      block: block.id,
      proposal: proposal.id,
      material: material.id,
      share: share.id,
    };
  };
  const alpha = await world('Alpha', here);
  const beta = await world('Beta', elsewhere);
  // Setup data: a reminder DM of Beta's, given up after its platform refused it.
  const chapter = await app.db.getRepository(Chapter).findOneByOrFail({ name: 'Beta' });
  const at = app.services.clock.now();
  const row = await app.db.getRepository(OutboxMessage).save({
    platform,
    workspace: elsewhere,
    chapterId: chapter.id,
    kind: 'reminder' as const,
    subject: Number(beta.workshop),
    memberId: null,
    sealedTo: null,
    channel: `Beta-questions`,
    questionId: null,
    message: JSON.stringify({ body: [] }),
    createdAt: at,
    dueAt: at,
    leasedUntil: null,
    attempts: 1,
    attemptedAt: at,
    hashes: null,
    lastError: 'refused',
    givenUpAt: at,
  });
  return { alpha, beta, betaOutbox: row.id };
}

/** Every row of every table, as text: what must not change when a command is refused. */
async function dump(db: DataSource): Promise<string> {
  const out: Record<string, unknown[]> = {};
  for (const meta of [...db.entityMetadatas].sort((a, b) => a.tableName.localeCompare(b.tableName))) {
    if (TRANSPORT_TABLES.has(meta.tableName)) continue;
    const rows = await db
      .getRepository(meta.target)
      .find({ order: Object.fromEntries(meta.primaryColumns.map((c) => [c.propertyName, 'ASC'])) });
    out[meta.tableName] = rows;
  }
  return JSON.stringify(out);
}

/** A well-formed value for an option that is not the target, so only the policy can refuse. */
function plainValue(name: string, spec: OptionSpec): string | number | boolean {
  switch (spec.type) {
    case 'integer':
      return spec.min ?? 1;
    case 'boolean':
      return true;
    case 'choice':
      return spec.choices[0]!;
    case 'date':
      return '2027-06-05';
    case 'time':
      return '18:00';
    case 'user':
    case 'channel':
    case 'role':
      throw new Error(`the matrix has no value for the required ${spec.type} option ${name}: add one`);
    default: {
      const known: Record<string, string> = {
        timezone: TZ,
        requirement: 'free-promotion',
        topic: 'Python',
        present: 'alice',
        title: 'A title',
        reason: 'Not for this chapter',
      };
      const text = known[name] ?? 'Plain words typed for the test';
      return text.padEnd(spec.minLength ?? 0, '.').slice(0, spec.maxLength ?? text.length);
    }
  }
}

/** One refused attempt: the action, the options given, and which chapter's object it names. */
interface Case {
  readonly leaf: Leaf;
  readonly values: Record<string, string | number | boolean>;
  readonly show: string;
}

/**
 * The cases, from the declarations: for each action with an option target, one case per such
 * target with Beta's object there and Alpha's in the others. Fails if a target kind has no
 * fixture, so a new kind of target cannot slip past the matrix.
 */
export function cases(leaves: readonly Leaf[], f: Fixtures): Case[] {
  const out: Case[] = [];
  for (const leaf of leaves) {
    const targets = leaf.targets.filter((t): t is Extract<Target, { option: string }> => 'option' in t);
    if (!targets.length) continue;
    for (const attacked of targets) {
      assert.ok(
        TARGET_KINDS.includes(attacked.kind) && attacked.kind in f.beta,
        `no fixture for target kind ${attacked.kind} (/${leaf.path.join(' ')})`,
      );
      const values: Record<string, string | number | boolean> = {};
      for (const [name, spec] of Object.entries(optionsOf(leaf.action))) {
        const target = targets.find((t) => t.option === name);
        if (target) values[name] = (target === attacked ? f.beta : f.alpha)[target.kind];
        else if (spec.required) values[name] = plainValue(name, spec);
      }
      out.push({
        leaf,
        values,
        show: `/${leaf.path.join(' ')} ${Object.entries(values)
          .map(([k, v]) => `${k}:${v}`)
          .join(' ')}`,
      });
    }
  }
  return out;
}

const quote = (v: string | number | boolean) => (typeof v === 'string' ? `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"` : String(v));
const typed = (c: Case) => [...c.leaf.path.slice(1), ...Object.entries(c.values).map(([k, v]) => `${k}:${quote(v)}`)].join(' ');

/** What each refusal must look like: it names Beta as the chapter whose moderators decide, or says who else may. */
function assertRefused(c: Case, answer: string): void {
  assert.doesNotMatch(answer, /Sorry, something went wrong/, `${c.show}: an apology`);
  if (c.leaf.permission === 'member') assert.match(answer, /Only /, `${c.show}: ${answer}`);
  else assert.match(answer, /moderators of Beta/, `${c.show}: ${answer}`);
}

/**
 * Actions that name an object they do not act on as its chapter's moderators, and why. Each is
 * a decision, written down here so that it is not an accident.
 */
const NOT_TARGETS: Record<string, string> = {
  // Binding a workspace to a chapter is for that workspace's administrators, with the chapter's
  // consent (a link code from its moderators), not a moderator right over it: runMatrix checks
  // the refusal without a code.
  'chapter use': 'the workspace binds itself, with a link code',
  // Any active coach adds a translation to the shared directory: it adds, it changes nothing of a chapter's.
  'materials translate': 'a coach contributes to the shared directory',
};

/** Runs every case through one platform's path, checking the database after each. */
async function runMatrix(app: App, f: Fixtures, send: (c: Case) => Promise<string>): Promise<number> {
  const all = cases(app.registry.leaves, f);
  // The guard: every moderator or coach action that names a target is in the matrix.
  for (const leaf of app.registry.leaves.filter((l) => l.permission !== 'member' && l.targets.some((t) => 'option' in t))) {
    assert.ok(
      all.some((c) => c.leaf === leaf),
      `/${leaf.path.join(' ')} is not covered`,
    );
  }
  // And no such action names an object by an option that is not its target (an `id`, or an
  // option completing workshops, questions or chapters), which the policy would not look at.
  for (const leaf of app.registry.leaves.filter((l) => l.permission !== 'member' && !(l.path.join(' ') in NOT_TARGETS))) {
    for (const [name, spec] of Object.entries(optionsOf(leaf.action))) {
      const namesObject = name === 'id' || ['workshop', 'question', 'chapter'].includes(String(spec.autocomplete));
      if (namesObject)
        assert.ok(
          leaf.targets.some((t) => 'option' in t && t.option === name),
          `/${leaf.path.join(' ')} option ${name} names an object but is not a target`,
        );
    }
  }
  for (const c of all) {
    const before = await dump(app.db);
    assertRefused(c, await send(c));
    assert.equal(await dump(app.db), before, `${c.show} changed the database`);
  }
  // Binding this workspace to Beta, which is bound elsewhere: only with a code from Beta's moderators.
  const use: Case = {
    leaf: app.registry.get(['chapter', 'use'])!,
    values: { name: f.beta.chapter },
    show: `/chapter use name:${f.beta.chapter}`,
  };
  const before = await dump(app.db);
  assert.match(await send(use), /Ask them for a link code/, use.show);
  assert.equal(await dump(app.db), before, `${use.show} changed the database`);
  // `/mod outbox` acts on the chapter bound where the moderator acts (target `here`): Beta's message is not Alpha's to retry.
  const retry: Case = {
    leaf: app.registry.get(['mod', 'outbox'])!,
    values: { retry: f.betaOutbox },
    show: `/mod outbox retry:${f.betaOutbox}`,
  };
  assert.match(await send(retry), new RegExp(`no undelivered message #${f.betaOutbox} in this chapter`), retry.show);
  assert.equal(await dump(app.db), before, `${retry.show} changed the database`);
  return all.length + 2;
}

async function matrixApp(database: TestDatabase, env: Record<string, string> = {}): Promise<{ app: App; close: () => Promise<void> }> {
  const tmp = tempDir();
  const config = loadConfig({
    DATA_DIR: tmp.dir,
    DATABASE_URL: database.url,
    ANON_SECRET: 'm'.repeat(32),
    RATE_LIMIT_MAX: '10000',
    CONSOLE_MODERATORS: 'mona',
    ...env,
  });
  const app = await createApp(config, capturedLogger().log, new ManualClock(new Date('2027-03-01T10:00:00Z')));
  return {
    app,
    close: async () => {
      await app.close();
      tmp.remove();
    },
  };
}

test('the permission matrix holds on the console: a moderator of Alpha is refused on every object of Beta, and nothing changes', (t) =>
  eachDatabase(t, async (database) => {
    const { app, close } = await matrixApp(database);
    try {
      const f = await fixtures(app, 'console', 'console', 'beta');
      const out = new PassThrough();
      let printed = '';
      out.on('data', (chunk) => (printed += String(chunk)));
      const adapter = new ConsoleAdapter({
        dispatcher: app.dispatcher,
        out,
        locale: 'en',
        moderators: ['mona'],
        clock: app.services.clock,
      });
      const n = await runMatrix(app, f, async (c) => {
        printed = '';
        await adapter.handle(`@mona /${c.leaf.path[0]} ${typed(c)}`);
        return printed;
      });
      assert.ok(n >= 15, `${n} cases`);
      // The same moderator acting in Beta's workspace is let through (the matrix refuses for the right reason).
      printed = '';
      await adapter.handle(`@mona@beta /workshop cancel id:${f.beta.workshop} reason:"Room is gone"`);
      assert.match(printed, /is cancelled/);
    } finally {
      await close();
    }
  }));

test('the permission matrix holds on Slack: signed requests to the real Bolt app from an admin of another workspace change nothing', (t) =>
  eachDatabase(t, async (database) => {
    const fake = await new FakeSlack().start();
    fake.users.set('UMONA', { name: 'mona', isAdmin: true });
    const { app, close } = await matrixApp(database, {
      SLACK_BOT_TOKEN: 'xoxb-matrix',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_API_URL: fake.apiUrl,
    });
    const slack = await startSlack(app, app.services.config, app.services.log, { listen: { port: 0, host: '127.0.0.1' } });
    try {
      const f = await fixtures(app, 'slack', 'T1', 'T2');
      let n = 0;
      await runMatrix(app, f, async (c) => {
        const id = `m${++n}`;
        const ack = await postSigned(
          `http://127.0.0.1:${slack.port}/slack/events`,
          slashCommandBody({ command: `/${c.leaf.path[0]}`, text: typed(c), user: 'UMONA', team: 'T1', responseUrl: fake.responseUrl(id) }),
          SECRET,
        );
        assert.equal(ack.status, 200);
        return ack.text || JSON.stringify(await fake.until(`the answer to ${c.show}`, () => fake.responses.find((r) => r.id === id)?.body));
      });
    } finally {
      await slack.stop();
      await fake.stop();
      await close();
    }
  }));

test('the permission matrix holds on Discord: interactions through the real discord.js client from a Manage Server member of another guild change nothing', (t) =>
  eachDatabase(t, async (database) => {
    const fake = await FakeDiscord.start();
    const { app, close } = await matrixApp(database, {
      DISCORD_TOKEN: 'fake-token',
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_URL: fake.apiUrl,
    });
    const adapter = await startDiscord({
      dispatcher: app.dispatcher,
      services: app.services,
      registry: app.registry,
      log: app.services.log,
      config: app.services.config.discord!,
      locale: 'en',
    });
    try {
      const f = await fixtures(app, 'discord', fake.guild.id, '999999999999999999');
      const shapes = applicationCommands(app.registry);
      await runMatrix(app, f, async (c) => {
        // Subcommand nesting and option types as registered with Discord.
        const top = shapes.find((s) => s.name === c.leaf.path[0])!;
        let level = top.options ?? [];
        const chain: { name: string; type: number }[] = [];
        for (const name of c.leaf.path.slice(1)) {
          const o = level.find((x) => x.name === name)!;
          chain.push({ name, type: o.type });
          level = o.options ?? [];
        }
        let options: { name: string; type: number; value?: string | number | boolean; options?: unknown[] }[] = Object.entries(
          c.values,
        ).map(([name, value]) => {
          const o = level.find((x) => x.name === name)!;
          return { name, type: o.type, value: o.type === 4 ? Number(value) : value };
        });
        for (const { name, type } of chain.reverse()) options = [{ name, type, options }];
        const i = fake.slash({ id: '555555555555555502', username: 'mona' }, c.leaf.path[0]!, options as never, { moderator: true });
        const answer = await fake.waitFor(
          () => fake.responses(i).find((r) => (r.body as { type?: number } | undefined)?.type !== 5),
          `the answer to ${c.show}`,
        );
        return JSON.stringify(answer.body);
      });
    } finally {
      await adapter.stop();
      await fake.close();
      await close();
    }
  }));
