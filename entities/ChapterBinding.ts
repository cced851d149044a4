import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Chapter } from './Chapter.js';

/**
 * Binds a Discord guild or Slack workspace (or one channel inside it) to a chapter. A
 * chapter may be bound in several places (its Discord and its Slack); a place has one
 * chapter. `channel` is '' for the whole workspace, so the unique key also covers it.
 */
@Entity('chapter_binding')
@Index('uq_binding_place', ['platform', 'workspace', 'channel'], { unique: true })
export class ChapterBinding {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  chapterId!: number;

  @ManyToOne(() => Chapter, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'chapterId' })
  chapter?: Relation<Chapter>;

  @Column({ type: 'varchar', length: 16 })
  platform!: string;

  @Column({ type: 'varchar', length: 64 })
  workspace!: string;

  @Column({ type: 'varchar', length: 64, default: '' })
  channel!: string;
}
