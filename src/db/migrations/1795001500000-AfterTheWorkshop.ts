import { type MigrationInterface, type QueryRunner, Table, TableColumn } from 'typeorm';
import { cascadeTo, id, instant, varchar } from './schema.js';

/**
 * After the workshop (issue "After the workshop"): learners' anonymous feedback under a
 * per-workshop pseudonym, coaches' notes, when feedback was asked for and reminded of, and
 * whether a workshop shows on the chapter's public record.
 */
export class AfterTheWorkshop1795001500000 implements MigrationInterface {
  name = 'AfterTheWorkshop1795001500000';

  async up(q: QueryRunner): Promise<void> {
    const bool = (value: boolean) => (q.connection.driver.options.type === 'postgres' ? value : Number(value));
    await q.addColumns('workshop', [
      new TableColumn(instant('feedbackAskedAt', true)),
      new TableColumn(instant('feedbackRemindedAt', true)),
      new TableColumn({ name: 'recordHidden', type: 'boolean', default: bool(false) }),
    ]);
    await q.createTable(
      new Table({
        name: 'workshop_feedback',
        columns: [
          id,
          { name: 'workshopId', type: 'integer' },
          varchar('pseudonym', 64),
          varchar('pace', 8, { isNullable: true }),
          { name: 'learned', type: 'integer', isNullable: true },
          { name: 'coachSupport', type: 'integer', isNullable: true },
          { name: 'again', type: 'boolean', isNullable: true },
          varchar('worked', 500, { isNullable: true }),
          varchar('improve', 500, { isNullable: true }),
        ],
        uniques: [{ name: 'uq_feedback_pseudonym', columnNames: ['workshopId', 'pseudonym'] }],
        foreignKeys: [cascadeTo('workshop', 'workshopId')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'coach_note',
        columns: [
          id,
          { name: 'workshopId', type: 'integer' },
          { name: 'memberId', type: 'integer', isNullable: true },
          varchar('taught', 300, { isNullable: true }),
          varchar('materials', 200, { isNullable: true }),
          varchar('went', 1000, { isNullable: true }),
          varchar('change', 1000, { isNullable: true }),
          varchar('publish', 16),
          instant('updatedAt'),
        ],
        uniques: [{ name: 'uq_coach_note', columnNames: ['workshopId', 'memberId'] }],
        foreignKeys: [
          cascadeTo('workshop', 'workshopId'),
          { columnNames: ['memberId'], referencedTableName: 'member', referencedColumnNames: ['id'], onDelete: 'SET NULL' },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('coach_note');
    await q.dropTable('workshop_feedback');
    for (const c of ['recordHidden', 'feedbackRemindedAt', 'feedbackAskedAt']) await q.dropColumn('workshop', c);
  }
}
