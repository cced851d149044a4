import type { DataSource } from 'typeorm';
import { AuditEntry } from '../../entities/AuditEntry.js';
import type { Clock } from '../core/clock.js';
import type { AuditRecord } from '../core/dispatcher.js';

/** The moderators' audit trail: append-only, newest first when read. */
export class AuditService {
  constructor(
    private readonly db: DataSource,
    private readonly clock: Clock,
  ) {}

  async record(r: AuditRecord): Promise<void> {
    await this.db.getRepository(AuditEntry).insert({
      platform: r.actor.platform,
      workspace: r.actor.workspace,
      actorId: r.actor.id,
      actorName: r.actor.name.slice(0, 100),
      action: r.action,
      target: r.target?.slice(0, 200) ?? null,
      details: r.details?.slice(0, 500) ?? null,
      at: this.clock.now(),
    });
  }

  recent(limit = 50): Promise<AuditEntry[]> {
    return this.db.getRepository(AuditEntry).find({ order: { at: 'DESC', id: 'DESC' }, take: limit });
  }
}
