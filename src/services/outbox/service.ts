import { createHmac } from 'node:crypto';
import type { Logger } from 'pino';
import { type EntityManager, In, IsNull, Not } from 'typeorm';
import { ChapterChannel } from '../../../entities/ChapterChannel.js';
import type { Member } from '../../../entities/Member.js';
import { type OutboxKind, OutboxMessage } from '../../../entities/OutboxMessage.js';
import type { Clock } from '../../core/clock.js';
import { safeError, UserError } from '../../core/errors.js';
import { translator } from '../../core/i18n.js';
import type { Notifier } from '../../core/notifier.js';
import { p, type Message, type PostedRef, type Visibility } from '../../core/reply.js';
import { backoffDelayMs, type RetryPolicy } from '../../core/retry.js';
import { FixedSql, insertRow, type TableName } from '../../db/fixed-sql.js';
import type { Store } from '../../db/store.js';
import { openAddress } from '../anonymity.js';
import { CrashHook } from './crash.js';
import { loadMessage, type StoredMessage, storeMessage } from './stored.js';

/** Where an outbox row goes: a member's DMs, an anonymous asker's (sealed address), a channel. */
export type OutboxTarget =
  { readonly member: Pick<Member, 'id' | 'userId' | 'displayName'> } | { readonly sealed: string } | { readonly channel: string };

export interface OutboxEntry {
  readonly platform: string;
  readonly workspace: string;
  /** The chapter it is about: its moderators see it in `/mod outbox` and hear when it is given up. */
  readonly chapterId?: number | null;
  readonly kind: OutboxKind;
  /** A workshop's or question's number, shown in `/mod outbox`. */
  readonly subject?: number | null;
  readonly to: OutboxTarget;
  readonly message: StoredMessage;
  /** Not before then; default now. */
  readonly dueAt?: Date;
  /** A question's post (its message is saved on the question once sent). */
  readonly questionId?: number | null;
}

/** What a kind of row does besides being sent (a question post keeps its message). */
export interface OutboxHandlers {
  /**
   * Records what the platform made, in ONE write statement (`Store.write`, no transaction: it runs
   * again, to the same effect, if the process dies before the row is deleted and the row is found
   * sent by a later attempt). What it returns runs after the row is deleted. On PostgreSQL the
   * statement also deletes the row: it starts with `deletingSent(table)` and the row's id is its first
   * parameter (one round trip, and the record and the deletion happen together); elsewhere the outbox
   * deletes the row after it.
   */
  sent?(em: EntityManager, row: OutboxMessage, ref: PostedRef): Promise<(() => Promise<void>) | void>;
  /** A row that cannot be delivered (refused for good, given up, its address unreadable), before it is dropped or kept. */
  undeliverable?(row: OutboxMessage): Promise<'drop' | 'keep'>;
}

/** The row's columns that say where it goes (and the member row, for a DM, when known). */
function targetColumns(
  to: OutboxTarget,
  member?: Pick<Member, 'id' | 'userId' | 'displayName'>,
): { memberId: number | null; sealedTo: string | null; channel: string | null; member?: Member } {
  return {
    memberId: 'member' in to ? to.member.id : null,
    sealedTo: 'sealed' in to ? to.sealed : null,
    channel: 'channel' in to ? to.channel : null,
    ...(member ? { member: member as Member } : {}),
  };
}

/** A message as a row keeps it: where it goes is the row's (a `visibility` a sender left on it is dropped). */
function withoutVisibility(m: StoredMessage | Message): StoredMessage {
  if (!('visibility' in m)) return m;
  return Object.fromEntries(Object.entries(m).filter(([key]) => key !== 'visibility')) as StoredMessage;
}

/** How long a process holds a row it is sending: far longer than a send with all its retries takes. */
export const OUTBOX_LEASE_MS = 5 * 60_000;
/** Rows a transaction writes held by this process for an immediate send (see `enqueue`). */
const HELD_PER_TRANSACTION = 10;
/** Rows read per round of the scheduler. */
const PAGE = 100;
/** The waits between a row's attempts: the shared backoff formula (`src/core/retry.ts`) on a longer scale. */
const BETWEEN_ATTEMPTS: RetryPolicy = { retries: 0, timeoutMs: 0, baseDelayMs: 30_000, maxDelayMs: 30 * 60_000 };
/** Rows of these kinds tell nobody when given up (an asker's notice is kept for their `/ask mine`). */
const SILENT: ReadonlySet<OutboxKind> = new Set(['asker_notice']);
/** A sent row's deletion, after every send: fixed SQL (see FixedSql). */
const DELETE_SENT = new FixedSql((table) => `DELETE FROM ${table(OutboxMessage)} WHERE "id" = ?`);

