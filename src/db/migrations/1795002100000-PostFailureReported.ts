import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';
import { instant } from './schema.js';

/**
 * When the moderators were told that a question's post keeps failing (issue "Exactly once": that
 * state lives in the database, so they are told once across processes and restarts).
 */
export class PostFailureReported1795002100000 implements MigrationInterface {
  name = 'PostFailureReported1795002100000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('question', new TableColumn(instant('postFailureReportedAt', true)));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('question', 'postFailureReportedAt');
  }
}
