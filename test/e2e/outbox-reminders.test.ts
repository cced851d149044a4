import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import pg from 'pg';
import { Chapter } from '../../entities/Chapter.js';
import { ChapterBinding } from '../../entities/ChapterBinding.js';
import { Member } from '../../entities/Member.js';
import { OutboxMessage } from '../../entities/OutboxMessage.js';
import { Reminder } from '../../entities/Reminder.js';
import { Workshop } from '../../entities/Workshop.js';
import { WorkshopSignup } from '../../entities/WorkshopSignup.js';
import type { DatabaseTarget } from '../../src/config.js';
import { createDataSource } from '../../src/db/data-source.js';
import { FakeDiscord } from '../support/fake-discord.js';
import { freshDatabase, postgresUnavailable, TEST_POSTGRES_URL, tempDir } from '../support/helpers.js';
import { spawnNpm } from '../support/npm.js';

/**
 * Issue "Exactly once", end to end: the hour reminder of a workshop with many learners, sent by
 * real bot processes (`npm start`, Discord adapter) against the loopback Discord. The rows the
 * reminder needs are written here, as the services write them (a chapter bound to the fake's
 * server, its members, a workshop whose counter matches its confirmed sign-ups, the reminder);
 * everything from claiming the reminder to the DMs is the processes' own work.
 */

const learnerId = (n: number) => `7777777777777${String(n).padStart(5, '0')}`;

/**
 * A migrated database with a UTC chapter bound to `guild`, a workshop two days ahead with `learners`
 * confirmed learners, and its hour reminder (due at `dueAt`). The workshop's id.
 */
async function seed(target: DatabaseTarget, guild: string, learners: number, dueAt: Date): Promise<number> {
  const db = createDataSource(target);
  await db.initialize();
  try {
    await db.runMigrations({ transaction: 'each' });
    return await db.transaction(async (em) => {
      const now = new Date();
      const chapter = await em.save(
        em.create(Chapter, { name: 'Berlin', nameKey: 'berlin', city: null, timeZone: 'UTC', createdAt: now, learnersPerCoach: null }),
      );
      await em.insert(ChapterBinding, { chapterId: chapter.id, platform: 'discord', workspace: guild, channel: '' });
      const startsAt = new Date(Math.ceil((now.getTime() + 2 * 86_400_000) / 3_600_000) * 3_600_000);
      const workshop = await em.save(
        em.create(Workshop, {
          chapterId: chapter.id,
          title: 'Python',
          topic: 'python',
          startsAt,
          endsAt: new Date(startsAt.getTime() + 3 * 3_600_000),
          learnerCapacity: learners,
          coachSlots: 1,
          learnersPerCoach: learners,
          strictRatio: false,
          location: null,
          description: null,
          status: 'scheduled',
          cancelReason: null,
          coachesClaimed: 0,
          // The counter equals the rows holding a seat (HOLDS_SEAT), as the sign-ups keep it.
          learnersConfirmed: learners,
          revision: 0,
          createdAt: now,
          checkinCode: null,
          allocation: 'first-come',
          drawAt: null,
          lotterySeed: null,
          lotterySeedHash: null,
          drawnAt: null,
          drawOrder: null,
          offerHours: null,
          signupsOpenAt: null,
          signupsCloseAt: null,
          coachesOpenAt: null,
        }),
      );
      const members = await em.save(
        Array.from({ length: learners }, (_, n) =>
          em.create(Member, {
            platform: 'discord',
            workspace: guild,
            userId: learnerId(n),
            displayName: `learner${n}`,
            locale: null,
            createdAt: now,
          }),
        ),
        { chunk: 50 },
      );
      await em.save(
        members.map((m) =>
          em.create(WorkshopSignup, {
            workshopId: workshop.id,
            memberId: m.id,
            role: 'learner',
            state: 'confirmed',
            createdAt: now,
            confirmedAt: now,
            level: null,
            goal: null,
            language: null,
            groupNumber: null,
            groupPinned: false,
            offerExpiresAt: null,
            heldUntil: null,
          }),
        ),
        { chunk: 50 },
      );
      await em.insert(Reminder, { workshopId: workshop.id, kind: 'hour', dueAt, sentAt: null, outcome: null });
      return workshop.id;
    });
  } finally {
    await db.destroy();
  }
}

