import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { InstantColumn } from './columns.js';

/**
 * What a mirrored event is now: `pending` has no event (not made yet, a failed attempt, or removed
 * because the workshop no longer fits or its chapter is no longer bound here: it may be made again);
 * `mirrored` is event `eventId`, showing the workshop's `revision`; `cancelled` was cancelled with
 * the workshop; `gone` disappeared on Discord without the bot (someone deleted it), and is left so.
 */
export type ScheduledEventState = 'pending' | 'mirrored' | 'cancelled' | 'gone';

/**
 * A workshop shown as a Discord scheduled event in one guild (src/adapters/discord/scheduled-events.ts).
 * The row is the claim: the unique key lets one process, whichever inserted it, make the event, so a
 * workshop has at most one event per guild however many processes reconcile. `leaseUntil` is held
 * while a process calls Discord for this row (create, edit, cancel, delete), so no two do at once.
 * No foreign key to the workshop: the row outlives a deleted workshop until its event is deleted.
 */
@Entity('scheduled_event')
@Index('uq_scheduled_event_workshop_guild', ['workshopId', 'guild'], { unique: true })
export class ScheduledEvent {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  workshopId!: number;

  /** The Discord guild (server) id. */
  @Column({ type: 'varchar', length: 64 })
  guild!: string;

  /** The event's id on Discord; null while there is none. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  eventId!: string | null;

  @Column({ type: 'varchar', length: 16 })
  state!: ScheduledEventState;

  /** The workshop's `revision` the event shows; an edit of the workshop bumps it, and the event follows. */
  @Column({ type: 'integer' })
  revision!: number;

  /** While set and in the future, one process is calling Discord for this row. */
  @InstantColumn({ nullable: true })
  leaseUntil!: Date | null;

  @InstantColumn()
  updatedAt!: Date;
}
