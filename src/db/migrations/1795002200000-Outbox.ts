import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { cascadeTo, id, instant, varchar } from './schema.js';

/**
 * One outbox for every message the bot sends on its own initiative (issue "Exactly once"). It
 * replaces `channel_notice`: notices still waiting there are moved into it.
 */
export class Outbox1795002200000 implements MigrationInterface {
  name = 'Outbox1795002200000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'outbox_message',
        columns: [
          id,
          varchar('platform', 16),
          varchar('workspace', 64),
          { name: 'chapterId', type: 'integer', isNullable: true },
          varchar('kind', 16),
          { name: 'subject', type: 'integer', isNullable: true },
          { name: 'memberId', type: 'integer', isNullable: true },
          varchar('sealedTo', 600, { isNullable: true }),
          varchar('channel', 64, { isNullable: true }),
          { name: 'questionId', type: 'integer', isNullable: true },
          { name: 'message', type: 'text' },
          instant('createdAt'),
          instant('dueAt'),
          instant('leasedUntil', true),
          { name: 'attempts', type: 'integer' },
          instant('attemptedAt', true),
          varchar('hashes', 200, { isNullable: true }),
          varchar('lastError', 64, { isNullable: true }),
          instant('givenUpAt', true),
        ],
        foreignKeys: [cascadeTo('chapter', 'chapterId'), cascadeTo('member', 'memberId'), cascadeTo('question', 'questionId')],
        indices: [
          { name: 'ix_outbox_due', columnNames: ['dueAt'] },
          { name: 'ix_outbox_chapter', columnNames: ['chapterId'] },
        ],
      }),
    );
    // Raw SQL names its tables with the schema on PostgreSQL (TypeORM's table API does so itself).
    const postgres = q.connection.driver.options.type === 'postgres';
    const schema = postgres ? (q.connection.driver.options as { schema?: string }).schema : undefined;
    const table = (name: string) => (schema ? `"${schema}"."${name}"` : `"${name}"`);
    const waiting = (await q.query(`SELECT "platform", "workspace", "channel", "text", "createdAt" FROM ${table('channel_notice')}`)) as {
      platform: string;
      workspace: string;
      channel: string;
      text: string;
      createdAt: string | number;
    }[];
    for (const n of waiting) {
      const body = JSON.stringify({ body: [{ kind: 'paragraph', children: [n.text] }] });
      await q.query(
        `INSERT INTO ${table('outbox_message')} ("platform", "workspace", "kind", "channel", "message", "createdAt", "dueAt", "attempts") ` +
          (postgres ? `VALUES ($1, $2, 'notice', $3, $4, $5, $5, 0)` : `VALUES (?, ?, 'notice', ?, ?, ?, ?, 0)`),
        postgres
          ? [n.platform, n.workspace, n.channel, body, n.createdAt]
          : [n.platform, n.workspace, n.channel, body, n.createdAt, n.createdAt],
      );
    }
    await q.dropTable('channel_notice');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'channel_notice',
        columns: [
          id,
          varchar('platform', 16),
          varchar('workspace', 64),
          varchar('channel', 64),
          varchar('text', 1000),
          instant('createdAt'),
          instant('claimedAt', true),
        ],
        indices: [{ name: 'ix_channel_notice_place', columnNames: ['platform', 'workspace'] }],
      }),
    );
    await q.dropTable('outbox_message');
  }
}
