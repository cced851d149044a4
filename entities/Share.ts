import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Chapter } from './Chapter.js';
import { InstantColumn } from './columns.js';
import { Member } from './Member.js';
import { Workshop } from './Workshop.js';

/**
 * A project a learner chose to share (`/share`): posted under their name in the chapter's
 * showcase channel, in the platform and workspace where they shared it. A share of a workshop
 * they attended counts towards their invitation to coach (one per workshop); a hidden one no
 * longer does. Erased with the member (`/privacy delete`).
 */
@Entity('share')
@Index('ix_share_member', ['memberId'])
@Index('ix_share_chapter', ['chapterId'])
export class Share {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  chapterId!: number;

  @ManyToOne(() => Chapter, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'chapterId' })
  chapter?: Relation<Chapter>;

  @Column({ type: 'integer' })
  memberId!: number;

  @ManyToOne(() => Member, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'memberId' })
  member?: Relation<Member>;

  /** The workshop it came out of; null when none was named, or once that workshop is gone. */
  @Column({ type: 'integer', nullable: true })
  workshopId!: number | null;

  @ManyToOne(() => Workshop, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'workshopId' })
  workshop?: Relation<Workshop> | null;

  @Column({ type: 'varchar', length: 500 })
  text!: string;

  /** An http(s) link in the materials' canonical form (see `materialUrl`). */
  @Column({ type: 'varchar', length: 500, nullable: true })
  url!: string | null;

  /** Where it is posted: the platform and workspace it was shared in, the chapter's showcase channel there. */
  @Column({ type: 'varchar', length: 16 })
  platform!: string;

  @Column({ type: 'varchar', length: 64 })
  workspace!: string;

  @Column({ type: 'varchar', length: 64 })
  channelId!: string;

  /** The post; null until it is posted. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  messageId!: string | null;

  @InstantColumn({ nullable: true })
  hiddenAt!: Date | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  hiddenReason!: string | null;

  @InstantColumn()
  createdAt!: Date;
}
