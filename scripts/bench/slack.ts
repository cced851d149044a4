import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { FakeSlack } from '../../test/support/fake-slack.js';
import { postSigned, slackSignature, slashCommandBody } from '../../test/support/slack-requests.js';
import { BENCH_LIMITS } from './dispatch.js';
import { ROOT, startFlags } from './production.js';
const USERS = 1000;
/** The channels our bot (set up below) and the same-job app post questions to. */
const QUESTIONS = 'CQUESTIONS';
const SAME_JOB_CHANNEL = 'CSAMEJOB';

interface Memory {
  readonly rss: number;
  readonly heap: number;
  readonly rssAfterGc: number;
  readonly heapAfterGc: number;
  /** CPU time (user + system) the process has used since it started. */
  readonly cpuMs: number;
}

interface Side {
  readonly child: ChildProcess;
  readonly url: string;
  /** The side's memory in MB, now and after a full collection. */
  memory(): Promise<Memory>;
  stop(): Promise<void>;
}

/** Starts one side in its own process and waits for its `ready <port>`. */
export async function startSide(kind: 'ours' | 'bare' | 'same-job', env: Record<string, string>, root = ROOT): Promise<Side> {
  // Both sides run compiled (dist/, built by the benchmark) with the Node flags of `npm start`,
  // as a deployed bot does. BENCH_CPU_PROFILE=dir writes a V8 CPU profile of each side there;
  // BENCH_NODE_FLAGS replaces the start script's Node flags on both sides (see BENCHMARKS.md on memory).
  const nodeFlags = process.env.BENCH_NODE_FLAGS === undefined ? startFlags() : process.env.BENCH_NODE_FLAGS.split(' ').filter(Boolean);
  const flags = ['--expose-gc', ...nodeFlags];
  if (process.env.BENCH_CPU_PROFILE) flags.push('--cpu-prof', '--cpu-prof-dir', process.env.BENCH_CPU_PROFILE);
  const child = spawn(process.execPath, [...flags, join(root, 'dist/scripts/bench/slack-server.js'), kind], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr = (stderr + String(d)).slice(-4000)));
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bench: the ${kind} Slack server did not start within 30 s:\n${stderr}`)), 30_000);
    child.stdout!.on('data', (d) => {
      out += String(d);
      const m = /ready (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bench: the ${kind} Slack server exited (${code}):\n${stderr}`));
    });
  });
  return {
    child,
    url: `http://127.0.0.1:${port}/slack/events`,
    memory: () =>
      new Promise<Memory>((resolve, reject) => {
        const seen = out.length;
        const timer = setInterval(() => {
          const m = /memory (\{.*\})\n/.exec(out.slice(seen));
          if (!m) return;
          clearInterval(timer);
          resolve(JSON.parse(m[1]!) as Memory);
        }, 50);
        setTimeout(() => {
          clearInterval(timer);
          reject(new Error(`bench: the ${kind} Slack server did not report its memory`));
        }, 10_000);
        child.kill('SIGUSR2');
      }),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

export interface LoadResult {
  /** Requests answered in this run, its warm-up included. */
  readonly served: number;
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly ok: number;
  readonly failed: number;
}

/**
 * Signed `/ask` slash commands from 1,000 members in turn, `connections` at a time, for
 * `seconds` after a warm-up. Each request is new (its own trigger id, as Slack sends them, and
 * so its own signature): the bot runs a replayed signed request only once.
 */
export async function load(url: string, secret: string, responseUrl: string, seconds: number, connections: number): Promise<LoadResult> {
  let next = 0;
  const request = () => {
    const i = next++;
    const timestamp = Math.floor(Date.now() / 1000);
    const body = slashCommandBody({
      command: '/ask',
      text: `How do I find out why test number ${i % (2 * USERS)} fails only on CI?`,
      user: `U${i % USERS}`,
      responseUrl,
      channel: 'CGENERAL',
      triggerId: `trigger-${i}`,
    });
    return {
      body,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-slack-request-timestamp': String(timestamp),
        'x-slack-signature': slackSignature(secret, timestamp, body),
      },
    };
  };
  const run = (duration: number) =>
    autocannon({
      url,
      connections,
      duration,
      timeout: 10,
      requests: [
        {
          method: 'POST',
          setupRequest: (req) => ({ ...req, ...request() }),
        },
      ],
    });
  const warm = await run(Math.max(1, Math.round(seconds / 3)));
  const r = await run(seconds);
  return {
    served: warm.requests.total + r.requests.total,
    perSecond: r.requests.total / r.duration,
    p50: r.latency.p50,
    p99: r.latency.p99,
    ok: r['2xx'],
    failed: r.non2xx + r.errors + r.timeouts,
  };
}

