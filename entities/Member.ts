import { Column, Entity, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { InstantColumn } from './columns.js';

/**
 * A member the bot needs to remember by name: a coach, a learner with a seat. Rows are
 * written only by features that need them, never on every command: a table of everyone
 * who ever ran a command, with times, could be matched against anonymous questions.
 */
@Entity('member')
@Unique('uq_member_identity', ['platform', 'workspace', 'userId'])
export class Member {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 16 })
  platform!: string;

  /** Discord guild id, Slack team id, `console`. */
  @Column({ type: 'varchar', length: 64 })
  workspace!: string;

  @Column({ type: 'varchar', length: 64 })
  userId!: string;

  @Column({ type: 'varchar', length: 100 })
  displayName!: string;

  @Column({ type: 'varchar', length: 16, nullable: true })
  locale!: string | null;

  @InstantColumn()
  createdAt!: Date;
}
