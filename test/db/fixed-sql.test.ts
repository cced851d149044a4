import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Chapter } from '../../entities/Chapter.js';
import { OutboxMessage } from '../../entities/OutboxMessage.js';
import { Question } from '../../entities/Question.js';
import { Workshop } from '../../entities/Workshop.js';
import { ManualClock } from '../../src/core/clock.js';
import { FixedSql, hydrate, insertRow, selectColumns } from '../../src/db/fixed-sql.js';
import { eachDatabase, servicesOn } from '../support/helpers.js';

/** A question with every column set, none to its default: what the fixed insert must write as TypeORM does. */
const question = (chapterId: number): Omit<Question, 'id' | 'chapter'> => ({
  chapterId,
  pseudonym: 'p'.repeat(64),
  text: 'Why does it "work" on my machine? 100 % sure; it’s O’Reilly’s book',
  topic: 'python',
  workshopId: 7,
  status: 'pending',
  platform: 'slack',
  workspace: 'T1',
  channel: 'CQ',
  messageId: '1700000000.000100',
  postAt: new Date('2027-03-01T10:00:00.123Z'),
  postedAt: new Date('2027-03-01T10:00:01.456Z'),
  postFailureReportedAt: null,
  replyTo: 'sealed',
  replyToExpiresAt: new Date('2027-03-31T10:00:00Z'),
  hiddenAt: new Date(8_640_000_000_000_000),
  hiddenReason: 'spam',
  createdAt: new Date(0),
  pendingNotices: '[]',
});

test('a row inserted and read with fixed SQL is the row TypeORM inserts and reads, on each database', (t) =>
  eachDatabase(t, async (database) => {
    const { db, services } = await servicesOn(database.target, new ManualClock(new Date('2027-03-01T10:00:00Z')));
    try {
      const { chapter } = await services.chapters.create({ name: 'Berlin', timeZone: 'Europe/Berlin' });
      const byOrm = Number((await db.manager.insert(Question, question(chapter.id))).identifiers[0]!.id);
      const byFixed = await db.transaction((em) => insertRow(em, Question, question(chapter.id)));
      assert.equal(byFixed, byOrm + 1, 'the generated id is returned');
      const [orm, fixed] = await Promise.all([byOrm, byFixed].map((id) => db.manager.findOneByOrFail(Question, { id })));
      assert.deepEqual({ ...fixed, id: byOrm }, { ...orm });

      // Read back with fixed SQL and hydrated: the entity TypeORM hydrates, Dates, nulls and all.
      const read = new FixedSql((table) => `SELECT ${selectColumns(db, Question, 'q')} FROM ${table(Question)} "q" WHERE "q"."id" = ?`);
      const rows = await read.run<Record<string, unknown>[]>(db.manager, [byFixed]);
      const hydrated = hydrate(db, Question, rows[0]!);
      assert.ok(hydrated instanceof Question);
      assert.deepEqual(hydrated, fixed);

      // A column left out is refused, not written as NULL or its default.
      const incomplete: Partial<OutboxMessage> = {
        platform: 'slack',
        workspace: 'T1',
        chapterId: null,
        kind: 'notice' as const,
        subject: null,
        memberId: null,
        sealedTo: null,
        channel: 'CQ',
        questionId: null,
        message: '{}',
        createdAt: new Date(),
        dueAt: new Date(),
        leasedUntil: null,
        attemptedAt: null,
        hashes: null,
        lastError: null,
        givenUpAt: null,
      };
      await assert.rejects(
        db.transaction((em) => insertRow(em, OutboxMessage, incomplete)),
        /no value for attempts/,
      );
    } finally {
      await db.destroy();
    }
  }));

// Two entities read in one fixed statement, each under a prefix (as a claim or join reads the workshop
// with its chapter): each hydrates to what TypeORM's own read makes, nulls, booleans and instants included.

test('a workshop and its chapter read with fixed SQL under prefixes are what TypeORM reads', (t) =>
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
      const read = new FixedSql(
        (table) =>
          `SELECT ${selectColumns(db, Workshop, 'w', 'w_')}, ${selectColumns(db, Chapter, 'c', 'c_')} FROM ${table(Workshop)} w ` +
          `INNER JOIN ${table(Chapter)} c ON c."id" = w."chapterId" WHERE w."title" = ?`,
      );
      for (const { title } of shapes) {
        const expected = await db.getRepository(Workshop).findOneOrFail({ where: { title }, relations: { chapter: true } });
        const [row] = await read.run<Record<string, unknown>[]>(db.manager, [title]);
        const got = hydrate(db, Workshop, row!, 'w_');
        got.chapter = hydrate(db, Chapter, row!, 'c_');
        assert.ok(got instanceof Workshop && got.chapter instanceof Chapter);
        assert.deepEqual({ ...got, chapter: { ...got.chapter } }, { ...expected, chapter: { ...expected.chapter } }, title);
      }
    } finally {
      await db.destroy();
    }
  }));
