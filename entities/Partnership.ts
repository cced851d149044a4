import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation, Unique } from 'typeorm';
import { Chapter } from './Chapter.js';
import { InstantColumn } from './columns.js';
import { Member } from './Member.js';

/** What the community can contribute to a partner's event (the guidelines' "Contributions"). */
export const CONTRIBUTIONS = ['coaches', 'materials', 'organisational-help', 'diversity', 'promotion'] as const;
export type Contribution = (typeof CONTRIBUTIONS)[number];

/** What every partner must accept, and what co-organised events add (the guidelines' "Requirements towards a partner"). */
export const BASE_REQUIREMENTS = ['free-promotion', 'open-materials', 'supporter'] as const;
export const CO_ORGANISED_REQUIREMENTS = ['values', 'media', 'name'] as const;
export type RequirementKey = (typeof BASE_REQUIREMENTS)[number] | (typeof CO_ORGANISED_REQUIREMENTS)[number];

export const PROPOSAL_STATUSES = ['proposed', 'approved', 'declined', 'unofficial', 'withdrawn'] as const;
export type ProposalStatus = (typeof PROPOSAL_STATUSES)[number];
export const DECISIONS = ['approve', 'decline', 'unofficial'] as const;
export type DecisionKind = (typeof DECISIONS)[number];

/**
 * A partner's event proposed to a chapter. `status` moves from `proposed` exactly once, by a
 * conditional UPDATE (decision or withdrawal); proposers are members acting openly.
 */
@Entity('partnership_proposal')
@Index('ix_proposal_chapter', ['chapterId', 'status'])
export class PartnershipProposal {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'integer' })
  chapterId!: number;

  @ManyToOne(() => Chapter, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'chapterId' })
  chapter?: Relation<Chapter>;

  @Column({ type: 'integer' })
  proposerId!: number;

  @ManyToOne(() => Member, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'proposerId' })
  proposer?: Relation<Member>;

  @Column({ type: 'varchar', length: 100 })
  partner!: string;

  @Column({ type: 'varchar', length: 150 })
  event!: string;

  /** The event's calendar day, YYYY-MM-DD, in the chapter's time zone. */
  @Column({ type: 'varchar', length: 10 })
  eventDate!: string;

  /** Comma-separated `Contribution`s, in the order of CONTRIBUTIONS. */
  @Column({ type: 'varchar', length: 100 })
  contributions!: string;

  @Column({ type: 'boolean' })
  coOrganised!: boolean;

  @Column({ type: 'varchar', length: 300, nullable: true })
  url!: string | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  details!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: ProposalStatus;

  @InstantColumn()
  createdAt!: Date;
}

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
