import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Chapter } from './Chapter.js';
import { InstantColumn } from './columns.js';

/**
 * A one-time code with which another server or workspace joins a chapter: made by a moderator
 * of the chapter where it is bound (`/chapter link`), or by an operator for a chapter bound
 * nowhere (`npm run chapter:code`). Only a hash of the code is kept.
 */
@Entity('chapter_link_code')
export class ChapterLinkCode {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  chapterId!: number;

  @ManyToOne(() => Chapter, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'chapterId' })
  chapter?: Relation<Chapter>;

  /** SHA-256 of the code as shown, hex. */
  @Column({ type: 'varchar', length: 64, unique: true })
  codeHash!: string;

  /** Who made it: `moderator` (the audit log names them, `/chapter link`) or `operator` (`npm run chapter:code`); no person. */
  @Column({ type: 'varchar', length: 100 })
  createdBy!: string;

  @InstantColumn()
  createdAt!: Date;

  @InstantColumn()
  expiresAt!: Date;

  /** Set once, by the conditional update that uses it. */
  @InstantColumn({ nullable: true })
  usedAt!: Date | null;
}
