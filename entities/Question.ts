import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
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

  /**
   * Unused since question posts are outbox rows (the outbox tells the moderators once when it gives
   * a post up); cleared when the question is posted. Kept so older rows and migrations stay valid.
   */
  @InstantColumn({ nullable: true })
  postFailureReportedAt!: Date | null;

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
