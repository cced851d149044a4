import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, type Relation } from 'typeorm';
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