/** The questions the same-job app stored (read after it stopped). */
function rowsOf(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM question').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

export interface SlackResult {
  readonly ours: LoadResult;
  readonly bare: LoadResult;
  readonly ratio: number;
  /** The minimal Bolt app doing the same job as our `/ask` (slack-server.ts `sameJob`), and our rate ÷ its rate. */
  readonly sameJob: LoadResult;
  readonly sameJobRatio: number;
  readonly sameJobMemory: Memory;
  /** Questions the same-job app posted (probe included) and the rows its SQLite file holds: equal when it did its job. */
  readonly sameJobPosted: number;
  readonly sameJobRows: number;
  /** Our bot's process after its load runs: resident memory and V8 heap in MB, as they were and after a full collection. */
  readonly memory: Memory;
  /** The same for the bare Bolt app: what Bolt and Node take under the same load. */
  readonly bareMemory: Memory;
  /** Questions the fake received as posts during our runs: one per answered request. */
  readonly posted: number;
  /** CPU time each side's process spent per request during the load runs (ms): where the ratio comes from, whatever else ran on the machine. */
  readonly cpuMsPerRequest: { readonly ours: number; readonly bare: number; readonly sameJob: number };
}

/**
 * Our Slack adapter (HTTP mode, Web API pointed at a fake on loopback, SQLite), a bare Bolt
 * app and a minimal Bolt app doing the same job as our `/ask`, each in its own process, loaded
 * in turn `rounds` times with the same requests from this process (which also plays Slack's
 * Web API); the ratios are of the median rates, and the sides take turns so that a burst of
 * other work on the machine hits all of them rather than one.
 */
export async function benchSlack(opts: { seconds: number; rounds: number; connections: number; dataDir: string }): Promise<SlackResult> {
  const fake = await new FakeSlack().start();
  fake.users.set('UADMIN', { name: 'ada', isAdmin: true });
  for (let i = 0; i < USERS; i++) fake.users.set(`U${i}`, { name: `member${i}` });
  const secret = randomBytes(24).toString('hex');
  const env = {
    SLACK_BOT_TOKEN: 'xoxb-bench',
    SLACK_SIGNING_SECRET: secret,
    SLACK_API_URL: fake.apiUrl,
    DATABASE_URL: `sqlite:${join(opts.dataDir, 'slack.sqlite')}`,
    DATA_DIR: opts.dataDir,
    ANON_SECRET: randomBytes(32).toString('hex'),
    SAME_JOB_CHANNEL,
    LOG_LEVEL: 'warn',
    ...BENCH_LIMITS,
  };
  const ours = await startSide('ours', env);
  const bare = await startSide('bare', env);
  const same = await startSide('same-job', env);
  try {
    // The chapter and its questions channel, through the adapter like everything else.
    for (const text of ['create name:Berlin timezone:Europe/Berlin', `set name:Berlin questions-channel:<#${QUESTIONS}|questions>`]) {
      const r = await postSigned(
        ours.url,
        slashCommandBody({ command: '/chapter', text, user: 'UADMIN', responseUrl: fake.responseUrl('setup') }),
        secret,
      );
      if (r.status !== 200 || !/Berlin/.test(r.text)) throw new Error(`bench: Slack setup failed (${r.status}): ${r.text}`);
    }
    const probe = await postSigned(
      ours.url,
      slashCommandBody({
        command: '/ask',
        text: 'Is this benchmark set up right, really?',
        user: 'U1',
        responseUrl: fake.responseUrl('probe'),
      }),
      secret,
    );
    if (probe.status !== 200 || fake.callsOf('chat.postMessage').length !== 1)
      throw new Error(`bench: /ask over Slack did not post (${probe.status}): ${probe.text}`);
    const sameProbe = await postSigned(
      same.url,
      slashCommandBody({ command: '/ask', text: 'Is the same-job app set up right?', user: 'U1', responseUrl: fake.responseUrl('probe') }),
      secret,
    );
    if (sameProbe.status !== 200 || sameProbe.json?.response_type !== 'ephemeral' || fake.callsOf('chat.postMessage').length !== 2)
      throw new Error(`bench: /ask to the same-job app did not post (${sameProbe.status}): ${sameProbe.text}`);

    const oursRuns: LoadResult[] = [];
    const bareRuns: LoadResult[] = [];
    const sameRuns: LoadResult[] = [];
    const oursBefore = await ours.memory();
    const bareBefore = await bare.memory();
    const sameBefore = await same.memory();
    const postsTo = (channel: string) => fake.callsOf('chat.postMessage').filter((c) => c.params.channel === channel).length;
    const postedBefore = postsTo(QUESTIONS);
    for (let round = 0; round < opts.rounds; round++) {
      oursRuns.push(await load(ours.url, secret, fake.responseUrl('load'), opts.seconds, opts.connections));
      bareRuns.push(await load(bare.url, secret, fake.responseUrl('load'), opts.seconds, opts.connections));
      sameRuns.push(await load(same.url, secret, fake.responseUrl('load'), opts.seconds, opts.connections));
    }
    const memory = await ours.memory();
    const bareMemory = await bare.memory();
    const sameJobMemory = await same.memory();
    // Stopped now (stopping again below does nothing), so that what it posted and stored is final.
    await same.stop();
    const best = (runs: LoadResult[]) => [...runs].sort((a, b) => a.perSecond - b.perSecond)[Math.floor(runs.length / 2)]!;
    const o = best(oursRuns);
    const b = best(bareRuns);
    const sj = best(sameRuns);
    const served = (runs: LoadResult[]) => runs.reduce((sum, r) => sum + r.served, 0);
    const cpuMsPerRequest = {
      ours: (memory.cpuMs - oursBefore.cpuMs) / served(oursRuns),
      bare: (bareMemory.cpuMs - bareBefore.cpuMs) / served(bareRuns),
      sameJob: (sameJobMemory.cpuMs - sameBefore.cpuMs) / served(sameRuns),
    };
    return {
      ours: o,
      bare: b,
      ratio: o.perSecond / b.perSecond,
      sameJob: sj,
      sameJobRatio: o.perSecond / sj.perSecond,
      sameJobMemory,
      sameJobPosted: postsTo(SAME_JOB_CHANNEL),
      sameJobRows: rowsOf(join(opts.dataDir, 'same-job.sqlite')),
      memory,
      bareMemory,
      posted: postsTo(QUESTIONS) - postedBefore,
      cpuMsPerRequest,
    };
  } finally {
    await ours.stop();
    await bare.stop();
    await same.stop();
    await fake.stop();
  }
}
