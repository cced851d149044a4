import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import { InstantColumn } from './columns.js';
import { Member } from './Member.js';
import { Workshop } from './Workshop.js';
import type { SignupRole } from './WorkshopSignup.js';

/**
 * How an attendance row came to be: a member checked in with the code, a moderator or coach checked
 * in a walk-in, or a moderator's correction (`/workshop attendance`), which has the last word.
 */
export type AttendanceSource = 'checkin' | 'walk-in' | 'correction';

/**
 * Who was at a workshop, and in which role: the check-ins plus the moderators' corrections. A
 * correction may record someone absent (`present` false) who checked in; nothing overwrites it.
 */
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

  @Column({ type: 'varchar', length: 16, default: 'correction' })
  source!: AttendanceSource;

  @Column({ type: 'boolean', default: true })
  present!: boolean;
}
