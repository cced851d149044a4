import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import { Question } from '../../../entities/Question.js';
import type { Clock } from '../../core/clock.js';
import type { Translate } from '../../core/i18n.js';
import type { Notifier } from '../../core/notifier.js';
import type { Message } from '../../core/reply.js';
import type { Outbox } from '../../core/types.js';
import { deletingSent, type OutboxService } from '../outbox/service.js';
import { FixedSql } from '../../db/fixed-sql.js';
import { storeMessage } from '../outbox/stored.js';
import { questionPost, type QuestionStats } from './post.js';

/** What posting needs of the question service: a question by number, and its counts. */
export interface QuestionReader {
  get(id: number, options?: { allowHidden?: boolean }): Promise<Question>;
  stats(id: number): Promise<QuestionStats>;
  oneWithStats(id: number): Promise<{ question: Question; stats: QuestionStats } | null>;
}

/** Where a question's post went, once sent (every ask's post): fixed SQL (see FixedSql). */
/** Where a post went; on PostgreSQL with the sent outbox row's deletion in the same statement (see `OutboxHandlers.sent`). */
const RECORD_POST = new FixedSql(
  (table, postgres) =>
    `${postgres ? deletingSent(table) : ''}UPDATE ${table(Question)} SET "messageId" = ?, "channel" = ?, "postedAt" = ?, "postFailureReportedAt" = NULL WHERE "id" = ?`,
);

/** A message without where it goes, as the outbox stores it: to compare a stored post with a fresh render. */
const stored = ({ visibility: _visibility, ...rest }: Message): string => storeMessage(rest);

/**
 * The public posts of questions. Each post is a row of the outbox (issue "Exactly once"),
 * written in the transaction that stores the question, due at its `postAt` (now, or after the
 * random delay): sent once by whichever process runs the question's platform, also after a crash,
 * and its message saved on the question once sent. Posts are then edited in place when the
 * question changes. A post the platform keeps refusing is given up by the outbox, which tells
 * the chapter's moderators once (`/mod outbox` tries it again).
 */
/** Where a question's post went, as its record says once it was sent. */
type Posted = Pick<Question, 'messageId' | 'channel' | 'postedAt'>;

export class QuestionPosts {
  /** Questions whose `ask` waits for its post (see `posting`): where it went, once sent. */
  private readonly awaited = new Map<number, Posted | undefined>();

  constructor(
    private readonly clock: Clock,
    private readonly notifier: Notifier,
    private readonly log: Logger,
    /** Texts of public posts, in the bot's language. */
    private readonly t: Translate,
    private readonly questions: QuestionReader,
    private readonly outbox: OutboxService,
  ) {
    outbox.handle('question_post', {
      sent: async (em, row, ref) => {
        if (row.questionId === null) return;
        const posted = { messageId: ref.messageId, channel: ref.channel, postedAt: this.clock.now() };
        const deleting = em.connection.options.type === 'postgres' ? [row.id] : [];
        await RECORD_POST.run(em, [...deleting, posted.messageId, posted.channel, posted.postedAt, row.questionId]);
        if (this.awaited.has(row.questionId)) this.awaited.set(row.questionId, posted);
        // The post was rendered when the question was stored: what changed while it waited (a
        // close, a hide, me-toos) is shown by editing it once it is there.
        const id = row.questionId;
        return () => this.catchUp(id, row.message);
      },
    });
  }

  /**
   * Runs `ask` (which stores a question and queues its post) and hands back where the post went if
   * it was sent before `ask` returned: what the asker's answer links, without reading the question again.
   */
  async posting<T extends { id: number }>(ask: (watch: (id: number) => void) => Promise<T>): Promise<{ stored: T; posted?: Posted }> {
    let watched: number | undefined;
    try {
      const stored = await ask((id) => this.awaited.set((watched = id), undefined));
      return { stored, posted: this.awaited.get(stored.id) };
    } finally {
      if (watched !== undefined) this.awaited.delete(watched);
    }
  }

  /** The public post of a question, in the bot's language; `stats` when the caller has just counted them (saves the statement). */
  async render(q: Question, stats?: QuestionStats): Promise<Message> {
    return questionPost(q, stats ?? (await this.questions.stats(q.id)), this.t);
  }

  /**
   * Queues the post of a question just stored (in `em`, the transaction that stores it): due at
   * its `postAt`. A fresh question has no me-toos nor answers yet.
   */
  async enqueue(em: EntityManager, q: Question): Promise<void> {
    await this.outbox.enqueue(em, {
      platform: q.platform,
      workspace: q.workspace,
      chapterId: q.chapterId,
      kind: 'question_post',
      subject: q.id,
      questionId: q.id,
      to: { channel: q.channel },
      message: questionPost(q, { meToo: 0, answers: 0 }, this.t),
      dueAt: q.postAt,
    });
  }

  /** Edits a post just sent if the question changed since its message was stored. Never throws. */
  private async catchUp(id: number, message: string): Promise<void> {
    try {
      const now = await this.questions.oneWithStats(id);
      if (now && stored(await this.render(now.question, now.stats)) !== message) await this.refresh(now.question, undefined, now.stats);
    } catch (err) {
      this.log.warn({ question: id, err: { type: (err as Error).name } }, 'could not bring a new question post up to date');
    }
  }

  /**
   * Re-renders a posted question in place (status, counts, hidden). The change itself is
   * already stored: if the post cannot be edited (deleted by hand, the bot lost access), that
   * is logged and the member's action still succeeds. A post still waiting in the outbox is
   * brought up to date once it is sent. `stats`: the counts, when the caller just read them.
   */
  async refresh(q: Question, outbox: Outbox | undefined, stats?: QuestionStats): Promise<void> {
    if (!q.messageId) return;
    const target = this.notifier.outbox(q.platform, q.workspace) ?? outbox;
    try {
      await target?.edit({ channel: q.channel, messageId: q.messageId }, await this.render(q, stats));
    } catch (err) {
      this.log.warn(
        { question: q.id, err: { type: (err as Error).name, message: (err as Error).message } },
        'could not update the post of a question',
      );
    }
  }
}
