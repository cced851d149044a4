import { performance } from 'node:perf_hooks';
import type BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { Workshop } from '../../entities/Workshop.js';
import type { DatabaseTarget } from '../../src/config.js';
import { type BenchBot, dayFromNow, runAll } from './dispatch.js';
import { SIGNUP_SQL } from '../../src/services/workshops/signups.js';
import { type Latencies, latencies } from './stats.js';

type Row = Record<string, unknown>;

/** The raw driver behind one small interface. */
interface Raw {
  query(sql: string, params?: readonly unknown[]): Promise<{ rows: Row[]; affected: number }>;
  readonly postgres: boolean;
  close(): Promise<void>;
}

/** better-sqlite3 on TypeORM's own connection (same file, same pragmas); statements prepared once, as one would by hand. */
function rawSqlite(db: BetterSqlite3.Database): Raw {
  const prepared = new Map<string, BetterSqlite3.Statement>();
  return {
    postgres: false,
    async query(sql, params = []) {
      let stmt = prepared.get(sql);
      if (!stmt) prepared.set(sql, (stmt = db.prepare(sql)));
      if (stmt.reader) return { rows: stmt.all(...params) as Row[], affected: 0 };
      const info = stmt.run(...params);
      return { rows: [{ id: Number(info.lastInsertRowid) }], affected: info.changes };
    },
    close: async () => undefined,
  };
}

/** node-postgres on a connection of its own (the service's statements come with `$n` placeholders and the schema named). */
async function rawPostgres(url: string): Promise<Raw> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    postgres: true,
    async query(sql, params = []) {
      const r = await client.query(sql, params as unknown[]);
      return { rows: r.rows as Row[], affected: r.rowCount ?? 0 };
    },
    close: () => client.end(),
  };
}

/**
 * `WorkshopService.claim`, statement for statement, through the raw driver: the same SQL the service
 * sends (signups.ts `SIGNUP_SQL`: on PostgreSQL the workshop's row locked first; the workshop, its
 * chapter, the member, their coach status and the waitlists read in one statement; the signup
 * inserted, and with a free slot the counter moved by its conditional update, on PostgreSQL in the
 * insert's statement), in a transaction, with the same checks done by hand on the row read. The
 * benchmark's workshops have no waiting learners, so the counts alone decide, as they do for the service.
 */
interface ClaimSql {
  readonly lock: string | null;
  readonly read: string;
  readonly insert: string;
  readonly count: string;
}

function rawClaim(raw: Raw, sql: ClaimSql) {
  return async (who: { platform: string; workspace: string; id: string }, id: number, now: number): Promise<'confirmed' | 'waiting'> => {
    await raw.query(raw.postgres ? 'START TRANSACTION' : 'BEGIN TRANSACTION');
    let state: 'confirmed' | 'waiting';
    try {
      if (sql.lock && !(await raw.query(sql.lock, [id])).rows.length) throw new Error('no such workshop');
      const row = (await raw.query(sql.read, [now, who.platform, who.workspace, who.id, id])).rows[0];
      if (!row || row.w_status === 'cancelled' || Number(row.w_startsAt) <= now) throw new Error('workshop not open');
      if (!row.memberId || !row.coachStatus || row.coachStatus === 'retired' || row.coachStatus === 'paused')
        throw new Error('not a coach');
      if (row.ownId) throw new Error('claimed twice');
      if (row.learnerCouldMove === true || Number(row.learnerCouldMove) === 1) throw new Error('a learner waits: not the benchmark');
      const seat = Number(row.w_coachesClaimed) < Number(row.w_coachSlots);
      state = seat ? 'confirmed' : 'waiting';
      const values = [
        id,
        Number(row.memberId),
        'coach',
        state,
        now,
        null,
        null,
        null,
        null,
        raw.postgres ? false : 0,
        null,
        seat ? now : null,
        null,
      ];
      if (!seat || !raw.postgres) await raw.query(sql.insert, values);
      if (seat && (await raw.query(sql.count, [...(raw.postgres ? values : []), id])).affected !== 1) throw new Error('refused');
      await raw.query('COMMIT');
    } catch (err) {
      await raw.query('ROLLBACK');
      throw err;
    }
    return state;
  };
}

