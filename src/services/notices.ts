import type { Logger } from 'pino';
import { IsNull, LessThan } from 'typeorm';
import { ChannelNotice } from '../../entities/ChannelNotice.js';
import type { Clock } from '../core/clock.js';
import { safeError } from '../core/errors.js';
import type { Notifier } from '../core/notifier.js';
import { message } from '../core/reply.js';
import type { Store } from '../db/store.js';

/** Notices nobody came to collect after this long are dropped: no process serves that place. */
const KEEP_DAYS = 7;
const PAGE = 50;

/**
 * Short notices to a channel, by whichever process can post there. A process posts at once when
 * its adapter serves the place; otherwise the notice waits in `channel_notice` for the process that
 * does (one Slack workspace per process, or Discord and Slack in separate processes), whose
 * scheduler posts it within seconds. At most once: a row is claimed by a conditional update.
 * Notices name no member, so nothing here is anyone's personal data.
 */
export class NoticeService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly notifier: Notifier,
    private readonly log: Logger,
  ) {}

  /** Posts now if this process can, else leaves it for the one that can. */
  async send(place: { platform: string; workspace: string }, channel: string, text: string): Promise<'sent' | 'queued' | 'failed'> {
    const outbox = this.notifier.outbox(place.platform, place.workspace);
    if (!outbox) {
      await this.store.transaction((em) =>
        em.insert(ChannelNotice, { ...place, channel, text: text.slice(0, 1000), createdAt: this.clock.now(), claimedAt: null }),
      );
      return 'queued';
    }
    try {
      await outbox.post(message(text, { visibility: { kind: 'channel', channel } }));
      return 'sent';
    } catch (err) {
      this.log.warn({ err: safeError(err).type, platform: place.platform }, 'a channel notice could not be posted');
      return 'failed';
    }
  }

  /** Posts the waiting notices for the places this process serves (the scheduler calls it). */
  async deliver(): Promise<number> {
    const now = this.clock.now();
    await this.store.transaction((em) =>
      em.delete(ChannelNotice, { createdAt: LessThan(new Date(now.getTime() - KEEP_DAYS * 86_400_000)) }),
    );
    const waiting = await this.store.manager.find(ChannelNotice, { where: { claimedAt: IsNull() }, order: { id: 'ASC' }, take: PAGE });
    let posted = 0;
    for (const notice of waiting) {
      const outbox = this.notifier.outbox(notice.platform, notice.workspace);
      if (!outbox) continue;
      const claimed = await this.store.transaction(
        async (em) => (await em.update(ChannelNotice, { id: notice.id, claimedAt: IsNull() }, { claimedAt: now })).affected === 1,
      );
      if (!claimed) continue;
      try {
        await outbox.post(message(notice.text, { visibility: { kind: 'channel', channel: notice.channel } }));
        posted++;
      } catch (err) {
        this.log.warn({ err: safeError(err).type, platform: notice.platform }, 'a waiting channel notice could not be posted; dropped');
      }
      await this.store.transaction((em) => em.delete(ChannelNotice, { id: notice.id }));
    }
    return posted;
  }
}
