import { type MigrationInterface, type QueryRunner, Table, TableColumn } from 'typeorm';
import { cascadeTo, id, instant, varchar } from './schema.js';

/** Chapters follow iCalendar feeds; each event occurrence maps to one workshop (issue "Where the events already are"). */
export class Feeds1795001100000 implements MigrationInterface {
  name = 'Feeds1795001100000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('chapter', new TableColumn({ name: 'defaultLearners', type: 'integer', isNullable: true }));
    await q.createTable(
      new Table({
        name: 'chapter_feed',
        columns: [
          id,
          { name: 'chapterId', type: 'integer', isUnique: true },
          varchar('url', 2000),
          { name: 'learners', type: 'integer', isNullable: true },
          varchar('topic', 64, { isNullable: true }),
          varchar('etag', 200, { isNullable: true }),
          varchar('lastModified', 100, { isNullable: true }),
          instant('nextSyncAt'),
          instant('lastSyncedAt', true),
          { name: 'failures', type: 'integer' },
          varchar('lastError', 500, { isNullable: true }),
          { name: 'failureNotified', type: 'boolean' },
          instant('leaseUntil', true),
          varchar('leaseOwner', 36, { isNullable: true }),
          instant('createdAt'),
        ],
        foreignKeys: [cascadeTo('chapter', 'chapterId')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'feed_event',
        columns: [
          id,
          { name: 'feedId', type: 'integer' },
          varchar('uid', 255),
          varchar('recurrenceId', 32),
          { name: 'workshopId', type: 'integer' },
          varchar('url', 2000, { isNullable: true }),
          varchar('handEdited', 200),
          instant('seenAt'),
        ],
        indices: [
          { name: 'uq_feed_event', columnNames: ['feedId', 'uid', 'recurrenceId'], isUnique: true },
          { name: 'ix_feed_event_workshop', columnNames: ['workshopId'] },
        ],
        foreignKeys: [cascadeTo('chapter_feed', 'feedId'), cascadeTo('workshop', 'workshopId')],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('feed_event');
    await q.dropTable('chapter_feed');
    await q.dropColumn('chapter', 'defaultLearners');
  }
}
