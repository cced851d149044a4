import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import { InstantColumn } from './columns.js';
import { Member } from './Member.js';
import { Workshop } from './Workshop.js';

export type SignupRole = 'coach' | 'learner';
export type SignupState = 'confirmed' | 'waiting';

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
}
