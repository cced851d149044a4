import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { cascadeTo, id, instant, varchar } from './schema.js';

/**
 * Progress, shared (issue "After the workshop"): the projects learners share in their chapter's
 * showcase channel. The channel itself is a `chapter_channel` row of purpose `showcase`: no column.
 */
export class Shares1795001600000 implements MigrationInterface {
  name = 'Shares1795001600000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'share',
        columns: [
          id,
          { name: 'chapterId', type: 'integer' },
          { name: 'memberId', type: 'integer' },
          { name: 'workshopId', type: 'integer', isNullable: true },
          varchar('text', 500),
          varchar('url', 500, { isNullable: true }),
          varchar('platform', 16),
          varchar('workspace', 64),
          varchar('channelId', 64),
          varchar('messageId', 64, { isNullable: true }),
          instant('hiddenAt', true),
          varchar('hiddenReason', 500, { isNullable: true }),
          instant('createdAt'),
        ],
        indices: [
          { name: 'ix_share_member', columnNames: ['memberId'] },
          { name: 'ix_share_chapter', columnNames: ['chapterId'] },
        ],
        foreignKeys: [
          cascadeTo('chapter', 'chapterId'),
          cascadeTo('member', 'memberId'),
          { columnNames: ['workshopId'], referencedTableName: 'workshop', referencedColumnNames: ['id'], onDelete: 'SET NULL' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('share');
  }
}
