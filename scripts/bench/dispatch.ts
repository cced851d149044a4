import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { type PerformanceEntry, PerformanceObserver, performance } from 'node:perf_hooks';
import { ConsoleAdapter } from '../../src/adapters/console/console-adapter.js';
import { type App, createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { systemClock } from '../../src/core/clock.js';
import type { Outcome } from '../../src/core/dispatcher.js';
import { createLogger } from '../../src/logger.js';
import { type Latencies, latencies } from './stats.js';

/** The bot as the console runs it, on one database, with replies rendered into a sink. */
export interface BenchBot {
  readonly app: App;
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
  readonly workshops: number;
  readonly coaches: number;
  readonly questions: number;
}

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
        { length: world.workshops },
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
  await runAll(
    bot,
    Array.from({ length: world.questions }, (_, i) => `@seed${i} /ask text:"How do I read a CSV file in Python, part ${i}?"`),
    'questions',
  );
}

export type Kind = 'ask' | 'metoo' | 'claim' | 'list';
export const KINDS: readonly Kind[] = ['ask', 'metoo', 'claim', 'list'];

/**
 * The mixed stream, in turn: a new anonymous question, a "me too" by a member who has not
 * pressed it yet, a coach claiming a workshop they have not claimed yet (about half land on
 * the coach waitlist), the workshop list. Every command is one that succeeds.
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
    case 'list':
      return { kind, line: `@reader${round % 50} /workshop list` };
  }
}

/** How many workshops give every claim of `commands` its own (coach, workshop) pair. */
export function worldFor(commands: number): World {
  const coaches = 50;
  const claims = Math.ceil(commands / KINDS.length);
  return { coaches, workshops: Math.max(25, Math.ceil(claims / coaches)), questions: 50 };
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
}

export const SLOW_MS = 5;

/**
 * `commands` commands of the mix, one after another (the latency a member sees), each timed
 * from the line to its rendered answers. A short warm-up of asks and lists goes first.
 */
export async function benchDispatch(bot: BenchBot, world: World, commands: number): Promise<DispatchResult> {
  for (let i = 0; i < 200; i++)
    await bot.line(i % 2 ? '@warm /workshop list' : `@warm${i} /ask text:"Warming up the JIT with question ${i}"`);
  bot.resetOutcomes();
  const samples: number[] = [];
  const perKind: Record<Kind, number[]> = { ask: [], metoo: [], claim: [], list: [] };
  const slowOnes: [number, number][] = [];
  const pauses: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => void pauses.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  const started = performance.now();
  for (let i = 0; i < commands; i++) {
    const { kind, line } = commandFor(i, world);
    const t0 = performance.now();
    await bot.line(line);
    const ms = performance.now() - t0;
    samples.push(ms);
    perKind[kind].push(ms);
    if (ms > SLOW_MS) slowOnes.push([t0, t0 + ms]);
  }
  const wall = performance.now() - started;
  // GC entries reach the observer from the event loop; the run itself may never have yielded to it.
  await new Promise((resolve) => setTimeout(resolve, 100));
  observer.disconnect();
  const slowWithGc = slowOnes.filter(([from, to]) => pauses.some((g) => g.startTime < to && g.startTime + g.duration > from)).length;
  const gcMs = pauses.reduce((sum, g) => sum + g.duration, 0);
  const outcomes = { ...bot.outcomes };
  if (outcomes.incident || outcomes['user-error']) {
    throw new Error(
      `bench: ${outcomes['user-error']} commands were refused and ${outcomes.incident} failed; last output:\n${bot.output()}`,
    );
  }
  const byKind = Object.fromEntries(KINDS.map((k) => [k, latencies(perKind[k], wall)])) as Record<Kind, Latencies>;
  return { all: latencies(samples, wall), byKind, outcomes, slow: slowOnes.length, slowWithGc, gcMs };
}
