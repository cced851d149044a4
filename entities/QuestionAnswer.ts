import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { InstantColumn } from './columns.js';
import { Question } from './Question.js';

/** An answer, posted under the answerer's name (answerers are not anonymous; no id is kept, only their author key). */
@Entity('question_answer')
@Index('ix_answer_question', ['questionId'])
@Index('ix_answer_author', ['authorKey'])
export class QuestionAnswer {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  questionId!: number;

  @ManyToOne(() => Question, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'questionId' })
  question?: Relation<Question>;

  @Column({ type: 'varchar', length: 100 })
  authorName!: string;

  /** authorKey(secret, the answerer): how `/privacy` finds the row; null in rows written before it existed, and after erasure. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  authorKey!: string | null;

  @Column({ type: 'text' })
  text!: string;

  @InstantColumn()
  createdAt!: Date;
}
