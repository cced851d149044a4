import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import { Chapter } from './Chapter.js';
import { InstantColumn } from './columns.js';
import { Member } from './Member.js';

export const COACH_LEVELS = ['beginner', 'intermediate', 'experienced'] as const;
export type CoachLevel = (typeof COACH_LEVELS)[number];
/** `paused`: keeps the profile, claims nothing; `retired`: gone until they volunteer again. */
export type CoachStatus = 'active' | 'paused' | 'retired';

/** A member who volunteered to coach. One row per member; any skill level is welcome. */
@Entity('coach')
@Unique('uq_coach_member', ['memberId'])
export class Coach {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  memberId!: number;

  @ManyToOne(() => Member, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'memberId' })
  member?: Relation<Member>;

  /** The chapter they mostly coach for; null: any. */
  @Column({ type: 'integer', nullable: true })
  chapterId!: number | null;

  @ManyToOne(() => Chapter, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'chapterId' })
  chapter?: Relation<Chapter> | null;

  /** Comma-separated, as typed (trimmed, duplicates removed). */
  @Column({ type: 'varchar', length: 300 })
  topics!: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  languages!: string | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  level!: CoachLevel | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  bio!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: CoachStatus;

  /** Opted in (`/coach update public:true`) to be named on the public chapter page; null or false: never. */
  @Column({ type: 'boolean', nullable: true })
  public!: boolean | null;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn()
  updatedAt!: Date;
}
