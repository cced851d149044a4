import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import { In, IsNull, LessThanOrEqual, MoreThan, Not, type EntityManager } from 'typeorm';
import { AnonBlock } from '../../../entities/AnonBlock.js';
import { Chapter } from '../../../entities/Chapter.js';
import { Question, type QuestionStatus } from '../../../entities/Question.js';
import { OutboxMessage } from '../../../entities/OutboxMessage.js';
import { QuestionAnswer } from '../../../entities/QuestionAnswer.js';
import { QuestionMeToo } from '../../../entities/QuestionMeToo.js';
import { QuestionReport } from '../../../entities/QuestionReport.js';
import type { Clock } from '../../core/clock.js';
import { UserError } from '../../core/errors.js';
import type { Translate } from '../../core/i18n.js';
import type { Notifier } from '../../core/notifier.js';
import type { Message } from '../../core/reply.js';
import type { Identity, Outbox, Person } from '../../core/types.js';
import { isUniqueViolation } from '../../db/errors.js';
import { FixedSql, hydrate, insertRow, selectColumns } from '../../db/fixed-sql.js';
import type { Store } from '../../db/store.js';
import { authorKey, pseudonym, scopedPseudonym, sealAddress } from '../anonymity.js';
import { formatLocal } from '../local-time.js';
import type { OutboxService } from '../outbox/service.js';
import { type AskerNotice, AskerNotices } from './asker-notices.js';
import type { QuestionStats } from './post.js';
import { QuestionPosts } from './posting.js';

export interface QuestionSettings {
  readonly secret: string;
  readonly postDelayMaxSeconds: number;
  readonly rateLimit: { readonly max: number; readonly windowMinutes: number };
  /** Texts of public posts, in the bot's language. */
  readonly t: Translate;
}

/** How long an asker's encrypted reply address may be kept at most. */
export const REPLY_ADDRESS_DAYS = 30;
const DAY = 86_400_000;

/** Every ask sends it (see `blockAndRecent`): fixed SQL (see FixedSql), the statement the query builder made. */
const BLOCK_AND_RECENT = new FixedSql(
  (table) =>
    `SELECT COUNT(*) AS "recent", (SELECT "b"."id" FROM ${table(AnonBlock)} "b" WHERE "b"."pseudonym" = ? AND "b"."chapterId" = ? ` +
    `AND "b"."liftedAt" IS NULL AND "b"."expiresAt" > ? LIMIT 1) AS "blockId" FROM ${table(Question)} "q" WHERE "q"."pseudonym" = ? AND "q"."createdAt" > ?`,
);

/** A question and its counts (see `oneWithStats`). */
const ONE_WITH_STATS = new FixedSql(
  (table, _postgres, db) =>
    `SELECT ${selectColumns(db, Question, 'q')}, (SELECT COUNT(1) FROM ${table(QuestionMeToo)} "m" WHERE "m"."questionId" = "q"."id") AS "meToo", ` +
    `(SELECT COUNT(1) FROM ${table(QuestionAnswer)} "a" WHERE "a"."questionId" = "q"."id") AS "answers" FROM ${table(Question)} "q" WHERE "q"."id" = ?`,
);

/**
 * Anonymous questions. Every rule that matters is kept by the database: one me-too per
 * person (unique scoped pseudonym), one report per person, status changes as conditional
 * updates, a per-pseudonym rate limit counted inside the transaction that inserts.
 * Nothing here receives, stores or logs an asker's user id: callers pass an Identity that
 * is turned into a pseudonym at once (and, for answers, sealed into an encrypted address).
 */