export interface OrmVsRaw {
  readonly orm: Latencies;
  readonly raw: Latencies;
  /** ORM time per claim ÷ raw time per claim (median latencies). */
  readonly ratio: number;
}

/**
 * The claim path through our data layer (`services.workshops.claim`) against the same
 * statements through the raw driver, on the same database in the same run: `claims` claims
 * each, every one on its own (coach, workshop) pair, workshops in the same state for both.
 */
export async function benchOrmVsRaw(bot: BenchBot, target: DatabaseTarget, claims: number): Promise<OrmVsRaw> {
  const coaches = 40;
  const perSide = Math.ceil(claims / coaches);
  const date = dayFromNow(45);
  // Workshops for each side (and a few for warming up), coaches who have claimed nothing yet.
  const firstWorkshop = (await bot.app.db.getRepository(Workshop).count()) + 1;
  const total = 2 * perSide + 2;
  await runAll(
    bot,
    Array.from(
      { length: total },
      (_, i) => `@moderator /workshop create chapter:Berlin title:"Claim bench ${i}" topic:python date:${date} time:19:00 learners:80`,
    ),
    'claim workshops',
  );
  await runAll(
    bot,
    Array.from({ length: coaches }, (_, i) => `@orm${i} /coach volunteer topics:python`),
    'claim coaches',
  );
  let raw: Raw;
  if (target.kind === 'sqlite')
    raw = rawSqlite((bot.app.db.driver as unknown as { databaseConnection: BetterSqlite3.Database }).databaseConnection);
  else raw = await rawPostgres(target.url);
  const db = bot.app.db;
  const claim = rawClaim(raw, {
    lock: target.kind === 'postgres' ? SIGNUP_SQL.lock.text(db) : null,
    read: SIGNUP_SQL.read.coach.text(db),
    insert: SIGNUP_SQL.insert.text(db),
    count: SIGNUP_SQL.count.coach.text(db),
  });

  const who = (i: number) => ({ platform: 'console', workspace: 'console', id: `orm${i}`, name: `orm${i}` });
  const run = async (workshop0: number, viaOrm: boolean, n: number): Promise<{ samples: number[]; wall: number }> => {
    const samples: number[] = [];
    const started = performance.now();
    for (let i = 0; i < n; i++) {
      const coach = i % coaches;
      const workshop = workshop0 + Math.floor(i / coaches);
      const t0 = performance.now();
      if (viaOrm) await bot.app.services.workshops.claim(who(coach), workshop);
      else await claim(who(coach), workshop, Date.now());
      samples.push(performance.now() - t0);
    }
    return { samples, wall: performance.now() - started };
  };
  try {
    // Warm both paths on a workshop each, then measure; alternate sides to spread machine noise.
    await run(firstWorkshop, true, coaches);
    await run(firstWorkshop + 1, false, coaches);
    const half = Math.ceil(perSide / 2);
    const orm1 = await run(firstWorkshop + 2, true, half * coaches);
    const raw1 = await run(firstWorkshop + 2 + half, false, half * coaches);
    const orm2 = await run(firstWorkshop + 2 + 2 * half, true, (perSide - half) * coaches);
    const raw2 = await run(firstWorkshop + 2 + 2 * half + (perSide - half), false, (perSide - half) * coaches);
    const merge = (a: { samples: number[]; wall: number }, b: { samples: number[]; wall: number }) =>
      latencies([...a.samples, ...b.samples], a.wall + b.wall);
    const orm = merge(orm1, orm2);
    const rawL = merge(raw1, raw2);
    return { orm, raw: rawL, ratio: orm.p50 / rawL.p50 };
  } finally {
    await raw.close();
  }
}
