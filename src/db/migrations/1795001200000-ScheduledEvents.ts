import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { id, instant, varchar } from './schema.js';

/** Workshops mirrored as Discord scheduled events: one row per workshop and guild (issue "Where the events already are"). */
export class ScheduledEvents1795001200000 implements MigrationInterface {
  name = 'ScheduledEvents1795001200000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'scheduled_event',
        columns: [
          id,
          { name: 'workshopId', type: 'integer' },
          varchar('guild', 64),
          varchar('eventId', 32, { isNullable: true }),
          varchar('state', 16),
          { name: 'revision', type: 'integer' },
          instant('leaseUntil', true),
          instant('updatedAt'),
        ],
        indices: [{ name: 'uq_scheduled_event_workshop_guild', columnNames: ['workshopId', 'guild'], isUnique: true }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('scheduled_event');
  }
}
