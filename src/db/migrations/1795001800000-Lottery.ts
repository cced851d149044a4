import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';
import { instant, varchar } from './schema.js';

/**
 * The lottery for oversubscribed workshops (issue 21): a workshop's allocation, its draw time,
 * the committed seed and its hash, when it was drawn and the published order; a chapter's defaults.
 * Pool entries are signups in the state `pool` (a varchar already): no new table.
 */
export class Lottery1795001800000 implements MigrationInterface {
  name = 'Lottery1795001800000';

  async up(q: QueryRunner): Promise<void> {
    const bool = (value: boolean) => (q.connection.driver.options.type === 'postgres' ? value : Number(value));
    await q.addColumns('workshop', [
      new TableColumn(varchar('allocation', 16, { default: "'first-come'" })),
      new TableColumn(instant('drawAt', true)),
      new TableColumn(varchar('lotterySeed', 64, { isNullable: true })),
      new TableColumn(varchar('lotterySeedHash', 64, { isNullable: true })),
      new TableColumn(instant('drawnAt', true)),
      new TableColumn({ name: 'drawOrder', type: 'text', isNullable: true }),
    ]);
    await q.addColumns('chapter', [
      new TableColumn(varchar('allocation', 16, { isNullable: true })),
      new TableColumn({ name: 'lotteryFirstTimers', type: 'boolean', default: bool(false) }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const c of ['lotteryFirstTimers', 'allocation']) await q.dropColumn('chapter', c);
    for (const c of ['drawOrder', 'drawnAt', 'lotterySeedHash', 'lotterySeed', 'drawAt', 'allocation']) await q.dropColumn('workshop', c);
  }
}
