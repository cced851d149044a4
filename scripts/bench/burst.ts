import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { bool, channelOption, FakeDiscord, type FakeUser, int, type RecordedCall, str, sub } from '../../test/support/fake-discord.js';
import { freshDatabase, TEST_POSTGRES_URL } from '../../test/support/helpers.js';
import { ROOT, startFlags } from './production.js';
import { latencies } from './stats.js';

/**
 * `burst_join`: a newly announced workshop, and `members` members press "join" (`/workshop join
 * id:N`) within the same second. Two real bot processes, started as `npm start` runs them
 * (dist/, the start script's Node flags), share one PostgreSQL schema; each runs the Discord
 * adapter against its own loopback fake Discord showing the same server (the setup of
 * test/e2e/multi-process.test.ts), and the members alternate between them. Each interaction is
 * timed from the moment the fake sends it to the moment the bot's final answer reaches the fake
 * (the answer, not a deferral: a slow command is deferred first and its answer edited in).
 * Afterwards the database is checked: the counter equals the confirmed rows, every member holds
 * one seat or one place on the waitlist, the confirmed are the first `seats` the database admitted
 * (signup ids ascending, the order `waitlistPosition` counts by), and every waiting member was
 * told the place the waitlist gives them.
 */

export interface BurstResult {
  readonly members: number;
  readonly seats: number;
  /** Interactions with exactly one final answer. */
  readonly answered: number;
  /** Interactions that were deferred first (answered later by an edit). */
  readonly deferred: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** From the first interaction sent to the last sent (ms): "within the same second". */
  readonly sentWithinMs: number;
  readonly confirmed: number;
  readonly waiting: number;
  /**
   * The database's pace: from the first signup admitted to the last (`createdAt`, taken while the
   * workshop's row is locked) ÷ the signups after the first. Joins of one workshop run one at a time
   * under that lock, so this is about what each holds it for, and the p99 is about this × the burst.
   */
  readonly admitMsPerJoin: number;
  /** Members answered with neither a seat nor a place on the waitlist (told to try again, an error). */
  readonly refused: number;
  /** Every check held. */
  readonly ok: boolean;
  /** What did not hold, in words. */
  readonly problems: string[];
}

