import type { Logger } from 'pino';
import type { Chapter } from '../../../entities/Chapter.js';
import type { ChapterFeed } from '../../../entities/ChapterFeed.js';
import { FeedEvent } from '../../../entities/FeedEvent.js';
import type { Workshop } from '../../../entities/Workshop.js';
import type { Config } from '../../config.js';
import type { Clock } from '../../core/clock.js';
import { UserError } from '../../core/errors.js';
import { translator } from '../../core/i18n.js';
import { isUniqueViolation } from '../../db/errors.js';
import type { Store } from '../../db/store.js';
import type { WorkshopInput, WorkshopService } from '../workshops/service.js';
import { asWorkshopTime, clip, type FeedOccurrence } from './parse.js';

/** Learner seats of an imported workshop when neither the feed nor the chapter names a number. */
export const DEFAULT_LEARNERS = 12;

/** What a sync did, for the moderator's answer and the log. */
export interface SyncSummary {
  readonly notModified: boolean;
  readonly created: number;
  readonly updated: number;
  readonly cancelled: number;
  readonly unchanged: number;
  /** Events that could not become a workshop (all-day ones, a time the workshop rules refuse). */
  readonly skipped: number;
}

const MIN_DURATION = 15;
const MAX_DURATION = 1440;
const DEFAULT_DURATION = 180;

/** The fields the feed keeps in step, by the names an edit reports (WorkshopChange). */
type FeedField = 'title' | 'topic' | 'start' | 'duration' | 'location' | 'description';
const keyOf = (e: { uid: string; recurrenceId: string }) => `${e.uid}\u0000${e.recurrenceId}`;

/**
 * A feed's occurrences applied to its chapter's workshops, through the WorkshopService's own create,
 * edit and cancel (members told, reminders re-armed, SEQUENCE counted): new occurrences become
 * workshops, moved ones move them (fields edited by hand are kept), cancelled and safely vanished ones
 * cancel them. The FeedService fetches, parses and leases; this only applies.
 */
