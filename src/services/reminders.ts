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
import type { Notifier } from '../core/notifier.js';
import { link, list, message, p, time } from '../core/reply.js';
import type { Store } from '../db/store.js';
import type { DirectMessages } from './direct-messages.js';
import type { MaterialService } from './materials.js';
import { workshopWhen } from './workshops/notices.js';

const HOUR = 3_600_000;
/** How long before the start each reminder is due. */
export const REMINDER_LEAD: Readonly<Record<ReminderKind, number>> = { coaches: 72 * HOUR, day: 24 * HOUR, hour: HOUR };

/**
 * Reminders as rows: scheduled with their workshop, claimed when due by a conditional
 * update (`SET sentAt = now WHERE id = ? AND sentAt IS NULL`), so each is handled by exactly
 * one process, once, even across restarts. A reminder found overdue (the bot was down) is
 * still sent if its workshop has not begun, and dropped otherwise. Delivery is at most once:
 * a process that dies between claiming and posting loses that reminder rather than doubling it.
 */
export class ReminderService {
  private running: Promise<number> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly config: Config,
    private readonly notifier: Notifier,
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
      const won = await this.store.transaction((em) =>
        em.createQueryBuilder().update(Reminder).set({ sentAt: now }).where('id = :id AND "sentAt" IS NULL', { id: reminder.id }).execute(),
      );
      if (won.affected !== 1) continue; // another process took it
      claimed++;
      let outcome: ReminderOutcome = 'dropped';
      try {
        outcome = await this.deliver(reminder, now);
      } catch (err) {
        this.log.error({ err: safeError(err), reminder: reminder.id }, 'a reminder could not be delivered');
      }
      await this.store.transaction((em) => em.update(Reminder, { id: reminder.id }, { outcome }));
    }
    return claimed;
  }

  private async deliver(reminder: Reminder, now: Date): Promise<ReminderOutcome> {
    const w = await this.store.manager
      .getRepository(Workshop)
      .findOne({ where: { id: reminder.workshopId }, relations: { chapter: true } });
    if (!w || w.status === 'cancelled' || w.startsAt.getTime() <= now.getTime()) return 'dropped';
    // A day-before reminder found overdue within the last hour: the hour reminder says it better.
    if (reminder.kind === 'day' && w.startsAt.getTime() - now.getTime() <= REMINDER_LEAD.hour) return 'dropped';
    const kind = reminder.kind;
    if (kind === 'coaches') {
      if (w.coachesClaimed >= w.coachSlots) return 'not_needed';
      const channels = await this.store.manager.getRepository(ChapterChannel).findBy({ chapterId: w.chapterId, purpose: 'moderation' });
      const t = translator(this.config.locale);
      let posted = 0;
      for (const c of channels) {
        const outbox = this.notifier.outbox(c.platform, c.workspace);
        if (!outbox) continue;
        await outbox.post(
          message(
            [
              p(t('reminder.coaches', { id: w.id, title: w.title, claimed: w.coachesClaimed, slots: w.coachSlots })),
              p(...workshopWhen(w, t)),
            ],
            {
              visibility: { kind: 'channel', channel: c.channelId },
            },
          ),
        );
        posted++;
      }
      if (!posted) this.log.warn({ workshop: w.id }, 'unfilled coach slots, but the chapter has no moderation channel here to warn');
      return posted ? 'sent' : 'dropped';
    }
    const signups = await this.store.manager
      .getRepository(WorkshopSignup)
      .find({ where: { workshopId: w.id, state: 'confirmed' }, relations: { member: true }, order: { id: 'ASC' } });
    // The day before, learners get the workshop's materials, so they can prepare.
    const materials = kind === 'day' ? ((await this.materials.ofWorkshops([w.id])).get(w.id) ?? []) : [];
    /** Members this process could have reached (their platform runs here) but did not, by workspace. */
    const undelivered = new Map<string, { platform: string; workspace: string; count: number; total: number }>();
    for (const s of signups) {
      const { platform, workspace } = s.member!;
      const here = this.notifier.outbox(platform, workspace) !== undefined;
      const place = undelivered.get(`${platform}\u0000${workspace}`) ?? { platform, workspace, count: 0, total: 0 };
      undelivered.set(`${platform}\u0000${workspace}`, place);
      place.total++;
      const sent = await this.dms.send(s.member!, (t) => ({
        body: [
          // “It starts tomorrow.” / “… in 2 hours.”: relative, so a reminder sent late after downtime stays true.
          p(t(`reminder.${kind}.${s.role}`, { id: w.id }), ' ', time(w.startsAt, 'relative', w.chapter!.timeZone), '.'),
          ...(s.role === 'coach' ? [p(t('reminder.thanks'))] : kind === 'day' ? [p(t('reminder.leave_hint', { id: w.id }))] : []),
          p(...workshopWhen(w, t)),
          ...(s.role === 'learner' && materials.length
            ? [p(t('reminder.materials')), list(...materials.map((m) => link(m.url, m.title)))]
            : []),
        ],
      }));
      if (!sent && here) place.count++;
    }
    for (const place of undelivered.values()) if (place.count) await this.reportUndelivered(w, place);
    return 'sent';
  }

  /**
   * Reminders the platform refused even after its retries (or a member's closed DMs, where the
   * platform says so): the chapter's moderation channel in that workspace is told how many did
   * not get it, without names, so they can reach them another way. A reminder is claimed once,
   * so this is said once.
   */
  private async reportUndelivered(
    w: Workshop,
    place: { platform: string; workspace: string; count: number; total: number },
  ): Promise<void> {
    const outbox = this.notifier.outbox(place.platform, place.workspace);
    const moderation = await this.store.manager
      .getRepository(ChapterChannel)
      .findOneBy({ chapterId: w.chapterId, platform: place.platform, workspace: place.workspace, purpose: 'moderation' });
    if (!outbox || !moderation) return;
    const t = translator(this.config.locale);
    await outbox
      .post(
        message(t('reminder.undelivered', { id: w.id, title: w.title, count: place.count, total: place.total }), {
          visibility: { kind: 'channel', channel: moderation.channelId },
        }),
      )
      .catch((err: unknown) =>
        this.log.warn({ workshop: w.id, err: safeError(err) }, 'could not tell the moderators about undelivered reminders'),
      );
  }
}
