import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';
import { id, instant, varchar } from './schema.js';

/** Notices for channels another process posts in (a chapter's moderators told of a new link from another Slack workspace). */
export class ChannelNotices1795001000000 implements MigrationInterface {
  name = 'ChannelNotices1795001000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'channel_notice',
        columns: [
          id,
          varchar('platform', 16),
          varchar('workspace', 64),
          varchar('channel', 64),
          varchar('text', 1000),
          instant('createdAt'),
          instant('claimedAt', true),
        ],
        indices: [{ name: 'ix_channel_notice_place', columnNames: ['platform', 'workspace'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('channel_notice');
  }
}
