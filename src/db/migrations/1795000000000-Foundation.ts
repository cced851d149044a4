import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { cascadeTo, id, instant, varchar } from './schema.js';

/**
 * Members, chapters and their bindings and channels, and the audit log. Written with
 * TypeORM's schema builder, not raw SQL, so one migration serves SQLite and PostgreSQL.
 */
const chapterFk = cascadeTo('chapter', 'chapterId');

export class Foundation1795000000000 implements MigrationInterface {
  name = 'Foundation1795000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'member',
        columns: [
          id,
          varchar('platform', 16),
          varchar('workspace', 64),
          varchar('userId', 64),
          varchar('displayName', 100),
          varchar('locale', 16, { isNullable: true }),
          instant('createdAt'),
        ],
        uniques: [{ name: 'uq_member_identity', columnNames: ['platform', 'workspace', 'userId'] }],
      }),
    );
    await q.createTable(
      new Table({
        name: 'chapter',
        columns: [
          id,
          varchar('name', 64),
          varchar('nameKey', 64, { isUnique: true }),
          varchar('city', 100, { isNullable: true }),
          varchar('timeZone', 64),
          instant('createdAt'),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'chapter_binding',
        columns: [
          id,
          { name: 'chapterId', type: 'integer' },
          varchar('platform', 16),
          varchar('workspace', 64),
          varchar('channel', 64, { default: "''" }),
        ],
        indices: [{ name: 'uq_binding_place', columnNames: ['platform', 'workspace', 'channel'], isUnique: true }],
        foreignKeys: [chapterFk],
      }),
    );
    await q.createTable(
      new Table({
        name: 'chapter_channel',
        columns: [
          id,
          { name: 'chapterId', type: 'integer' },
          varchar('platform', 16),
          varchar('workspace', 64),
          varchar('purpose', 16),
          varchar('channelId', 64),
        ],
        indices: [{ name: 'uq_chapter_channel', columnNames: ['chapterId', 'platform', 'workspace', 'purpose'], isUnique: true }],
        foreignKeys: [chapterFk],
      }),
    );
    await q.createTable(
      new Table({
        name: 'audit_entry',
        columns: [
          id,
          varchar('platform', 16),
          varchar('workspace', 64),
          varchar('actorId', 64),
          varchar('actorName', 100),
          varchar('action', 64),
          varchar('target', 200, { isNullable: true }),
          varchar('details', 500, { isNullable: true }),
          instant('at'),
        ],
        indices: [{ name: 'ix_audit_at', columnNames: ['at'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['audit_entry', 'chapter_channel', 'chapter_binding', 'chapter', 'member']) await q.dropTable(table);
  }
}
