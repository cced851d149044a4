import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
import { ChapterFeed } from './ChapterFeed.js';
import { InstantColumn } from './columns.js';
import { Workshop } from './Workshop.js';

/**
 * One event occurrence of a feed and the workshop it became: the event's UID plus, for an
 * occurrence of a repeating event, its RECURRENCE-ID (the original start, in UTC). Unique per feed,
 * so reading a feed again, in any process, never makes a second workshop.
 */
@Entity('feed_event')
@Index('uq_feed_event', ['feedId', 'uid', 'recurrenceId'], { unique: true })
export class FeedEvent {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  feedId!: number;

  @ManyToOne(() => ChapterFeed, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'feedId' })
  feed?: Relation<ChapterFeed>;

  @Column({ type: 'varchar', length: 255 })
  uid!: string;

  /** `YYYYMMDDTHHMMSSZ` for an occurrence of a repeating event; empty for a single event. */
  @Column({ type: 'varchar', length: 32 })
  recurrenceId!: string;

  @Index('ix_feed_event_workshop')
  @Column({ type: 'integer' })
  workshopId!: number;

  @ManyToOne(() => Workshop, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workshopId' })
  workshop?: Relation<Workshop>;

  /** The event's page (Meetup's, lu.ma's), shown as "details on Meetup". */
  @Column({ type: 'varchar', length: 2000, nullable: true })
  url!: string | null;

  /** The workshop fields a moderator changed by hand (`title,start`): the feed leaves them alone. */
  @Column({ type: 'varchar', length: 200 })
  handEdited!: string;

  /** When a sync last found the event in the feed. */
  @InstantColumn()
  seenAt!: Date;
}
