import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { instant, varchar } from './schema.js';

/** Signatures of signed Slack requests already run, so a replay runs nothing (kept 10 minutes). */
export class SeenRequests1795000700000 implements MigrationInterface {
  name = 'SeenRequests1795000700000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'seen_request',
        columns: [varchar('signature', 80, { isPrimary: true }), instant('seenAt')],
        indices: [{ name: 'ix_seen_request_at', columnNames: ['seenAt'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('seen_request');
  }
}
