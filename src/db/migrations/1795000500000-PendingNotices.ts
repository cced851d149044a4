import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * Notices for an anonymous asker that no direct message could carry: kept on the question (never
 * with the asker's id) until the asker runs `/ask mine`.
 */
export class PendingNotices1795000500000 implements MigrationInterface {
  name = 'PendingNotices1795000500000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('question', new TableColumn({ name: 'pendingNotices', type: 'text', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('question', 'pendingNotices');
  }
}
