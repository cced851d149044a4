import type { EntityManager } from 'typeorm';
import type { Chapter } from '../../entities/Chapter.js';
import type { Member } from '../../entities/Member.js';
import { PartnershipDecision } from '../../entities/PartnershipDecision.js';
import {
  BASE_REQUIREMENTS,
  CO_ORGANISED_REQUIREMENTS,
  CONTRIBUTIONS,
  type Contribution,
  type DecisionKind,
  PartnershipProposal,
  type ProposalStatus,
  type RequirementKey,
} from '../../entities/PartnershipProposal.js';
import { PartnershipRequirement } from '../../entities/PartnershipRequirement.js';
import type { Clock } from '../core/clock.js';
import { UserError } from '../core/errors.js';
import type { LocalDate } from '../core/options.js';
import { isUniqueViolation } from '../db/errors.js';
import type { Store } from '../db/store.js';
import { authorKey } from './anonymity.js';
import type { ChapterService } from './chapters.js';
import type { MemberService } from './members.js';
import { ERASED_USER } from './privacy/records.js';
import type { Identity, Person } from '../core/types.js';

/** The proposal is no longer `proposed`: it was decided (by someone else, just now) or withdrawn. */
function closed(status: ProposalStatus | 'decided'): UserError {
  return new UserError('partner.error.closed', { status: { key: `partner.status.${status}` } });
}

/** Someone acting on a proposal: who, and the chapter they moderate where they act (null if none). */
export interface Acting {
  readonly actor: Person;
  readonly moderatorOf: number | null;
}

/** A proposal with everything shown about it. */
export interface ProposalView {
  readonly proposal: PartnershipProposal;
  readonly chapter: Chapter;
  readonly proposer: Member;
  readonly confirmed: readonly PartnershipRequirement[];
  readonly open: readonly RequirementKey[];
  readonly decision: PartnershipDecision | null;
}

/** `coaches, Organisational Help` → ['coaches', 'organisational-help'], in the canonical order. */
export function parseContributions(text: string): Contribution[] {
  const given = text
    .split(',')
    .map((s) =>
      s
        .trim()
        .toLowerCase()
        .replace(/[\s_]+/g, '-')
        .replace('organizational', 'organisational'),
    )
    .filter(Boolean);
  if (!given.length) throw new UserError('partner.error.no_contribution');
  for (const g of given) {
    const known = CONTRIBUTIONS.find((c) => c === g || (c === 'organisational-help' && g === 'organisational'));
    if (!known) throw new UserError('partner.error.unknown_contribution', { given: g, choices: CONTRIBUTIONS.join(', ') });
  }
  return CONTRIBUTIONS.filter((c) => given.includes(c) || (c === 'organisational-help' && given.includes('organisational')));
}

/** The requirements a proposal must meet: the three of every partnership, three more when co-organised. */
export function requirementsFor(p: Pick<PartnershipProposal, 'coOrganised'>): RequirementKey[] {
  return [...BASE_REQUIREMENTS, ...(p.coOrganised ? CO_ORGANISED_REQUIREMENTS : [])];
}

