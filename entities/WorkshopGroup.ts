import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import { InstantColumn } from './columns.js';
import { Workshop } from './Workshop.js';

/**
 * A group's own place to talk on one platform and workspace (a Discord private thread, a Slack
 * group DM or private channel). Who is in group `number` is on the signups (`groupNumber`); this
 * row only says where they talk. The unique key and the claim (`claimedAt`, set by a conditional
 * update) make the place once per group, also when two processes make the groups at once.
 */
@Entity('workshop_group')
@Unique('uq_workshop_group_place', ['workshopId', 'number', 'platform', 'workspace'])
export class WorkshopGroup {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  workshopId!: number;

  @ManyToOne(() => Workshop, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'workshopId' })
  workshop?: Relation<Workshop>;

  @Column({ type: 'integer' })
  number!: number;

  @Column({ type: 'varchar', length: 16 })
  platform!: string;

  @Column({ type: 'varchar', length: 64 })
  workspace!: string;

  /** The place's channel id, once made. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  place!: string | null;

  /** When a process took on making the place; a claim older than a few minutes without a place is taken again. */
  @InstantColumn({ nullable: true })
  claimedAt!: Date | null;
}
