import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import { InstantColumn } from './columns.js';
import { Member } from './Member.js';

/** The one friendly invitation to coach a regular learner gets; the unique key makes it one. */
@Entity('coach_invitation')
@Unique('uq_invitation_member', ['memberId'])
export class CoachInvitation {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  memberId!: number;

  @ManyToOne(() => Member, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'memberId' })
  member?: Relation<Member>;

  @InstantColumn()
  sentAt!: Date;
}
