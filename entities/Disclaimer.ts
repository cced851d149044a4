import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Chapter } from './Chapter.js';
import { InstantColumn } from './columns.js';
import { Member } from './Member.js';

export const DISCLAIMER_ROLES = ['coach', 'speaker', 'organiser', 'helper', 'other'] as const;
export type DisclaimerRole = (typeof DISCLAIMER_ROLES)[number];

/**
 * An unofficial support disclaimer: a member helps an event as an individual, not on behalf
 * of the community. Kept as a public register (transparency); withdrawn ones stay, marked.
 */
@Entity('disclaimer')
@Index('ix_disclaimer_member', ['memberId'])
export class Disclaimer {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  memberId!: number;

  @ManyToOne(() => Member, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'memberId' })
  member?: Relation<Member>;

  /** The chapter bound where it was logged, if any. */
  @Column({ type: 'integer', nullable: true })
  chapterId!: number | null;

  @ManyToOne(() => Chapter, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'chapterId' })
  chapter?: Relation<Chapter>;

  @Column({ type: 'varchar', length: 150 })
  event!: string;

  /** YYYY-MM-DD. */
  @Column({ type: 'varchar', length: 10 })
  eventDate!: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  organiser!: string | null;

  @Column({ type: 'varchar', length: 16 })
  role!: DisclaimerRole;

  @Column({ type: 'varchar', length: 500, nullable: true })
  notes!: string | null;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn({ nullable: true })
  withdrawnAt!: Date | null;
}
