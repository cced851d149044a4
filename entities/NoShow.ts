import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import { Chapter } from './Chapter.js';
import { InstantColumn } from './columns.js';
import { Member } from './Member.js';
import { Workshop } from './Workshop.js';

/**
 * A no-show (issue "Fair sign-ups"): a confirmed learner who neither checked in nor left in time at a
 * workshop with check-in. Never public: only the member and their data export see it. Counts toward the
 * chapter's cool-down until it expires (`expiresAt`, the chapter's window after the workshop) or a
 * moderator clears it with a reason.
 */
@Entity('no_show')
@Unique('uq_no_show', ['workshopId', 'memberId'])
@Index('ix_no_show_member', ['memberId', 'chapterId'])
export class NoShow {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  chapterId!: number;

  @ManyToOne(() => Chapter, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'chapterId' })
  chapter?: Relation<Chapter>;

  @Column({ type: 'integer' })
  workshopId!: number;

  @ManyToOne(() => Workshop, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workshopId' })
  workshop?: Relation<Workshop>;

  @Column({ type: 'integer' })
  memberId!: number;

  @ManyToOne(() => Member, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'memberId' })
  member?: Relation<Member>;

  /** The workshop's end: when the seat went unused. A cool-down runs from the latest record's. */
  @InstantColumn()
  at!: Date;

  @InstantColumn()
  expiresAt!: Date;

  @InstantColumn({ nullable: true })
  clearedAt!: Date | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  clearReason!: string | null;
}
