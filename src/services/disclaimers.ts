import { IsNull } from 'typeorm';
import { Disclaimer, type DisclaimerRole } from '../../entities/Disclaimer.js';
import { Member } from '../../entities/Member.js';
import type { Clock } from '../core/clock.js';
import { UserError } from '../core/errors.js';
import type { LocalDate } from '../core/options.js';
import type { Store } from '../db/store.js';
import type { MemberService } from './members.js';
import { isoDate } from './partnerships.js';
import type { Identity, Person } from '../core/types.js';

/**
 * The register of unofficial support disclaimers: members who help an event as individuals,
 * not on behalf of the community. Public by design (the disclaimers channel gets a line);
 * a withdrawn entry stays, marked, so the register never silently changes.
 */
export class DisclaimerService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly members: MemberService,
  ) {}

  async log(input: {
    member: Person;
    locale?: string;
    chapterId: number | null;
    event: string;
    date: LocalDate;
    organiser?: string;
    role?: DisclaimerRole;
    notes?: string;
  }): Promise<Disclaimer> {
    const member = await this.members.ensure(input.member, input.locale);
    const saved = await this.store.transaction((em) =>
      em.save(
        em.create(Disclaimer, {
          memberId: member.id,
          chapterId: input.chapterId,
          event: input.event.trim(),
          eventDate: isoDate(input.date),
          organiser: input.organiser?.trim() || null,
          role: input.role ?? 'helper',
          notes: input.notes?.trim() || null,
          createdAt: this.clock.now(),
          withdrawnAt: null,
        }),
      ),
    );
    saved.member = member;
    return saved;
  }

  /** The member's own disclaimers, newest first, at most `limit` (none if the bot never stored them). */
  async mine(who: Identity, limit: number): Promise<Disclaimer[]> {
    const member = await this.store.manager.findOneBy(Member, { platform: who.platform, workspace: who.workspace, userId: who.id });
    if (!member) return [];
    return this.store.manager.find(Disclaimer, { where: { memberId: member.id }, order: { id: 'DESC' }, take: limit });
  }

  /** Withdraws one's own disclaimer; a conditional UPDATE, so it happens once. */
  async withdraw(id: number, who: Identity): Promise<Disclaimer> {
    const found = await this.store.manager.findOne(Disclaimer, { where: { id }, relations: { member: true } });
    if (!found) throw new UserError('disclaimer.error.not_found');
    const m = found.member!;
    if (m.platform !== who.platform || m.workspace !== who.workspace || m.userId !== who.id)
      throw new UserError('disclaimer.error.not_yours');
    const at = this.clock.now();
    const result = await this.store.transaction((em) => em.update(Disclaimer, { id, withdrawnAt: IsNull() }, { withdrawnAt: at }));
    if (!result.affected) throw new UserError('disclaimer.error.withdrawn');
    found.withdrawnAt = at;
    return found;
  }

  /**
   * Disclaimers of members of one workspace, newest first; `event` matches part of the title
   * regardless of case, `member` is a platform user id.
   */
  async list(filter: {
    chapterId: number;
    platform: string;
    workspace: string;
    event?: string;
    member?: string;
    limit?: number;
  }): Promise<Disclaimer[]> {
    // The chapter's register, and the disclaimers of this workspace's members logged where no chapter was bound.
    const query = this.store.manager
      .getRepository(Disclaimer)
      .createQueryBuilder('d')
      .innerJoinAndSelect('d.member', 'm')
      .where('(d.chapterId = :chapter OR (d.chapterId IS NULL AND m.platform = :platform AND m.workspace = :workspace))', {
        chapter: filter.chapterId,
        platform: filter.platform,
        workspace: filter.workspace,
      });
    if (filter.event)
      query.andWhere("LOWER(d.event) LIKE :event ESCAPE '\\'", {
        event: `%${filter.event.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
      });
    if (filter.member) query.andWhere('m.userId = :member', { member: filter.member });
    return query
      .orderBy('d.id', 'DESC')
      .take(filter.limit ?? 50)
      .getMany();
  }
}
