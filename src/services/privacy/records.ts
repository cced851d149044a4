import { randomBytes } from 'node:crypto';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { In, IsNull, Like, type EntityManager } from 'typeorm';
import { AuditEntry } from '../../../entities/AuditEntry.js';
import { Member } from '../../../entities/Member.js';
import { PartnershipDecision } from '../../../entities/PartnershipDecision.js';
import type { QuestionMeToo } from '../../../entities/QuestionMeToo.js';
import type { QuestionReport } from '../../../entities/QuestionReport.js';
import { ERASED_NAME } from '../../core/i18n.js';
import type { Person } from '../../core/types.js';
import type { Store } from '../../db/store.js';
import { scopedPseudonym } from '../anonymity.js';

/** What stands where an erased member's id or name was: proposals, audit entries and answers outlive the member. */
export const ERASED = ERASED_NAME;
/** The user id of the one stand-in member per workspace that keeps an erased member's proposals. */
export const ERASED_USER = '~erased';

export const randomPseudonym = (): string => randomBytes(32).toString('hex');

/** Questions whose scoped pseudonyms are computed per round; between rounds other work gets the process. */
const QUESTION_PAGE = 1000;

/**
 * `find` over a long list of keys, a few hundred at a time: a statement has at most 32,766
 * parameters on SQLite and 65,535 on PostgreSQL, and a busy community's me-toos exceed that.
 */
export async function inChunks<K, T>(keys: readonly K[], find: (chunk: K[]) => Promise<T[]>, size = 500): Promise<T[]> {
  const found: T[] = [];
  for (let i = 0; i < keys.length; i += size) found.push(...(await find(keys.slice(i, i + size))));
  return found;
}
export const at = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

/**
 * Finds a member's rows by stable keys only, never by display name (see PrivacyService): the member
 * row, their me-toos and reports by per-question pseudonyms, and the partnership decisions they made.
 */
export class MemberRecords {
  constructor(
    private readonly store: Store,
    private readonly secret: string,
  ) {}

  member(who: Person): Promise<Member | null> {
    return this.store.manager.findOneBy(Member, { platform: who.platform, workspace: who.workspace, userId: who.id });
  }

  /**
   * The ids of the member's me-toos (or reports), with the question each is on. Their per-question
   * pseudonyms cannot be linked to the member without computing them (that is their point), so
   * one is computed for every question that has any me-too (or report), a page of questions at
   * a time, and looked up by the pseudonym's index; the process serves other commands between
   * pages. The lookups are plain SQL: through the query builder, 500 parameters cost more to
   * prepare than the indexed search itself.
   */
  async scopedRows(
    entity: typeof QuestionMeToo | typeof QuestionReport,
    scope: 'metoo' | 'report',
    who: Person,
  ): Promise<{ id: number; question: number }[]> {
    const em = this.store.manager;
    const identity = { platform: who.platform, workspace: who.workspace, id: who.id };
    const table = em.connection
      .getMetadata(entity)
      .tablePath.split('.')
      .map((part) => `"${part}"`)
      .join('.');
    const mark = em.connection.options.type === 'postgres' ? (i: number) => `$${i + 1}` : () => '?';
    const found: { id: number; question: number }[] = [];
    for (let after = 0; ;) {
      const page = (
        await em
          .getRepository(entity)
          .createQueryBuilder('x')
          .select('DISTINCT x.questionId', 'id')
          .where('x.questionId > :after', { after })
          .orderBy('x.questionId', 'ASC')
          .limit(QUESTION_PAGE)
          .getRawMany<{ id: number | string }>()
      ).map((r) => Number(r.id));
      const byPseudonym = new Map(page.map((id) => [scopedPseudonym(this.secret, `${scope}:${id}`, identity), id]));
      const rows = await inChunks(
        [...byPseudonym.keys()],
        (chunk) =>
          em.query(
            `SELECT "id", "pseudonym" FROM ${table} WHERE "pseudonym" IN (${chunk.map((_, i) => mark(i)).join(', ')})`,
            chunk,
          ) as Promise<{ id: number | string; pseudonym: string }[]>,
      );
      for (const row of rows) found.push({ id: Number(row.id), question: byPseudonym.get(row.pseudonym)! });
      if (page.length < QUESTION_PAGE) break;
      after = page[page.length - 1]!;
      await nextTurn();
    }
    return found.sort((a, b) => a.question - b.question);
  }

  /**
   * Partnership decisions the member made. Decisions written since author keys exist carry one;
   * older ones are found through the member's own audit entries (`partner decide` on
   * `partnership:<id>`, filed with platform, workspace and user id) and the user id the decision kept.
   */
  async decisionsBy(em: EntityManager, who: Person, key: string): Promise<PartnershipDecision[]> {
    const audited = await em.find(AuditEntry, {
      select: { target: true },
      where: { platform: who.platform, workspace: who.workspace, actorId: who.id, action: 'partner decide', target: Like('partnership:%') },
    });
    const older = audited.map((a) => Number(a.target!.slice('partnership:'.length))).filter((id) => Number.isSafeInteger(id));
    const [keyed, legacy] = await Promise.all([
      em.find(PartnershipDecision, { where: { authorKey: key }, order: { id: 'ASC' } }),
      older.length
        ? inChunks(older, (chunk) =>
            em.find(PartnershipDecision, { where: { proposalId: In(chunk), authorKey: IsNull(), moderatorId: who.id } }),
          )
        : [],
    ]);
    return [...keyed, ...legacy];
  }
}
