import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';
import { instant } from './schema.js';

/**
 * Sign-up windows (issue "Fair sign-ups"): when learners may join and coaches may claim. Null is
 * the default: learners and coaches from the workshop's creation, until its start.
 */
export class SignupWindows1795001700000 implements MigrationInterface {
  name = 'SignupWindows1795001700000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('workshop', [
      new TableColumn(instant('signupsOpenAt', true)),
      new TableColumn(instant('signupsCloseAt', true)),
      new TableColumn(instant('coachesOpenAt', true)),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const c of ['coachesOpenAt', 'signupsCloseAt', 'signupsOpenAt']) await q.dropColumn('workshop', c);
  }
}
