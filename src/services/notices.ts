import type { EntityManager } from 'typeorm';
import { message, p } from '../core/reply.js';
import type { Store } from '../db/store.js';
import type { OutboxService } from './outbox/service.js';

/**
 * Short notices to a channel (a chapter's moderators told of a new link, a feed that keeps
 * failing): rows of the outbox, sent by whichever process runs that place's platform (one Slack
 * workspace per process, or Discord and Slack in separate processes), exactly once.
 * Notices name no member, so nothing here is anyone's personal data.
 */
export class NoticeService {
  constructor(
    private readonly store: Store,
    private readonly outbox: OutboxService,
  ) {}

  /** Queues the notice (in `em`'s transaction, or one of its own); sent once that commits. */
  async send(
    place: { platform: string; workspace: string; chapterId?: number | null },
    channel: string,
    text: string,
    em?: EntityManager,
  ): Promise<void> {
    if (!em) return this.store.transaction((tx) => this.send(place, channel, text, tx));
    await this.outbox.enqueue(em, {
      platform: place.platform,
      workspace: place.workspace,
      chapterId: place.chapterId ?? null,
      kind: 'notice',
      to: { channel },
      message: message([p(text)], { visibility: { kind: 'channel', channel } }),
    });
  }
}
