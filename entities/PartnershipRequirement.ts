import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import { InstantColumn } from './columns.js';
import type { RequirementKey } from './PartnershipProposal.js';
import { PartnershipProposal } from './PartnershipProposal.js';

/** A requirement the proposer or a moderator ticked: one row per proposal and key. */
@Entity('partnership_requirement')
@Unique('uq_requirement_key', ['proposalId', 'key'])
@Index('ix_requirement_author', ['authorKey'])
export class PartnershipRequirement {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  proposalId!: number;

  @ManyToOne(() => PartnershipProposal, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'proposalId' })
  proposal?: Relation<PartnershipProposal>;

  @Column({ type: 'varchar', length: 32 })
  key!: RequirementKey;

  /** The name of who ticked it, as shown then. */
  @Column({ type: 'varchar', length: 100 })
  confirmedBy!: string;

  /** authorKey(secret, whoever ticked it): how `/privacy` finds the row; null in rows written before it existed, and after erasure. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  authorKey!: string | null;

  @InstantColumn()
  confirmedAt!: Date;
}
