import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Chapter } from './Chapter.js';
import { InstantColumn } from './columns.js';

/**
 * An iCalendar feed a chapter follows (`/chapter feed`): its events become the chapter's workshops.
 * One per chapter. It holds no personal data: who added it is in the audit log only.
 */
@Entity('chapter_feed')
export class ChapterFeed {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer', unique: true })
  chapterId!: number;

  @ManyToOne(() => Chapter, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'chapterId' })
  chapter?: Relation<Chapter>;

  @Column({ type: 'varchar', length: 2000 })
  url!: string;

  /** Learner seats of its new workshops; null: the chapter's default-learners. */
  @Column({ type: 'integer', nullable: true })
  learners!: number | null;

  /** The topic of its workshops; null: the event's first CATEGORIES value, else `general`. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  topic!: string | null;

  /** The validators of the last complete fetch, sent back for a conditional GET (304: nothing changed). */
  @Column({ type: 'varchar', length: 200, nullable: true })
  etag!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  lastModified!: string | null;

  /** When the scheduler syncs it next (FEED_POLL_MINUTES after the last try). */
  @InstantColumn()
  nextSyncAt!: Date;

  @InstantColumn({ nullable: true })
  lastSyncedAt!: Date | null;

  /** Failed syncs in a row, and the last reason (a catalogue key with its parameters, as JSON). */
  @Column({ type: 'integer' })
  failures!: number;

  @Column({ type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;

  /** The moderators were told it keeps failing; they are told again once, when it works again. */
  @Column({ type: 'boolean' })
  failureNotified!: boolean;

  /** The lease: one process syncs the feed at a time (a conditional update takes it; it expires). */
  @InstantColumn({ nullable: true })
  leaseUntil!: Date | null;

  @Column({ type: 'varchar', length: 36, nullable: true })
  leaseOwner!: string | null;

  @InstantColumn()
  createdAt!: Date;
}
