import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Chapter } from '../../entities/Chapter.js';
import { Workshop } from '../../entities/Workshop.js';
import { ManualClock } from '../../src/core/clock.js';
import { PreparedSql, runPrepared } from '../../src/db/prepared.js';
import { eachDatabase, servicesOn } from '../support/helpers.js';

// Hot paths read with fixed SQL and hydrate the rows themselves (src/db/prepared.ts): the entities
// must come out exactly as TypeORM's own reads make them, on both databases, nulls, booleans and
// instants included.

test('a row read with PreparedSql hydrates to the entity TypeORM itself reads', (t) =>
  eachDatabase(t, async ({ target }) => {
    const clock = new ManualClock(new Date('2027-01-10T12:00:00Z'));
    const { db, services } = await servicesOn(target, clock);
    try {
      const { chapter } = await services.chapters.create({ name: 'Berlin', timeZone: 'Europe/Berlin' });
      const shapes = [
        { title: 'Plain', strictRatio: false },
        { title: 'Strict, with a place', strictRatio: true, location: 'Kiez-Hub, Raum 2' },
      ];
      for (const shape of shapes)
        await services.workshops.create(chapter, {
          topic: 'Python',
          date: { year: 2027, month: 2, day: 20 },
          time: { hour: 10, minute: 0 },
          learners: 6,
          coaches: 2,
          ...shape,
        });
      // A value in each kind of column that is usually empty: an instant, a boolean, a number.
      await db.getRepository(Workshop).update({ title: 'Plain' }, { drawAt: new Date('2027-02-01T08:00:00Z'), recordHidden: true });
      const p = new PreparedSql(db);
      const sql = p.sql(
        `SELECT ${p.columns(Workshop, 'w', 'w_')}, ${p.columns(Chapter, 'c', 'c_')} FROM ${p.table(Workshop)} w ` +
          `INNER JOIN ${p.table(Chapter)} c ON c."id" = w."chapterId" WHERE w."title" = ?`,
      );
      for (const { title } of shapes) {
        const expected = await db.getRepository(Workshop).findOneOrFail({ where: { title }, relations: { chapter: true } });
        const row = await db.transaction(async (em) => (await runPrepared(em, sql, [title])).rows[0]!);
        const got = p.hydrate(Workshop, row, 'w_');
        got.chapter = p.hydrate(Chapter, row, 'c_');
        assert.ok(got instanceof Workshop && got.chapter instanceof Chapter);
        assert.deepEqual({ ...got, chapter: { ...got.chapter } }, { ...expected, chapter: { ...expected.chapter } }, title);
      }
      await assert.rejects(() => runPrepared(db.manager, sql, ['Plain']), /inside a transaction/);
    } finally {
      await db.destroy();
    }
  }));
