import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { LessThanOrEqual } from 'typeorm';
import type { Chapter } from '../../../entities/Chapter.js';
import { ChapterFeed } from '../../../entities/ChapterFeed.js';
import { FeedEvent } from '../../../entities/FeedEvent.js';
import type { Config } from '../../config.js';
import type { Clock } from '../../core/clock.js';
import { type Phrase, safeError, say, UserError } from '../../core/errors.js';
import { translator } from '../../core/i18n.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { Store } from '../../db/store.js';
import type { ChapterService } from '../chapters.js';
import type { NoticeService } from '../notices.js';
import type { WorkshopService } from '../workshops/service.js';
import { DEFAULT_LIMITS, fetchFeed, type FetchLimits, type FetchResult, normaliseFeedUrl } from './fetch.js';
import { FeedImport, type SyncSummary } from './apply.js';
import { parseFeed } from './parse.js';

/** Failed syncs in a row after which the chapter's moderators are told (once). */
export const FAILURES_BEFORE_NOTICE = 3;
/** How long a process may hold a feed: a fetch takes at most 10 s; the rest is the database. */
const LEASE_MS = 5 * 60_000;
/** How often the scheduler looks for feeds due (each is fetched every FEED_POLL_MINUTES). */
const CHECK_EVERY_MS = 60_000;

export type SyncOutcome = { readonly kind: 'synced'; readonly summary: SyncSummary } | { readonly kind: 'busy' };

/** "Meetup" for meetup.com, "lu.ma" for lu.ma, else the host: what "details on …" names. */
export function siteName(url: string): string {
  const host = new URL(url).hostname.replace(/^www\./, '');
  if (host === 'meetup.com' || host.endsWith('.meetup.com')) return 'Meetup';
  return host;
}

/**
 * Chapters' iCalendar feeds (`/chapter feed`): fetched (fetch.ts), read (parse.ts) and turned into
 * workshops through the WorkshopService's own create, edit and cancel, so members are told, reminders
 * re-armed and the .ics SEQUENCE counts the change. One process syncs a feed at a time (a lease on
 * its row, taken by a conditional update); a sync is idempotent, and the unique key on (feed, UID,
 * RECURRENCE-ID) keeps one workshop per event occurrence even if two processes ever raced.
 */
