import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import { InstantColumn } from './columns.js';
import { Workshop } from './Workshop.js';

/** `day` and `hour`: DMs 24 h and 1 h before; `coaches`: the moderators' warning 72 h before about unfilled coach slots. */
export const REMINDER_KINDS = ['coaches', 'day', 'hour'] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];
/** What became of a claimed reminder. */
export type ReminderOutcome = 'sent' | 'dropped' | 'not_needed';

/**
 * A reminder due at `dueAt`. Whoever sets `sentAt` (by a conditional update on a null
 * `sentAt`) sends it: once, across restarts and across processes sharing one database.
 */
@Entity('reminder')
@Unique('uq_reminder_kind', ['workshopId', 'kind'])
@Index('ix_reminder_due', ['sentAt', 'dueAt'])
export class Reminder {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  workshopId!: number;

  @ManyToOne(() => Workshop, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workshopId' })
  workshop?: Relation<Workshop>;

  @Column({ type: 'varchar', length: 16 })
  kind!: ReminderKind;

  @InstantColumn()
  dueAt!: Date;

  @InstantColumn({ nullable: true })
  sentAt!: Date | null;

  @Column({ type: 'varchar', length: 16, nullable: true })
  outcome!: ReminderOutcome | null;
}
