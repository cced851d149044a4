import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import pg from 'pg';
import { Chapter } from '../../../entities/Chapter.js';
import { Disclaimer } from '../../../entities/Disclaimer.js';
import { Member } from '../../../entities/Member.js';
import { OutboxMessage } from '../../../entities/OutboxMessage.js';
import { PartnershipProposal } from '../../../entities/PartnershipProposal.js';
import { Question } from '../../../entities/Question.js';
import { Workshop } from '../../../entities/Workshop.js';
import { WorkshopSignup } from '../../../entities/WorkshopSignup.js';
import { createDataSource } from '../../../src/db/data-source.js';
import { OUTBOX_LEASE_MS } from '../../../src/services/outbox/service.js';
import { eachDatabase, postgresUnavailable, freshDatabase, TEST_POSTGRES_URL, tempDir, type TestDatabase } from '../../support/helpers.js';
import { npmStart } from '../../support/npm-start.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');

/** A bot process with stdin left open, in a process group of its own (so a signal reaches node, not only npm). */
function startBot(command: 'npm' | 'node', env: Record<string, string>) {
  const args = command === 'npm' ? ['start', '--silent'] : ['--import', 'tsx', 'src/main.ts'];
  const child: ChildProcess = spawn(command, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', LOG_LEVEL: 'debug', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  const waiters: { test: () => boolean; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (!w.test()) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  child.stdout!.on('data', (d) => ((stdout += String(d)), check()));
  child.stderr!.on('data', (d) => ((stderr += String(d)), check()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  const killer = setTimeout(() => signal('SIGKILL'), 60_000);
  void exited.then(() => clearTimeout(killer));
  function signal(name: NodeJS.Signals): void {
    try {
      process.kill(command === 'npm' ? -child.pid! : child.pid!, name);
    } catch {
      // already gone
    }
  }
  return {
    write: (text: string) => child.stdin!.write(text),
    end: () => child.stdin!.end(),
    stdout: () => stdout,
    stderr: () => stderr,
    signal,
    exited,
    /** Resolves once the output satisfies `test`. */
    until: (test: () => boolean) => new Promise<void>((resolve) => (test() ? resolve() : waiters.push({ test, resolve }))),
  };
}

/** Complete answer blocks (a block ends with a blank line; one cut off by a kill is not complete). */
const completeBlocks = (stdout: string): { header: string; text: string }[] =>
  stdout
    .split('\n\n')
    .slice(0, -1)
    .filter((b) => b.trim())
    .map((b) => {
      const [header = '', ...rest] = b.replace(/^\n+/, '').split('\n');
      return { header, text: rest.join('\n') };
    });

const SETUP = `
@moderator /chapter create name:Berlin timezone:Europe/Berlin
/chapter set name:Berlin questions-channel:#questions moderation-channel:#moderation
/workshop create chapter:Berlin title:"One" topic:Python date:2029-05-01 time:18:00 learners:6
/workshop create chapter:Berlin title:"Two" topic:Python date:2029-05-02 time:18:00 learners:3
/workshop create chapter:Berlin title:"Three" topic:Git date:2029-05-03 time:18:00 learners:12
@ada /coach volunteer topics:Python
/workshop claim 1
/workshop claim 2
`;

/** Command i of the stream, run by member m<i>, so its answer block names it. */
function streamLine(i: number): string {
  switch (i % 4) {
    case 0:
      return `@m${i} /workshop join ${1 + (i % 3)}`;
    case 1:
      return `@m${i} /ask text:"Crash-safety question number ${i}, is it stored?"`;
    case 2:
      return `@m${i} /disclaimer log event:"Crash event ${i}" date:2030-06-01`;
    default:
      return `@m${i} /partner propose partner:"Partner ${i}" event:"Crash event ${i}" chapter:Berlin date:2030-06-01 contributions:coaches`;
  }
}

test('SIGKILL mid-stream loses no acknowledged command and leaves nothing half-written; the restarted bot carries on', (t) =>
  eachDatabase(t, async (db) => {
    const tmp = tempDir();
    const env = { DATA_DIR: tmp.dir, DATABASE_URL: db.url, ANON_SECRET: 's'.repeat(32), RATE_LIMIT_MAX: '1000' };
    try {
      const setup = await npmStart(SETUP, env);
      assert.equal(setup.code, 0, setup.stderr);

      const bot = startBot('npm', env);
      const N = 400;
      bot.write(Array.from({ length: N }, (_, i) => streamLine(i + 1)).join('\n') + '\n');
      // Kill once a quarter of the stream is answered: commands are under way, most are not.
      await bot.until(() => completeBlocks(bot.stdout()).filter((b) => b.header.startsWith('[ephemeral')).length >= N / 4);
      bot.signal('SIGKILL');
      const { signal } = await bot.exited;
      assert.equal(signal ?? 'SIGKILL', 'SIGKILL');

      const answered = new Map<number, string>();
      for (const b of completeBlocks(bot.stdout())) {
        const m = /^\[ephemeral → m(\d+)\]$/.exec(b.header);
        if (m) answered.set(Number(m[1]), b.text);
      }
      assert.ok(answered.size >= N / 4 && answered.size < N, `${answered.size} of ${N} answered before the kill`);

      // Restart: it starts on the same database and serves commands.
      const again = await npmStart('@moderator /workshop show 1\n', env);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /One/);

      const ds = createDataSource(db.target);
      await ds.initialize();
      try {
        const m = ds.manager;
        for (const [i, text] of answered) {
          assert.doesNotMatch(text, /Sorry|went wrong/, `command ${i}: ${text}`);
          switch (i % 4) {
            case 0: {
              const member = await m.findOneBy(Member, { userId: `m${i}` });
              assert.ok(member && (await m.existsBy(WorkshopSignup, { memberId: member.id })), `the acknowledged join of m${i} is stored`);
              break;
            }
            case 1:
              assert.equal(await m.countBy(Question, { text: `Crash-safety question number ${i}, is it stored?` }), 1, `question of m${i}`);
              break;
            case 2:
              assert.equal(await m.countBy(Disclaimer, { event: `Crash event ${i}` }), 1, `disclaimer of m${i}`);
              break;
            default:
              assert.equal(await m.countBy(PartnershipProposal, { event: `Crash event ${i}` }), 1, `proposal of m${i}`);
          }
        }
        // Nothing half-written: counters equal their rows, every sign-up has its member and workshop,
        // every question its chapter, and (after the restart's catch-up) its post.
        for (const w of await m.find(Workshop)) {
          const confirmed = (role: 'coach' | 'learner') => m.countBy(WorkshopSignup, { workshopId: w.id, role, state: 'confirmed' });
          assert.equal(w.coachesClaimed, await confirmed('coach'), `workshop ${w.id} coaches`);
          assert.equal(w.learnersConfirmed, await confirmed('learner'), `workshop ${w.id} learners`);
          assert.ok(w.learnersConfirmed <= w.learnerCapacity);
        }
        const memberIds = new Set((await m.find(Member)).map((x) => x.id));
        for (const s of await m.find(WorkshopSignup)) assert.ok(memberIds.has(s.memberId), `sign-up ${s.id} has its member`);
        const chapterIds = new Set((await m.find(Chapter)).map((c) => c.id));
        for (const q of await m.find(Question)) {
          assert.ok(chapterIds.has(q.chapterId), `question ${q.id} has its chapter`);
          // Each post is an outbox row until sent (issue "Exactly once"): one the kill interrupted is
          // sent by the restart on SQLite (one process serves the file); on PostgreSQL another process
          // may still be sending it, so it waits for the row's lease (OUTBOX_LEASE_MS): then it is
          // sent, not lost. Never both posted and still waiting.
          const rows = await m.findBy(OutboxMessage, { kind: 'question_post', questionId: q.id });
          if (q.messageId) assert.equal(rows.length, 0, `question #${q.id} was posted and its row is gone`);
          else {
            assert.equal(db.kind, 'postgres', `question #${q.id} was posted (the restart posts what the kill interrupted)`);
            assert.equal(rows.length, 1, `question #${q.id} still has its post waiting`);
            const leased = rows[0]!.leasedUntil;
            assert.ok(
              leased && leased.getTime() > Date.now() && leased.getTime() <= Date.now() + OUTBOX_LEASE_MS,
              `question #${q.id}'s post is leased`,
            );
          }
        }
        for (const mem of await m.find(Member)) {
          const i = Number(/^m(\d+)$/.exec(mem.userId)?.[1] ?? NaN);
          // Joins create the member row in the sign-up's transaction: never one without the other.
          if (i % 4 === 0)
            assert.ok(
              await m.existsBy(WorkshopSignup, { memberId: mem.id }),
              `member ${mem.userId} was stored with a sign-up or not at all`,
            );
        }
      } finally {
        await ds.destroy();
      }
    } finally {
      tmp.remove();
    }
  }));

test('SIGTERM while a command waits on the database: it finishes and is stored, a new line is refused clearly, exit 0 within 10 s (PostgreSQL)', async (t) => {
  const reason = await postgresUnavailable();
  if (reason) return t.skip(reason);
  const db: TestDatabase = await freshDatabase('postgres');
  const tmp = tempDir();
  const env = { DATA_DIR: tmp.dir, DATABASE_URL: db.url, ANON_SECRET: 's'.repeat(32) };
  const locker = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  try {
    assert.equal((await npmStart(SETUP, env)).code, 0);
    const bot = startBot('node', env);
    await bot.until(() => bot.stderr().includes('console ready'));
    await locker.connect();
    const schema = db.target.kind === 'postgres' ? db.target.schema! : '';
    await locker.query('BEGIN');
    await locker.query(`LOCK TABLE "${schema}"."chapter" IN ACCESS EXCLUSIVE MODE`);
    bot.write('@moderator /chapter create name:Hamburg timezone:Europe/Berlin\n');
    // In flight: the bot's statement waits for the table lock.
    for (;;) {
      const { rows } = await locker.query<{ n: string }>('SELECT count(*) AS n FROM pg_locks WHERE NOT granted');
      if (Number(rows[0]!.n) > 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const signalledAt = Date.now();
    bot.signal('SIGTERM');
    await bot.until(() => bot.stderr().includes('"stopping"'));
    bot.write('@alice /chapter list\n');
    await bot.until(() => bot.stdout().includes('[ephemeral → alice]'));
    assert.match(
      bot.stdout(),
      /\[ephemeral → alice\]\nThe bot is restarting or stopping, so this command was not run\. Please try again in a moment\./,
    );
    assert.doesNotMatch(bot.stdout(), /Chapter Hamburg created/, 'still waiting for the lock');
    await locker.query('COMMIT');
    const { code } = await bot.exited;
    assert.equal(code, 0, bot.stderr());
    assert.ok(Date.now() - signalledAt < 10_000, 'stopped within 10 seconds');
    assert.match(bot.stdout(), /\[ephemeral → moderator\]\nChapter Hamburg created/);
    const ds = createDataSource(db.target);
    await ds.initialize();
    try {
      assert.ok(await ds.manager.existsBy(Chapter, { nameKey: 'hamburg' }), 'the command under way was written');
    } finally {
      await ds.destroy();
    }
  } finally {
    await locker.end().catch(() => undefined);
    tmp.remove();
    await db.drop();
  }
});
