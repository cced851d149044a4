import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import { ChapterChannel } from '../../entities/ChapterChannel.js';
import { type ReminderKind, REMINDER_KINDS, Reminder, type ReminderOutcome } from '../../entities/Reminder.js';
import { Workshop } from '../../entities/Workshop.js';
import { WorkshopSignup } from '../../entities/WorkshopSignup.js';
import type { Config } from '../config.js';
import type { Clock } from '../core/clock.js';
import { safeError } from '../core/errors.js';
import { translator } from '../core/i18n.js';
import { link, list, p, time } from '../core/reply.js';
import type { Store } from '../db/store.js';
import type { DirectMessages } from './direct-messages.js';
import type { MaterialService } from './materials.js';
import type { OutboxService } from './outbox/service.js';
import { workshopWhen } from './workshops/notices.js';

const HOUR = 3_600_000;
/** How long before the start each reminder is due. */
export const REMINDER_LEAD: Readonly<Record<ReminderKind, number>> = { coaches: 72 * HOUR, day: 24 * HOUR, hour: HOUR };

/**
 * Reminders as rows that say when something is due: scheduled with their workshop, claimed when
 * due by a conditional update (`SET sentAt = now WHERE id = ? AND sentAt IS NULL`), in the same
 * transaction that writes their messages into the outbox, so each is handled by exactly one
 * process, once, even across restarts; the outbox then delivers each message exactly once (see
 * `OutboxService`). A reminder found overdue (the bot was down) is still sent if its workshop has
 * not begun, and dropped otherwise. Messages the platform keeps refusing are given up by the
 * outbox after OUTBOX_MAX_ATTEMPTS, and the chapter's moderators are told.
 */
