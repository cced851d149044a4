import type { DataSource } from 'typeorm';
import { Member } from '../../entities/Member.js';
import type { Clock } from '../core/clock.js';
import type { Actor } from '../core/command.js';

/**
 * Members the bot must remember (coaches, learners with seats). Call `ensure` only from a
 * feature that needs the row: see the note on the Member entity about anonymity.
 */
export class MemberService {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  /** The member's row, created on first need; the display name follows the platform's. Safe under races. */
  async ensure(actor: Pick<Actor, 'platform' | 'workspace' | 'id' | 'name'>, locale?: string): Promise<Member> {
    const repo = this.db.getRepository(Member);
    const key = { platform: actor.platform, workspace: actor.workspace, userId: actor.id };
    await repo
      .createQueryBuilder()
      .insert()
      .values({ ...key, displayName: actor.name.slice(0, 100), locale: locale ?? null, createdAt: this.clock.now() })
      .orIgnore()
      .execute();
    const member = await repo.findOneByOrFail(key);
    if (member.displayName !== actor.name.slice(0, 100)) {
      member.displayName = actor.name.slice(0, 100);
      await repo.update({ id: member.id }, { displayName: member.displayName });
    }
    return member;
  }
}
