import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Chapter } from './Chapter.js';
import { InstantColumn } from './columns.js';
import { Member } from './Member.js';
import { Question } from './Question.js';

/** What an outbox row is, for `/mod outbox` and for what happens once it is sent. */
export const OUTBOX_KINDS = [
  'reminder',
  'signup',
  'offer',
  'draw',
  'day',
  'stuck',
  'feedback',
  'no_show',
  'question_post',
  'asker_notice',
  'notice',
  'dm',
] as const;
export type OutboxKind = (typeof OUTBOX_KINDS)[number];

/**
 * A message the bot sends on its own initiative (issue "Exactly once"), written in the same
 * transaction as the change that causes it and deleted once the platform has it. Exactly one of
 * `memberId` (a DM to a member, gone with the member), `sealedTo` (a DM to an anonymous asker: the
 * question's sealed address, never a user id) and `channel` (a post) says where it goes.
 * `message` is the neutral message as JSON, already in its reader's language.
 */
@Entity('outbox_message')
@Index('ix_outbox_due', ['dueAt'])
@Index('ix_outbox_chapter', ['chapterId'])
export class OutboxMessage {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 16 })
  platform!: string;

  @Column({ type: 'varchar', length: 64 })
  workspace!: string;

  /** The chapter it is about: its moderators see it in `/mod outbox`; gone with the chapter. */
  @Column({ type: 'integer', nullable: true })
  chapterId!: number | null;

  @ManyToOne(() => Chapter, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'chapterId' })
  chapter?: Relation<Chapter>;

  @Column({ type: 'varchar', length: 16 })
  kind!: OutboxKind;

  /** What it is about, for `/mod outbox` (a workshop's or a question's number); never a member. */
  @Column({ type: 'integer', nullable: true })
  subject!: number | null;

  @Column({ type: 'integer', nullable: true })
  memberId!: number | null;

  @ManyToOne(() => Member, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'memberId' })
  member?: Relation<Member>;

  /** An anonymous asker's sealed reply address (see `sealAddress`). */
  @Column({ type: 'varchar', length: 600, nullable: true })
  sealedTo!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  channel!: string | null;

  /** A question post: the question whose post this is (its message is saved on it once sent); gone with the question. */
  @Column({ type: 'integer', nullable: true })
  questionId!: number | null;

  @ManyToOne(() => Question, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'questionId' })
  question?: Relation<Question>;

  @Column({ type: 'text' })
  message!: string;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn()
  dueAt!: Date;

  /** Held by the process sending it until then; a process that died lets it run out. Null: free. */
  @InstantColumn({ nullable: true })
  leasedUntil!: Date | null;

  /** No default in the database: every insert gives it, and TypeORM would read a defaulted column back after each insert. */
  @Column({ type: 'integer' })
  attempts!: number;

  /** When a first attempt may have reached the platform: a re-send looks for it in the channel since then. */
  @InstantColumn({ nullable: true })
  attemptedAt!: Date | null;

  /** Short hashes of the payloads last sent (comma-separated), to find them in a Discord channel's history. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  hashes!: string | null;

  /** The last failure's kind (an error's type, never its text). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  lastError!: string | null;

  /** Given up after OUTBOX_MAX_ATTEMPTS (or refused for good); kept for `/mod outbox` until retried. */
  @InstantColumn({ nullable: true })
  givenUpAt!: Date | null;
}
