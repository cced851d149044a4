import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';
import { instant } from './schema.js';

/** Waitlist offers (issue 21): a workshop's `offer-hours:`, and until when a seat on offer waits (state `offered`). */
export class Offers1795001900000 implements MigrationInterface {
  name = 'Offers1795001900000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('workshop', new TableColumn({ name: 'offerHours', type: 'integer', isNullable: true }));
    await q.addColumn('workshop_signup', new TableColumn(instant('offerExpiresAt', true)));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('workshop_signup', 'offerExpiresAt');
    await q.dropColumn('workshop', 'offerHours');
  }
}