export const isoDate = (d: LocalDate): string =>
  `${String(d.year).padStart(4, '0')}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

export interface ProposeInput {
  readonly proposer: Person;
  readonly locale?: string;
  readonly chapter: string;
  readonly partner: string;
  readonly event: string;
  readonly date: LocalDate;
  readonly contributions: string;
  readonly coOrganised?: boolean;
  readonly url?: string;
  readonly details?: string;
}

/**
 * Partnership proposals against the community's guidelines. A proposal leaves `proposed`
 * exactly once: a decision or a withdrawal is a conditional UPDATE on that status, and the
 * decision row is unique per proposal, so two moderators pressing at once get one decision.
 */
export class PartnershipService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly chapters: ChapterService,
    private readonly members: MemberService,
    /** ANON_SECRET, for the author keys of requirement ticks and decisions (see anonymity.ts). */
    private readonly secret: string,
  ) {}

  /** Checks everything first, so bad input writes nothing (not even the proposer's member row). */
  async propose(input: ProposeInput): Promise<ProposalView> {
    const contributions = parseContributions(input.contributions);
    const url = input.url?.trim() || null;
    if (url && !/^https?:\/\/[^\s/]+\.[^\s]+$/i.test(url)) throw new UserError('partner.error.bad_url', { given: url });
    const chapter = await this.chapters.get(input.chapter);
    const proposer = await this.members.ensure(input.proposer, input.locale);
    const proposal = await this.store.transaction((em) =>
      em.save(
        em.create(PartnershipProposal, {
          chapterId: chapter.id,
          proposerId: proposer.id,
          partner: input.partner.trim(),
          event: input.event.trim(),
          eventDate: isoDate(input.date),
          contributions: contributions.join(','),
          coOrganised: input.coOrganised ?? false,
          url,
          details: input.details?.trim() || null,
          status: 'proposed',
          createdAt: this.clock.now(),
        }),
      ),
    );
    return { proposal, chapter, proposer, confirmed: [], open: requirementsFor(proposal), decision: null };
  }

  async get(id: number, em: EntityManager = this.store.manager): Promise<ProposalView> {
    const proposal = await em.findOne(PartnershipProposal, { where: { id }, relations: { chapter: true, proposer: true } });
    if (!proposal) throw new UserError('partner.error.not_found', { id });
    const [confirmed, decision] = await Promise.all([
      em.find(PartnershipRequirement, { where: { proposalId: id }, order: { id: 'ASC' } }),
      em.findOneBy(PartnershipDecision, { proposalId: id }),
    ]);
    return viewOf(proposal, confirmed, decision);
  }

  /** Ticks a requirement (the proposer, or a moderator of the proposal's chapter). Ticking twice is harmless. */
  async confirm(id: number, key: string, by: Acting): Promise<{ view: ProposalView; added: boolean; key: RequirementKey }> {
    const before = await this.get(id);
    const { proposal } = before;
    const applicable = requirementsFor(proposal);
    const requirement = applicable.find((k) => k === key.trim().toLowerCase());
    if (!requirement) throw new UserError('partner.error.unknown_requirement', { choices: applicable.join(', ') });
    if (!isProposer(before.proposer, by.actor) && by.moderatorOf !== proposal.chapterId)
      throw new UserError('partner.error.not_allowed', { chapter: before.chapter.name });
    if (proposal.status !== 'proposed') throw closed(proposal.status);
    let added = true;
    try {
      await this.store.transaction((em) =>
        em.insert(PartnershipRequirement, {
          proposalId: id,
          key: requirement,
          confirmedBy: by.actor.name.slice(0, 100),
          authorKey: authorKey(this.secret, by.actor),
          confirmedAt: this.clock.now(),
        }),
      );
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      added = false;
    }
    const view = await this.get(id);
    return { view, added, key: requirement };
  }

  /**
   * The local team's decision. Only a moderator of the proposal's chapter; approval with open
   * requirements needs `force`. The conditional UPDATE takes the row (on PostgreSQL it waits
   * for a concurrent decision and then finds the status changed), and the unique key on the
   * decision's proposal is the last word: whoever comes second gets `closed`.
   */
  async decide(input: { id: number; decision: DecisionKind; reason: string; force?: boolean; by: Acting }): Promise<ProposalView> {
    const { id, by } = input;
    try {
      await this.store.transaction(async (em) => {
        const view = await this.get(id, em);
        if (by.moderatorOf !== view.proposal.chapterId) throw new UserError('partner.error.wrong_chapter', { chapter: view.chapter.name });
        if (view.proposal.status !== 'proposed') throw closed(view.proposal.status);
        const forced = input.decision === 'approve' && view.open.length > 0;
        if (forced && !input.force) throw new UserError('partner.error.open_requirements', { open: view.open.join(', ') });
        const status: ProposalStatus = input.decision === 'approve' ? 'approved' : input.decision === 'decline' ? 'declined' : 'unofficial';
        const moved = await em
          .createQueryBuilder()
          .update(PartnershipProposal)
          .set({ status })
          .where('id = :id AND status = :proposed', { id, proposed: 'proposed' })
          .execute();
        if (!moved.affected) {
          const now = await em.findOneByOrFail(PartnershipProposal, { id });
          throw closed(now.status);
        }
        await em.insert(PartnershipDecision, {
          proposalId: id,
          decision: input.decision,
          reason: input.reason.trim().slice(0, 500),
          forced,
          openRequirements: forced ? view.open.join(',') : null,
          moderatorId: by.actor.id,
          moderatorName: by.actor.name.slice(0, 100),
          authorKey: authorKey(this.secret, by.actor),
          decidedAt: this.clock.now(),
        });
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw closed('decided');
      throw err;
    }
    return this.get(id);
  }

  /**
   * The proposer takes a proposal back while it is still open. A proposal whose proposer erased
   * their data has no one left to do so: the moderators of its chapter may withdraw it.
   */
  async withdraw(id: number, by: Acting): Promise<ProposalView> {
    const view = await this.get(id);
    const orphaned = view.proposer.userId === ERASED_USER && by.moderatorOf === view.proposal.chapterId;
    if (!isProposer(view.proposer, by.actor) && !orphaned) throw new UserError('partner.error.not_proposer');
    await this.store.transaction(async (em) => {
      const moved = await em
        .createQueryBuilder()
        .update(PartnershipProposal)
        .set({ status: 'withdrawn' })
        .where('id = :id AND status = :proposed', { id, proposed: 'proposed' })
        .execute();
      if (!moved.affected) throw closed((await em.findOneByOrFail(PartnershipProposal, { id })).status);
    });
    return this.get(id);
  }

  /** Proposals, newest first, with their decisions; for /partner list and export. */
  async list(filter: { chapter?: string; status?: ProposalStatus; limit?: number } = {}): Promise<ProposalView[]> {
    const chapter = filter.chapter ? await this.chapters.get(filter.chapter) : undefined;
    const proposals = await this.store.manager.find(PartnershipProposal, {
      where: { ...(chapter ? { chapterId: chapter.id } : {}), ...(filter.status ? { status: filter.status } : {}) },
      relations: { chapter: true, proposer: true },
      order: { id: 'DESC' },
      ...(filter.limit ? { take: filter.limit } : {}),
    });
    if (!proposals.length) return [];
    const ids = proposals.map((p) => p.id);
    const [ticks, decisions] = await Promise.all([
      this.store.manager
        .getRepository(PartnershipRequirement)
        .createQueryBuilder('r')
        .where('r.proposalId IN (:...ids)', { ids })
        .orderBy('r.id')
        .getMany(),
      this.store.manager.getRepository(PartnershipDecision).createQueryBuilder('d').where('d.proposalId IN (:...ids)', { ids }).getMany(),
    ]);
    return proposals.map((proposal) =>
      viewOf(
        proposal,
        ticks.filter((t) => t.proposalId === proposal.id),
        decisions.find((d) => d.proposalId === proposal.id) ?? null,
      ),
    );
  }
}

/** A proposal with its chapter, proposer, ticked requirements, the ones still open, and its decision. */
function viewOf(proposal: PartnershipProposal, confirmed: PartnershipRequirement[], decision: PartnershipDecision | null): ProposalView {
  const ticked = new Set(confirmed.map((c) => c.key));
  return {
    proposal,
    chapter: proposal.chapter!,
    proposer: proposal.proposer!,
    confirmed,
    open: requirementsFor(proposal).filter((k) => !ticked.has(k)),
    decision,
  };
}

function isProposer(proposer: Member, actor: Identity): boolean {
  return proposer.platform === actor.platform && proposer.workspace === actor.workspace && proposer.userId === actor.id;
}
