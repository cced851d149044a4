import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import { InstantColumn } from './columns.js';
import { Question } from './Question.js';

/** A report to the moderators; reporters are pseudonymous too, one report per person per question. */
@Entity('question_report')
@Unique('uq_report', ['questionId', 'pseudonym'])
@Index('ix_report_pseudonym', ['pseudonym'])
export class QuestionReport {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  questionId!: number;

  @ManyToOne(() => Question, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'questionId' })
  question?: Relation<Question>;

  /** scopedPseudonym(secret, `report:<question>`, member). */
  @Column({ type: 'varchar', length: 64 })
  pseudonym!: string;

  @Column({ type: 'varchar', length: 500 })
  reason!: string;

  @InstantColumn()
  createdAt!: Date;
}
