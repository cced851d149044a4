import type { Chapter } from '../../entities/Chapter.js';
import { Coach, type CoachLevel, type CoachStatus } from '../../entities/Coach.js';
import { Member } from '../../entities/Member.js';
import { In } from 'typeorm';
import { Workshop } from '../../entities/Workshop.js';
import { WorkshopSignup } from '../../entities/WorkshopSignup.js';
import type { Clock } from '../core/clock.js';
import { UserError } from '../core/errors.js';
import { isUniqueViolation } from '../db/errors.js';
import type { Store } from '../db/store.js';
import type { MemberService } from './members.js';
import type { WorkshopService } from './workshops/service.js';
import type { Identity, Person } from '../core/types.js';

export interface CoachInput {
  readonly topics?: string;
  readonly languages?: string;
  readonly level?: CoachLevel;
  /** null: no chapter (any). */
  readonly chapter?: Chapter | null;
  readonly bio?: string;
  /** Named on the public chapter page. */
  readonly public?: boolean;
}

export interface CoachSummary {
  readonly coach: Coach;
  readonly member: Member;
  /** Workshops that took place with this coach holding a slot. */
  readonly coached: number;
}

/** `Python, python , JS` → `Python, JS`: trimmed, without empties or duplicates (any case). */
export function normaliseList(raw: string): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const item of raw
    .split(',')
    .map((s) => s.trim().replace(/\s+/g, ' '))
    .filter(Boolean)) {
    if (seen.has(item.toLowerCase())) continue;
    seen.add(item.toLowerCase());
    out.push(item);
  }
  return out.join(', ');
}

export const listItems = (list: string | null): string[] => (list ? list.split(', ') : []);

