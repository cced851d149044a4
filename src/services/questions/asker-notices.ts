import type { Logger } from 'pino';
import { IsNull, Not } from 'typeorm';
import { OutboxMessage } from '../../../entities/OutboxMessage.js';
import { Question } from '../../../entities/Question.js';
import type { Clock } from '../../core/clock.js';
import { type MessageKey, type Params, translator } from '../../core/i18n.js';
import { p } from '../../core/reply.js';
import type { Store } from '../../db/store.js';
import { openAddress } from '../anonymity.js';
import type { OutboxService } from '../outbox/service.js';
import type { StoredMessage } from '../outbox/stored.js';

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

/** An asker's notice as its outbox row stores it: the sensitive message, and the notice to keep if it cannot go. */
type StoredNotice = StoredMessage & { readonly notice: AskerNotice };

/** The notice an asker's outbox row carries, or null when it is not readable. */
function noticeOf(row: OutboxMessage): AskerNotice | null {
  try {
    const [notice] = parseNotices(JSON.stringify([(JSON.parse(row.message) as Partial<StoredNotice>).notice]));
    return notice ?? null;
  } catch {
    return null;
  }
}

/**
 * What the bot tells askers about their questions (an answer, a close by a moderator, a hide, a
 * block): by sensitive DM through the question's sealed reply address, as a row of the outbox
 * that holds only that sealed address (never a user id) and is deleted once sent; else kept on
 * the question for the asker's next `/ask mine`. Nothing here learns or keeps who the asker is.
 */
export class AskerNotices {
  /** Rows of this process that could not go and were kept for `/ask mine` (so `tell` can say so). */
  private readonly keptRows = new Set<number>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly secret: string,
    private readonly outbox: OutboxService,
  ) {
    outbox.handle('asker_notice', {
      // DMs closed, the address unreadable, or given up after the attempts: kept for `/ask mine`.
      undeliverable: async (row) => {
        const notice = noticeOf(row);
        if (row.questionId !== null && notice) {
          await this.keep(row.questionId, notice);
          this.keptRows.add(row.id);
        }
        // Never log the address; only that the note could not be delivered.
        this.log.warn(
          { question: row.questionId, err: { message: 'delivery failed' } },
          'could not notify an asker; kept for their /ask mine',
        );
        return 'drop';
      },
    });
  }

  /** The asker's sealed address, if the question still keeps it (not expired). */
  sealedOf(q: Question): string | null {
    if (!q.replyTo || !q.replyToExpiresAt || q.replyToExpiresAt <= this.clock.now()) return null;
    return q.replyTo;
  }

  /** The asker's address, if the question still keeps it and it opens with this secret. */
  addressOf(q: Question): ReturnType<typeof openAddress> {
    const sealed = this.sealedOf(q);
    return sealed ? openAddress(this.secret, sealed) : null;
  }

  /**
   * A notice about the question to its asker, as a sensitive DM: never a channel post, whatever
   * the platform does with DMs it cannot deliver. It is an outbox row holding the sealed address
   * (`sealed`, the question's own by default), sent by the process that runs the asker's
   * platform, in the asker's language. When it cannot go (DMs closed, no address left) it is
   * kept on the question, without the asker's id, for their next `/ask mine`. Whether the DM
   * was delivered by the time this returns.
   */
  async tell(q: Question, notice: AskerNotice, sealed = this.sealedOf(q)): Promise<boolean> {
    const address = sealed ? openAddress(this.secret, sealed) : null;
    if (!sealed || !address) {
      await this.keep(q.id, notice);
      return false;
    }
    const t = translator(address.locale);
    // Where it goes is the row's sealed address; the message keeps the notice, to keep it if it cannot go.
    const dm: StoredNotice = {
      body: [p(t(notice.key, notice.params))],
      sensitive: true,
      locale: address.locale,
      notice: { key: notice.key, params: notice.params },
    };
    const id = await this.store.transaction((em) =>
      this.outbox.enqueue(em, {
        platform: address.platform,
        workspace: address.workspace,
        chapterId: q.chapterId,
        kind: 'asker_notice',
        subject: q.id,
        questionId: q.id,
        to: { sealed },
        message: dm,
      }),
    );
    if (this.keptRows.delete(id)) return false;
    return !(await this.store.manager.existsBy(OutboxMessage, { id }));
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
