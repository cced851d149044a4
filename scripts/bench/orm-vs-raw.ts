import { performance } from 'node:perf_hooks';
import type BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { Chapter } from '../../entities/Chapter.js';
import { Coach } from '../../entities/Coach.js';
import { Member } from '../../entities/Member.js';
import { Workshop } from '../../entities/Workshop.js';
import { WorkshopSignup } from '../../entities/WorkshopSignup.js';
import type { DatabaseTarget } from '../../src/config.js';
import { type BenchBot, dayFromNow, runAll } from './dispatch.js';
import {
  COACH_OVERFLOW,
  COACH_ROOM,
  column,
  COUNTER_COLUMN,
  LEARNER_OVERFLOW,
  LEARNER_ROOM,
} from '../../src/services/workshops/signups.js';
import { type Latencies, latencies } from './stats.js';

type Row = Record<string, unknown>;

/** The raw driver behind one small interface: statements with `?` placeholders. */
interface Raw {
  query(sql: string, params?: readonly unknown[]): Promise<{ rows: Row[]; affected: number }>;
  table(name: string): string;
  readonly postgres: boolean;
  close(): Promise<void>;
}

/** better-sqlite3 on TypeORM's own connection (same file, same pragmas); statements prepared once, as one would by hand. */
function rawSqlite(db: BetterSqlite3.Database): Raw {
  const prepared = new Map<string, BetterSqlite3.Statement>();
  return {
    postgres: false,
    table: (name) => `"${name}"`,
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

/** node-postgres on a connection of its own; `?` becomes `$n`. */
async function rawPostgres(url: string, schema: string): Promise<Raw> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    postgres: true,
    table: (name) => `"${schema}"."${name}"`,
    async query(sql, params = []) {
      let n = 0;
      const r = await client.query(
        sql.replace(/\?/g, () => `$${++n}`),
        params as unknown[],
      );
      return { rows: r.rows as Row[], affected: r.rowCount ?? 0 };
    },
    close: () => client.end(),
  };
}

/**
 * `WorkshopService.claim`, statement for statement, through the raw driver: lock and check the
 * workshop, find the member and their coach profile, refuse a second sign-up, insert it as
 * waiting, settle (the same conditional counter updates, in the same order), read the
 * workshop back, the waitlist position when waiting, commit, then the workshop with its chapter.
 * The columns read are the entities' columns; only TypeORM's extra "distinct ids" query before
 * a relation load is left out (that is the ORM's own work).
 */
