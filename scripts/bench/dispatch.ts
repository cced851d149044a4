import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { type PerformanceEntry, PerformanceObserver, performance } from 'node:perf_hooks';
import { ConsoleAdapter } from '../../src/adapters/console/console-adapter.js';
import { type App, createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { systemClock } from '../../src/core/clock.js';
import type { Outcome } from '../../src/core/dispatcher.js';
import { createLogger } from '../../src/logger.js';
import { countDriverCalls, StatementCounter, type StatementFigures, statementFigures } from './statements.js';
import { type Latencies, latencies } from './stats.js';

/** The bot as the console runs it, on one database, with replies rendered into a sink. */
export interface BenchBot {
  readonly app: App;
  /** Every statement the app's DataSource sends (its TypeORM logger). */
  readonly statements: StatementCounter;
  /** Runs one console line (`@name /command ...`) through the real dispatcher and renderer. */
  line(text: string): Promise<void>;
  /** Outcomes counted since the last reset. */
  readonly outcomes: Record<Outcome, number>;
  resetOutcomes(): void;
  /** The rendered output since the last reset (to show what went wrong). */
  output(): string;
  close(): Promise<void>;
}

/**
 * The limits that protect a real community from floods would stop a benchmark that sends
 * thousands of commands from a few hundred members in seconds: raised, and said so in BENCHMARKS.md.
 */
export const BENCH_LIMITS = { RATE_LIMIT_MAX: '10000', ANON_RATE_LIMIT_MAX: '1000' } as const;

export async function startBenchBot(databaseUrl: string, dataDir: string): Promise<BenchBot> {
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    ANON_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'error',
    ...BENCH_LIMITS,
  });
  const app = await createApp(config, createLogger('error'), systemClock);
  // The counting logger, on this bot's DataSource only (createApp's stays `logging: false` elsewhere).
  const statements = new StatementCounter();
  app.db.setOptions({ logger: statements });
  let rendered = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      // Keep only the tail: enough to show a failure, without growing with the run.
      rendered = (rendered + String(chunk)).slice(-4000);
      done();
    },
  });
  const adapter = new ConsoleAdapter({
    dispatcher: app.dispatcher,
    out: sink,
    locale: 'en',
    moderators: ['moderator'],
    clock: systemClock,
  });
  app.services.notifier.register('console', () => adapter.outboxForNotifications);
  const outcomes: Record<Outcome, number> = { ok: 0, 'user-error': 0, incident: 0 };
  // Count what the dispatcher answered, without changing what it does.
  const dispatch = app.dispatcher.dispatch.bind(app.dispatcher);
  app.dispatcher.dispatch = async (interaction) => {
    const outcome = await dispatch(interaction);
    outcomes[outcome] += 1;
    return outcome;
  };
  return {
    app,
    statements,
    line: async (text) => void (await adapter.handle(text)),
    outcomes,
    resetOutcomes: () => {
      outcomes.ok = outcomes['user-error'] = outcomes.incident = 0;
      rendered = '';
    },
    output: () => rendered,
    close: () => app.close(),
  };
}