export class FeedService {
  private readonly limits: FetchLimits;
  /** Turns occurrences into workshops. */
  private readonly importer: FeedImport;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly config: Config,
    private readonly chapters: ChapterService,
    workshops: WorkshopService,
    private readonly notices: NoticeService,
    private readonly log: Logger,
    /** Tests shorten the timeout and the size limit; the defaults are the issue's. */
    limits: Partial<Omit<FetchLimits, 'allowPrivate'>> = {},
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits, allowPrivate: config.feeds.allowPrivate };
    this.importer = new FeedImport(store, clock, config, workshops, log);
  }

  /** The chapter's feed, or null. */
  get(chapter: Chapter): Promise<ChapterFeed | null> {
    return this.store.manager.findOneBy(ChapterFeed, { chapterId: chapter.id });
  }

  /** How many workshops came from the feed. */
  workshopCount(feed: ChapterFeed): Promise<number> {
    return this.store.manager.countBy(FeedEvent, { feedId: feed.id });
  }

  /** Where an imported workshop came from (its event's page, if the event has one); null for a workshop made by hand. */
  async sourceOf(workshopId: number): Promise<{ url: string | null } | null> {
    const row = await this.store.manager.findOne(FeedEvent, { where: { workshopId }, order: { id: 'ASC' } });
    return row ? { url: row.url } : null;
  }

  /**
   * Follows a feed (or another address for the chapter's feed): fetched first, so an address that
   * cannot be followed is refused with the reason and nothing is stored; then synced.
   */
  async follow(
    chapter: Chapter,
    input: { url: string; learners?: number; topic?: string },
  ): Promise<{ feed: ChapterFeed; outcome: SyncOutcome }> {
    const url = normaliseFeedUrl(input.url);
    const fetched = await fetchFeed(url, { etag: null, lastModified: null }, this.limits);
    const now = this.clock.now();
    // What is not iCalendar is refused before anything is stored.
    if (fetched.status === 'ok') this.parse(fetched.body, chapter);
    const values = {
      url,
      learners: input.learners ?? null,
      topic: input.topic?.trim() || null,
      etag: null,
      lastModified: null,
      nextSyncAt: now,
      failures: 0,
      lastError: null,
      failureNotified: false,
    };
    const existing = await this.get(chapter);
    try {
      await this.store.transaction(async (em) => {
        if (existing) await em.update(ChapterFeed, { id: existing.id }, values);
        else
          await em.insert(ChapterFeed, {
            chapterId: chapter.id,
            ...values,
            lastSyncedAt: null,
            leaseUntil: null,
            leaseOwner: null,
            createdAt: now,
          });
      });
    } catch (err) {
      // Two moderators adding a feed at once: the second one's address wins, as if it came a moment later.
      if (!isUniqueViolation(err)) throw err;
      await this.store.transaction((em) => em.update(ChapterFeed, { chapterId: chapter.id }, values));
    }
    const feed = (await this.get(chapter))!;
    return { feed, outcome: await this.sync(feed, fetched, Boolean(existing && existing.url !== url)) };
  }

  /** Changes the learner seats and topic of the feed's new workshops. */
  async setOptions(chapter: Chapter, input: { learners?: number; topic?: string }): Promise<ChapterFeed> {
    const feed = await this.required(chapter);
    const changes = {
      ...(input.learners !== undefined ? { learners: input.learners } : {}),
      ...(input.topic !== undefined ? { topic: input.topic.trim() || null } : {}),
    };
    await this.store.transaction((em) => em.update(ChapterFeed, { id: feed.id }, changes));
    return { ...feed, ...changes };
  }

  /** Stops following the feed. Its workshops stay, as workshops made by hand. */
  async remove(chapter: Chapter): Promise<ChapterFeed> {
    const feed = await this.required(chapter);
    await this.store.transaction((em) => em.delete(ChapterFeed, { id: feed.id }));
    return feed;
  }

  /** Fetches and syncs the chapter's feed now; a failure is a UserError with the reason (and counts as one). */
  async syncNow(chapter: Chapter): Promise<SyncOutcome> {
    return this.sync(await this.required(chapter));
  }

  /** Syncs every feed that is due; returns how many this process synced. */
  pollDue(): Promise<number> {
    this.running ??= this.runDue().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Looks for due feeds now and then every minute (each feed is due every FEED_POLL_MINUTES). */
  start(): void {
    const tick = () => void this.pollDue().catch((err: unknown) => this.log.error({ err: safeError(err) }, 'feeds could not be synced'));
    tick();
    this.timer = setInterval(tick, Math.min(CHECK_EVERY_MS, this.config.feeds.pollMinutes * 60_000));
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  private async runDue(): Promise<number> {
    const due = await this.store.manager.find(ChapterFeed, {
      where: { nextSyncAt: LessThanOrEqual(this.clock.now()) },
      order: { nextSyncAt: 'ASC' },
      take: 50,
    });
    let synced = 0;
    for (const feed of due) {
      try {
        if ((await this.sync(feed)).kind === 'synced') synced++;
      } catch (err) {
        // Recorded on the feed and, when it keeps failing, told to the moderators; the log says which feed only.
        if (!(err instanceof UserError)) this.log.error({ err: safeError(err), feed: feed.id }, 'a feed could not be synced');
      }
    }
    return synced;
  }

  private async required(chapter: Chapter): Promise<ChapterFeed> {
    const feed = await this.get(chapter);
    if (!feed) throw new UserError('feed.none', { name: chapter.name, example: `/chapter feed name:${chapter.name} url:<address>` });
    return feed;
  }

  /** Takes the feed's lease: a conditional update, so of two processes only one gets it until it expires. */
  private async lease(feedId: number, token: string): Promise<boolean> {
    const now = this.clock.now().getTime();
    const result = await this.store.transaction((em) =>
      em
        .createQueryBuilder()
        .update(ChapterFeed)
        .set({
          leaseUntil: new Date(now + LEASE_MS),
          leaseOwner: token,
          nextSyncAt: new Date(now + this.config.feeds.pollMinutes * 60_000),
        })
        .where('id = :id', { id: feedId })
        .andWhere('("leaseUntil" IS NULL OR "leaseUntil" <= :now)', { now })
        .execute(),
    );
    return result.affected === 1;
  }

  private async release(feedId: number, token: string): Promise<void> {
    await this.store.transaction((em) => em.update(ChapterFeed, { id: feedId, leaseOwner: token }, { leaseUntil: null, leaseOwner: null }));
  }

  private parse(body: Buffer, chapter: Chapter) {
    const now = this.clock.now();
    return parseFeed(body, {
      chapterZone: chapter.timeZone,
      now,
      horizonEnd: new Date(now.getTime() + this.config.feeds.horizonDays * 86_400_000),
      untitled: translator(this.config.locale)('feed.untitled'),
    });
  }

  /** `newAddress`: the first sync after the chapter switched its feed to another address (see `apply`). */
  private async sync(given: ChapterFeed, prefetched?: FetchResult, newAddress = false): Promise<SyncOutcome> {
    const token = randomUUID();
    if (!(await this.lease(given.id, token))) return { kind: 'busy' };
    // Read again under the lease: the validators and options another process may have changed, the chapter's settings.
    const feed = (await this.store.manager.findOneBy(ChapterFeed, { id: given.id })) ?? given;
    const chapter = await this.chapters.byId(feed.chapterId);
    try {
      let summary: SyncSummary;
      try {
        const fetched = prefetched ?? (await fetchFeed(feed.url, { etag: feed.etag, lastModified: feed.lastModified }, this.limits));
        if (fetched.status === 'not-modified') {
          summary = { notModified: true, created: 0, updated: 0, cancelled: 0, unchanged: 0, skipped: 0 };
        } else {
          const parsed = this.parse(fetched.body, chapter);
          summary = await this.importer.apply(feed, chapter, parsed.occurrences, parsed.skipped, newAddress);
          await this.store.transaction((em) =>
            em.update(
              ChapterFeed,
              { id: feed.id },
              { etag: fetched.etag?.slice(0, 200) ?? null, lastModified: fetched.lastModified?.slice(0, 100) ?? null },
            ),
          );
        }
      } catch (err) {
        if (err instanceof UserError) await this.failed(feed, chapter, { key: err.key, params: err.params });
        throw err;
      }
      await this.succeeded(feed, chapter);
      this.log.info({ feed: feed.id, ...summary }, 'feed synced');
      return { kind: 'synced', summary };
    } finally {
      await this.release(feed.id, token);
    }
  }

  private async failed(feed: ChapterFeed, chapter: Chapter, reason: Phrase): Promise<void> {
    const failures = await this.store.transaction(async (em) => {
      await em
        .createQueryBuilder()
        .update(ChapterFeed)
        .set({ failures: () => '"failures" + 1', lastError: JSON.stringify(reason).slice(0, 500) })
        .where('id = :id', { id: feed.id })
        .execute();
      return (await em.findOneByOrFail(ChapterFeed, { id: feed.id })).failures;
    });
    if (failures < FAILURES_BEFORE_NOTICE) return;
    // Once: of all processes and all failures after the threshold, one conditional update wins.
    const first = await this.store.transaction(
      async (em) => (await em.update(ChapterFeed, { id: feed.id, failureNotified: false }, { failureNotified: true })).affected === 1,
    );
    if (!first) return;
    const t = translator(this.config.locale);
    await this.tellModerators(
      chapter,
      t('feed.notice.failing', { name: chapter.name, count: failures, reason: say(t, reason), minutes: this.config.feeds.pollMinutes }),
    );
  }

  private async succeeded(feed: ChapterFeed, chapter: Chapter): Promise<void> {
    const now = this.clock.now();
    const recovered = await this.store.transaction(async (em) => {
      const told = (await em.update(ChapterFeed, { id: feed.id, failureNotified: true }, { failureNotified: false })).affected === 1;
      await em.update(ChapterFeed, { id: feed.id }, { failures: 0, lastError: null, lastSyncedAt: now });
      return told;
    });
    if (recovered) await this.tellModerators(chapter, translator(this.config.locale)('feed.notice.recovered', { name: chapter.name }));
  }

  /** To the chapter's moderation channel in every place it is bound, posted here or by the process serving that place. */
  private async tellModerators(chapter: Chapter, text: string): Promise<void> {
    for (const place of await this.chapters.places(chapter)) {
      const channel = (await this.chapters.channels(chapter, place)).moderation;
      if (channel) await this.notices.send({ ...place, chapterId: chapter.id }, channel, text);
    }
  }
}
