import { randomInt } from 'node:crypto';
import type { Logger } from 'pino';
import { In, IsNull, LessThanOrEqual, MoreThan, Not, type EntityManager } from 'typeorm';
import type { Chapter } from '../../entities/Chapter.js';
import { AnonBlock } from '../../entities/AnonBlock.js';
import { Question, type QuestionStatus } from '../../entities/Question.js';
import { QuestionAnswer } from '../../entities/QuestionAnswer.js';
import { QuestionMeToo } from '../../entities/QuestionMeToo.js';
import { QuestionReport } from '../../entities/QuestionReport.js';
import type { Clock } from '../core/clock.js';
import { ChapterChannel } from '../../entities/ChapterChannel.js';
import { PostFailedError, UserError } from '../core/errors.js';
import { type MessageKey, type Params, translator, type Translate } from '../core/i18n.js';
import type { Notifier } from '../core/notifier.js';
import { bold, channelLink, fill, message, p, type Message, type PostedRef, SLOT } from '../core/reply.js';
import { isUniqueViolation } from '../db/errors.js';
import type { Store } from '../db/store.js';
import { authorKey, openAddress, pseudonym, scopedPseudonym, sealAddress } from './anonymity.js';
import type { Identity, Outbox } from '../core/types.js';

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

export interface QuestionStats {
  readonly meToo: number;
  readonly answers: number;
}

/** Due questions read per page, and pages per round of the scheduler. */
const DUE_PAGE = 50;
const DUE_PAGES = 10;

const utc = (at: Date) => at.toISOString().replace('T', ' ').slice(0, 16) + ' UTC';

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
    return Array.isArray(parsed) ? (parsed as AskerNotice[]).filter((n) => typeof n?.key === 'string' && n.key.startsWith('question.notify.')) : [];
  } catch {
    return [];
  }
}

/**
 * Anonymous questions. Every rule that matters is kept by the database: one me-too per
 * person (unique scoped pseudonym), one report per person, status changes as conditional
 * updates, a per-pseudonym rate limit counted inside the transaction that inserts.
 * Nothing here receives, stores or logs an asker's user id: callers pass an Identity that
 * is turned into a pseudonym at once (and, for answers, sealed into an encrypted address).
 */