function rawClaim(raw: Raw, cols: Record<'workshop' | 'member' | 'coach' | 'signup' | 'chapter', string>) {
  const T = raw.table;
  const room = { coachDown: COACH_OVERFLOW, coachUp: COACH_ROOM, learnerDown: LEARNER_OVERFLOW, learnerUp: LEARNER_ROOM };
  const step = async (id: number, role: 'coach' | 'learner', direction: 'up' | 'down', condition: string): Promise<boolean> => {
    const from = direction === 'up' ? 'waiting' : 'confirmed';
    const next = (
      await raw.query(
        `SELECT ${cols.signup} FROM ${T('workshop_signup')} WHERE "workshopId" = ? AND "role" = ? AND "state" = ? ORDER BY "id" ${direction === 'up' ? 'ASC' : 'DESC'} LIMIT 1`,
        [id, role, from],
      )
    ).rows[0];
    if (!next) return false;
    const c = column(COUNTER_COLUMN[role]);
    const moved = await raw.query(
      `UPDATE ${T('workshop')} SET ${c} = ${c} ${direction === 'up' ? '+' : '-'} 1 WHERE "id" = ? AND (${condition})`,
      [id],
    );
    if (moved.affected !== 1) return false;
    await raw.query(`UPDATE ${T('workshop_signup')} SET "state" = ? WHERE "id" = ?`, [
      direction === 'up' ? 'confirmed' : 'waiting',
      next.id,
    ]);
    return true;
  };
  return async (who: { platform: string; workspace: string; id: string }, id: number, now: number): Promise<'confirmed' | 'waiting'> => {
    await raw.query(raw.postgres ? 'START TRANSACTION' : 'BEGIN TRANSACTION');
    let state: 'confirmed' | 'waiting';
    try {
      const w = (await raw.query(`SELECT ${cols.workshop} FROM ${T('workshop')} WHERE "id" = ?${raw.postgres ? ' FOR UPDATE' : ''}`, [id]))
        .rows[0];
      if (!w || w.status === 'cancelled' || Number(w.startsAt) <= now) throw new Error('workshop not open');
      const member = (
        await raw.query(`SELECT ${cols.member} FROM ${T('member')} WHERE "platform" = ? AND "workspace" = ? AND "userId" = ? LIMIT 1`, [
          who.platform,
          who.workspace,
          who.id,
        ])
      ).rows[0];
      const coach =
        member && (await raw.query(`SELECT ${cols.coach} FROM ${T('coach')} WHERE "memberId" = ? LIMIT 1`, [member.id])).rows[0];
      if (!member || !coach || coach.status === 'retired') throw new Error('not a coach');
      const existing = (
        await raw.query(`SELECT ${cols.signup} FROM ${T('workshop_signup')} WHERE "workshopId" = ? AND "memberId" = ? LIMIT 1`, [
          id,
          member.id,
        ])
      ).rows[0];
      if (existing) throw new Error('claimed twice');
      const inserted = await raw.query(
        `INSERT INTO ${T('workshop_signup')}("workshopId", "memberId", "role", "state", "createdAt") VALUES (?, ?, ?, ?, ?)${raw.postgres ? ' RETURNING "id"' : ''}`,
        [id, member.id, 'coach', 'waiting', now],
      );
      const signupId = Number(inserted.rows[0]!.id);
      while (await step(id, 'coach', 'down', room.coachDown));
      while (await step(id, 'coach', 'up', room.coachUp));
      while (await step(id, 'learner', 'down', room.learnerDown));
      while (await step(id, 'learner', 'up', room.learnerUp));
      await raw.query(`SELECT ${cols.workshop} FROM ${T('workshop')} WHERE "id" = ? LIMIT 1`, [id]);
      const mine = (await raw.query(`SELECT ${cols.signup} FROM ${T('workshop_signup')} WHERE "id" = ?`, [signupId])).rows[0];
      state = mine?.state === 'confirmed' ? 'confirmed' : 'waiting';
      if (state === 'waiting') {
        await raw.query(
          `SELECT COUNT(1) AS "cnt" FROM ${T('workshop_signup')} WHERE "workshopId" = ? AND "role" = ? AND "state" = ? AND "id" < ?`,
          [id, 'coach', 'waiting', signupId],
        );
      }
      await raw.query('COMMIT');
    } catch (err) {
      await raw.query('ROLLBACK');
      throw err;
    }
    await raw.query(
      `SELECT ${cols.workshop}, ${cols.chapter} FROM ${T('workshop')} LEFT JOIN ${T('chapter')} ON ${T('chapter')}."id" = ${T('workshop')}."chapterId" WHERE ${T('workshop')}."id" = ?`,
      [id],
    );
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
  const cols = (entity: new () => object, alias?: string) =>
    bot.app.db
      .getMetadata(entity)
      .columns.map((c) => (alias ? `"${alias}"."${c.databaseName}" AS "${alias}_${c.databaseName}"` : `"${c.databaseName}"`))
      .join(', ');

  let raw: Raw;
  if (target.kind === 'sqlite')
    raw = rawSqlite((bot.app.db.driver as unknown as { databaseConnection: BetterSqlite3.Database }).databaseConnection);
  else raw = await rawPostgres(target.url, target.schema!);
  const T = raw.table;
  const claim = rawClaim(raw, {
    workshop: bot.app.db
      .getMetadata(Workshop)
      .columns.map((c) => `${T('workshop')}."${c.databaseName}"`)
      .join(', '),
    member: cols(Member),
    coach: cols(Coach),
    signup: cols(WorkshopSignup),
    chapter: bot.app.db
      .getMetadata(Chapter)
      .columns.map((c) => `${T('chapter')}."${c.databaseName}" AS "chapter_${c.databaseName}"`)
      .join(', '),
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
