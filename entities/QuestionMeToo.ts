import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import { Question } from './Question.js';

/** One member's "me too" on a question; the scoped pseudonym makes it one per person. */
@Entity('question_me_too')
@Unique('uq_me_too', ['questionId', 'pseudonym'])
@Index('ix_me_too_pseudonym', ['pseudonym'])
export class QuestionMeToo {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  questionId!: number;

  @ManyToOne(() => Question, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'questionId' })
  question?: Relation<Question>;

  /** scopedPseudonym(secret, `metoo:<question>`, member). */
  @Column({ type: 'varchar', length: 64 })
  pseudonym!: string;
}
