import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import { InstantColumn } from './columns.js';
import type { DecisionKind } from './PartnershipProposal.js';
import { PartnershipProposal } from './PartnershipProposal.js';

/** The local team's one decision on a proposal; the unique key on `proposalId` keeps it one. */
@Entity('partnership_decision')
@Unique('uq_decision_proposal', ['proposalId'])
@Index('ix_decision_author', ['authorKey'])
export class PartnershipDecision {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  proposalId!: number;

  @ManyToOne(() => PartnershipProposal, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'proposalId' })
  proposal?: Relation<PartnershipProposal>;

  @Column({ type: 'varchar', length: 16 })
  decision!: DecisionKind;

  @Column({ type: 'varchar', length: 500 })
  reason!: string;

  /** Approved with requirements still open (`force:true`); `openRequirements` says which. */
  @Column({ type: 'boolean' })
  forced!: boolean;

  @Column({ type: 'varchar', length: 200, nullable: true })
  openRequirements!: string | null;

  /** The moderator, who acts openly (platform user id and the name shown then). */
  @Column({ type: 'varchar', length: 64 })
  moderatorId!: string;

  @Column({ type: 'varchar', length: 100 })
  moderatorName!: string;

  /** authorKey(secret, the moderator): how `/privacy` finds the row; null in rows written before it existed, and after erasure. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  authorKey!: string | null;

  @InstantColumn()
  decidedAt!: Date;
}
