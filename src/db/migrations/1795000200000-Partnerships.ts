import { type MigrationInterface, type QueryRunner, Table, type TableColumnOptions } from 'typeorm';

/**
 * Partnership proposals, their ticked requirements and their one decision (unique per
 * proposal), and the register of unofficial support disclaimers. Schema builder only, so
 * it serves SQLite and PostgreSQL alike.
 */
const id: TableColumnOptions = { name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' };
const varchar = (name: string, length: number, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({
  name,
  type: 'varchar',
  length: String(length),
  ...extra,
});
const integer = (name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({ name, type: 'integer', ...extra });
const instant = (name: string, extra: Partial<TableColumnOptions> = {}): TableColumnOptions => ({ name, type: 'bigint', ...extra });
const fk = (column: string, table: string, onDelete = 'CASCADE') => ({
  columnNames: [column],
  referencedTableName: table,
  referencedColumnNames: ['id'],
  onDelete,
});

export class Partnerships1795000200000 implements MigrationInterface {
  name = 'Partnerships1795000200000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'partnership_proposal',
        columns: [
          id,
          integer('chapterId'),
          integer('proposerId'),
          varchar('partner', 100),
          varchar('event', 150),
          varchar('eventDate', 10),
          varchar('contributions', 100),
          { name: 'coOrganised', type: 'boolean' },
          varchar('url', 300, { isNullable: true }),
          varchar('details', 1000, { isNullable: true }),
          varchar('status', 16),
          instant('createdAt'),
        ],
        indices: [{ name: 'ix_proposal_chapter', columnNames: ['chapterId', 'status'] }],
        foreignKeys: [fk('chapterId', 'chapter'), fk('proposerId', 'member')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'partnership_requirement',
        columns: [id, integer('proposalId'), varchar('key', 32), varchar('confirmedBy', 100), instant('confirmedAt')],
        uniques: [{ name: 'uq_requirement_key', columnNames: ['proposalId', 'key'] }],
        foreignKeys: [fk('proposalId', 'partnership_proposal')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'partnership_decision',
        columns: [
          id,
          integer('proposalId'),
          varchar('decision', 16),
          varchar('reason', 500),
          { name: 'forced', type: 'boolean' },
          varchar('openRequirements', 200, { isNullable: true }),
          varchar('moderatorId', 64),
          varchar('moderatorName', 100),
          instant('decidedAt'),
        ],
        uniques: [{ name: 'uq_decision_proposal', columnNames: ['proposalId'] }],
        foreignKeys: [fk('proposalId', 'partnership_proposal')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'disclaimer',
        columns: [
          id,
          integer('memberId'),
          integer('chapterId', { isNullable: true }),
          varchar('event', 150),
          varchar('eventDate', 10),
          varchar('organiser', 100, { isNullable: true }),
          varchar('role', 16),
          varchar('notes', 500, { isNullable: true }),
          instant('createdAt'),
          instant('withdrawnAt', { isNullable: true }),
        ],
        indices: [{ name: 'ix_disclaimer_member', columnNames: ['memberId'] }],
        foreignKeys: [fk('memberId', 'member'), fk('chapterId', 'chapter', 'SET NULL')],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['disclaimer', 'partnership_decision', 'partnership_requirement', 'partnership_proposal']) await q.dropTable(table);
  }
}
