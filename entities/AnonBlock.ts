import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn } from './columns.js';

/** A block on a pseudonym: its owner cannot ask, follow up or answer until it expires. Nobody learns who it is. */
@Entity('anon_block')
@Index('ix_block_pseudonym', ['pseudonym'])
@Index('ix_block_author', ['authorKey'])
export class AnonBlock {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 64 })
  pseudonym!: string;

  /** The question that caused it. */
  @Column({ type: 'integer' })
  questionId!: number;

  /** The chapter where it was set: a block applies there only. Null for blocks set before chapters scoped them (then: the question's chapter). */
  @Column({ type: 'integer', nullable: true })
  chapterId!: number | null;

  @Column({ type: 'varchar', length: 500 })
  reason!: string;

  /** The moderator, by name (moderators act openly). */
  @Column({ type: 'varchar', length: 100 })
  moderatorName!: string;

  /** authorKey(secret, the moderator): how `/privacy` finds the row; null in rows written before it existed, and after erasure. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  authorKey!: string | null;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn()
  expiresAt!: Date;

  @InstantColumn({ nullable: true })
  liftedAt!: Date | null;
}
