import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import { InstantColumn } from './columns.js';
import { Member } from './Member.js';
import { Workshop } from './Workshop.js';
import type { SignupRole } from './WorkshopSignup.js';

/** Who was at a workshop, and in which role, as a moderator recorded it afterwards. */
@Entity('attendance')
@Unique('uq_attendance_member', ['workshopId', 'memberId'])
export class Attendance {
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

  @InstantColumn()
  recordedAt!: Date;
}
