import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn } from './columns.js';

/**
 * A notice for a channel that this process cannot post in (another Slack workspace, served by
 * another process with its own token; a platform whose adapter runs elsewhere), left for the
 * process that can: its scheduler claims the row, posts it and deletes it. Notices name no member.
 */
@Entity('channel_notice')
@Index('ix_channel_notice_place', ['platform', 'workspace'])
export class ChannelNotice {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 16 })
  platform!: string;

  @Column({ type: 'varchar', length: 64 })
  workspace!: string;

  @Column({ type: 'varchar', length: 64 })
  channel!: string;

  @Column({ type: 'varchar', length: 1000 })
  text!: string;

  @InstantColumn()
  createdAt!: Date;

  /** Set by the one process that posts it (a conditional update), so it is posted at most once. */
  @InstantColumn({ nullable: true })
  claimedAt!: Date | null;
}