/** The bot's environment for one process against `fake`. */
const botEnv = (fake: FakeDiscord, databaseUrl: string, dataDir: string, extra: Record<string, string> = {}) => ({
  DATABASE_URL: databaseUrl,
  DATA_DIR: dataDir,
  ANON_SECRET: 's'.repeat(40),
  DISCORD_TOKEN: 'fake-token',
  DISCORD_APPLICATION_ID: fake.applicationId,
  DISCORD_API_URL: fake.apiUrl,
  REMINDER_INTERVAL_SECONDS: '5',
  LOG_LEVEL: 'info',
  ...extra,
});

/**
 * A loopback proxy in front of a fake Discord's REST API that holds each message post `ms` before
 * passing it on, as a platform under load answers: everything else goes straight through.
 */
async function slowPosts(apiUrl: string, ms: number): Promise<{ apiUrl: string; close: () => Promise<void> }> {
  const target = new URL(apiUrl);
  const server = createServer((req, res) => {
    const slow = req.method === 'POST' && /\/channels\/\d+\/messages$/.test(req.url ?? '');
    setTimeout(
      () => {
        const upstream = request(
          { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.on('error', () => res.destroy());
        req.pipe(upstream);
      },
      slow ? ms : 0,
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}${target.pathname}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** The hour reminders a user got through `fake` (their DM channel's posts). */
const remindersTo = (fake: FakeDiscord, userId: string) => {
  const channel = fake.dmChannelOf(userId);
  return (channel ? fake.posts(channel) : []).filter((m) => /Almost time: your workshop #\d+ starts/.test(JSON.stringify(m)));
};

/** The JSON log lines of a run. */
const logLines = (out: string) =>
  out
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { level: number; msg: string; signal?: string });

test('two bot processes on one PostgreSQL send a due reminder to each of 60 learners exactly once', async (t) => {
  const reason = await postgresUnavailable();
  if (reason) return t.skip(reason);
  const learners = 60;
  const database = await freshDatabase('postgres');
  const fakes = [await FakeDiscord.start(), await FakeDiscord.start()] as const;
  const tmp = tempDir();
  const sql = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await sql.connect();
  const schema = new URL(database.url).searchParams.get('schema')!;
  // Not due yet: both processes are running when it comes due.
  const workshopId = await seed(database.target, fakes[0].guild.id, learners, new Date(Date.now() + 86_400_000));
  // Each process reaches its Discord through a loopback proxy that answers each post a little late
  // (300 ms), so the batch takes longer than a round of the scheduler (5 s): while the process that
  // claimed the reminder sends its rows, both processes' rounds pick up the others, and the one batch
  // is sent by both, row by row, each claiming a row before the other could.
  const proxies = await Promise.all(fakes.map((fake) => slowPosts(fake.apiUrl, 300)));
  const bots = fakes.map((fake, n) =>
    spawnNpm(['start', '--silent'], {
      ...botEnv(fake, database.url, tmp.dir, { DATABASE_POOL_SIZE: '5' }),
      DISCORD_API_URL: proxies[n]!.apiUrl,
    }),
  );
  const outputs: string[] = [];
  try {
    for (const [n, bot] of bots.entries()) {
      await fakes[n]!.waitFor(() => /Discord ready/.test(bot.output()) || undefined, `bot ${n} ready`, 30_000).catch((err: Error) => {
        throw new Error(`${err.message}\n${bot.output().slice(-3000)}`);
      });
    }
    await sql.query(`UPDATE "${schema}".reminder SET "dueAt" = $1 WHERE "workshopId" = $2 AND kind = 'hour'`, [
      Date.now() - 1000,
      workshopId,
    ]);

    const ids = Array.from({ length: learners }, (_, n) => learnerId(n));
    const count = (id: string) => fakes.reduce((sum, f) => sum + remindersTo(f, id).length, 0);
    const pending = async () => (await sql.query(`SELECT count(*)::int AS n FROM "${schema}".outbox_message`)).rows[0].n as number;
    await fakes[0].waitFor(() => ids.every((id) => count(id) >= 1) || undefined, 'every learner reminded', 30_000);
    // The outbox empties once every row is sent and deleted.
    for (let i = 0; (await pending()) > 0; i++) {
      assert.ok(i < 100, 'the outbox empties');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await new Promise((resolve) => setTimeout(resolve, 11_000)); // two more ticks of each process
    assert.deepEqual(
      ids.map(count),
      ids.map(() => 1),
      'each learner reminded exactly once, by one of the processes',
    );
    assert.equal(await pending(), 0, 'the outbox is empty');
    const { rows: reminder } = await sql.query(`SELECT outcome FROM "${schema}".reminder WHERE "workshopId" = $1`, [workshopId]);
    assert.deepEqual(reminder, [{ outcome: 'sent' }]);
    const shares = fakes.map((f) => ids.filter((id) => remindersTo(f, id).length).length);
    t.diagnostic(`reminders sent per process: ${shares.join(' / ')}`);
    assert.ok(
      shares.every((n) => n > 0),
      `both processes sent part of the batch: ${shares.join(' / ')}`,
    );
  } finally {
    for (const bot of bots) bot.signal('SIGTERM');
    const ends = await Promise.all(bots.map((bot) => bot.done));
    await sql.end();
    for (const f of fakes) await f.close();
    for (const p of proxies) await p.close();
    await database.drop();
    tmp.remove();
    outputs.push(...ends.map((e) => e.stderr));
  }
  for (const out of outputs) {
    const logs = logLines(out);
    assert.ok(
      logs.some((l) => l.msg === 'stopping' && l.signal === 'SIGTERM'),
      out.slice(-2000),
    );
    assert.deepEqual(
      logs.filter((l) => l.level >= 50),
      [],
    );
  }
});

test('a process killed mid-batch of 200 reminder DMs, right after the platform took the 57th: after a restart each learner has it exactly once', async () => {
  const learners = 200;
  const database = await freshDatabase('sqlite');
  const fake = await FakeDiscord.start();
  const tmp = tempDir();
  const seeded = await seed(database.target, fake.guild.id, learners, new Date(Date.now() - 1000));
  assert.ok(seeded > 0);
  const pending = async () => {
    const db = createDataSource(database.target);
    await db.initialize();
    try {
      return await db.getRepository(OutboxMessage).count();
    } finally {
      await db.destroy();
    }
  };
  const ids = Array.from({ length: learners }, (_, n) => learnerId(n));
  const counts = () => ids.map((id) => remindersTo(fake, id).length);
  const sum = () => counts().reduce((a, b) => a + b, 0);
  let restarted: ReturnType<typeof spawnNpm> | undefined;
  let stderr: string | undefined;
  try {
    // The first run claims the reminder, queues 200 DMs in that transaction and dies (SIGKILL, no
    // cleanup) right after the platform accepted the 57th, before its row was deleted.
    const first = spawnNpm(
      ['start', '--silent'],
      botEnv(fake, database.url, tmp.dir, { NODE_ENV: 'test', OUTBOX_TEST_CRASH: 'after-send:57' }),
    );
    const end = await first.done;
    assert.ok(/Discord ready/.test(end.stdout + end.stderr), (end.stdout + end.stderr).slice(-3000));
    assert.ok(!logLines(end.stderr).some((l) => l.msg === 'stopping'), 'killed, not stopped');
    const before = sum();
    // The 57th and any sent alongside it by the scheduler's round; not all of them.
    assert.ok(before >= 57 && before < learners, `DMs before the restart: ${before}`);
    assert.ok(
      counts().every((n) => n <= 1),
      'none twice before the restart',
    );
    // Each row is deleted after its send, and the 57th's was not: at least that many are left.
    assert.ok((await pending()) >= learners - before + 1, 'the rows not deleted are still there, the 57th among them');

    // The restart, without the hook: the rest goes out, the 57th is not sent again.
    restarted = spawnNpm(['start', '--silent'], botEnv(fake, database.url, tmp.dir));
    const bot = restarted;
    await fake
      .waitFor(() => /Discord ready/.test(bot.output()) || undefined, 'the restarted bot ready', 30_000)
      .catch((err: Error) => {
        throw new Error(`${err.message}\n${bot.output().slice(-3000)}`);
      });
    await fake
      .waitFor(() => sum() >= learners || undefined, 'every learner reminded', 40_000)
      .catch((err: Error) => {
        throw new Error(`${err.message} (${sum()} of ${learners})\n${bot.output().slice(-3000)}`);
      });
    for (let i = 0; (await pending()) > 0; i++) {
      assert.ok(i < 100, 'the outbox empties');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.deepEqual(
      counts(),
      ids.map(() => 1),
      'each learner reminded exactly once',
    );
  } finally {
    restarted?.signal('SIGTERM');
    stderr = (await restarted?.done)?.stderr;
    await fake.close();
    await database.drop();
    tmp.remove();
  }
  // The restarted process stops on SIGTERM without an incident (checked after the rest, so a failure above is the one reported).
  const logs = logLines(stderr ?? '');
  assert.ok(
    logs.some((l) => l.msg === 'stopping' && l.signal === 'SIGTERM'),
    (stderr ?? '').slice(-2000),
  );
  assert.deepEqual(
    logs.filter((l) => l.level >= 50),
    [],
  );
});
