import { IsNull, Like } from 'typeorm';
import { AuditEntry } from '../../entities/AuditEntry.js';
import type { Clock } from '../core/clock.js';
import type { Store } from '../db/store.js';
import type { AuditRecord } from '../core/types.js';

/** What `recent` reads: one chapter's entries (or one workspace's), optionally one kind of action. */
export interface AuditFilter {
  /**
   * The chapter's entries; with `platform` and `workspace` too, also that workspace's entries
   * written before entries had a chapter.
   */
  readonly chapterId?: number;
  readonly platform?: string;
  readonly workspace?: string;
  /** A command (`partner`) or a subcommand (`partner decide`): matches that action and those under it. */
  readonly action?: string;
}

/** The moderators' audit trail: append-only, newest first when read. */
export class AuditService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** One insert, atomic by itself: no transaction around it (Store.write), and nothing read back. */
  async record(r: AuditRecord): Promise<void> {
    await this.store.write((em) =>
      em
        .createQueryBuilder()
        .insert()
        .into(AuditEntry)
        .values({
          chapterId: r.chapterId,
          platform: r.actor.platform,
          workspace: r.actor.workspace,
          actorId: r.actor.id,
          actorName: r.actor.name.slice(0, 100),
          action: r.action,
          target: r.target?.slice(0, 200) ?? null,
          details: r.details?.slice(0, 500) ?? null,
          at: this.clock.now(),
        })
        .updateEntity(false)
        .execute(),
    );
  }

  async recent(limit = 50, filter: AuditFilter = {}): Promise<AuditEntry[]> {
    const workspace = {
      ...(filter.platform ? { platform: filter.platform } : {}),
      ...(filter.workspace ? { workspace: filter.workspace } : {}),
    };
    const places =
      filter.chapterId === undefined
        ? [workspace]
        : [{ chapterId: filter.chapterId }, ...(filter.platform && filter.workspace ? [{ ...workspace, chapterId: IsNull() }] : [])];
    const kind = filter.action?.trim().toLowerCase().replace(/\s+/g, ' ');
    // Actions are command paths (letters, digits, dashes, spaces); anything else names none, and needs no LIKE escaping.
    if (kind && !/^[a-z0-9 -]+$/.test(kind)) return [];
    const where = places.flatMap((place) =>
      kind
        ? [
            { ...place, action: kind },
            { ...place, action: Like(`${kind} %`) },
          ]
        : [place],
    );
    return this.store.manager.getRepository(AuditEntry).find({ where, order: { at: 'DESC', id: 'DESC' }, take: limit });
  }
}
