import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import { InstantColumn } from './columns.js';
import { Member } from './Member.js';
import { Workshop } from './Workshop.js';

export type SignupRole = 'coach' | 'learner';
/**
 * `confirmed`: a slot or seat. `waiting`: on the waitlist. `pool`: in a lottery's pool before its
 * draw (no seat, not on the waitlist). `offered`: a freed seat held for the learner until
 * `offerExpiresAt`; it counts as held in the workshop's counter (see HOLDS_SEAT).
 */
export type SignupState = 'confirmed' | 'waiting' | 'pool' | 'offered';
/** The states the workshop's counters count: counters equal the rows in these states. */
export const HOLDS_SEAT: readonly SignupState[] = ['confirmed', 'offered'];
/** What a learner says of themselves on signing up (the workshop day's groups use it). */
export const LEARNER_LEVELS = ['new', 'some', 'comfortable'] as const;
export type LearnerLevel = (typeof LEARNER_LEVELS)[number];

/**
 * A coach's slot claim or a learner's seat, confirmed or waiting. One per member and
 * workshop (unique). Waitlists are ordered by `id`: rows of one workshop are inserted while
 * its row is locked, so ids follow arrival; a demoted learner keeps their place in line.
 */
@Entity('workshop_signup')
@Unique('uq_signup_member', ['workshopId', 'memberId'])
@Index('ix_signup_queue', ['workshopId', 'role', 'state'])
export class WorkshopSignup {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

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

  @Column({ type: 'varchar', length: 8 })
  role!: SignupRole;

  @Column({ type: 'varchar', length: 16 })
  state!: SignupState;

  @InstantColumn()
  createdAt!: Date;

  // A learner's sign-up profile (`/workshop join level: goal: language:`), shown to the
  // workshop's coaches and the chapter's moderators only. Null for coaches: their profile is `Coach`.
  @Column({ type: 'varchar', length: 16, nullable: true })
  level!: LearnerLevel | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  goal!: string | null;

  /** A language code (`de`, `en`): the learner would like a coach who speaks it. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  language!: string | null;

  /** The learner's or coach's group on the day (`/workshop groups`), 1-based; null before groups are made. */
  @Column({ type: 'integer', nullable: true })
  groupNumber!: number | null;

  /** Moved by hand (`action:move`): remaking the groups keeps them with their coach unless asked otherwise. */
  @Column({ type: 'boolean', default: false })
  groupPinned!: boolean;

  // Waitlist offers (issue 21): until when an `offered` seat waits for the learner's answer.
  @InstantColumn({ nullable: true })
  offerExpiresAt!: Date | null;
  // No-shows (issue "Fair sign-ups")
  /** When a learner's seat became confirmed (null on rows from before: their `createdAt` is assumed). */
  @InstantColumn({ nullable: true })
  confirmedAt!: Date | null;

  /** A learner in a no-show cool-down waits, not promoted, until then (null: no hold). */
  @InstantColumn({ nullable: true })
  heldUntil!: Date | null;
}