/** Coaches: any member may volunteer, pause, resume and retire; active coaches claim slots. */
export class CoachService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly members: MemberService,
    private readonly workshops: WorkshopService,
  ) {}

  /** Makes the member a coach (again, after retiring). */
  async volunteer(actor: Person, input: CoachInput & { topics: string }, locale?: string): Promise<Coach> {
    const topics = this.topics(input.topics);
    const member = await this.members.ensure(actor, locale);
    const now = this.clock.now();
    const fields = {
      topics,
      languages: input.languages !== undefined ? normaliseList(input.languages).slice(0, 200) || null : null,
      level: input.level ?? null,
      chapterId: input.chapter?.id ?? null,
      bio: input.bio?.trim().slice(0, 500) || null,
      public: input.public ?? null,
      status: 'active' as const,
      updatedAt: now,
    };
    try {
      return await this.store.transaction(async (em) => {
        const existing = await em.findOneBy(Coach, { memberId: member.id });
        if (existing && existing.status !== 'retired') throw new UserError('coach.already');
        if (existing) {
          await em.update(Coach, { id: existing.id }, fields);
          return em.findOneByOrFail(Coach, { id: existing.id });
        }
        return em.save(em.create(Coach, { memberId: member.id, createdAt: now, ...fields }));
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new UserError('coach.already');
      throw err;
    }
  }

  /** Changes the given parts of the profile. */
  async update(actor: Person, input: CoachInput): Promise<Coach> {
    const coach = await this.current(actor);
    const changes: Partial<Coach> = { updatedAt: this.clock.now() };
    if (input.topics !== undefined) changes.topics = this.topics(input.topics);
    if (input.languages !== undefined) changes.languages = normaliseList(input.languages).slice(0, 200) || null;
    if (input.level !== undefined) changes.level = input.level;
    if (input.chapter !== undefined) changes.chapterId = input.chapter?.id ?? null;
    if (input.bio !== undefined) changes.bio = input.bio.trim().slice(0, 500) || null;
    if (input.public !== undefined) changes.public = input.public;
    await this.store.transaction((em) => em.update(Coach, { id: coach.id }, changes));
    return { ...coach, ...changes };
  }

  /**
   * pause/resume/retire, each only from the state it makes sense from (a conditional update).
   * Retiring gives up the coach's upcoming slots and waitlist places, promoting whoever waits.
   */
  async setStatus(actor: Person, to: CoachStatus): Promise<{ coach: Coach; released: number }> {
    const coach = await this.current(actor);
    const from: CoachStatus[] = to === 'paused' ? ['active'] : to === 'active' ? ['paused'] : ['active', 'paused'];
    if (!from.includes(coach.status)) throw new UserError(to === 'paused' ? 'coach.pause.already' : 'coach.resume.not_paused');
    await this.store.transaction((em) =>
      em.update(Coach, { id: coach.id, status: coach.status }, { status: to, updatedAt: this.clock.now() }),
    );
    let released = 0;
    if (to === 'retired') {
      for (const workshopId of await this.workshops.upcomingSignups(coach.memberId, 'coach')) {
        await this.workshops.release(actor, workshopId);
        released++;
      }
    }
    return { coach: { ...coach, status: to }, released };
  }

  /** The member's coach profile (any status), or null. */
  async profile(who: Identity): Promise<CoachSummary | null> {
    const coach = await this.store.manager
      .getRepository(Coach)
      .createQueryBuilder('c')
      .innerJoinAndSelect('c.member', 'm')
      .leftJoinAndSelect('c.chapter', 'ch')
      .where('m.platform = :platform AND m.workspace = :workspace AND m.userId = :userId', {
        platform: who.platform,
        workspace: who.workspace,
        userId: who.id,
      })
      .getOne();
    if (!coach) return null;
    return { coach, member: coach.member!, coached: (await this.coachedCounts([coach.memberId])).get(coach.memberId) ?? 0 };
  }

  /** Whether the member is an active coach (the dispatcher's coach check). */
  async isActive(who: Identity): Promise<boolean> {
    const found = await this.store.manager
      .getRepository(Coach)
      .createQueryBuilder('c')
      .innerJoin('c.member', 'm')
      .where('m.platform = :platform AND m.workspace = :workspace AND m.userId = :userId AND c.status = :status', {
        platform: who.platform,
        workspace: who.workspace,
        userId: who.id,
        status: 'active',
      })
      .getCount();
    return found > 0;
  }

  /** Active coaches, optionally of one topic (any case) and one chapter, by name. */
  async list(filter: { topic?: string; chapterId?: number } = {}): Promise<CoachSummary[]> {
    const qb = this.store.manager
      .getRepository(Coach)
      .createQueryBuilder('c')
      .innerJoinAndSelect('c.member', 'm')
      .leftJoinAndSelect('c.chapter', 'ch')
      .where('c.status = :status', { status: 'active' });
    if (filter.chapterId !== undefined) qb.andWhere('c.chapterId = :chapterId', { chapterId: filter.chapterId });
    const topic = filter.topic?.trim().toLowerCase();
    const coaches = (await qb.orderBy('m.displayName', 'ASC').getMany()).filter(
      (c) => !topic || listItems(c.topics).some((x) => x.toLowerCase() === topic),
    );
    const counts = await this.coachedCounts(coaches.map((c) => c.memberId));
    return coaches.map((coach) => ({ coach, member: coach.member!, coached: counts.get(coach.memberId) ?? 0 }));
  }

  /** The member's row if they are a coach in any status but retired. */
  async current(actor: Person): Promise<Coach> {
    const member = await this.store.manager
      .getRepository(Member)
      .findOneBy({ platform: actor.platform, workspace: actor.workspace, userId: actor.id });
    const coach = member && (await this.store.manager.getRepository(Coach).findOneBy({ memberId: member.id }));
    if (!coach || coach.status === 'retired') throw new UserError('coach.not_coach');
    return coach;
  }

  private topics(raw: string): string {
    const topics = normaliseList(raw);
    if (!topics) throw new UserError('coach.topics.empty');
    if (topics.length > 300) throw new UserError('coach.topics.too_long');
    return topics;
  }

  /** Workshops that have begun, not cancelled, where each member held a claimed slot. */
  private async coachedCounts(memberIds: readonly number[]): Promise<Map<number, number>> {
    if (!memberIds.length) return new Map();
    const rows: { memberId: number | string; n: number | string }[] = await this.store.manager
      .getRepository(WorkshopSignup)
      .createQueryBuilder('s')
      .innerJoin(Workshop, 'w', 'w.id = s.workshopId')
      .select('s.memberId', 'memberId')
      .addSelect('COUNT(*)', 'n')
      .where('s.memberId IN (:...ids) AND s.role = :role AND s.state = :state', { ids: memberIds, role: 'coach', state: 'confirmed' })
      .andWhere('w.status = :status AND w.startsAt <= :now', { status: 'scheduled', now: this.clock.now().getTime() })
      .groupBy('s.memberId')
      .getRawMany();
    return new Map(rows.map((r) => [Number(r.memberId), Number(r.n)]));
  }

  /** The display names of coaches holding a slot at each workshop who opted in to be named publicly (`/coach update public:true`). */
  async publicNames(workshopIds: readonly number[]): Promise<Map<number, string[]>> {
    const out = new Map<number, string[]>(workshopIds.map((id) => [id, []]));
    if (!workshopIds.length) return out;
    const rows = await this.store.manager
      .getRepository(WorkshopSignup)
      .createQueryBuilder('s')
      .innerJoinAndSelect('s.member', 'm')
      .innerJoin(Coach, 'c', 'c.memberId = s.memberId')
      .where({ workshopId: In([...workshopIds]), role: 'coach', state: 'confirmed' })
      .andWhere('c.public = :yes AND c.status <> :retired', { yes: true, retired: 'retired' })
      .orderBy('s.id', 'ASC')
      .getMany();
    for (const r of rows) out.get(r.workshopId)!.push(r.member!.displayName);
    return out;
  }
}
