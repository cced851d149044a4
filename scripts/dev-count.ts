/**
 * A developer's check, not a benchmark: the statements each kind of command sends to the database
 * (transaction control included), counted with a TypeORM logger on the console bot of the benchmarks,
 * on SQLite and on PostgreSQL at 127.0.0.1:5432 (database `test`, a schema of its own, dropped after).
 *
 *     node --import tsx scripts/dev-count.ts            # the counts per kind (4 commands each)
 *     node --import tsx scripts/dev-count.ts -v         # and the statements of the last one
 *     node --import tsx scripts/dev-count.ts --explain  # and each distinct SELECT's plan on both databases
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger as OrmLogger } from 'typeorm';
import pg from 'pg';
import { buildWorld, dayFromNow, startBenchBot } from './bench/dispatch.js';

const verbose = process.argv.includes('-v');
let log: string[] = [];
const seen = new Map<string, unknown[]>();
let collect = false;
const logger: OrmLogger = {
  logQuery: (q, params) => {
    if (collect && /^\s*SELECT/i.test(q) && !/pg_advisory|pg_notify/.test(q)) seen.set(q, (params ?? []) as unknown[]);
    const t = q.replace(/\s+/g, ' ');
    log.push(t.length > 300 ? t.slice(0, 200) + ' … ' + t.slice(-90) : t);
  },
  logQueryError: () => {},
  logQuerySlow: () => {},
  logSchemaBuild: () => {},
  logMigration: () => {},
  log: () => {},
};

async function run(url: string, label: string) {
  const dir = mkdtempSync(join(tmpdir(), 'count-'));
  const bot = await startBenchBot(url, dir);
  const world = { workshops: 4, coaches: 4, questions: 3 };
  await buildWorld(bot, world);
  await bot.line(`@moderator /workshop create chapter:Berlin title:"Small" topic:python date:${dayFromNow(30)} time:18:00 learners:1`);
  (bot.app.db as unknown as { logger: OrmLogger }).logger = logger;
  const kinds: [string, (i: number) => string][] = [
    ['ask', (i) => `@asker${i} /ask text:"Why does my loop number ${i} print nothing at all?" topic:python`],
    ['metoo', (i) => `@fan${i} /ask metoo id:${(i % 3) + 1}`],
    ['claim', (i) => `@coach${i} /workshop claim id:${(i % 4) + 1}`],
    ['join', (i) => `@learner${i} /workshop join id:${(i % 4) + 1}`],
    ['list', (i) => `@reader${i} /workshop list`],
    ['claim on a full workshop (1st seated, then waitlist)', (i) => `@coach${i} /workshop claim id:5`],
    ['join on a full workshop (1st seated, then waitlist)', (i) => `@late${i} /workshop join id:5`],
  ];
  collect = true;
  seen.clear();
  for (const [kind, line] of kinds) {
    const counts: number[] = [];
    let last: string[] = [];
    for (let i = 0; i < 4; i++) {
      log = [];
      bot.resetOutcomes();
      await bot.line(line(i));
      if (bot.outcomes.ok !== 1) throw new Error(`${kind} failed: ${bot.output()}`);
      counts.push(log.length);
      last = log;
    }
    console.log(`${label} ${kind}: ${counts.join(' ')}`);
    if (verbose) for (const q of last) console.log('    ' + q);
  }
  if (process.argv.includes('--explain')) {
    collect = false;
    const sqlite = bot.app.db.options.type !== 'postgres';
    for (const [q, params] of seen) {
      const plan = await bot.app.db.query(`${sqlite ? 'EXPLAIN QUERY PLAN' : 'EXPLAIN'} ${q}`, params as unknown[]);
      console.log('\n' + q.replace(/\s+/g, ' ').slice(0, 200));
      for (const r of plan as Record<string, unknown>[]) console.log('   ', sqlite ? r.detail : r['QUERY PLAN']);
    }
  }
  await bot.close();
}

await run(`sqlite:${join(mkdtempSync(join(tmpdir(), 'cnt-')), 'bot.sqlite')}`, 'sqlite');
const schema = `count_${process.pid}`;
const url = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const admin = new pg.Client({ connectionString: url });
await admin.connect();
await admin.query(`CREATE SCHEMA ${schema}`);
try {
  const target = new URL(url);
  target.searchParams.set('schema', schema);
  await run(target.toString(), 'pg');
} finally {
  await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  await admin.end();
}
