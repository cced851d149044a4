import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Chapter } from './Chapter.js';
import { InstantColumn } from './columns.js';

export type WorkshopStatus = 'scheduled' | 'cancelled';
/** How learner seats are given: in order of joining, or by a lottery among those who joined before the draw. */
export const ALLOCATIONS = ['first-come', 'lottery'] as const;
export type Allocation = (typeof ALLOCATIONS)[number];

/**
 * A hands-on workshop of a chapter. `coachesClaimed` and `learnersConfirmed` are the
 * counters the capacity checks run against: they change only by conditional updates
 * (`... WHERE coachesClaimed < coachSlots`) while the workshop row is locked.
 */
@Entity('workshop')
@Index('ix_workshop_chapter_start', ['chapterId', 'startsAt'])
// Upcoming workshops (`endsAt > now`), of one chapter or of all: migration 1795002300000.
@Index('ix_workshop_chapter_end', ['chapterId', 'endsAt'])
@Index('ix_workshop_end', ['endsAt'])
export class Workshop {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  chapterId!: number;

  @ManyToOne(() => Chapter, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'chapterId' })
  chapter?: Relation<Chapter>;

  @Column({ type: 'varchar', length: 100 })
  title!: string;

  @Column({ type: 'varchar', length: 64 })
  topic!: string;

  @InstantColumn()
  startsAt!: Date;

  @InstantColumn()
  endsAt!: Date;

  @Column({ type: 'integer' })
  learnerCapacity!: number;

  @Column({ type: 'integer' })
  coachSlots!: number;

  /** The ratio in force for this workshop (the chapter's, or the configured default, when it was created). */
  @Column({ type: 'integer' })
  learnersPerCoach!: number;

  /** Seats follow coaches: confirmed learners ≤ claimed coach slots × learnersPerCoach. */
  @Column({ type: 'boolean' })
  strictRatio!: boolean;

  @Column({ type: 'varchar', length: 200, nullable: true })
  location!: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  description!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: WorkshopStatus;

  @Column({ type: 'varchar', length: 500, nullable: true })
  cancelReason!: string | null;

  @Column({ type: 'integer' })
  coachesClaimed!: number;

  @Column({ type: 'integer' })
  learnersConfirmed!: number;

  /** Counts edits: the iCalendar SEQUENCE, so calendars take the newest version. */
  @Column({ type: 'integer' })
  revision!: number;

  @InstantColumn()
  createdAt!: Date;

  /**
   * The check-in code shown at the venue (`/workshop code`): 5 characters of an alphabet without
   * 0/O and 1/I/l. Valid from an hour before the start to the end. Null until first asked for.
   */
  @Column({ type: 'varchar', length: 8, nullable: true })
  checkinCode!: string | null;

  /** When the learners who came were asked for feedback (an hour after the end); set once, by a conditional update. */
  @InstantColumn({ nullable: true })
  feedbackAskedAt!: Date | null;

  /** When those who had not answered were reminded (3 days later); set once. */
  @InstantColumn({ nullable: true })
  feedbackRemindedAt!: Date | null;

  /** A moderator took the workshop off the chapter's public record (`/workshop publish visible:false`). */
  @Column({ type: 'boolean', default: false })
  recordHidden!: boolean;

  // Lottery (issue 21, "Lottery for oversubscribed workshops"): see src/services/workshops/lottery.ts.
  /** `first-come` (seats in order of joining) or `lottery` (learners who join before the draw enter a pool). */
  @Column({ type: 'varchar', length: 16, default: 'first-come' })
  allocation!: Allocation;

  /** When the lottery draws (null for first-come): at least an hour before the start. */
  @InstantColumn({ nullable: true })
  drawAt!: Date | null;

  /** The draw's secret seed, 32 random bytes in hex, picked when sign-ups open; shown only after the draw. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  lotterySeed!: string | null;

  /** SHA-256 of the seed's bytes in hex: published before the draw (commit, then reveal). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  lotterySeedHash!: string | null;

  /** When the draw ran; set once, by a conditional update (`... WHERE drawnAt IS NULL`). */
  @InstantColumn({ nullable: true })
  drawnAt!: Date | null;

  /**
   * The published result: the pool's sign-up numbers (1 = the first to join the pool) in draw
   * order, comma-separated; no names, no tiers. Null before the draw.
   */
  @Column({ type: 'text', nullable: true })
  drawOrder!: string | null;

  // Waitlist offers (issue 21, "Waitlist offers"): see src/services/workshops/offers.ts.
  /** How long an offered seat waits for its answer, in hours; null: 12 (1 within a day of the start). */
  @Column({ type: 'integer', nullable: true })
  offerHours!: number | null;
  // Sign-up windows (issue "Fair sign-ups"): null is the default, from creation until the start.
  /** When learners may join (`opens:`); null: from creation. */
  @InstantColumn({ nullable: true })
  signupsOpenAt!: Date | null;

  /** When joining and claiming close (`closes:`); null: at the start. */
  @InstantColumn({ nullable: true })
  signupsCloseAt!: Date | null;

  /** When coaches may claim (`coaches-open:`), possibly before learners may join; null: from creation. */
  @InstantColumn({ nullable: true })
  coachesOpenAt!: Date | null;

  // No-shows (issue "Fair sign-ups")
  /** When its no-shows were recorded (once, by a conditional update), or it was found to have none to record. */
  @InstantColumn({ nullable: true })
  noShowsRecordedAt!: Date | null;

  /** Learners who gave their seat up less than NO_SHOW_CUTOFF_HOURS before the start: counted for the report, not punished. */
  @Column({ type: 'integer', default: 0 })
  lateLeaves!: number;
}
