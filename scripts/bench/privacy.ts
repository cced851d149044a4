/**
 * `/privacy export` and `delete` in a big community: 300,000 me-toos (30,000 questions with 10
 * each, by other members) plus one member's me-toos and reports on every 15th question. The rows
 * are written in one statement per table; the member's carry the real per-question codes.
 * Measured: the export's wall time, the longest the process's event loop was held up meanwhile
 * (what other members' commands wait), and the erasure's wall time.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { DataSource } from 'typeorm';
import { Question } from '../../entities/Question.js';
import { QuestionMeToo } from '../../entities/QuestionMeToo.js';
import { QuestionReport } from '../../entities/QuestionReport.js';
import { ManualClock } from '../../src/core/clock.js';
import { scopedPseudonym } from '../../src/services/anonymity.js';
import { servicesOn, type TestDatabase } from '../../test/support/helpers.js';
import { median } from './stats.js';
import type { Identity } from '../../src/core/types.js';

/** The secret servicesOn configures. */
const SECRET = 'x'.repeat(32);

export interface Community {
  readonly questions: number;
  readonly perQuestion: number;
  /** The member's me-toos and reports are on every `every`-th question. */
  readonly every: number;
}

/**
 * Writes `questions` questions after question 1 (which must exist: the others copy its chapter
 * and channel), each with `perQuestion` me-toos and one report by others (random codes), and the
 * member's me-toos and reports (their real codes under `secret`) on every `every`-th one.
 * Returns the questions the member's rows are on.
 */
export async function bulkCommunity(
  db: DataSource,
  kind: TestDatabase['kind'],
  secret: string,
  member: Identity,
  c: Community,
): Promise<number[]> {
  const em = db.manager;
  const first = await em.findOneByOrFail(Question, { id: 1 });
  const pg = kind === 'postgres';
  // Raw statements name the table with its schema (the PostgreSQL tests run in a schema of their own).
  const table = (entity: typeof Question | typeof QuestionMeToo | typeof QuestionReport) =>
    db
      .getMetadata(entity)
      .tablePath.split('.')
      .map((x) => `"${x}"`)
      .join('.');
  const count = (name: string, from: number, to: number) =>
    pg
      ? `generate_series(${from}, ${to}) AS ${name}(n)`
      : `(WITH RECURSIVE ${name}(n) AS (SELECT ${from} UNION ALL SELECT n + 1 FROM ${name} WHERE n < ${to}) SELECT n FROM ${name}) AS ${name}`;
  const random = pg ? "replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')" : 'lower(hex(randomblob(32)))';
  const p = (i: number) => (pg ? `$${i}` : '?');
  const last = c.questions + 1;
  await em.query(
    `INSERT INTO ${table(Question)} ("id", "chapterId", "pseudonym", "text", "status", "platform", "workspace", "channel", "postAt", "postedAt", "createdAt")
     SELECT s.n, ${p(1)}, ${random}, ${p(2)}, 'open', ${p(3)}, ${p(4)}, ${p(5)}, ${p(6)}, ${p(7)}, ${p(8)} FROM ${count('s', 2, last)}`,
    [
      first.chapterId,
      'A question of the crowd',
      first.platform,
      first.workspace,
      first.channel,
      ...Array(3).fill(first.createdAt.getTime()),
    ],
  );
  if (pg) await em.query(`SELECT setval(pg_get_serial_sequence('${table(Question)}', 'id'), ${last})`);
  // One statement per me-too of each question: one of 300,000 rows outlasts PostgreSQL's statement timeout on a busy machine.
  for (let k = 0; k < c.perQuestion; k++)
    await em.query(
      `INSERT INTO ${table(QuestionMeToo)} ("questionId", "pseudonym") SELECT q.id, ${random} FROM ${table(Question)} q WHERE q.id > 1`,
    );
  await em.query(
    `INSERT INTO ${table(QuestionReport)} ("questionId", "pseudonym", "reason", "createdAt") SELECT q.id, ${random}, 'spam', 0 FROM ${table(Question)} q WHERE q.id > 1`,
  );
  const hers: number[] = [];
  for (let id = 2; id <= last; id += c.every) hers.push(id);
  for (let i = 0; i < hers.length; i += 500) {
    const chunk = hers.slice(i, i + 500);
    await em.insert(
      QuestionMeToo,
      chunk.map((id) => ({ questionId: id, pseudonym: scopedPseudonym(secret, `metoo:${id}`, member) })),
    );
    await em.insert(
      QuestionReport,
      chunk.map((id) => ({
        questionId: id,
        pseudonym: scopedPseudonym(secret, `report:${id}`, member),
        reason: 'hers',
        createdAt: first.createdAt,
      })),
    );
  }
  // PostgreSQL plans by its statistics, which autovacuum gathers a while after rows arrive; tables
  // that grew over months have them. Without them, it would scan instead of using the indexes.
  if (pg) for (const entity of [Question, QuestionMeToo, QuestionReport]) await em.query(`ANALYZE ${table(entity)}`);
  return hers;
}

export interface PrivacyBench {
  readonly meToos: number;
  /** Median wall time of `exports` exports of the member's data. */
  readonly exportMs: number;
  /** This process's CPU time per export (median): the figure a busy machine does not stretch. */
  readonly exportCpuMs: number;
  /** The longest the event loop was held up during those exports (other commands wait that long at most). */
  readonly exportMaxStallMs: number;
  readonly deleteMs: number;
}

/** 300,000 me-toos by others on `target`, then the member's export (`exports` times) and erasure. */
export async function benchPrivacy(target: TestDatabase['target'], kind: TestDatabase['kind'], exports = 3): Promise<PrivacyBench> {
  const clock = new ManualClock(new Date('2027-01-10T12:00:00Z'));
  const { db, services } = await servicesOn(target, clock);
  try {
    const { chapter } = await services.chapters.create({ name: 'Berlin', timeZone: 'Europe/Berlin' });
    const asker = { platform: 'console', workspace: 'console', id: 'asker', name: 'asker', locale: 'en' };
    await services.questions.ask({ asker, chapter, channel: 'questions', text: 'What does the first question ask, exactly?' });
    const member = { platform: 'console', workspace: 'console', id: 'zelda', name: 'zelda' };
    const hers = await bulkCommunity(db, kind, SECRET, member, { questions: 30_000, perQuestion: 10, every: 15 });
    const meToos = await db.manager.count(QuestionMeToo);
    const times: number[] = [];
    const cpu: number[] = [];
    const stalls = monitorEventLoopDelay({ resolution: 5 });
    stalls.enable();
    for (let i = 0; i < exports; i++) {
      const start = performance.now();
      const used = process.cpuUsage();
      const data = await services.privacy.export(member);
      times.push(performance.now() - start);
      const spent = process.cpuUsage(used);
      cpu.push((spent.user + spent.system) / 1000);
      if (data.meToo.length !== hers.length) throw new Error(`the export found ${data.meToo.length} me-toos, not ${hers.length}`);
    }
    stalls.disable();
    const start = performance.now();
    const done = await services.privacy.delete(member);
    const deleteMs = performance.now() - start;
    if (done.meToos !== hers.length) throw new Error(`the erasure removed ${done.meToos} me-toos, not ${hers.length}`);
    return { meToos, exportMs: median(times), exportCpuMs: median(cpu), exportMaxStallMs: stalls.max / 1e6, deleteMs };
  } finally {
    await db.destroy();
  }
}