export class ReminderService {
  private running: Promise<number> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly config: Config,
    private readonly outbox: OutboxService,
    private readonly dms: DirectMessages,
    private readonly log: Logger,
    private readonly materials: MaterialService,
  ) {}

  /**
   * (Re)schedules a workshop's reminders inside the caller's transaction: each one still in
   * the future is (re)armed, even if it was sent for the old time; one whose time has passed
   * and was not sent is dropped (a workshop created or moved at short notice).
   */
  async schedule(em: EntityManager, w: Workshop): Promise<void> {
    const now = this.clock.now().getTime();
    for (const kind of REMINDER_KINDS) {
      const dueAt = new Date(w.startsAt.getTime() - REMINDER_LEAD[kind]);
      if (dueAt.getTime() > now) {
        await em.upsert(
          Reminder,
          { workshopId: w.id, kind, dueAt, sentAt: null, outcome: null },
          { conflictPaths: ['workshopId', 'kind'] },
        );
      } else {
        await em
          .createQueryBuilder()
          .update(Reminder)
          .set({ sentAt: new Date(now), outcome: 'dropped' })
          .where('"workshopId" = :id AND kind = :kind AND "sentAt" IS NULL', { id: w.id, kind })
          .execute();
      }
    }
  }

  /** Drops a workshop's pending reminders (it was cancelled). */
  async drop(em: EntityManager, workshopId: number): Promise<void> {
    await em
      .createQueryBuilder()
      .update(Reminder)
      .set({ sentAt: this.clock.now(), outcome: 'dropped' })
      .where('"workshopId" = :workshopId AND "sentAt" IS NULL', { workshopId })
      .execute();
  }

  /** Handles every due reminder once; returns how many were claimed by this call. Overlapping calls share one run. */
  tick(): Promise<number> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Ticks now and then every `REMINDER_INTERVAL_SECONDS`, driven by the injected clock's idea of now. */
  start(): void {
    const tick = () =>
      void this.tick().catch((err: unknown) => this.log.error({ err: safeError(err) }, 'reminders could not be processed'));
    tick();
    this.timer = setInterval(tick, this.config.workshops.reminderIntervalSeconds * 1000);
    this.timer.unref();
  }

  /** Stops the timer and waits for a tick under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  private async run(): Promise<number> {
    const now = this.clock.now();
    const due = await this.store.manager
      .getRepository(Reminder)
      .createQueryBuilder('r')
      .where('r.sentAt IS NULL AND r.dueAt <= :now', { now: now.getTime() })
      .orderBy('r.dueAt', 'ASC')
      .addOrderBy('r.id', 'ASC')
      .take(200)
      .getMany();
    let claimed = 0;
    for (const reminder of due) {
      try {
        // The claim, its messages in the outbox and the outcome: one transaction, all or nothing.
        const won = await this.store.transaction(async (em) => {
          const claim = await em
            .createQueryBuilder()
            .update(Reminder)
            .set({ sentAt: now })
            .where('id = :id AND "sentAt" IS NULL', { id: reminder.id })
            .execute();
          if (claim.affected !== 1) return false; // another process took it
          await em.update(Reminder, { id: reminder.id }, { outcome: await this.enqueue(em, reminder, now) });
          return true;
        });
        if (won) claimed++;
      } catch (err) {
        this.log.error({ err: safeError(err), reminder: reminder.id }, 'a reminder could not be queued; will retry');
      }
    }
    return claimed;
  }

  /** Writes the reminder's messages into the outbox, in the claim's transaction; what came of it. */
  private async enqueue(em: EntityManager, reminder: Reminder, now: Date): Promise<ReminderOutcome> {
    const w = await em.getRepository(Workshop).findOne({ where: { id: reminder.workshopId }, relations: { chapter: true } });
    if (!w || w.status === 'cancelled' || w.startsAt.getTime() <= now.getTime()) return 'dropped';
    // A day-before reminder found overdue within the last hour: the hour reminder says it better.
    if (reminder.kind === 'day' && w.startsAt.getTime() - now.getTime() <= REMINDER_LEAD.hour) return 'dropped';
    const kind = reminder.kind;
    const filed = { chapterId: w.chapterId, kind: 'reminder', subject: w.id } as const;
    if (kind === 'coaches') {
      if (w.coachesClaimed >= w.coachSlots) return 'not_needed';
      const channels = await em.getRepository(ChapterChannel).findBy({ chapterId: w.chapterId, purpose: 'moderation' });
      const t = translator(this.config.locale);
      for (const c of channels)
        await this.outbox.enqueue(em, {
          ...filed,
          platform: c.platform,
          workspace: c.workspace,
          to: { channel: c.channelId },
          message: {
            body: [
              p(t('reminder.coaches', { id: w.id, title: w.title, claimed: w.coachesClaimed, slots: w.coachSlots })),
              p(...workshopWhen(w, t)),
            ],
          },
        });
      if (!channels.length) this.log.warn({ workshop: w.id }, 'unfilled coach slots, but the chapter has no moderation channel to warn');
      return channels.length ? 'sent' : 'dropped';
    }
    const signups = await em
      .getRepository(WorkshopSignup)
      .find({ where: { workshopId: w.id, state: 'confirmed' }, relations: { member: true }, order: { id: 'ASC' } });
    // The day before, learners get the workshop's materials, so they can prepare.
    const materials = kind === 'day' ? ((await this.materials.ofWorkshops([w.id])).get(w.id) ?? []) : [];
    for (const s of signups) {
      await this.dms.send(
        s.member!,
        (t) => ({
          body: [
            // “It starts tomorrow.” / “… in 2 hours.”: relative, so a reminder sent late after downtime stays true.
            p(t(`reminder.${kind}.${s.role}`, { id: w.id }), ' ', time(w.startsAt, 'relative', w.chapter!.timeZone), '.'),
            ...(s.role === 'coach' ? [p(t('reminder.thanks'))] : kind === 'day' ? [p(t('reminder.leave_hint', { id: w.id }))] : []),
            p(...workshopWhen(w, t)),
            ...(s.role === 'learner' && materials.length
              ? [p(t('reminder.materials')), list(...materials.map((m) => link(m.url, m.title)))]
              : []),
          ],
        }),
        filed,
        em,
      );
    }
    return 'sent';
  }
}