/** On PostgreSQL, how a `sent` handler's statement begins: the sent row's deletion (a data-modifying WITH; its parameter, the row's id). */
export const deletingSent = (table: TableName): string => `WITH "outbox_sent" AS (DELETE FROM ${table(OutboxMessage)} WHERE "id" = ?) `;

/**
 * The one outbox (issue "Exactly once"): every message the bot sends on its own initiative is a
 * row, written in the transaction of the change that causes it, sent after it commits (and by
 * the scheduler of any process that runs its platform, when due or when an attempt failed), and
 * deleted once the platform has it.
 *
 * Exactly once: a process claims a row with a conditional update that takes a lease
 * (`leasedUntil`); only processes running the row's platform (and able to post in its
 * workspace) claim it. Before the platform is called the row records the attempt's time and
 * the payloads' hashes; a row whose lease ran out (its process died) or whose attempt failed is
 * sent again with the same token, and the adapter first looks in the channel's history since
 * the first attempt (see `Once`), so a message the platform already has is not sent twice.
 * On SQLite one process serves the file: leases taken before this process started are free.
 */
export class OutboxService {
  private readonly handlers = new Map<OutboxKind, OutboxHandlers>();
  private readonly batches = new WeakMap<EntityManager, { held: number; free: number[]; hooked: boolean }>();
  private readonly startedAt: Date;
  private readonly crash: CrashHook;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly notifier: Notifier,
    private readonly log: Logger,
    private readonly secret: string,
    private readonly options: { readonly maxAttempts: number; readonly locale: string; readonly testCrash?: string },
  ) {
    this.startedAt = clock.now();
    this.crash = new CrashHook(options.testCrash);
  }

  /** What rows of `kind` do besides being sent; one handler per kind. */
  handle(kind: OutboxKind, handlers: OutboxHandlers): void {
    this.handlers.set(kind, handlers);
  }

  /**
   * Writes a row in the caller's transaction; once that commits it is sent (if due and this
   * process runs its platform), before the caller's `store.transaction` resolves. Its id.
   */
  async enqueue(em: EntityManager, entry: OutboxEntry): Promise<number> {
    const now = this.clock.now();
    const due = (entry.dueAt ?? now).getTime() <= now.getTime();
    const message = withoutVisibility(entry.message);
    const outbox = due ? this.notifier.outbox(entry.platform, entry.workspace) : undefined;
    const visibility = outbox ? this.whereTo(targetColumns(entry.to, 'member' in entry.to ? entry.to.member : undefined)) : null;
    // Sent by this process right after the caller commits: the row is written held already (its lease
    // taken, its attempt and the payloads' hashes recorded, as a claim and the first attempt would), so
    // the send needs no claim and no write before the platform call; a crash leaves it as a claimed row.
    // Only the first few rows of a transaction: the rest of a batch (a reminder to 200 members) is
    // written free and claimed row by row, so other processes' schedulers share it, and a crash
    // halfway leaves it to them at once rather than after the lease.
    const batch = this.batches.get(em) ?? { held: 0, free: [], hooked: false };
    this.batches.set(em, batch);
    let held: OutboxMessage | undefined;
    const fast =
      Boolean(outbox && visibility) &&
      batch.held < HELD_PER_TRANSACTION &&
      this.store.afterCommit(em, () => (held ? this.deliverHeld(held) : Promise.resolve()));
    if (fast) batch.held++;
    const values = {
      platform: entry.platform,
      workspace: entry.workspace,
      chapterId: entry.chapterId ?? null,
      kind: entry.kind,
      subject: entry.subject ?? null,
      ...targetColumns(entry.to),
      questionId: entry.questionId ?? null,
      message: storeMessage(message),
      createdAt: now,
      dueAt: entry.dueAt ?? now,
      leasedUntil: fast ? new Date(now.getTime() + OUTBOX_LEASE_MS) : null,
      attempts: fast ? 1 : 0,
      attemptedAt: fast ? now : null,
      hashes: fast ? (outbox!.fingerprint?.({ ...message, visibility: visibility! }) ?? []).join(',').slice(0, 200) : null,
      lastError: null,
      givenUpAt: null,
    };
    // Every command that posts writes one: fixed SQL (insertRow), every column given.
    const id = await insertRow(em, OutboxMessage, values);
    if (fast) held = Object.assign(new OutboxMessage(), values, { id, member: 'member' in entry.to ? entry.to.member : undefined });
    else if (outbox) {
      // Sent after the commit too (after the held ones), each claimed; outside a Store transaction, now.
      batch.hooked ||= this.store.afterCommit(em, async () => void (await this.deliver(batch.free)));
      if (batch.hooked) batch.free.push(id);
      else void this.deliver([id]);
    }
    return id;
  }

  /** The first send of a row `enqueue` wrote held by this process. Never throws. */
  private async deliverHeld(row: OutboxMessage): Promise<void> {
    try {
      if ((await this.send(row, true)) === 'gave_up') await this.tellGivenUp([row]);
    } catch (err) {
      this.log.error({ err: safeError(err), outbox: row.id }, 'an outbox row could not be handled; will retry');
    }
  }

  /** Sends the given rows now, if free (each once); how many were sent. Never throws. */
  async deliver(ids: readonly number[]): Promise<number> {
    let sent = 0;
    const gaveUp: OutboxMessage[] = [];
    for (const id of ids) {
      try {
        const row = await this.claim(id);
        if (!row) continue;
        const outcome = await this.send(row);
        if (outcome === 'sent') sent++;
        if (outcome === 'gave_up') gaveUp.push(row);
      } catch (err) {
        this.log.error({ err: safeError(err), outbox: id }, 'an outbox row could not be handled; will retry');
      }
    }
    await this.tellGivenUp(gaveUp);
    return sent;
  }

  /** Sends every due row of the platforms this process runs (the scheduler calls it); how many were sent. */
  async deliverDue(): Promise<number> {
    const platforms = this.notifier.platforms();
    if (!platforms.length) return 0;
    const now = this.clock.now();
    const rows = await this.store.manager
      .createQueryBuilder(OutboxMessage, 'o')
      .select(['o.id', 'o.platform', 'o.workspace'])
      .where('o.givenUpAt IS NULL AND (o.leasedUntil IS NULL OR o.leasedUntil < :cutoff)', { cutoff: this.cutoff(now) })
      .andWhere('o.platform IN (:...platforms)', { platforms })
      .andWhere('o.dueAt <= :now', { now: now.getTime() })
      .orderBy('o.dueAt', 'ASC')
      .addOrderBy('o.id', 'ASC')
      .take(PAGE)
      .getMany();
    return this.deliver(rows.filter((r) => this.serves(r)).map((r) => r.id));
  }

  /**
   * Rows of a chapter that did not go out (failed at least once, or given up), oldest first: what
   * `/mod outbox` lists. Without who they were for.
   */
  async undelivered(chapterId: number): Promise<OutboxMessage[]> {
    return this.store.manager
      .createQueryBuilder(OutboxMessage, 'o')
      .select(['o.id', 'o.kind', 'o.subject', 'o.platform', 'o.createdAt', 'o.dueAt', 'o.attempts', 'o.lastError', 'o.givenUpAt'])
      .where('o.chapterId = :chapterId', { chapterId })
      .andWhere('(o.attempts > 0 OR o.givenUpAt IS NOT NULL)')
      .orderBy('o.id', 'ASC')
      .take(1000)
      .getMany();
  }

  /** The row's token: an HMAC of its id under the anonymity key (a nonce or metadata on the platform). */
  token(id: number): string {
    return createHmac('sha256', this.secret).update(`outbox\u0000${id}`).digest('base64url').slice(0, 22);
  }

  /** Whether this process can post where the row goes. */
  private serves(row: { platform: string; workspace: string }): boolean {
    return this.notifier.outbox(row.platform, row.workspace) !== undefined;
  }

  /**
   * Leases that end before this are free: run out, or (on SQLite, which one process serves) taken
   * before this process started, by one that died.
   */
  private cutoff(now: Date): number {
    const postgres = this.store.manager.connection.options.type === 'postgres';
    return postgres ? now.getTime() : Math.max(now.getTime(), this.startedAt.getTime() + OUTBOX_LEASE_MS);
  }

  /** Takes the row for this process (a conditional update), or null when another has it, it is not due, or it is gone. */
  private async claim(id: number): Promise<OutboxMessage | null> {
    const now = this.clock.now();
    return this.store.transaction(async (em) => {
      const result = await em
        .createQueryBuilder()
        .update(OutboxMessage)
        .set({ leasedUntil: new Date(now.getTime() + OUTBOX_LEASE_MS), attempts: () => '"attempts" + 1' })
        .where('id = :id AND "givenUpAt" IS NULL AND "dueAt" <= :now', { id, now: now.getTime() })
        .andWhere('("leasedUntil" IS NULL OR "leasedUntil" < :cutoff)', { cutoff: this.cutoff(now) })
        .execute();
      if (result.affected !== 1) return null;
      return em.findOne(OutboxMessage, { where: { id }, relations: { member: true } });
    });
  }

  /** Sends a claimed row; what came of it. */
  /** Sends a claimed row (`first`: held since `enqueue` wrote it, never tried: nothing to look for); what came of it. */
  private async send(row: OutboxMessage, first = false): Promise<'sent' | 'retry' | 'gave_up' | 'dropped'> {
    const outbox = this.notifier.outbox(row.platform, row.workspace);
    if (!outbox) {
      // Another process runs its platform (a moderator's retry here): released for it, this claim not counted.
      await this.store.transaction((em) =>
        em.update(OutboxMessage, { id: row.id }, { leasedUntil: null, attempts: Math.max(0, row.attempts - 1) }),
      );
      return 'retry';
    }
    const visibility = this.whereTo(row);
    if (!visibility) return this.undeliverable(row, 'unreachable');
    const m: Message = { ...loadMessage(row.message), visibility };
    this.crash.at('before-send');
    let ref: PostedRef;
    try {
      ref = await outbox.post(m, {
        token: this.token(row.id),
        since: first ? null : row.attemptedAt,
        hashes: row.hashes ? row.hashes.split(',') : [],
        sending: async (hashes) => {
          const kept = hashes.join(',').slice(0, 200);
          // Recorded already (a row written held, or a re-send of the same payloads): nothing to write.
          if (row.attemptedAt && (row.hashes ?? '') === kept) return;
          const at = row.attemptedAt ?? this.clock.now();
          await this.store.transaction((em) => em.update(OutboxMessage, { id: row.id }, { attemptedAt: at, hashes: kept }));
          row.attemptedAt = at;
          row.hashes = kept;
        },
      });
    } catch (err) {
      return this.failed(row, err);
    }
    this.crash.at('after-send');
    // The record and the row's deletion: on PostgreSQL one statement (see `andDelete`); elsewhere two single
    // statements, no transaction (two round trips fewer): a crash between them leaves a row that a later
    // attempt finds sent on the platform, and records again to the same effect.
    const sent = this.handlers.get(row.kind)?.sent;
    const then = sent ? await this.store.write((em) => sent(em, row, ref)) : undefined;
    if (!sent || this.store.db.options.type !== 'postgres') await this.store.write((em) => DELETE_SENT.run(em, [row.id]));
    if (then) await then();
    return 'sent';
  }

  /** Where the row goes, or null when that can no longer be known (the member is gone, the address does not open). */
  private whereTo(row: Pick<OutboxMessage, 'channel' | 'member' | 'sealedTo'>): Visibility | null {
    if (row.channel) return { kind: 'channel', channel: row.channel };
    if (row.member) return { kind: 'dm', to: { id: row.member.userId, name: row.member.displayName } };
    if (row.sealedTo) {
      const address = openAddress(this.secret, row.sealedTo);
      return address ? { kind: 'dm', to: { id: address.id, name: address.name } } : null;
    }
    return null;
  }

  /**
   * A failed send: refused for good (the platform said why: a closed DM, a missing channel) or
   * after OUTBOX_MAX_ATTEMPTS, the row is given up; else it is tried again after a wait.
   */
  private async failed(row: OutboxMessage, err: unknown): Promise<'retry' | 'gave_up' | 'dropped'> {
    const lastError = (err instanceof UserError ? err.key : safeError(err).type).slice(0, 64);
    this.log.warn({ outbox: row.id, kind: row.kind, platform: row.platform, err: lastError }, 'an outbox message could not be sent');
    if (err instanceof UserError || row.attempts >= this.options.maxAttempts) {
      row.lastError = lastError;
      return this.undeliverable(row, lastError);
    }
    const wait = backoffDelayMs(BETWEEN_ATTEMPTS, row.attempts - 1);
    await this.store.transaction((em) =>
      em.update(OutboxMessage, { id: row.id }, { leasedUntil: null, dueAt: new Date(this.clock.now().getTime() + wait), lastError }),
    );
    return 'retry';
  }

  /** A row that will not be sent: its kind decides whether it is dropped; else it is kept, given up, for `/mod outbox`. */
  private async undeliverable(row: OutboxMessage, reason: string): Promise<'gave_up' | 'dropped'> {
    const decision = (await this.handlers.get(row.kind)?.undeliverable?.(row)) ?? (row.channel || row.memberId ? 'keep' : 'drop');
    if (decision === 'drop') {
      await this.store.transaction((em) => em.delete(OutboxMessage, { id: row.id }));
      return 'dropped';
    }
    const now = this.clock.now();
    const given = await this.store.transaction(
      async (em) =>
        (
          await em.update(
            OutboxMessage,
            { id: row.id, givenUpAt: IsNull() },
            { givenUpAt: now, leasedUntil: null, lastError: reason.slice(0, 64) },
          )
        ).affected === 1,
    );
    return given ? 'gave_up' : 'dropped';
  }

  /**
   * The moderators of each chapter are told once how many of its messages were given up in this
   * round (in each workspace with a moderation channel), without names: `/mod outbox` lists them.
   */
  private async tellGivenUp(rows: readonly OutboxMessage[]): Promise<void> {
    const places = new Map<string, OutboxMessage[]>();
    for (const row of rows) {
      if (row.chapterId === null || SILENT.has(row.kind)) continue;
      const key = `${row.chapterId}\u0000${row.platform}\u0000${row.workspace}`;
      places.set(key, [...(places.get(key) ?? []), row]);
    }
    const t = translator(this.options.locale);
    for (const [first, ...rest] of places.values()) {
      const place = { chapterId: first!.chapterId!, platform: first!.platform, workspace: first!.workspace };
      try {
        await this.store.transaction(async (em) => {
          const moderation = await em.findOneBy(ChapterChannel, { ...place, purpose: 'moderation' });
          // A notice to the moderation channel that failed cannot be told there.
          const count = [first!, ...rest].filter((r) => r.channel !== moderation?.channelId).length;
          if (!moderation || !count) return;
          await this.enqueue(em, {
            ...place,
            kind: 'notice',
            to: { channel: moderation.channelId },
            message: { body: [p(t('outbox.gave_up', { count }))] },
          });
        });
      } catch (err) {
        this.log.warn({ err: safeError(err) }, 'could not tell the moderators about undelivered messages');
      }
    }
  }

  /** Deletes every row for an anonymous asker of these questions (`/privacy delete`). */
  async purgeQuestions(em: EntityManager, questionIds: readonly number[]): Promise<void> {
    if (questionIds.length) await em.delete(OutboxMessage, { questionId: In([...questionIds]), sealedTo: Not(IsNull()) });
  }

  /**
   * A moderator's "try again" (`/mod outbox retry:`) on an undelivered row of their chapter (one
   * `undelivered` lists), telling what came of it: `sent` (this process sent it now), `failed` (it
   * failed again: still listed, with its new state), `dropped` (it can no longer be delivered at all),
   * `elsewhere` (another process runs its platform and sends it within seconds), `busy` (a process
   * holds its lease and is sending it right now: left alone, so it is not sent twice), or
   * `not_found` (no undelivered row of that chapter has this id: sent meanwhile, or another chapter's).
   */
  async retryUndelivered(
    chapterId: number,
    id: number,
  ): Promise<{ outcome: 'sent' | 'failed' | 'dropped' | 'elsewhere' | 'busy' | 'not_found'; row?: OutboxMessage }> {
    const now = this.clock.now();
    const reset = await this.store.transaction(async (em) => {
      const result = await em
        .createQueryBuilder()
        .update(OutboxMessage)
        .set({ givenUpAt: null, attempts: 0, leasedUntil: null, dueAt: now, lastError: null })
        .where('id = :id AND "chapterId" = :chapterId', { id, chapterId })
        .andWhere('("attempts" > 0 OR "givenUpAt" IS NOT NULL)')
        .andWhere('("givenUpAt" IS NOT NULL OR "leasedUntil" IS NULL OR "leasedUntil" < :cutoff)', { cutoff: this.cutoff(now) })
        .execute();
      if (result.affected === 1) return em.findOneBy(OutboxMessage, { id });
      const held = await em
        .createQueryBuilder(OutboxMessage, 'o')
        .where('o.id = :id AND o.chapterId = :chapterId', { id, chapterId })
        .andWhere('(o.attempts > 0 OR o.givenUpAt IS NOT NULL)')
        .getExists();
      return held ? 'busy' : null;
    });
    if (reset === 'busy') return { outcome: 'busy' };
    if (!reset) return { outcome: 'not_found' };
    if (!this.serves(reset)) return { outcome: 'elsewhere', row: reset };
    if ((await this.deliver([id])) === 1) return { outcome: 'sent', row: reset };
    const after = await this.store.manager.findOneBy(OutboxMessage, { id });
    return after ? { outcome: 'failed', row: after } : { outcome: 'dropped', row: reset };
  }
}
