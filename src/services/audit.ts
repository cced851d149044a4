import { AuditEntry } from '../../entities/AuditEntry.js';
import type { Clock } from '../core/clock.js';
import type { AuditRecord } from '../core/dispatcher.js';
import type { Store } from '../db/store.js';

/** The moderators' audit trail: append-only, newest first when read. */
export class AuditService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async record(r: AuditRecord): Promise<void> {
    await this.store.transaction((em) => em.insert(AuditEntry, {
      platform: r.actor.platform,
      workspace: r.actor.workspace,
      actorId: r.actor.id,
      actorName: r.actor.name.slice(0, 100),
      action: r.action,
      target: r.target?.slice(0, 200) ?? null,
      details: r.details?.slice(0, 500) ?? null,
      at: this.clock.now(),
    }));
  }

  recent(limit = 50): Promise<AuditEntry[]> {
    return this.store.manager.getRepository(AuditEntry).find({ order: { at: 'DESC', id: 'DESC' }, take: limit });
  }
}
