import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import { Chapter } from './Chapter.js';
import { InstantColumn } from './columns.js';

export type QuestionStatus = 'open' | 'pending' | 'closed';

/**
 * An anonymous question. It holds the asker's pseudonym, never their user id; the only way
 * back to the asker is `replyTo`, encrypted with a key derived from ANON_SECRET and erased
 * when the question is closed or 30 days after it was asked (sealed again, for 30 days, when
 * the asker reopens it).
 */
@Entity('question')
@Index('ix_question_pseudonym', ['pseudonym', 'createdAt'])
@Index('ix_question_due', ['postedAt', 'postAt'])
export class Question {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  chapterId!: number;

  @ManyToOne(() => Chapter, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'chapterId' })
  chapter?: Relation<Chapter>;

  /** HMAC-SHA256(ANON_SECRET, platform:workspace:user), hex. */
  @Column({ type: 'varchar', length: 64 })
  pseudonym!: string;

  @Column({ type: 'text' })
  text!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  topic!: string | null;

  @Column({ type: 'integer', nullable: true })
  workshopId!: number | null;

  /** open → pending (answered, waiting for the asker) → closed (answered). */
  @Column({ type: 'varchar', length: 16, default: 'open' })
  status!: QuestionStatus;

  /** Where it is (to be) posted: the platform and workspace it was asked in, the chapter's questions channel there. */
  @Column({ type: 'varchar', length: 16 })
  platform!: string;

  @Column({ type: 'varchar', length: 64 })
  workspace!: string;

  @Column({ type: 'varchar', length: 64 })
  channel!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  messageId!: string | null;

  /** When to post (now, or later with ANON_POST_DELAY_MAX); persisted so a restart keeps it. */
  @InstantColumn()
  postAt!: Date;

  @InstantColumn({ nullable: true })
  postedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  replyTo!: string | null;

  @InstantColumn({ nullable: true })
  replyToExpiresAt!: Date | null;

  @InstantColumn({ nullable: true })
  hiddenAt!: Date | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  hiddenReason!: string | null;

  @InstantColumn()
  createdAt!: Date;

  /**
   * Notices for the asker that could not be delivered by direct message (DMs closed, no address
   * left, the platform's adapter not running here): JSON `[{ key, params }]`, catalogue keys and
   * their values, never the asker's id. `/ask mine` shows them once and clears them.
   */
  @Column({ type: 'text', nullable: true })
  pendingNotices!: string | null;
}

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

/** A block on a pseudonym: its owner cannot ask, follow up or answer until it expires. Nobody learns who it is. */
@Entity('anon_block')
@Index('ix_block_pseudonym', ['pseudonym'])
@Index('ix_block_author', ['authorKey'])
export class AnonBlock {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 64 })
  pseudonym!: string;

  /** The question that caused it. */
  @Column({ type: 'integer' })
  questionId!: number;

  /** The chapter where it was set: a block applies there only. Null for blocks set before chapters scoped them (then: the question's chapter). */
  @Column({ type: 'integer', nullable: true })
  chapterId!: number | null;

  @Column({ type: 'varchar', length: 500 })
  reason!: string;

  /** The moderator, by name (moderators act openly). */
  @Column({ type: 'varchar', length: 100 })
  moderatorName!: string;

  /** authorKey(secret, the moderator): how `/privacy` finds the row; null in rows written before it existed, and after erasure. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  authorKey!: string | null;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn()
  expiresAt!: Date;

  @InstantColumn({ nullable: true })
  liftedAt!: Date | null;
}
