import type { Logger } from 'pino';
import { IsNull, LessThan, LessThanOrEqual, QueryFailedError } from 'typeorm';
import { ChapterChannel } from '../../../entities/ChapterChannel.js';
import { Question } from '../../../entities/Question.js';
import type { Clock } from '../../core/clock.js';
import { PostFailedError, safeError } from '../../core/errors.js';
import type { Translate } from '../../core/i18n.js';
import type { Notifier } from '../../core/notifier.js';
import { channelLink, fill, message, p, type Message, type PostedRef, SLOT } from '../../core/reply.js';
import type { Outbox } from '../../core/types.js';
import { isConnectionError } from '../../db/errors.js';
import type { Store } from '../../db/store.js';
import { questionPost, type QuestionStats } from './post.js';

/** Due questions read per page, and pages per round of the scheduler. */
const DUE_PAGE = 50;
const DUE_PAGES = 10;
/**
 * A post claimed this long ago and still without its message is taken as interrupted (its process
 * died between the claim and saving the message) and is posted again. Only on PostgreSQL, where
 * other processes may be posting: far longer than a post with all its retries takes. On SQLite
 * one process serves the file, so any claim older than this process is interrupted.
 */
const CLAIM_LEASE_MS = 10 * 60_000;

/** What posting needs of the question service: a question by number, and its counts. */
export interface QuestionReader {
  get(id: number, options?: { allowHidden?: boolean }): Promise<Question>;
  stats(id: number): Promise<QuestionStats>;
}

/**
 * The public posts of questions: posting each once (also delayed, and after a crash), editing
 * them in place when they change, and telling the moderators once when a post keeps failing.
 */
