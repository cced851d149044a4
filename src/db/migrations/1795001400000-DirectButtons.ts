import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { cascadeTo, id, instant, varchar } from './schema.js';

/** Buttons in direct messages: each names its workspace, chapter, recipient and command (issue "Buttons in direct messages"). */
export class DirectButtons1795001400000 implements MigrationInterface {
  name = 'DirectButtons1795001400000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'direct_button',
        columns: [
          id,
          varchar('token', 32),
          varchar('platform', 16),
          varchar('workspace', 64),
          { name: 'chapterId', type: 'integer', isNullable: true },
          { name: 'memberId', type: 'integer' },
          varchar('command', 200),
          instant('createdAt'),
          instant('expiresAt'),
        ],
        indices: [
          { name: 'uq_direct_button_token', columnNames: ['token'], isUnique: true },
          { name: 'ix_direct_button_member', columnNames: ['memberId'] },
          { name: 'ix_direct_button_expires', columnNames: ['expiresAt'] },
        ],
        foreignKeys: [cascadeTo('chapter', 'chapterId'), cascadeTo('member', 'memberId')],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('direct_button');
  }
}
