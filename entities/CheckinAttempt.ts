import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn } from './columns.js';

/**
 * A wrong check-in code typed by a member, counted to refuse guessing (see `CHECKIN_GUESSES`). The
 * member is kept as a keyed hash, like a wrong chapter link code, and rows are purged after the window.
 */
@Entity('checkin_attempt')
@Index('ix_checkin_attempt_member', ['memberKey', 'at'])
export class CheckinAttempt {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 64 })
  memberKey!: string;

  @InstantColumn()
  at!: Date;
}