export class FeedImport {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly config: Config,
    private readonly workshops: WorkshopService,
    private readonly log: Logger,
  ) {}

  /** Brings the chapter's workshops in step with the feed's occurrences. */
  async apply(
    feed: ChapterFeed,
    chapter: Chapter,
    occurrences: readonly FeedOccurrence[],
    skippedInFeed: number,
    newAddress: boolean,
  ): Promise<SyncSummary> {
    const now = this.clock.now();
    const horizonEnd = now.getTime() + this.config.feeds.horizonDays * 86_400_000;
    const t = translator(this.config.locale);
    const mappings = await this.store.manager.find(FeedEvent, { where: { feedId: feed.id }, relations: { workshop: { chapter: true } } });
    const byKey = new Map(mappings.map((m) => [keyOf(m), m]));
    const listed = new Set<string>();
    let created = 0;
    let updated = 0;
    let cancelled = 0;
    let unchanged = 0;
    let skipped = skippedInFeed;
    const learners = feed.learners ?? chapter.defaultLearners ?? DEFAULT_LEARNERS;
    const topicOf = (o: FeedOccurrence) => clip(feed.topic ?? o.categories[0] ?? 'general', 64);

    for (const o of occurrences) {
      const key = keyOf(o);
      if (listed.has(key)) continue;
      listed.add(key);
      // What has begun is history: neither made nor changed.
      if (o.start.getTime() <= now.getTime()) continue;
      const mapping = byKey.get(key);
      try {
        if (!mapping) {
          if (o.cancelled) continue;
          const made = await this.create(feed, chapter, o, { learners, topic: topicOf(o) });
          if (made) created++;
          else unchanged++;
          continue;
        }
        const w = mapping.workshop!;
        if (w.status === 'cancelled' || w.startsAt.getTime() <= now.getTime()) {
          unchanged++;
        } else if (o.cancelled) {
          await this.workshops.cancel(w.id, t('feed.cancel_reason'));
          cancelled++;
        } else {
          const kept = new Set(mapping.handEdited.split(',').filter(Boolean));
          const { changed } = await this.workshops.edit(w.id, this.input(o, w, topicOf(o), kept), { by: 'feed' });
          if (changed.length) updated++;
          else unchanged++;
        }
        await this.store.transaction((em) => em.update(FeedEvent, { id: mapping.id }, { seenAt: now, url: o.url }));
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
        // A time the workshop rules refuse (more than 3 years ahead), a workshop begun meanwhile: left out, counted.
        skipped++;
        this.log.info({ feed: feed.id, reason: err.key }, 'a feed event was left out');
      }
    }

    // An event gone from the feed cancels its workshop only when that is surely what happened: this fetch
    // was complete (we are here), the workshop was made from the feed before, has not begun, lies within
    // the horizon and within the span the feed lists now (feeds that list only a window of events drop
    // the far ones; an empty feed cancels nothing).
    const latestListed = Math.max(...occurrences.map((o) => o.start.getTime()), -Infinity);
    for (const mapping of mappings) {
      if (listed.has(keyOf(mapping))) continue;
      // After a switch to another address (perhaps another calendar), what the new feed does not list was
      // not removed from anything: those workshops are let go, as if made by hand, and never cancelled.
      if (newAddress) {
        await this.store.transaction((em) => em.delete(FeedEvent, { id: mapping.id }));
        continue;
      }
      const w = mapping.workshop!;
      const start = w.startsAt.getTime();
      if (w.status !== 'scheduled' || start <= now.getTime() || start > horizonEnd || start > latestListed) continue;
      try {
        await this.workshops.cancel(w.id, t('feed.cancel_reason.gone'));
        cancelled++;
      } catch (err) {
        if (!(err instanceof UserError)) throw err;
      }
    }
    return { notModified: false, created, updated, cancelled, unchanged, skipped };
  }

  /** The fields of an occurrence as an edit, leaving out what a moderator changed by hand. */
  private input(o: FeedOccurrence, w: Workshop, topic: string, kept: ReadonlySet<string>): WorkshopInput {
    const { date, time, duration } = asWorkshopTime(o, w.chapter!.timeZone);
    const take = (field: FeedField) => !kept.has(field);
    // A length given to an edit counts as changed when the start moves; given only when it is new.
    const minutes = clampDuration(duration);
    const current = (w.endsAt.getTime() - w.startsAt.getTime()) / 60_000;
    return {
      ...(take('title') ? { title: o.title } : {}),
      ...(take('topic') ? { topic } : {}),
      ...(take('start') ? { date, time } : {}),
      ...(take('duration') && minutes !== current ? { duration: minutes } : {}),
      ...(take('location') ? { location: o.location } : {}),
      ...(take('description') ? { description: o.description } : {}),
    };
  }

  /** Makes the workshop of a new occurrence and records where it came from, in one transaction; false when another process was first. */
  private async create(feed: ChapterFeed, chapter: Chapter, o: FeedOccurrence, d: { learners: number; topic: string }): Promise<boolean> {
    const { date, time, duration } = asWorkshopTime(o, chapter.timeZone);
    try {
      await this.workshops.create(
        chapter,
        {
          title: o.title,
          topic: d.topic,
          date,
          time,
          duration: clampDuration(duration),
          learners: d.learners,
          location: o.location,
          description: o.description,
        },
        async (em, workshop) => {
          await em.insert(FeedEvent, {
            feedId: feed.id,
            uid: o.uid.slice(0, 255),
            recurrenceId: o.recurrenceId,
            workshopId: workshop.id,
            url: o.url?.slice(0, 2000) ?? null,
            handEdited: '',
            seenAt: this.clock.now(),
          });
        },
      );
      return true;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }
}

function clampDuration(minutes: number): number {
  if (minutes <= 0) return DEFAULT_DURATION;
  return Math.min(MAX_DURATION, Math.max(MIN_DURATION, minutes));
}
