import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn } from './columns.js';

/**
 * A wrong link code typed by a member, counted to refuse the sixth within an hour. The member is
 * kept as a keyed hash (like the pseudonyms), and rows older than an hour are of no use.
 */
@Entity('chapter_link_attempt')
@Index('ix_link_attempt_member', ['memberKey', 'at'])
export class ChapterLinkAttempt {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 64 })
  memberKey!: string;

  @InstantColumn()
  at!: Date;
}
