import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

/**
 * What `/workshop list` (and every "upcoming workshops" read) filters by: workshops not yet ended
 * (`endsAt > now`), in one chapter or in all. With only (chapterId, startsAt), a chapter's list read
 * every past workshop of the chapter before reaching the upcoming ones, and the list of all chapters
 * read the whole table; with these, both read the upcoming workshops and sort those few.
 */
const INDEXES: readonly [string, string[]][] = [
  ['ix_workshop_chapter_end', ['chapterId', 'endsAt']],
  ['ix_workshop_end', ['endsAt']],
];

export class UpcomingWorkshops1795002300000 implements MigrationInterface {
  name = 'UpcomingWorkshops1795002300000';

  async up(q: QueryRunner): Promise<void> {
    for (const [name, columnNames] of INDEXES) await q.createIndex('workshop', new TableIndex({ name, columnNames }));
  }

  async down(q: QueryRunner): Promise<void> {
    for (const [name] of INDEXES) await q.dropIndex('workshop', name);
  }
}
