import { Member } from '../../entities/Member.js';
import type { Clock } from '../core/clock.js';
import type { EntityManager } from 'typeorm';
import type { Store } from '../db/store.js';
import type { Person } from '../core/types.js';

/**
 * Members the bot must remember (coaches, learners with seats). Call `ensure` only from a
 * feature that needs the row: see the note on the Member entity about anonymity.
 */
export class MemberService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** The member's row, created on first need; the display name follows the platform's. Safe under races. */
  ensure(actor: Person, locale?: string): Promise<Member> {
    return this.store.transaction((em) => this.ensureIn(em, actor, locale));
  }

  /** Creates the member's row if there is none (insert-or-ignore on the unique key: safe under races); reads nothing. */
  async insertIfMissing(em: EntityManager, actor: Person, locale?: string): Promise<void> {
    await em
      .createQueryBuilder()
      .insert()
      .into(Member)
      .values({
        platform: actor.platform,
        workspace: actor.workspace,
        userId: actor.id,
        displayName: actor.name.slice(0, 100),
        locale: locale ?? null,
        createdAt: this.clock.now(),
      })
      .orIgnore()
      .updateEntity(false)
      .execute();
  }

  /** `ensure` inside the caller's transaction (a workshop sign-up creates the row in the same transaction). */
  async ensureIn(em: EntityManager, actor: Person, locale?: string): Promise<Member> {
    const key = { platform: actor.platform, workspace: actor.workspace, userId: actor.id };
    const displayName = actor.name.slice(0, 100);
    // Insert-or-ignore on the unique key: two racing first commands create one row.
    await em
      .createQueryBuilder()
      .insert()
      .into(Member)
      .values({ ...key, displayName, locale: locale ?? null, createdAt: this.clock.now() })
      .orIgnore()
      .execute();
    const member = await em.findOneByOrFail(Member, key);
    if (member.displayName !== displayName) {
      member.displayName = displayName;
      await em.update(Member, { id: member.id }, { displayName });
    }
    return member;
  }
}
