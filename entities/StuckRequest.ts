import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import { InstantColumn } from './columns.js';
import { Member } from './Member.js';
import { Workshop } from './Workshop.js';

/** `waiting` for a coach; `coming`: a coach said "On my way"; then `done`, `cancelled` by the learner, or `closed` at the workshop's end. */
export type StuckState = 'waiting' | 'coming' | 'done' | 'cancelled' | 'closed';

/**
 * "I'm stuck": a learner's call for their coach during a workshop. Only the coach it is sent to
 * sees it. One open request per learner: `open` is true while waiting or coming and null after,
 * and the unique key counts nulls as distinct. At the workshop's end the members and the note are
 * erased; the times stay, for the number of requests and the waits.
 */
@Entity('stuck_request')
@Unique('uq_stuck_open', ['workshopId', 'learnerId', 'open'])
@Index('ix_stuck_queue', ['workshopId', 'state'])
export class StuckRequest {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  workshopId!: number;

  @ManyToOne(() => Workshop, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workshopId' })
  workshop?: Relation<Workshop>;

  /** The learner; null once the workshop ended. */
  @Column({ type: 'integer', nullable: true })
  learnerId!: number | null;

  @ManyToOne(() => Member, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'learnerId' })
  learner?: Relation<Member> | null;

  /** The coach whose queue it is in (their group's, or whoever took it when it was offered to all); null once the workshop ended. */
  @Column({ type: 'integer', nullable: true })
  coachId!: number | null;

  @ManyToOne(() => Member, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'coachId' })
  coach?: Relation<Member> | null;

  @Column({ type: 'varchar', length: 300, nullable: true })
  note!: string | null;

  @Column({ type: 'varchar', length: 16 })
  state!: StuckState;

  @Column({ type: 'boolean', nullable: true })
  open!: true | null;

  @InstantColumn()
  createdAt!: Date;

  /** "On my way": the wait the figures count ends here. */
  @InstantColumn({ nullable: true })
  takenAt!: Date | null;

  /** When it was offered to every free coach (after STUCK_ESCALATE_MINUTES); set once, by a conditional update. */
  @InstantColumn({ nullable: true })
  escalatedAt!: Date | null;

  @InstantColumn({ nullable: true })
  closedAt!: Date | null;
}