export class QuestionService {
  /**
   * Questions whose post keeps failing and whose chapter's moderators were told so, by this
   * process: by the command's answer (the dispatcher's notice) or by `postDue`. They are told
   * once per question, not at every tick; after a restart, once again.
   */
  private readonly failingReported = new Set<number>();

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly notifier: Notifier,
    private readonly log: Logger,
    private readonly settings: QuestionSettings,
  ) {}

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
    if (block) throw new UserError('question.blocked', { until: utc(block.expiresAt), reason: block.reason }, { sensitive: true });
  }

  /** Serialises one pseudonym's writes on PostgreSQL (SQLite's Store already runs one transaction at a time). */
  private async lockPseudonym(em: EntityManager, pseudo: string): Promise<void> {
    if (em.connection.options.type === 'postgres') await em.query('SELECT pg_advisory_xact_lock(hashtext($1))', [pseudo]);
  }

  async ask(input: { asker: Identity & { name: string; locale: string }; chapter: Chapter; channel: string; text: string; topic?: string; workshopId?: number }): Promise<Question> {
    const now = this.clock.now();
    const pseudo = this.pseudonymOf(input.asker);
    const { max, windowMinutes } = this.settings.rateLimit;
    const delayMs = this.settings.postDelayMaxSeconds > 0 ? randomInt(0, this.settings.postDelayMaxSeconds * 1000 + 1) : 0;
    return this.store.transaction(async (em) => {
      await this.lockPseudonym(em, pseudo);
      await this.assertNotBlocked(em, pseudo, input.chapter.id);
      const recent = await em.count(Question, { where: { pseudonym: pseudo, createdAt: MoreThan(new Date(now.getTime() - windowMinutes * 60_000)) } });
      if (recent >= max) throw new UserError('question.rate_limited', { max, minutes: windowMinutes });
      return em.save(
        em.create(Question, {
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
          createdAt: now,
        }),
      );
    });
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

  async stats(id: number): Promise<QuestionStats> {
    const [meToo, answers] = await Promise.all([this.store.manager.countBy(QuestionMeToo, { questionId: id }), this.store.manager.countBy(QuestionAnswer, { questionId: id })]);
    return { meToo, answers };
  }

  /** The public post of a question, in the bot's language. */
  async render(q: Question): Promise<Message> {
    const { t } = this.settings;
    const visibility = { kind: 'channel' as const, channel: q.channel };
    if (q.hiddenAt) return message([p(t('question.hidden_post', { reason: q.hiddenReason ?? '' }))], { title: t('question.post.title', { id: q.id }), visibility });
    const s = await this.stats(q.id);
    return message([p(q.text)], {
      title: t('question.post.title', { id: q.id }),
      visibility,
      fields: [
        ...(q.topic ? [{ name: t('question.post.topic'), value: [q.topic], inline: true }] : []),
        ...(q.workshopId ? [{ name: t('question.post.workshop'), value: [`#${q.workshopId}`], inline: true }] : []),
        { name: t('question.post.status'), value: [t(`question.status.${q.status}`)], inline: true },
        ...(s.answers ? [{ name: t('question.post.answers'), value: [String(s.answers)], inline: true }] : []),
        ...(s.meToo ? [{ name: '+1', value: [s.meToo === 1 ? t('question.post.metoo.one') : t('question.post.metoo.many', { count: s.meToo })] }] : []),
      ],
      buttons:
        q.status === 'closed'
          ? []
          : [
              { label: t('question.button.metoo'), command: `/ask metoo id:${q.id}` },
              { label: t('question.button.answer'), command: `/ask answer id:${q.id}`, style: 'primary' },
              { label: t('question.button.report'), command: `/ask report id:${q.id}`, style: 'danger' },
            ],
    });
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
      const ref = await outbox.post(await this.render(await this.get(id, { allowHidden: true })));
      await this.store.transaction((em) => em.update(Question, { id }, { messageId: ref.messageId, channel: ref.channel }));
      this.failingReported.delete(id);
      return ref;
    } catch (err) {
      await this.store.transaction((em) => em.update(Question, { id }, { postedAt: null }));
      // The dispatcher has told the moderators already (see Dispatcher.postFailed).
      if (err instanceof PostFailedError) this.failingReported.add(id);
      throw err;
    }
  }

  /** Posts every question that is due and not yet posted (delayed posts; posts a crash interrupted). */
  async postDue(): Promise<number> {
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
          failing.add(where);
          this.log.warn({ question: q.id, err: { message: (err as Error).message } }, 'could not post a delayed question; will retry');
          if (!this.failingReported.has(q.id)) await this.reportFailingPost(q, outbox);
        }
      }
      if (due.length < DUE_PAGE) break;
    }
    return posted;
  }

  /**
   * A post the platform refused even after its retries, with no member waiting for it: the
   * moderation channel of the question's chapter, in its workspace, is told once (as the
   * dispatcher tells it when a command's post fails), so someone looks at the bot's access.
   */
  private async reportFailingPost(q: Question, outbox: Outbox): Promise<void> {
    this.failingReported.add(q.id);
    const moderation = await this.store.manager.getRepository(ChapterChannel).findOneBy({ chapterId: q.chapterId, platform: q.platform, workspace: q.workspace, purpose: 'moderation' });
    if (!moderation || moderation.channelId === q.channel) return;
    // The channel as a link the platform shows by its name, as in the dispatcher's notice.
    const notice = message([p(...fill(this.settings.t('error.post_failed.moderators', { channel: SLOT }), channelLink(q.channel)))], { visibility: { kind: 'channel', channel: moderation.channelId } });
    await outbox.post(notice).catch((err: unknown) => this.log.warn({ question: q.id, err: { message: (err as Error).message } }, 'could not tell the moderators either'));
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
      this.log.warn({ question: q.id, err: { type: (err as Error).name, message: (err as Error).message } }, 'could not update the post of a question');
    }
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
    if (!byAsker) await this.tellAsker(closed, { key: 'question.notify.closed', params: { id } }, this.addressOf(q));
    return closed;
  }

  /**
   * Reopens the asker's question and seals their reply address again (closing erased it): the
   * asker is present, so they hear about new answers again, for another 30 days at most. Also
   * after a moderator closed it.
   */
  async reopen(id: number, who: Identity & { name: string; locale: string }): Promise<Question> {
    await this.asAsker(id, who);
    const now = this.clock.now();
    const changed = await this.transition(id, ['closed'], 'open', { replyTo: sealAddress(this.settings.secret, who), replyToExpiresAt: new Date(now.getTime() + REPLY_ADDRESS_DAYS * DAY) });
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
  async meToo(id: number, who: Identity): Promise<{ outcome: 'counted' | 'already' | 'own'; count: number; question: Question }> {
    const q = await this.get(id);
    if (q.status === 'closed') throw new UserError('question.is_closed', { id });
    if (q.pseudonym === this.pseudonymOf(who)) return { outcome: 'own', count: (await this.stats(id)).meToo, question: q };
    // The unique key (question, scoped pseudonym) decides, also between two processes.
    const inserted = await this.store
      .transaction((em) => em.insert(QuestionMeToo, { questionId: id, pseudonym: scopedPseudonym(this.settings.secret, `metoo:${id}`, who) }))
      .then(
        () => true,
        (err: unknown) => {
          if (isUniqueViolation(err)) return false;
          throw err;
        },
      );
    return { outcome: inserted ? 'counted' : 'already', count: (await this.stats(id)).meToo, question: q };
  }

  /** Records an answer; the first one marks the question answered-pending; the asker is told by DM. */
  async answer(id: number, who: Identity & { name: string }, text: string): Promise<{ question: Question; first: boolean }> {
    const q = await this.get(id);
    // The answer would carry the asker's name beside their anonymous question: refused before
    // anything is stored or posted, and the asker is pointed to the anonymous follow-up.
    if (q.pseudonym === this.pseudonymOf(who)) throw new UserError('question.own_answer', { id }, { sensitive: true });
    if (q.status === 'closed') throw new UserError('question.is_closed', { id });
    if (!q.messageId) throw new UserError('question.not_posted', { id });
    const first = await this.store.transaction(async (em) => {
      await this.assertNotBlocked(em, this.pseudonymOf(who), q.chapterId);
      await em.insert(QuestionAnswer, { questionId: id, authorName: who.name.slice(0, 100), authorKey: authorKey(this.settings.secret, who), text, createdAt: this.clock.now() });
      const result = await em.update(Question, { id, status: 'open' }, { status: 'pending' });
      return result.affected === 1;
    });
    return { question: await this.get(id), first };
  }

  /** Tells the asker (and only them) about an answer: by DM through the encrypted address, else at their next `/ask mine`. */
  notifyAsker(q: Question): Promise<boolean> {
    return this.tellAsker(q, { key: 'question.notify.answer', params: { id: q.id } });
  }

  /** The asker's address, if the question still keeps it and it opens with this secret. */
  private addressOf(q: Question): ReturnType<typeof openAddress> {
    if (!q.replyTo || !q.replyToExpiresAt || q.replyToExpiresAt <= this.clock.now()) return null;
    return openAddress(this.settings.secret, q.replyTo);
  }

  /**
   * A notice about the question to its asker, as a sensitive DM: never a channel post, whatever
   * the platform does with DMs it cannot deliver. When it cannot go (DMs closed, no address left,
   * that platform's adapter runs elsewhere) it is kept on the question, without the asker's id,
   * for their next `/ask mine`. Whether the DM was delivered.
   */
  private async tellAsker(q: Question, notice: AskerNotice, address = this.addressOf(q)): Promise<boolean> {
    const outbox = address && this.notifier.outbox(address.platform, address.workspace);
    if (address && outbox) {
      try {
        const t = translator(address.locale);
        await outbox.post(message([p(t(notice.key, notice.params))], { visibility: { kind: 'dm', to: { id: address.id, name: address.name } }, sensitive: true }));
        return true;
      } catch (err) {
        // Never log the address; only that the note could not be delivered.
        this.log.warn({ question: q.id, err: { message: 'delivery failed', type: (err as Error).name } }, 'could not notify an asker; kept for their /ask mine');
      }
    }
    await this.keepNotice(q.id, notice);
    return false;
  }

  /** Keeps a notice on the question, one per kind (the newest wins), so `/ask mine` says each once. */
  private async keepNotice(id: number, notice: AskerNotice): Promise<void> {
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
  async takeNotices(who: Identity): Promise<AskerNotice[]> {
    const rows = await this.store.manager.find(Question, { select: { id: true, pendingNotices: true }, where: { pseudonym: this.pseudonymOf(who), pendingNotices: Not(IsNull()) }, order: { id: 'ASC' } });
    const taken: AskerNotice[] = [];
    for (const row of rows) {
      const cleared = await this.store.transaction(async (em) => (await em.update(Question, { id: row.id, pendingNotices: row.pendingNotices! }, { pendingNotices: null })).affected === 1);
      if (cleared) taken.push(...parseNotices(row.pendingNotices));
    }
    return taken;
  }

  /** One report per person per question. Returns false if this person already reported it. */
  async report(id: number, who: Identity, reason: string): Promise<{ question: Question; recorded: boolean }> {
    const q = await this.get(id, { allowHidden: true });
    try {
      await this.store.transaction((em) => em.insert(QuestionReport, { questionId: id, pseudonym: scopedPseudonym(this.settings.secret, `report:${id}`, who), reason, createdAt: this.clock.now() }));
      return { question: q, recorded: true };
    } catch (err) {
      if (isUniqueViolation(err)) return { question: q, recorded: false };
      throw err;
    }
  }

  /** The asker's own questions, found by pseudonym, newest first. */
  async mine(who: Identity): Promise<(Question & QuestionStats)[]> {
    const rows = await this.store.manager.find(Question, { where: { pseudonym: this.pseudonymOf(who) }, order: { id: 'DESC' }, take: 25 });
    return Promise.all(rows.map(async (q) => Object.assign(q, await this.stats(q.id))));
  }

  async list(chapter: Chapter, filter: { topic?: string; status: 'open' | 'answered' | 'all' }): Promise<(Question & QuestionStats)[]> {
    // `open`: every question not closed, those answered and waiting for the asker included.
    const statuses: QuestionStatus[] = filter.status === 'open' ? ['open', 'pending'] : filter.status === 'answered' ? ['pending', 'closed'] : ['open', 'pending', 'closed'];
    const rows = await this.store.manager.find(Question, {
      where: { chapterId: chapter.id, status: In(statuses), hiddenAt: IsNull(), ...(filter.topic ? { topic: filter.topic.trim().toLowerCase() } : {}) },
      order: { id: 'DESC' },
      take: 25,
    });
    return Promise.all(rows.filter((q) => q.postedAt).map(async (q) => Object.assign(q, await this.stats(q.id))));
  }

  async hide(id: number, reason: string): Promise<Question> {
    await this.get(id, { allowHidden: true });
    const changed = await this.store.transaction(async (em) => (await em.update(Question, { id, hiddenAt: IsNull() }, { hiddenAt: this.clock.now(), hiddenReason: reason })).affected === 1);
    if (!changed) throw new UserError('mod.already_hidden', { id });
    const hidden = await this.get(id, { allowHidden: true });
    await this.tellAsker(hidden, { key: 'question.notify.hidden', params: { id, reason } });
    return hidden;
  }

  /** Blocks the pseudonym behind a question; nobody, the moderator included, learns whose it is. */
  async block(questionId: number, reason: string, days: number, moderator: Identity & { readonly name: string }): Promise<AnonBlock> {
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
    await this.tellAsker(q, { key: 'question.notify.blocked', params: { id: questionId, until: utc(block.expiresAt), reason } });
    return block;
  }

  async unblock(blockId: number): Promise<void> {
    const lifted = await this.store.transaction(async (em) => (await em.update(AnonBlock, { id: blockId, liftedAt: IsNull(), expiresAt: MoreThan(this.clock.now()) }, { liftedAt: this.clock.now() })).affected === 1);
    if (!lifted) throw new UserError('mod.block_not_found', { block: blockId });
  }

  /** The chapter's blocks in force. */
  activeBlocks(chapterId: number): Promise<AnonBlock[]> {
    return this.store.manager.find(AnonBlock, { where: { chapterId, liftedAt: IsNull(), expiresAt: MoreThan(this.clock.now()) }, order: { id: 'ASC' } });
  }

  /** Erases reply addresses older than 30 days. Run by the scheduler; cheap when there is nothing to do. */
  async eraseExpiredAddresses(): Promise<number> {
    return this.store.transaction(async (em) => (await em.update(Question, { replyToExpiresAt: LessThanOrEqual(this.clock.now()) }, { replyTo: null, replyToExpiresAt: null })).affected ?? 0);
  }
}

/** The "Question #N: ..." line for lists. */
export function questionLine(q: Question & QuestionStats, t: Translate) {
  return [bold(`#${q.id}`), ` ${t(`question.status.${q.status}`)} · ${t('question.list.counts', { answers: q.answers, metoo: q.meToo })} · `, q.text.length > 80 ? q.text.slice(0, 79) + '…' : q.text];
}