export class QuestionService {
  /** The public posts: queued in the outbox (also delayed), saved once sent, edited in place. */
  private readonly posts: QuestionPosts;
  /** Notices to askers, by sealed address or kept for their `/ask mine`. */
  private readonly notices: AskerNotices;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    notifier: Notifier,
    log: Logger,
    private readonly settings: QuestionSettings,
    private readonly outbox: OutboxService,
  ) {
    this.posts = new QuestionPosts(clock, notifier, log, settings.t, this, outbox);
    this.notices = new AskerNotices(store, clock, log, settings.secret, outbox);
  }

  private pseudonymOf(who: Identity): string {
    return pseudonym(this.settings.secret, who);
  }

  /** Whether the person behind an identity is blocked in a chapter now; a UserError saying until when and why. */
  private async assertNotBlocked(em: EntityManager, pseudo: string, chapterId: number): Promise<void> {
    const block = await em.findOne(AnonBlock, {
      // A block applies in the chapter where it was set.
      where: { pseudonym: pseudo, chapterId, liftedAt: IsNull(), expiresAt: MoreThan(this.clock.now()) },
      order: { expiresAt: 'DESC' },
    });
    if (!block) return;
    // An error carries text, not a time token: the chapter's wall clock and its zone, not UTC.
    const chapter = await em.findOneBy(Chapter, { id: chapterId });
    const until = formatLocal(block.expiresAt, chapter?.timeZone ?? 'UTC');
    throw new UserError('question.blocked', { until, reason: block.reason }, { sensitive: true });
  }

  /**
   * In one statement: the block in force on the pseudonym in the chapter, if any (as `assertNotBlocked`
   * finds it), and how many questions the pseudonym asked since `since` (the anonymous rate limit).
   */
  private async blockAndRecent(
    em: EntityManager,
    pseudo: string,
    chapterId: number,
    since: Date,
  ): Promise<{ blockId: number | null; recent: number }> {
    const [row] = await BLOCK_AND_RECENT.run<{ recent: number | string; blockId: number | string | null }[]>(em, [
      pseudo,
      chapterId,
      this.clock.now(),
      pseudo,
      since,
    ]);
    return { blockId: row?.blockId == null ? null : Number(row.blockId), recent: Number(row?.recent ?? 0) };
  }

  /** Serialises one pseudonym's writes on PostgreSQL (SQLite's Store already runs one transaction at a time). */
  private async lockPseudonym(em: EntityManager, pseudo: string): Promise<void> {
    if (em.connection.options.type === 'postgres') await em.query('SELECT pg_advisory_xact_lock(hashtext($1))', [pseudo]);
  }

  /**
   * Stores a question and, in the same transaction, its post as a row of the outbox, due at once
   * or after the random delay (ANON_POST_DELAY_MAX). A post due now is sent before this returns
   * (when this process runs the platform): the question returned then has its `messageId`.
   */
  async ask(input: {
    asker: Person & { locale: string };
    chapter: Chapter;
    channel: string;
    text: string;
    topic?: string;
    workshopId?: number;
  }): Promise<Question> {
    const now = this.clock.now();
    const pseudo = this.pseudonymOf(input.asker);
    const { max, windowMinutes } = this.settings.rateLimit;
    const delayMs = this.settings.postDelayMaxSeconds > 0 ? randomInt(0, this.settings.postDelayMaxSeconds * 1000 + 1) : 0;
    const { stored, posted } = await this.posts.posting((watch) =>
      this.store.transaction(async (em) => {
        await this.lockPseudonym(em, pseudo);
        // The block and the rate limit in one read (after the lock, so it counts every ask of this pseudonym before it).
        const { blockId, recent } = await this.blockAndRecent(
          em,
          pseudo,
          input.chapter.id,
          new Date(now.getTime() - windowMinutes * 60_000),
        );
        if (blockId !== null) await this.assertNotBlocked(em, pseudo, input.chapter.id);
        if (recent >= max) throw new UserError('question.rate_limited', { max, minutes: windowMinutes });
        const q = Object.assign(new Question(), {
          chapterId: input.chapter.id,
          pseudonym: pseudo,
          text: input.text,
          topic: input.topic?.trim().toLowerCase() || null,
          workshopId: input.workshopId ?? null,
          status: 'open',
          platform: input.asker.platform,
          workspace: input.asker.workspace,
          channel: input.channel,
          messageId: null,
          postAt: new Date(now.getTime() + delayMs),
          postedAt: null,
          replyTo: sealAddress(this.settings.secret, input.asker),
          replyToExpiresAt: new Date(now.getTime() + REPLY_ADDRESS_DAYS * DAY),
          hiddenAt: null,
          hiddenReason: null,
          postFailureReportedAt: null,
          pendingNotices: null,
          createdAt: now,
        });
        // Every column given: nothing to read back (insertRow).
        q.id = await insertRow(em, Question, q);
        watch(q.id);
        await this.posts.enqueue(em, q);
        return q;
      }),
    );
    // As it is now: posted by the outbox once the transaction committed, if it was due (and this
    // process runs its platform); otherwise as stored, its post waiting. Nothing else wrote it meanwhile.
    return posted ? Object.assign(stored, posted) : stored;
  }

  /** Whether `who` asked `q` (their pseudonym is the question's): nothing about the asker is revealed to anyone else. */
  isAsker(q: Question, who: Identity): boolean {
    return q.pseudonym === this.pseudonymOf(who);
  }

  /** A question by number, for an action on it: unknown and hidden ones are errors. */
  async get(id: number, options: { allowHidden?: boolean } = {}): Promise<Question> {
    const q = await this.store.manager.findOneBy(Question, { id });
    if (!q) throw new UserError('question.not_found', { id });
    if (q.hiddenAt && !options.allowHidden) throw new UserError('question.is_hidden', { id });
    return q;
  }

  /** A question (hidden ones too) and its counts, in one statement; null when there is no such question. */
  async oneWithStats(id: number): Promise<{ question: Question; stats: QuestionStats } | null> {
    // Every ask's post reads it once sent (see QuestionPosts.catchUp): fixed SQL, hydrated as TypeORM would.
    const db = this.store.db;
    const [row] = await ONE_WITH_STATS.run<(Record<string, unknown> & { meToo: number | string; answers: number | string })[]>(
      this.store.manager,
      [id],
    );
    if (!row) return null;
    return { question: hydrate(db, Question, row), stats: { meToo: Number(row.meToo), answers: Number(row.answers) } };
  }

  /** A question's me-toos and answers, counted in one statement. */
  async stats(id: number): Promise<QuestionStats> {
    const row = await this.store.manager
      .createQueryBuilder()
      .select((sub) => sub.select('COUNT(*)').from(QuestionMeToo, 'm').where('m.questionId = q.id'), 'meToo')
      .addSelect((sub) => sub.select('COUNT(*)').from(QuestionAnswer, 'a').where('a.questionId = q.id'), 'answers')
      .from(Question, 'q')
      .where('q.id = :id', { id })
      .getRawOne<{ meToo: number | string; answers: number | string }>();
    // PostgreSQL's COUNT is a bigint, which the driver hands over as a string.
    return { meToo: Number(row?.meToo ?? 0), answers: Number(row?.answers ?? 0) };
  }

  /** The public post of a question, in the bot's language. */
  render(q: Question): Promise<Message> {
    return this.posts.render(q);
  }

  /** Re-renders a posted question in place; a failure is logged, the change stays stored. */
  refresh(q: Question, outbox: Outbox | undefined, stats?: QuestionStats): Promise<void> {
    return this.posts.refresh(q, outbox, stats);
  }

  /** A question on which the actor acts as its asker; any other member gets a neutral refusal. */
  async asAsker(id: number, who: Identity): Promise<Question> {
    const q = await this.get(id);
    if (q.pseudonym !== this.pseudonymOf(who)) throw new UserError('question.not_asker', { id });
    return q;
  }

  async followup(id: number, who: Identity): Promise<Question> {
    const q = await this.asAsker(id, who);
    if (q.status === 'closed') throw new UserError('question.is_closed', { id });
    if (!q.messageId) throw new UserError('question.not_posted', { id });
    await this.store.transaction((em) => this.assertNotBlocked(em, q.pseudonym, q.chapterId));
    return q;
  }

  async close(id: number, who: Identity, isModerator: boolean): Promise<Question> {
    const q = await this.get(id);
    const byAsker = q.pseudonym === this.pseudonymOf(who);
    if (!byAsker && !isModerator) throw new UserError('question.not_asker_or_moderator', { id });
    // Closing erases the way back to the asker.
    const changed = await this.transition(id, ['open', 'pending'], 'closed', { replyTo: null, replyToExpiresAt: null });
    if (!changed) throw new UserError('question.already_closed', { id });
    const closed = await this.get(id);
    // Closed by a moderator: the asker hears of it, through the address read before closing erased it.
    if (!byAsker) await this.notices.tell(closed, { key: 'question.notify.closed', params: { id } }, this.notices.sealedOf(q));
    return closed;
  }

  /**
   * Reopens the asker's question and seals their reply address again (closing erased it): the
   * asker is present, so they hear about new answers again, for another 30 days at most. Also
   * after a moderator closed it.
   */
  async reopen(id: number, who: Person & { locale: string }): Promise<Question> {
    await this.asAsker(id, who);
    const now = this.clock.now();
    const changed = await this.transition(id, ['closed'], 'open', {
      replyTo: sealAddress(this.settings.secret, who),
      replyToExpiresAt: new Date(now.getTime() + REPLY_ADDRESS_DAYS * DAY),
    });
    if (!changed) throw new UserError('question.already_open', { id });
    return this.get(id);
  }

  private transition(id: number, from: QuestionStatus[], to: QuestionStatus, extra: Partial<Question> = {}): Promise<boolean> {
    return this.store.transaction(async (em) => {
      const result = await em.update(Question, { id, status: In(from) }, { status: to, ...extra });
      return result.affected === 1;
    });
  }

  /** Counts a person once; the asker's own press and a second press are not counted. */
  async meToo(
    id: number,
    who: Identity,
  ): Promise<{ outcome: 'counted' | 'already' | 'own'; count: number; question: Question; stats: QuestionStats }> {
    const q = await this.get(id);
    if (q.status === 'closed') throw new UserError('question.is_closed', { id });
    if (q.pseudonym === this.pseudonymOf(who)) {
      const stats = await this.stats(id);
      return { outcome: 'own', count: stats.meToo, question: q, stats };
    }
    // The unique key (question, scoped pseudonym) decides, also between two processes. One
    // statement, atomic by itself: no transaction around it (Store.write).
    const inserted = await this.store
      .write((em) =>
        em
          .createQueryBuilder()
          .insert()
          .into(QuestionMeToo)
          .values({ questionId: id, pseudonym: scopedPseudonym(this.settings.secret, `metoo:${id}`, who) })
          .updateEntity(false)
          .execute(),
      )
      .then(
        () => true,
        (err: unknown) => {
          if (isUniqueViolation(err)) return false;
          throw err;
        },
      );
    const stats = await this.stats(id);
    return { outcome: inserted ? 'counted' : 'already', count: stats.meToo, question: q, stats };
  }

  /** Records an answer; the first one marks the question answered-pending; the asker is told by DM. */
  async answer(id: number, who: Person, text: string): Promise<{ question: Question; first: boolean }> {
    const q = await this.get(id);
    // The answer would carry the asker's name beside their anonymous question: refused before
    // anything is stored or posted, and the asker is pointed to the anonymous follow-up.
    if (q.pseudonym === this.pseudonymOf(who)) throw new UserError('question.own_answer', { id }, { sensitive: true });
    if (q.status === 'closed') throw new UserError('question.is_closed', { id });
    if (!q.messageId) throw new UserError('question.not_posted', { id });
    const first = await this.store.transaction(async (em) => {
      await this.assertNotBlocked(em, this.pseudonymOf(who), q.chapterId);
      await em.insert(QuestionAnswer, {
        questionId: id,
        authorName: who.name.slice(0, 100),
        authorKey: authorKey(this.settings.secret, who),
        text,
        createdAt: this.clock.now(),
      });
      const result = await em.update(Question, { id, status: 'open' }, { status: 'pending' });
      return result.affected === 1;
    });
    return { question: await this.get(id), first };
  }

  /**
   * Tells the asker (and only them) about an answer: by DM through the encrypted address, else at
   * their next `/ask mine`. Whether the DM was delivered by the time this returns.
   */
  notifyAsker(q: Question): Promise<boolean> {
    return this.notices.tell(q, { key: 'question.notify.answer', params: { id: q.id } });
  }

  /** The notices kept for the asker's questions, cleared as they are read: each is shown once. */
  takeNotices(who: Identity): Promise<AskerNotice[]> {
    return this.notices.take(this.pseudonymOf(who));
  }

  /** One report per person per question. Returns false if this person already reported it. */
  async report(id: number, who: Identity, reason: string): Promise<{ question: Question; recorded: boolean }> {
    const q = await this.get(id, { allowHidden: true });
    try {
      await this.store.transaction((em) =>
        em.insert(QuestionReport, {
          questionId: id,
          pseudonym: scopedPseudonym(this.settings.secret, `report:${id}`, who),
          reason,
          createdAt: this.clock.now(),
        }),
      );
      return { question: q, recorded: true };
    } catch (err) {
      if (isUniqueViolation(err)) return { question: q, recorded: false };
      throw err;
    }
  }

  /** The asker's own questions, found by pseudonym, newest first: at most `limit`, without their counts (see `withStats`). */
  async mine(who: Identity, limit: number): Promise<Question[]> {
    return this.store.manager.find(Question, { where: { pseudonym: this.pseudonymOf(who) }, order: { id: 'DESC' }, take: limit });
  }

  /** Questions with their me-too and answer counts (for the page of them that is shown). */
  withStats(rows: readonly Question[]): Promise<(Question & QuestionStats)[]> {
    return Promise.all(rows.map(async (q) => Object.assign(q, await this.stats(q.id))));
  }

  /** Newest first; at most `limit` (default 25) of those posted. */
  async list(
    chapter: Chapter,
    filter: { topic?: string; status: 'open' | 'answered' | 'all'; limit?: number },
  ): Promise<(Question & QuestionStats)[]> {
    // `open`: every question not closed, those answered and waiting for the asker included.
    const statuses: QuestionStatus[] =
      filter.status === 'open' ? ['open', 'pending'] : filter.status === 'answered' ? ['pending', 'closed'] : ['open', 'pending', 'closed'];
    const rows = await this.store.manager.find(Question, {
      where: {
        chapterId: chapter.id,
        status: In(statuses),
        hiddenAt: IsNull(),
        ...(filter.topic ? { topic: filter.topic.trim().toLowerCase() } : {}),
      },
      order: { id: 'DESC' },
      take: filter.limit ?? 25,
    });
    return Promise.all(rows.filter((q) => q.postedAt).map(async (q) => Object.assign(q, await this.stats(q.id))));
  }

  async hide(id: number, reason: string): Promise<Question> {
    await this.get(id, { allowHidden: true });
    const changed = await this.store.transaction(
      async (em) =>
        (await em.update(Question, { id, hiddenAt: IsNull() }, { hiddenAt: this.clock.now(), hiddenReason: reason })).affected === 1,
    );
    if (!changed) throw new UserError('mod.already_hidden', { id });
    const hidden = await this.get(id, { allowHidden: true });
    await this.notices.tell(hidden, { key: 'question.notify.hidden', params: { id, reason } });
    return hidden;
  }

  /** Blocks the pseudonym behind a question; nobody, the moderator included, learns whose it is. */
  async block(questionId: number, reason: string, days: number, moderator: Person): Promise<AnonBlock> {
    const q = await this.get(questionId, { allowHidden: true });
    const now = this.clock.now();
    const block = await this.store.transaction((em) =>
      em.save(
        em.create(AnonBlock, {
          pseudonym: q.pseudonym,
          questionId,
          chapterId: q.chapterId,
          reason,
          moderatorName: moderator.name.slice(0, 100),
          authorKey: authorKey(this.settings.secret, moderator),
          createdAt: now,
          expiresAt: new Date(now.getTime() + days * DAY),
          liftedAt: null,
        }),
      ),
    );
    const chapter = await this.store.manager.findOneBy(Chapter, { id: q.chapterId });
    const until = formatLocal(block.expiresAt, chapter?.timeZone ?? 'UTC');
    await this.notices.tell(q, { key: 'question.notify.blocked', params: { id: questionId, until, reason } });
    return block;
  }

  async unblock(blockId: number): Promise<void> {
    const lifted = await this.store.transaction(
      async (em) =>
        (
          await em.update(
            AnonBlock,
            { id: blockId, liftedAt: IsNull(), expiresAt: MoreThan(this.clock.now()) },
            { liftedAt: this.clock.now() },
          )
        ).affected === 1,
    );
    if (!lifted) throw new UserError('mod.block_not_found', { block: blockId });
  }

  /** The chapter's blocks in force. */
  activeBlocks(chapterId: number): Promise<AnonBlock[]> {
    return this.store.manager.find(AnonBlock, {
      where: { chapterId, liftedAt: IsNull(), expiresAt: MoreThan(this.clock.now()) },
      order: { id: 'ASC' },
    });
  }

  /**
   * Forgets the asker of these questions in `em` (`/privacy delete`): their notices still waiting
   * in the outbox (which hold their sealed address) go.
   */
  async forgetAskers(em: EntityManager, questionIds: readonly number[]): Promise<void> {
    await this.outbox.purgeQuestions(em, questionIds);
  }

  /** Erases reply addresses older than 30 days. Run by the scheduler; cheap when there is nothing to do. */
  async eraseExpiredAddresses(): Promise<number> {
    const now = this.clock.now();
    return this.store.transaction(async (em) => {
      const expired = await em.find(Question, { select: { id: true }, where: { replyToExpiresAt: LessThanOrEqual(now) } });
      if (!expired.length) return 0;
      // A notice still waiting in the outbox loses its copy of the address too: it is kept for the asker's /ask mine instead.
      await this.forgetAddressesInOutbox(
        em,
        expired.map((q) => q.id),
      );
      return (
        (await em.update(Question, { replyToExpiresAt: LessThanOrEqual(now) }, { replyTo: null, replyToExpiresAt: null })).affected ?? 0
      );
    });
  }

  private async forgetAddressesInOutbox(em: EntityManager, ids: readonly number[]): Promise<void> {
    for (let i = 0; i < ids.length; i += 500)
      await em.update(OutboxMessage, { questionId: In(ids.slice(i, i + 500)), sealedTo: Not(IsNull()) }, { sealedTo: null });
  }
}