/** A date `days` from now as YYYY-MM-DD (workshops must lie in the future). */
export function dayFromNow(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

export interface World {
  /** Workshops the coaches claim (ids 1 to `workshops`). */
  readonly workshops: number;
  readonly coaches: number;
  readonly questions: number;
  /** Workshops the learners join (the ids after those), their coach slots claimed in the setup. */
  readonly joinWorkshops: number;
}

/** Learners who join each workshop of `joinWorkshops`: twice its 100 seats, so about half wait. */
export const LEARNERS = 200;

/** Runs setup lines and insists every one succeeded: a benchmark of error answers measures nothing. */
export async function runAll(bot: BenchBot, lines: readonly string[], what: string): Promise<void> {
  bot.resetOutcomes();
  for (const l of lines) await bot.line(l);
  if (bot.outcomes.ok !== lines.length)
    throw new Error(
      `bench setup (${what}): ${lines.length - bot.outcomes.ok} of ${lines.length} commands failed; last output:\n${bot.output()}`,
    );
}

/** A chapter with a questions channel, workshops, coaches and a few questions to "me too". */
export async function buildWorld(bot: BenchBot, world: World): Promise<void> {
  const date = dayFromNow(30);
  await runAll(
    bot,
    [
      '@moderator /chapter create name:Berlin timezone:Europe/Berlin',
      '/chapter set name:Berlin questions-channel:#questions moderation-channel:#moderation',
      ...Array.from(
        { length: world.workshops + world.joinWorkshops },
        (_, i) => `/workshop create chapter:Berlin title:"Bench workshop ${i + 1}" topic:python date:${date} time:18:00 learners:100`,
      ),
    ],
    'chapter and workshops',
  );
  await runAll(
    bot,
    Array.from({ length: world.coaches }, (_, i) => `@coach${i} /coach volunteer topics:python,javascript`),
    'coaches',
  );
  // The workshops learners join have their coaches: 25 slots (100 learners, 4 per coach by default), all claimed,
  // so their 100 seats are open (the strict ratio, the default, allows 25 × 4).
  await runAll(
    bot,
    Array.from(
      { length: world.joinWorkshops * 25 },
      (_, i) => `@coach${i % 25} /workshop claim id:${world.workshops + Math.floor(i / 25) + 1}`,
    ),
    'coaches of the workshops to join',
  );
  await runAll(
    bot,
    Array.from({ length: world.questions }, (_, i) => `@seed${i} /ask text:"How do I read a CSV file in Python, part ${i}?"`),
    'questions',
  );
}

export type Kind = 'ask' | 'metoo' | 'claim' | 'join' | 'list';
export const KINDS: readonly Kind[] = ['ask', 'metoo', 'claim', 'join', 'list'];

/**
 * The mixed stream, in turn: a new anonymous question, a "me too" by a member who has not
 * pressed it yet, a coach claiming a workshop they have not claimed yet (about half land on
 * the coach waitlist), a learner joining a workshop they have not joined yet (200 learners for
 * its 100 seats: about half land on the waitlist), the workshop list. Every command is one that succeeds.
 */
export function commandFor(i: number, world: World): { kind: Kind; line: string } {
  const kind = KINDS[i % KINDS.length]!;
  const round = Math.floor(i / KINDS.length);
  switch (kind) {
    case 'ask':
      return { kind, line: `@asker${round % 500} /ask text:"Why does my loop number ${round} print nothing at all?" topic:python` };
    case 'metoo':
      return { kind, line: `@fan${round} /ask metoo id:${(round % world.questions) + 1}` };
    case 'claim':
      return {
        kind,
        line: `@coach${round % world.coaches} /workshop claim id:${(Math.floor(round / world.coaches) % world.workshops) + 1}`,
      };
    case 'join':
      return {
        kind,
        line: `@learner${round % LEARNERS} /workshop join id:${world.workshops + (Math.floor(round / LEARNERS) % world.joinWorkshops) + 1}`,
      };
    case 'list':
      return { kind, line: `@reader${round % 50} /workshop list` };
  }
}

/** How many workshops give every claim and join of `commands` its own (member, workshop) pair. */
export function worldFor(commands: number): World {
  const coaches = 50;
  const each = Math.ceil(commands / KINDS.length);
  return {
    coaches,
    workshops: Math.max(25, Math.ceil(each / coaches)),
    questions: 50,
    joinWorkshops: Math.max(1, Math.ceil(each / LEARNERS)),
  };
}

export interface DispatchResult {
  readonly all: Latencies;
  readonly byKind: Record<Kind, Latencies>;
  readonly outcomes: Record<Outcome, number>;
  /** Commands slower than `SLOW_MS`, and how many of them had a garbage collection pause inside. */
  readonly slow: number;
  readonly slowWithGc: number;
  /** Time spent in garbage collection pauses during the run. */
  readonly gcMs: number;
  /** Statements sent to the database per command of each kind (the TypeORM logger's count). */
  readonly statements: Record<Kind, StatementFigures>;
  /** The same counted at the driver, over the whole run, and the logger's total: they must agree. */
  readonly statementsAtDriver: number;
  readonly statementsLogged: number;
  /** Statements counted after the last command had answered (work it left running): should be none. */
  readonly statementsAfterRun: number;
}

export const SLOW_MS = 5;

/**
 * `commands` commands of the mix, one after another (the latency a member sees), each timed
 * from the line to its rendered answers. A short warm-up of asks and lists goes first.
 * The statements each command sends are counted meanwhile (one command at a time, so each
 * statement belongs to the command running; what the outbox sends after the command's
 * transaction commits is awaited by the command and counts toward it). BENCH_STATEMENTS=1 writes
 * the statements of the first command of each kind to standard error.
 */
export async function benchDispatch(bot: BenchBot, world: World, commands: number): Promise<DispatchResult> {
  for (let i = 0; i < 200; i++)
    await bot.line(i % 2 ? '@warm /workshop list' : `@warm${i} /ask text:"Warming up the JIT with question ${i}"`);
  bot.resetOutcomes();
  const samples: number[] = [];
  const perKind: Record<Kind, number[]> = { ask: [], metoo: [], claim: [], join: [], list: [] };
  const statementsOf: Record<Kind, number[]> = { ask: [], metoo: [], claim: [], join: [], list: [] };
  const show = process.env.BENCH_STATEMENTS === '1';
  const driver = countDriverCalls(bot.app.db);
  const loggedBefore = bot.statements.count;
  const slowOnes: [number, number][] = [];
  const pauses: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => void pauses.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  const started = performance.now();
  for (let i = 0; i < commands; i++) {
    const { kind, line } = commandFor(i, world);
    const counted = bot.statements.count;
    if (show && !statementsOf[kind].length) bot.statements.recording = [];
    const t0 = performance.now();
    await bot.line(line);
    const ms = performance.now() - t0;
    statementsOf[kind].push(bot.statements.count - counted);
    if (bot.statements.recording) {
      process.stderr.write(`  statements of ${line}\n${bot.statements.recording.map((q) => `    ${q}\n`).join('')}`);
      bot.statements.recording = undefined;
    }
    samples.push(ms);
    perKind[kind].push(ms);
    if (ms > SLOW_MS) slowOnes.push([t0, t0 + ms]);
  }
  const wall = performance.now() - started;
  const loggedAtEnd = bot.statements.count;
  // GC entries reach the observer from the event loop; the run itself may never have yielded to it.
  await new Promise((resolve) => setTimeout(resolve, 100));
  observer.disconnect();
  const statementsAfterRun = bot.statements.count - loggedAtEnd;
  driver.uninstall();
  const slowWithGc = slowOnes.filter(([from, to]) => pauses.some((g) => g.startTime < to && g.startTime + g.duration > from)).length;
  const gcMs = pauses.reduce((sum, g) => sum + g.duration, 0);
  const outcomes = { ...bot.outcomes };
  if (outcomes.incident || outcomes['user-error']) {
    throw new Error(
      `bench: ${outcomes['user-error']} commands were refused and ${outcomes.incident} failed; last output:\n${bot.output()}`,
    );
  }
  const byKind = Object.fromEntries(KINDS.map((k) => [k, latencies(perKind[k], wall)])) as Record<Kind, Latencies>;
  const statements = Object.fromEntries(KINDS.map((k) => [k, statementFigures(statementsOf[k])])) as Record<Kind, StatementFigures>;
  return {
    all: latencies(samples, wall),
    byKind,
    outcomes,
    slow: slowOnes.length,
    slowWithGc,
    gcMs,
    statements,
    statementsAtDriver: driver.count,
    statementsLogged: bot.statements.count - loggedBefore,
    statementsAfterRun,
  };
}
