import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { cascadeTo, id, instant, varchar } from './schema.js';

/** Link codes with which another server or workspace joins a chapter, and the wrong codes typed (issue "Chapter ownership"). */
export class ChapterLinks1795000900000 implements MigrationInterface {
  name = 'ChapterLinks1795000900000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'chapter_link_code',
        columns: [
          id,
          { name: 'chapterId', type: 'integer' },
          varchar('codeHash', 64, { isUnique: true }),
          varchar('createdBy', 100),
          instant('createdAt'),
          instant('expiresAt'),
          instant('usedAt', true),
        ],
        foreignKeys: [cascadeTo('chapter', 'chapterId')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'chapter_link_attempt',
        columns: [id, varchar('memberKey', 64), instant('at')],
        indices: [{ name: 'ix_link_attempt_member', columnNames: ['memberKey', 'at'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('chapter_link_attempt');
    await q.dropTable('chapter_link_code');
  }
}