export class QuestionPosts {
  /** When this process began: on SQLite, claims older than this were made by a process that died. */
  private readonly startedAt: Date;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly notifier: Notifier,
    private readonly log: Logger,
    /** Texts of public posts, in the bot's language. */
    private readonly t: Translate,
    private readonly questions: QuestionReader,
  ) {
    this.startedAt = clock.now();
  }

  /** The public post of a question, in the bot's language. */
  async render(q: Question): Promise<Message> {
    return questionPost(q, await this.questions.stats(q.id), this.t);
  }

  /**
   * Posts a question whose time has come, once: the row is claimed with a conditional update
   * before the post, and released again if the post fails, so two processes never both post it.
   */
  async post(id: number, outbox: Outbox): Promise<PostedRef | null> {
    const now = this.clock.now();
    const claimed = await this.store.transaction(async (em) => {
      const result = await em
        .createQueryBuilder()
        .update(Question)
        .set({ postedAt: now })
        .where('id = :id AND "postedAt" IS NULL AND "postAt" <= :now', { id, now: now.getTime() })
        .execute();
      return result.affected === 1;
    });
    if (!claimed) return null;
    try {
      const ref = await outbox.post(await this.render(await this.questions.get(id, { allowHidden: true })));
      await this.store.transaction((em) =>
        em.update(Question, { id }, { messageId: ref.messageId, channel: ref.channel, postFailureReportedAt: null }),
      );
      return ref;
    } catch (err) {
      // The dispatcher has told the moderators already (see Dispatcher.postFailed): recorded, so
      // the scheduler of no process tells them again.
      await this.store.transaction((em) =>
        err instanceof PostFailedError
          ? em.update(Question, { id }, { postedAt: null, postFailureReportedAt: now })
          : em.update(Question, { id }, { postedAt: null }),
      );
      throw err;
    }
  }

  /** Posts every question that is due and not yet posted (delayed posts; posts a crash interrupted). */
  async postDue(): Promise<number> {
    await this.releaseInterrupted();
    let posted = 0;
    // A channel whose post failed (after the platform call's own retries) is not tried again in
    // this round: while a platform is down, a round costs one failed post per channel, not one
    // per waiting question (each may take PLATFORM_RETRIES timeouts). The next round tries again.
    const failing = new Set<string>();
    // Due questions are read a page at a time, oldest first; those left waiting (a failing channel,
    // another process's platform) are skipped on the next page, so 50 questions waiting for one
    // broken channel do not keep every other channel's questions from being posted.
    let waiting = 0;
    for (let page = 0; page < DUE_PAGES; page++) {
      const due = await this.store.manager.find(Question, {
        where: { postedAt: IsNull(), postAt: LessThanOrEqual(this.clock.now()) },
        order: { postAt: 'ASC', id: 'ASC' },
        skip: waiting,
        take: DUE_PAGE,
      });
      for (const q of due) {
        const outbox = this.notifier.outbox(q.platform, q.workspace);
        const where = `${q.platform}\u0000${q.workspace}\u0000${q.channel}`;
        // No outbox: that platform's adapter runs in another process.
        if (!outbox || failing.has(where)) {
          waiting++;
          continue;
        }
        try {
          if (await this.post(q.id, outbox)) posted++;
        } catch (err) {
          waiting++;
          // The database's trouble (a lock another process holds on SQLite, an outage) is not the
          // channel's: the question is tried again next round, and nobody is told.
          if (err instanceof QueryFailedError || isConnectionError(err)) {
            this.log.warn({ question: q.id, err: safeError(err) }, 'could not post a delayed question (database); will retry');
            continue;
          }
          failing.add(where);
          this.log.warn({ question: q.id, err: { message: (err as Error).message } }, 'could not post a delayed question; will retry');
          if (await this.claimReport(q.id)) await this.reportFailingPost(q, outbox);
        }
      }
      if (due.length < DUE_PAGE) break;
    }
    return posted;
  }

  /**
   * Claims whose process died between the claim and saving the message (a crash, SIGKILL) are
   * released, so the question is posted after all. The post may have reached the platform just
   * before the crash; then it shows twice (posting exactly once is issue 22's outbox).
   */
  private async releaseInterrupted(): Promise<void> {
    const postgres = this.store.manager.connection.options.type === 'postgres';
    const before = postgres ? new Date(this.clock.now().getTime() - CLAIM_LEASE_MS) : this.startedAt;
    // A fresh condition for each query: TypeORM transforms a FindOperator's value in place.
    const interrupted = () => ({ messageId: IsNull(), postedAt: LessThan(before) });
    // Read first: the write (a transaction of its own) only when there is something to release.
    if (!(await this.store.manager.exists(Question, { where: interrupted() }))) return;
    const released = await this.store.transaction(
      async (em) => (await em.update(Question, interrupted(), { postedAt: null })).affected ?? 0,
    );
    if (released) this.log.warn({ questions: released }, 'posts interrupted by a crash are posted again');
  }

  /**
   * Whether this process is the one to tell the moderators that the question's post keeps failing:
   * once per question, across processes and restarts (a conditional update), until it is posted.
   */
  private async claimReport(id: number): Promise<boolean> {
    const now = this.clock.now();
    return this.store.transaction(
      async (em) => (await em.update(Question, { id, postFailureReportedAt: IsNull() }, { postFailureReportedAt: now })).affected === 1,
    );
  }

  /**
   * A post the platform refused even after its retries, with no member waiting for it: the
   * moderation channel of the question's chapter, in its workspace, is told once (as the
   * dispatcher tells it when a command's post fails), so someone looks at the bot's access.
   */
  private async reportFailingPost(q: Question, outbox: Outbox): Promise<void> {
    const moderation = await this.store.manager
      .getRepository(ChapterChannel)
      .findOneBy({ chapterId: q.chapterId, platform: q.platform, workspace: q.workspace, purpose: 'moderation' });
    if (!moderation || moderation.channelId === q.channel) return;
    // The channel as a link the platform shows by its name, as in the dispatcher's notice.
    const notice = message([p(...fill(this.t('error.post_failed.moderators', { channel: SLOT }), channelLink(q.channel)))], {
      visibility: { kind: 'channel', channel: moderation.channelId },
    });
    await outbox
      .post(notice)
      .catch((err: unknown) =>
        this.log.warn({ question: q.id, err: { message: (err as Error).message } }, 'could not tell the moderators either'),
      );
  }

  /**
   * Re-renders a posted question in place (status, counts, hidden). The change itself is
   * already stored: if the post cannot be edited (deleted by hand, the bot lost access), that
   * is logged and the member's action still succeeds.
   */
  async refresh(q: Question, outbox: Outbox | undefined): Promise<void> {
    if (!q.messageId) return;
    const target = this.notifier.outbox(q.platform, q.workspace) ?? outbox;
    try {
      await target?.edit({ channel: q.channel, messageId: q.messageId }, await this.render(q));
    } catch (err) {
      this.log.warn(
        { question: q.id, err: { type: (err as Error).name, message: (err as Error).message } },
        'could not update the post of a question',
      );
    }
  }
}
