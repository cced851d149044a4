import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn } from './columns.js';
import type { Allocation } from './Workshop.js';

/** A city chapter: it runs workshops in its own time zone. */
@Entity('chapter')
export class Chapter {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 64 })
  name!: string;

  /** The name folded to lower case: names are unique regardless of case (`berlin` is Berlin). */
  @Column({ type: 'varchar', length: 64, unique: true })
  nameKey!: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  city!: string | null;

  /** IANA zone, e.g. Europe/Berlin. */
  @Column({ type: 'varchar', length: 64 })
  timeZone!: string;

  @InstantColumn()
  createdAt!: Date;

  /** Learners per coach in this chapter's workshops; null: LEARNERS_PER_COACH. */
  @Column({ type: 'integer', nullable: true })
  learnersPerCoach!: number | null;

  /** Learner seats of the workshops a feed brings in (`/chapter set default-learners:`); null: 12. */
  @Column({ type: 'integer', nullable: true })
  defaultLearners!: number | null;

  /** How `/workshop groups` spreads levels: `mixed` (null: the default) or `by-level`. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  groupsMode!: 'mixed' | 'by-level' | null;

  // Lottery (issue 21): the chapter's defaults for its workshops' draws.
  /** How new workshops give learner seats (`/chapter set allocation:`); null: first-come. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  allocation!: Allocation | null;

  /** Lotteries draw first-timers (no attendance yet) first (`/chapter set lottery-first-timers:`). */
  @Column({ type: 'boolean', default: false })
  lotteryFirstTimers!: boolean;
  // No-shows (issue "Fair sign-ups"): `/chapter set no-show-limit: no-show-window-days: no-show-cooldown-days:`; null: 3, 180, 30.
  @Column({ type: 'integer', nullable: true })
  noShowLimit!: number | null;

  @Column({ type: 'integer', nullable: true })
  noShowWindowDays!: number | null;

  @Column({ type: 'integer', nullable: true })
  noShowCooldownDays!: number | null;
}
