import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Config } from '../config.js';
import type { Clock } from '../core/clock.js';
import { Notifier } from '../core/notifier.js';
import { Store } from '../db/store.js';
import { AuditService } from './audit.js';
import { ChapterService } from './chapters.js';
import { DisclaimerService } from './disclaimers.js';
import { MemberService } from './members.js';
import { PartnershipService } from './partnerships.js';

/** Everything commands use, built once in main (or a test) and handed over on `ctx.services`. */
export interface Services {
  readonly config: Config;
  readonly db: DataSource;
  /** The database for services: reads, and writes inside transactions (see Store). */
  readonly store: Store;
  readonly clock: Clock;
  readonly log: Logger;
  readonly anonSecret: string;
  /** Posts outside an interaction (reminders, notifications), through whichever adapters run. */
  readonly notifier: Notifier;
  readonly chapters: ChapterService;
  readonly members: MemberService;
  readonly audit: AuditService;
  readonly partnerships: PartnershipService;
  readonly disclaimers: DisclaimerService;
}

export function createServices(base: Pick<Services, 'config' | 'db' | 'clock' | 'log' | 'anonSecret'>): Services {
  const store = new Store(base.db);
  const chapters = new ChapterService(store, base.clock);
  const members = new MemberService(store, base.clock);
  return {
    ...base,
    store,
    notifier: new Notifier(),
    chapters,
    members,
    audit: new AuditService(store, base.clock),
    partnerships: new PartnershipService(store, base.clock, chapters, members),
    disclaimers: new DisclaimerService(store, base.clock, members),
  };
}
