import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import { Workshop } from './Workshop.js';

export const PACES = ['slow', 'right', 'fast'] as const;
export type Pace = (typeof PACES)[number];

/**
 * A learner's feedback on a workshop, anonymous like the questions: stored under a per-workshop
 * pseudonym (`HMAC(ANON_SECRET, "feedback:<workshop>" NUL the member)`), so each learner answers once
 * and may change it, and nothing links it to their other feedback or their questions. No member id,
 * name, DM address or time is kept: the report and the public page show aggregates only.
 */
@Entity('workshop_feedback')
@Unique('uq_feedback_pseudonym', ['workshopId', 'pseudonym'])
export class WorkshopFeedback {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  workshopId!: number;

  @ManyToOne(() => Workshop, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workshopId' })
  workshop?: Relation<Workshop>;

  @Column({ type: 'varchar', length: 64 })
  pseudonym!: string;

  @Column({ type: 'varchar', length: 8, nullable: true })
  pace!: Pace | null;

  /** 1-5. */
  @Column({ type: 'integer', nullable: true })
  learned!: number | null;

  /** 1-5. */
  @Column({ type: 'integer', nullable: true })
  coachSupport!: number | null;

  @Column({ type: 'boolean', nullable: true })
  again!: boolean | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  worked!: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  improve!: string | null;
}
