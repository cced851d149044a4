import { type MigrationInterface, type QueryRunner, Table, TableColumn } from 'typeorm';
import { cascadeTo, id, instant, varchar } from './schema.js';

/**
 * The workshop day (issue "The workshop day"): learners' sign-up profiles and groups on the
 * signups, check-in codes, attendance by check-in beside moderators' corrections (existing rows
 * are corrections: a moderator recorded them), the chapter's way of forming groups, the groups'
 * places, "I'm stuck" requests and wrong check-in codes.
 */
export class WorkshopDay1795001300000 implements MigrationInterface {
  name = 'WorkshopDay1795001300000';

  async up(q: QueryRunner): Promise<void> {
    // A boolean's default as each dialect writes it, so the schema equals what the entities describe.
    const bool = (value: boolean) => (q.connection.driver.options.type === 'postgres' ? value : Number(value));
    await q.addColumns('workshop_signup', [
      new TableColumn(varchar('level', 16, { isNullable: true })),
      new TableColumn(varchar('goal', 200, { isNullable: true })),
      new TableColumn(varchar('language', 16, { isNullable: true })),
      new TableColumn({ name: 'groupNumber', type: 'integer', isNullable: true }),
      new TableColumn({ name: 'groupPinned', type: 'boolean', default: bool(false) }),
    ]);
    await q.addColumn('workshop', new TableColumn(varchar('checkinCode', 8, { isNullable: true })));
    await q.addColumns('attendance', [
      new TableColumn(varchar('source', 16, { default: "'correction'" })),
      new TableColumn({ name: 'present', type: 'boolean', default: bool(true) }),
    ]);
    await q.addColumn('chapter', new TableColumn(varchar('groupsMode', 16, { isNullable: true })));
    await q.createTable(
      new Table({
        name: 'workshop_group',
        columns: [
          id,
          { name: 'workshopId', type: 'integer' },
          { name: 'number', type: 'integer' },
          varchar('platform', 16),
          varchar('workspace', 64),
          varchar('place', 64, { isNullable: true }),
          instant('claimedAt', true),
        ],
        uniques: [{ name: 'uq_workshop_group_place', columnNames: ['workshopId', 'number', 'platform', 'workspace'] }],
        foreignKeys: [cascadeTo('workshop', 'workshopId')],
      }),
    );
    await q.createTable(
      new Table({
        name: 'stuck_request',
        columns: [
          id,
          { name: 'workshopId', type: 'integer' },
          { name: 'learnerId', type: 'integer', isNullable: true },
          { name: 'coachId', type: 'integer', isNullable: true },
          varchar('note', 300, { isNullable: true }),
          varchar('state', 16),
          { name: 'open', type: 'boolean', isNullable: true },
          instant('createdAt'),
          instant('takenAt', true),
          instant('escalatedAt', true),
          instant('closedAt', true),
        ],
        uniques: [{ name: 'uq_stuck_open', columnNames: ['workshopId', 'learnerId', 'open'] }],
        indices: [{ name: 'ix_stuck_queue', columnNames: ['workshopId', 'state'] }],
        foreignKeys: [
          cascadeTo('workshop', 'workshopId'),
          cascadeTo('member', 'learnerId'),
          { columnNames: ['coachId'], referencedTableName: 'member', referencedColumnNames: ['id'], onDelete: 'SET NULL' },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'checkin_attempt',
        columns: [id, varchar('memberKey', 64), instant('at')],
        indices: [{ name: 'ix_checkin_attempt_member', columnNames: ['memberKey', 'at'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('checkin_attempt');
    await q.dropTable('stuck_request');
    await q.dropTable('workshop_group');
    await q.dropColumn('chapter', 'groupsMode');
    for (const c of ['present', 'source']) await q.dropColumn('attendance', c);
    await q.dropColumn('workshop', 'checkinCode');
    for (const c of ['groupPinned', 'groupNumber', 'language', 'goal', 'level']) await q.dropColumn('workshop_signup', c);
  }
}
