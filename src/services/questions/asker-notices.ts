import type { Logger } from 'pino';
import { IsNull, Not } from 'typeorm';
import { Question } from '../../../entities/Question.js';
import type { Clock } from '../../core/clock.js';
import { type MessageKey, type Params, translator } from '../../core/i18n.js';
import type { Notifier } from '../../core/notifier.js';
import { message, p } from '../../core/reply.js';
import type { Store } from '../../db/store.js';
import { openAddress } from '../anonymity.js';

/**
 * What the bot tells an asker about their question, as a catalogue key and its values: said in
 * the asker's language when it is delivered, or kept on the question (see `pendingNotices`)
 * and said when they run `/ask mine`. Never holds who the asker is.
 */
export interface AskerNotice {
  readonly key: Extract<MessageKey, `question.notify.${string}`>;
  readonly params: Params;
}

/** The notices kept on a question; anything unreadable counts as none. */
export function parseNotices(raw: string | null): AskerNotice[] {
  if (!raw) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed)
      ? (parsed as AskerNotice[]).filter((n) => typeof n?.key === 'string' && n.key.startsWith('question.notify.'))
      : [];
  } catch {
    return [];
  }
}

/**
 * What the bot tells askers about their questions (an answer, a close by a moderator, a hide, a
 * block): by sensitive DM through the question's sealed reply address, else kept on the question
 * for the asker's next `/ask mine`. Nothing here learns or keeps who the asker is.
 */
export class AskerNotices {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly notifier: Notifier,
    private readonly log: Logger,
    private readonly secret: string,
  ) {}

  /** The asker's address, if the question still keeps it and it opens with this secret. */
  addressOf(q: Question): ReturnType<typeof openAddress> {
    if (!q.replyTo || !q.replyToExpiresAt || q.replyToExpiresAt <= this.clock.now()) return null;
    return openAddress(this.secret, q.replyTo);
  }

  /**
   * A notice about the question to its asker, as a sensitive DM: never a channel post, whatever
   * the platform does with DMs it cannot deliver. When it cannot go (DMs closed, no address left,
   * that platform's adapter runs elsewhere) it is kept on the question, without the asker's id,
   * for their next `/ask mine`. Whether the DM was delivered.
   */
  async tell(q: Question, notice: AskerNotice, address = this.addressOf(q)): Promise<boolean> {
    const outbox = address && this.notifier.outbox(address.platform, address.workspace);
    if (address && outbox) {
      try {
        const t = translator(address.locale);
        await outbox.post(
          message([p(t(notice.key, notice.params))], {
            visibility: { kind: 'dm', to: { id: address.id, name: address.name } },
            sensitive: true,
            locale: address.locale,
          }),
        );
        return true;
      } catch (err) {
        // Never log the address; only that the note could not be delivered.
        this.log.warn(
          { question: q.id, err: { message: 'delivery failed', type: (err as Error).name } },
          'could not notify an asker; kept for their /ask mine',
        );
      }
    }
    await this.keep(q.id, notice);
    return false;
  }

  /** Keeps a notice on the question, one per kind (the newest wins), so `/ask mine` says each once. */
  private async keep(id: number, notice: AskerNotice): Promise<void> {
    await this.store.transaction(async (em) => {
      const qb = em.createQueryBuilder(Question, 'q').select(['q.id', 'q.pendingNotices']).where('q.id = :id', { id });
      if (em.connection.options.type === 'postgres') qb.setLock('pessimistic_write');
      const row = await qb.getOne();
      if (!row) return;
      const kept = parseNotices(row.pendingNotices).filter((n) => n.key !== notice.key);
      await em.update(Question, { id }, { pendingNotices: JSON.stringify([...kept, { key: notice.key, params: notice.params }]) });
    });
  }

  /**
   * The notices kept for the asker's questions, oldest question first, cleared as they are read:
   * each is shown once. A notice kept meanwhile (the row changed since it was read) stays for next time.
   */
  async take(pseudonym: string): Promise<AskerNotice[]> {
    const rows = await this.store.manager.find(Question, {
      select: { id: true, pendingNotices: true },
      where: { pseudonym, pendingNotices: Not(IsNull()) },
      order: { id: 'ASC' },
    });
    const taken: AskerNotice[] = [];
    for (const row of rows) {
      const cleared = await this.store.transaction(
        async (em) =>
          (await em.update(Question, { id: row.id, pendingNotices: row.pendingNotices! }, { pendingNotices: null })).affected === 1,
      );
      if (cleared) taken.push(...parseNotices(row.pendingNotices));
    }
    return taken;
  }
}
