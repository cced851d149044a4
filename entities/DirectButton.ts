import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Chapter } from './Chapter.js';
import { InstantColumn } from './columns.js';
import { Member } from './Member.js';

/**
 * A button sent in a direct message (see `DirectButtons`). A DM belongs to no server, so the
 * platform's button carries only `token`, and this row says where a press acts: the workspace,
 * the chapter, the member it was sent to and the command line it stands for. The token alone
 * grants nothing: a press counts only from the member it was sent to, so it is kept as it is.
 */
@Entity('direct_button')
@Index('uq_direct_button_token', ['token'], { unique: true })
@Index('ix_direct_button_member', ['memberId'])
@Index('ix_direct_button_expires', ['expiresAt'])
export class DirectButton {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  /** 22 characters of base64url: 128 random bits, so a reference cannot be guessed. */
  @Column({ type: 'varchar', length: 32 })
  token!: string;

  /** The recipient's platform and workspace (Discord guild id, Slack team id, `console`): where a press acts. */
  @Column({ type: 'varchar', length: 16 })
  platform!: string;

  @Column({ type: 'varchar', length: 64 })
  workspace!: string;

  /** The chapter the message is about; null when it is about none. */
  @Column({ type: 'integer', nullable: true })
  chapterId!: number | null;

  @ManyToOne(() => Chapter, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'chapterId' })
  chapter?: Relation<Chapter> | null;

  /** The recipient: only they may press it. */
  @Column({ type: 'integer' })
  memberId!: number;

  @ManyToOne(() => Member, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'memberId' })
  member?: Relation<Member>;

  /** The command line a press runs, as a button's `command` (e.g. `/workshop leave id:4`). */
  @Column({ type: 'varchar', length: 200 })
  command!: string;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn()
  expiresAt!: Date;
}
