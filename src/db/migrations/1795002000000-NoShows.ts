import { type MigrationInterface, type QueryRunner, Table, TableColumn } from 'typeorm';
import { cascadeTo, id, instant, varchar } from './schema.js';

/**
 * No-shows (issue "Fair sign-ups"): when a learner's seat was confirmed and any cool-down hold on a
 * waiting one, when a workshop's no-shows were recorded and how many left late, the chapters'
 * policies, and the records.
 */
export class NoShows1795002000000 implements MigrationInterface {
  name = 'NoShows1795002000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumns('workshop_signup', [new TableColumn(instant('confirmedAt', true)), new TableColumn(instant('heldUntil', true))]);
    await q.addColumns('workshop', [
      new TableColumn(instant('noShowsRecordedAt', true)),
      new TableColumn({ name: 'lateLeaves', type: 'integer', default: 0 }),
    ]);
    await q.addColumns('chapter', [
      new TableColumn({ name: 'noShowLimit', type: 'integer', isNullable: true }),
      new TableColumn({ name: 'noShowWindowDays', type: 'integer', isNullable: true }),
      new TableColumn({ name: 'noShowCooldownDays', type: 'integer', isNullable: true }),
    ]);
    await q.createTable(
      new Table({
        name: 'no_show',
        columns: [
          id,
          { name: 'chapterId', type: 'integer' },
          { name: 'workshopId', type: 'integer' },
          { name: 'memberId', type: 'integer' },
          instant('at'),
          instant('expiresAt'),
          instant('clearedAt', true),
          varchar('clearReason', 500, { isNullable: true }),
        ],
        uniques: [{ name: 'uq_no_show', columnNames: ['workshopId', 'memberId'] }],
        indices: [{ name: 'ix_no_show_member', columnNames: ['memberId', 'chapterId'] }],
        foreignKeys: [cascadeTo('chapter', 'chapterId'), cascadeTo('workshop', 'workshopId'), cascadeTo('member', 'memberId')],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('no_show');
    for (const c of ['noShowCooldownDays', 'noShowWindowDays', 'noShowLimit']) await q.dropColumn('chapter', c);
    for (const c of ['lateLeaves', 'noShowsRecordedAt']) await q.dropColumn('workshop', c);
    for (const c of ['heldUntil', 'confirmedAt']) await q.dropColumn('workshop_signup', c);
  }
}
