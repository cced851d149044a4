import {
  type MigrationInterface,
  type QueryRunner,
  Table,
  TableColumn,
  type TableColumnOptions,
  type TableForeignKeyOptions,
} from 'typeorm';

/**
 * Coaches, workshops, their slot claims and seats (with waitlists), attendance, reminders,
 * invitations to coach; and a chapter's own learners-per-coach ratio.
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
const fk = (column: string, table: string, onDelete = 'CASCADE'): TableForeignKeyOptions => ({
  columnNames: [column],
  referencedTableName: table,
  referencedColumnNames: ['id'],
  onDelete,
});

export class Workshops1795000100000 implements MigrationInterface {
  name = 'Workshops1795000100000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('chapter', new TableColumn(integer('learnersPerCoach', { isNullable: true })));
    await q.createTable(
      new Table({
        name: 'coach',
        columns: [
          id,
          integer('memberId'),
          integer('chapterId', { isNullable: true }),
          varchar('topics', 300),
          varchar('languages', 200, { isNullable: true }),
          varchar('level', 16, { isNullable: true }),
          varchar('bio', 500, { isNullable: true }),
          varchar('status', 16),
          instant('createdAt'),
          instant('updatedAt'),
        ],
        uniques: [{ name: 'uq_coach_member', columnNames: ['memberId'] }],
        foreignKeys: [fk('memberId', 'member'), fk('chapterId', 'chapter', 'SET NULL')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'workshop',
        columns: [
          id,
          integer('chapterId'),
          varchar('title', 100),
          varchar('topic', 64),
          instant('startsAt'),
          instant('endsAt'),
          integer('learnerCapacity'),
          integer('coachSlots'),
          integer('learnersPerCoach'),
          { name: 'strictRatio', type: 'boolean' },
          varchar('location', 200, { isNullable: true }),
          varchar('description', 1000, { isNullable: true }),
          varchar('status', 16),
          varchar('cancelReason', 500, { isNullable: true }),
          integer('coachesClaimed'),
          integer('learnersConfirmed'),
          integer('revision'),
          instant('createdAt'),
        ],
        indices: [{ name: 'ix_workshop_chapter_start', columnNames: ['chapterId', 'startsAt'] }],
        foreignKeys: [fk('chapterId', 'chapter')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'workshop_signup',
        columns: [id, integer('workshopId'), integer('memberId'), varchar('role', 8), varchar('state', 16), instant('createdAt')],
        uniques: [{ name: 'uq_signup_member', columnNames: ['workshopId', 'memberId'] }],
        indices: [{ name: 'ix_signup_queue', columnNames: ['workshopId', 'role', 'state'] }],
        foreignKeys: [fk('workshopId', 'workshop'), fk('memberId', 'member')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'attendance',
        columns: [id, integer('workshopId'), integer('memberId'), varchar('role', 8), instant('recordedAt')],
        uniques: [{ name: 'uq_attendance_member', columnNames: ['workshopId', 'memberId'] }],
        foreignKeys: [fk('workshopId', 'workshop'), fk('memberId', 'member')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'reminder',
        columns: [
          id,
          integer('workshopId'),
          varchar('kind', 16),
          instant('dueAt'),
          instant('sentAt', { isNullable: true }),
          varchar('outcome', 16, { isNullable: true }),
        ],
        uniques: [{ name: 'uq_reminder_kind', columnNames: ['workshopId', 'kind'] }],
        indices: [{ name: 'ix_reminder_due', columnNames: ['sentAt', 'dueAt'] }],
        foreignKeys: [fk('workshopId', 'workshop')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'coach_invitation',
        columns: [id, integer('memberId'), instant('sentAt')],
        uniques: [{ name: 'uq_invitation_member', columnNames: ['memberId'] }],
        foreignKeys: [fk('memberId', 'member')],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['coach_invitation', 'reminder', 'attendance', 'workshop_signup', 'workshop', 'coach']) await q.dropTable(table);
    await q.dropColumn('chapter', 'learnersPerCoach');
  }
}
