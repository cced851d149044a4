import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { Chapter } from './Chapter.js';

export const CHANNEL_PURPOSES = ['questions', 'announcements', 'moderation', 'disclaimers', 'workshops', 'showcase'] as const;
export type ChannelPurpose = (typeof CHANNEL_PURPOSES)[number];
/** Not a channel: the row whose `channelId` holds the role that makes members moderators of the chapter here (Discord). */
export const MODERATOR_ROLE = 'moderator-role';
/**
 * Not a channel either, but stored alike (per chapter, platform and workspace): the platform's
 * group whose members moderate the chapter there (a Slack user group id).
 */
export const MODERATOR_GROUP = 'moderator-group';
/** What a row of this table says: a channel by purpose, the moderator role or the moderator group. */
export type ChapterPlace = ChannelPurpose | typeof MODERATOR_ROLE | typeof MODERATOR_GROUP;
/** The Slack adapter's name for the same. */
export type ChapterChannelPurpose = ChapterPlace;

/**
 * Which channel a chapter uses for what, per platform and workspace: a chapter on Discord
 * and on Slack has a questions channel on each, with different ids.
 */
@Entity('chapter_channel')
@Index('uq_chapter_channel', ['chapterId', 'platform', 'workspace', 'purpose'], { unique: true })
export class ChapterChannel {
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

  @Column({ type: 'varchar', length: 16 })
  purpose!: ChapterPlace;

  @Column({ type: 'varchar', length: 64 })
  channelId!: string;
}