interface Bot {
  readonly child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** One bot process as `npm start` runs it (dist/ built by the benchmark), Discord adapter against `fake`. */
function startBot(fake: FakeDiscord, env: Record<string, string>): Bot {
  const child = spawn(process.execPath, [...startFlags(), 'dist/src/main.js'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      DISCORD_TOKEN: 'fake-token',
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_URL: fake.apiUrl,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (d: unknown) => (out = (out + String(d)).slice(-20_000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return {
    child,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

type Interaction = { id: string; token: string };

/** The final answers of an interaction (not the type-5 deferral), in order. */
function finals(fake: FakeDiscord, i: Interaction) {
  return fake.responses(i).filter((r) => (r.body as { type?: number } | undefined)?.type !== 5);
}

/**
 * The answers the bot sent to a fake, by interaction token, read incrementally from the fake's
 * record of calls: the fakes run in this process, and rescanning every call for every interaction
 * on each request would hold up the event loop that receives the answers being timed.
 */
class Answers {
  private next = 0;
  private readonly byToken = new Map<string, RecordedCall[]>();
  constructor(private readonly fake: FakeDiscord) {}

  /** The final answers to `i` so far (not the type-5 deferral). */
  finals(i: Interaction): RecordedCall[] {
    this.update();
    return (this.byToken.get(i.token) ?? []).filter((r) => (r.body as { type?: number } | undefined)?.type !== 5);
  }

  deferred(i: Interaction): boolean {
    this.update();
    return (this.byToken.get(i.token) ?? []).some((r) => (r.body as { type?: number } | undefined)?.type === 5);
  }

  private update(): void {
    const calls = this.fake.calls;
    for (; this.next < calls.length; this.next++) {
      const call = calls[this.next]!;
      // /interactions/{id}/{token}/callback and /webhooks/{application}/{token}[/messages/@original]
      const [, route, , token] = call.path.split('/');
      if ((route !== 'interactions' && route !== 'webhooks') || !token) continue;
      const list = this.byToken.get(token) ?? [];
      list.push(call);
      this.byToken.set(token, list);
    }
  }
}

/** The one answer of a setup command, which must match `expect`. */
async function setup(fake: FakeDiscord, i: Interaction, expect: RegExp, what: string): Promise<string> {
  const answer = JSON.stringify((await fake.waitFor(() => finals(fake, i)[0], `the answer to ${what}`, 30_000)).body);
  if (!expect.test(answer)) throw new Error(`bench burst: ${what} answered ${answer}`);
  return answer;
}

export async function benchBurst(opts: { members: number; seats: number; dataDir: string }): Promise<BurstResult> {
  const { members, seats } = opts;
  const database = await freshDatabase('postgres');
  const schema = new URL(database.url).searchParams.get('schema')!;
  const fakes = [await FakeDiscord.start(), await FakeDiscord.start()] as const;
  const [a, b] = fakes;
  const env = {
    DATABASE_URL: database.url,
    DATA_DIR: opts.dataDir,
    ANON_SECRET: randomBytes(32).toString('hex'),
    // The pool of a deployed bot (the default, said here): two processes, 20 connections.
    DATABASE_POOL_SIZE: '10',
    // Hundreds of members within a second from one server: the flood limit would stop most of them.
    RATE_LIMIT_MAX: '10000',
  };
  const bots = fakes.map((fake) => startBot(fake, env));
  const sql = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await sql.connect();
  try {
    // The first process migrates the fresh schema; the other waits for it.
    for (const [n, bot] of bots.entries()) {
      await fakes[n]!.waitFor(() => /Discord ready/.test(bot.output()) || undefined, `bot ${n} ready`, 60_000).catch((err: Error) => {
        throw new Error(`bench burst: ${err.message.split('\n')[0]}\n${bot.output().slice(-3000)}`);
      });
    }
    const mona: FakeUser = { id: '555555555555555502', username: 'mona' };
    await setup(
      a,
      a.slash(mona, 'chapter', sub('create', [str('name', 'Berlin'), str('timezone', 'UTC')]), { moderator: true }),
      /Chapter Berlin created/,
      'chapter create',
    );
    const [, questions, announcements] = a.guild.channels.map((c) => c.id);
    await setup(
      a,
      a.slash(
        mona,
        'chapter',
        sub('set', [
          str('name', 'Berlin'),
          channelOption('questions-channel', questions!),
          channelOption('announcements-channel', announcements!),
        ]),
        { moderator: true, resolved: a.resolvedChannels(questions!, announcements!) },
      ),
      /Berlin/,
      'chapter set',
    );
    const day = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
    const create = async (fake: FakeDiscord, title: string, learners: number) => {
      const answer = await setup(
        fake,
        fake.slash(
          mona,
          'workshop',
          sub('create', [
            str('chapter', 'Berlin'),
            str('title', title),
            str('topic', 'python'),
            str('date', day),
            str('time', '18:00'),
            int('learners', learners),
            int('coaches', 10),
            bool('strict-ratio', false),
            str('allocation', 'first-come'),
          ]),
          { moderator: true },
        ),
        /#\d+/,
        `workshop create (${title})`,
      );
      return Number(/#(\d+)/.exec(answer)![1]);
    };
    const member = (n: number): FakeUser => ({ id: `7777777777777${String(n).padStart(5, '0')}`, username: `m${n}` });
    const either = (n: number) => (n % 2 ? b : a);

    // A warm-up, as a bot that has been running is: 40 other members join another workshop,
    // half on each process, and the answers are awaited.
    const warm = await create(b, 'Warm-up', 200);
    await Promise.all(
      Array.from({ length: 40 }, (_, n) => {
        const fake = either(n);
        return setup(fake, fake.slash(member(90_000 + n), 'workshop', sub('join', [int('id', warm)])), /#\d+/, 'a warm-up join');
      }),
    );

    // The newly announced workshop, then every member presses "join" at once, alternating between the processes.
    const id = await create(a, 'Python burst', seats);
    const answers = new Map(fakes.map((f) => [f, new Answers(f)]));
    const sent: { n: number; fake: FakeDiscord; i: Interaction; at: number }[] = [];
    for (let n = 0; n < members; n++) {
      const fake = either(n);
      const at = Date.now();
      sent.push({ n, fake, at, i: fake.slash(member(n), 'workshop', sub('join', [int('id', id)])) });
    }
    const sentWithinMs = sent.at(-1)!.at - sent[0]!.at;
    const finalsOf = (s: (typeof sent)[number]) => answers.get(s.fake)!.finals(s.i);
    let pending = [...sent];
    const allAnswered = () => (pending = pending.filter((s) => finalsOf(s).length === 0)).length === 0 || undefined;
    await a.waitFor(allAnswered, 'every answer', 60_000).catch(() => undefined);
    // A moment more, so that an answer sent twice would show.
    await new Promise((resolve) => setTimeout(resolve, 500));

    const problems: string[] = [];
    const samples: number[] = [];
    const told = new Map<string, string>();
    let answered = 0;
    let deferred = 0;
    for (const s of sent) {
      const f = finalsOf(s);
      if (answers.get(s.fake)!.deferred(s.i)) deferred++;
      if (f.length !== 1) continue;
      answered++;
      samples.push(f[0]!.at - s.at);
      told.set(member(s.n).id, JSON.stringify(f[0]!.body));
    }
    // Answers that give neither a seat nor a place on the waitlist (told to try again, an error).
    const others = [...told.values()].filter((t) => !/seat at workshop #\d+ is confirmed|on the waitlist/.test(t));
    if (others.length) problems.push(`${others.length} members were answered neither a seat nor a place, e.g. ${others[0]!.slice(0, 300)}`);
    const twice = sent.filter((s) => finalsOf(s).length > 1).length;
    if (answered !== members)
      problems.push(`${members - answered} of ${members} interactions not answered exactly once (${twice} twice or more)`);

    // createdAt is a BIGINT of milliseconds (InstantColumn), which node-postgres returns as a string.
    const { rows } = await sql.query<{ id: number; state: string; createdAt: string; userId: string }>(
      `SELECT s.id, s.state, s."createdAt", m."userId" FROM "${schema}".workshop_signup s
         JOIN "${schema}".member m ON m.id = s."memberId"
        WHERE s."workshopId" = $1 AND s.role = 'learner' ORDER BY s.id`,
      [id],
    );
    const confirmed = rows.filter((r) => r.state === 'confirmed').length;
    const waiting = rows.filter((r) => r.state === 'waiting').length;
    const {
      rows: [counter],
    } = await sql.query<{ learnersConfirmed: number }>(`SELECT "learnersConfirmed" FROM "${schema}".workshop WHERE id = $1`, [id]);
    if (counter?.learnersConfirmed !== confirmed)
      problems.push(`learnersConfirmed is ${counter?.learnersConfirmed}, confirmed rows ${confirmed}`);
    if (confirmed + waiting !== members || rows.length !== members)
      problems.push(`${confirmed} confirmed + ${waiting} waiting of ${rows.length} rows, for ${members} members`);
    if (confirmed !== Math.min(seats, members)) problems.push(`${confirmed} confirmed for ${seats} seats`);
    if (new Set(rows.map((r) => r.userId)).size !== rows.length) problems.push('a member holds two signups');
    // Admitted in id order: the confirmed are the first ids, the waitlist follows in id order.
    const firstWaiting = rows.findIndex((r) => r.state !== 'confirmed');
    if (firstWaiting !== -1 && rows.slice(firstWaiting).some((r) => r.state === 'confirmed'))
      problems.push('a confirmed signup was admitted after a waiting one (ids out of order)');
    const times = rows.map((r) => Number(r.createdAt));
    if (times.some((t) => !Number.isFinite(t))) problems.push('a signup without a readable createdAt');
    if (times.some((t, k) => k > 0 && t < times[k - 1]!)) problems.push('createdAt goes back while signup ids go up');
    // What each member was told agrees with the database: a seat, or their place on the waitlist.
    let place = 0;
    let wrong = 0;
    for (const r of rows) {
      if (r.state !== 'confirmed' && r.state !== 'waiting') continue;
      if (r.state === 'waiting') place++;
      const answer = told.get(r.userId);
      if (answer === undefined) continue;
      const expected = r.state === 'confirmed' ? /seat at workshop #\d+ is confirmed/ : new RegExp(`number ${place} on the waitlist`);
      if (!expected.test(answer) && wrong++ < 3)
        problems.push(`member ${r.userId} (${r.state}${r.state === 'waiting' ? ` ${place}` : ''}) was told ${answer.slice(0, 300)}`);
    }
    if (wrong > 3) problems.push(`${wrong - 3} more members were told something else than their signup says`);
    const l = latencies(samples, 1);
    return {
      members,
      seats,
      answered,
      deferred,
      p50: l.p50,
      p99: l.p99,
      max: l.max,
      sentWithinMs,
      confirmed,
      waiting,
      refused: others.length,
      admitMsPerJoin: times.length > 1 ? (times.at(-1)! - times[0]!) / (times.length - 1) : 0,
      ok: problems.length === 0,
      problems,
    };
  } finally {
    await Promise.all(bots.map((bot) => bot.stop()));
    await sql.end();
    for (const f of fakes) await f.close();
    await database.drop();
  }
}
