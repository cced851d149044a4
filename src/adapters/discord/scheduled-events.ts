import {
  type Client,
  type Collection,
  DiscordAPIError,
  type Guild,
  type GuildScheduledEvent,
  GuildScheduledEventEntityType,
  GuildScheduledEventPrivacyLevel,
  GuildScheduledEventStatus,
  RESTJSONErrorCodes,
} from 'discord.js';
import type { Logger } from 'pino';
import type { ScheduledEvent } from '../../../entities/ScheduledEvent.js';
import type { Workshop } from '../../../entities/Workshop.js';
import type { Clock } from '../../core/clock.js';
import { safeError } from '../../core/errors.js';
import { type Translate, translator } from '../../core/i18n.js';
import { clip, truncate } from '../../core/text.js';
import type { ScheduledEventRecords } from '../../services/scheduled-events.js';

/** Discord: "A guild can have a maximum of 100 events with SCHEDULED or ACTIVE status at any time", events people made included. */
export const GUILD_EVENT_LIMIT = 100;
/** Discord's limits on an event's fields (Guild Scheduled Event object). */
export const EVENT_LIMITS = { name: 100, description: 1000, location: 100 } as const;
/** A full reconcile of every guild this often, whatever changed (people's events, events deleted by hand). */
export const FULL_RECONCILE_MS = 10 * 60_000;
/** How often the cheap fingerprint of workshops and bindings is compared, to reconcile soon after a change. */
export const SIGNAL_CHECK_MS = 15_000;

type Snowflake = string;

/**
 * What the event shows, within Discord's limits (name ≤ 100, description ≤ 1000, location 1–100); `url` is the
 * workshop's page elsewhere (the event on Meetup, for a workshop imported from its chapter's feed).
 */
export function eventFields(workshop: Workshop, t: Translate, url?: string) {
  const chapter = workshop.chapter!;
  const join = t('discord.event.join', { id: workshop.id });
  const details = url ? `${join}\n${t('discord.event.details', { url })}` : join;
  // How to join always fits; a link too long to fit is left out; the workshop's own description gets the room left.
  const tail = details.length <= EVENT_LIMITS.description ? details : join;
  const room = EVENT_LIMITS.description - tail.length - 2;
  const about = workshop.description?.trim() && room > 1 ? `${truncate(workshop.description.trim(), room)}\n\n` : '';
  return {
    name: truncate(workshop.title.trim() || workshop.topic, EVENT_LIMITS.name),
    description: clip(about + tail, EVENT_LIMITS.description),
    scheduledStartTime: workshop.startsAt,
    scheduledEndTime: workshop.endsAt,
    entityMetadata: { location: truncate(workshop.location?.trim() || chapter.city?.trim() || chapter.name, EVENT_LIMITS.location) },
  };
}

/** The workshop an event made by the bot shows, read from its join line; for an event whose row lost its id. */
const JOIN_ID = /\/workshop join id:(\d+)(?!\d)/;

const isRefused = (err: unknown): boolean =>
  err instanceof DiscordAPIError &&
  (err.status === 403 || err.code === RESTJSONErrorCodes.MissingPermissions || err.code === RESTJSONErrorCodes.MissingAccess);
const isUnknownEvent = (err: unknown): boolean =>
  err instanceof DiscordAPIError && (err.status === 404 || err.code === RESTJSONErrorCodes.UnknownGuildScheduledEvent);
const isFull = (err: unknown): boolean =>
  err instanceof DiscordAPIError && err.code === RESTJSONErrorCodes.MaximumNumberOfUncompletedGuildScheduledEventsReached;

/** Thrown inside a guild's round to end it: the bot may not write events there, or the guild has no room. */
class GuildStop extends Error {
  constructor(readonly reason: 'refused' | 'full') {
    super(reason);
  }
}

export interface ScheduledEventMirrorDeps {
  readonly client: Client;
  readonly records: ScheduledEventRecords;
  readonly clock: Clock;
  readonly log: Logger;
  /** The language of the events' descriptions (the bot's, BOT_LOCALE). */
  readonly locale: string;
  /** How long a process may hold a row while it calls Discord; then another may take over. */
  readonly leaseMs: number;
  /** Where to re-invite the bot with the permission it lacks. */
  readonly inviteUrl: string;
  /** DISCORD_SCHEDULED_EVENTS: false, and the mirror does nothing at all. */
  readonly enabled: boolean;
}

/**
 * Mirrors the chapters' upcoming workshops as external scheduled events in every Discord guild they
 * are bound to, as a reconciliation: each round compares the workshops (through
 * `ScheduledEventRecords`) with the guild's events and makes, edits, cancels or deletes what differs,
 * so the workshop service needs no hooks. Rounds run at start, every FULL_RECONCILE_MS, and within
 * SIGNAL_CHECK_MS of a change the fingerprint sees; one at a time in this process, and safely alongside
 * other processes (see the service). The bot touches only events it made: the rows name them.
 */
export class ScheduledEventMirror {
  private running: Promise<void> = Promise.resolve();
  private queued: Promise<void> | null = null;
  private timers: NodeJS.Timeout[] = [];
  private fingerprint: string | undefined;
  private stopped = false;
  private readonly t: Translate;
  /** Guilds already warned about (no permission; workshops that do not fit), so each is logged once, until it changes. */
  private readonly refused = new Set<string>();
  private readonly overflowing = new Set<string>();

  constructor(private readonly deps: ScheduledEventMirrorDeps) {
    this.t = translator(deps.locale);
  }

  /** The first round now, then the timers (unref'd: they keep no process alive). */
  start(): void {
    if (!this.deps.enabled) return;
    void this.reconcile();
    const full = setInterval(() => void this.reconcile(), FULL_RECONCILE_MS);
    const signal = setInterval(() => void this.checkSignal(), SIGNAL_CHECK_MS);
    for (const timer of [full, signal]) timer.unref();
    this.timers = [full, signal];
  }

  /** Ends the timers and waits for a round under way. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    await this.running;
  }

  /**
   * Runs a round after the one under way (a round already waiting to start is shared, since it will
   * see the latest state anyway); resolves when it is done. Errors are logged, never thrown.
   */
  reconcile(): Promise<void> {
    if (this.queued) return this.queued;
    const next = this.running.then(async () => {
      this.queued = null;
      if (this.deps.enabled && !this.stopped) await this.round();
    });
    this.queued = next;
    this.running = next;
    return next;
  }

  private async checkSignal(): Promise<void> {
    try {
      const now = await this.deps.records.fingerprint('discord');
      if (now !== this.fingerprint) await this.reconcile();
    } catch (err) {
      this.deps.log.warn({ err: safeError(err) }, 'scheduled events: could not check for changed workshops');
    }
  }

  private async round(): Promise<void> {
    const { client, records, log } = this.deps;
    try {
      this.fingerprint = await records.fingerprint('discord');
      for (const id of await records.guilds('discord')) {
        // Only guilds this client (this shard) is in; another shard's process mirrors its own.
        const guild = client.guilds.cache.get(id);
        if (!guild || this.stopped) continue;
        try {
          await this.reconcileGuild(guild);
        } catch (err) {
          if (err instanceof GuildStop) continue;
          log.warn({ err: safeError(err), guild: id }, 'scheduled events: reconciling a server failed; will try again');
        }
      }
    } catch (err) {
      log.warn({ err: safeError(err) }, 'scheduled events: a round failed; will try again');
    }
  }

  private async reconcileGuild(guild: Guild): Promise<void> {
    const { records, clock, client } = this.deps;
    // Rows first, then Discord's list: an event a row named before the list was read is in the list unless it was deleted.
    const mirror = await records.guild('discord', guild.id, GUILD_EVENT_LIMIT + 1);
    const events = await this.call(guild, () => guild.scheduledEvents.fetch({ withUserCount: false, cache: false }), 'read');
    const now = clock.now().getTime();
    const botId = client.user!.id;

    // The room: 100 less the events that stay whatever the bot does (people's, and any that began).
    // The bot's own events that have not begun are the ones it places.
    const counted = [...events.values()].filter(
      (e) => e.status === GuildScheduledEventStatus.Scheduled || e.status === GuildScheduledEventStatus.Active,
    );
    const placeable = (e: GuildScheduledEvent) =>
      e.creatorId === botId && e.status === GuildScheduledEventStatus.Scheduled && (e.scheduledStartTimestamp ?? 0) > now;
    const room = Math.max(0, GUILD_EVENT_LIMIT - counted.filter((e) => !placeable(e)).length);
    const keep = mirror.upcoming.slice(0, room);
    const keepIds = new Set(keep.map((w) => w.id));
    this.reportOverflow(guild.id, mirror.upcoming.length - keep.length, room);

    // Cancel and delete first, so what the guild has room for is free before anything is made.
    for (const { record, workshop } of mirror.records) {
      if (record.state !== 'mirrored' || !record.eventId) continue;
      if (workshop && workshop.startsAt.getTime() <= now) continue; // began: Discord starts and ends it
      const event = events.get(record.eventId);
      if (!event || event.status === GuildScheduledEventStatus.Canceled) {
        // Deleted or cancelled on Discord by someone: left so, not made again.
        await this.underLease(record, (r) => (r.state === 'mirrored' && r.eventId === record.eventId ? this.gone(guild, r) : none));
      } else if (event.status !== GuildScheduledEventStatus.Scheduled) {
        continue;
      } else if (workshop?.status === 'cancelled') {
        await this.underLease(record, (r) => this.cancel(guild, r));
      } else if (!workshop || !mirror.chapterIds.has(workshop.chapterId) || !keepIds.has(workshop.id)) {
        await this.underLease(record, (r) => this.remove(guild, r));
      }
    }

    const rows = new Map(mirror.records.map(({ record }) => [record.workshopId, record]));
    const adopted = new Set(mirror.records.map(({ record }) => record.eventId).filter((id): id is string => Boolean(id)));

    // The bot's own events that no row names: a create retried after its answer was lost made two. The
    // row has its event, so the other goes (under the row's lease, so it is not one being made right now).
    // An event for a workshop whose row is pending or missing is taken by the create below instead.
    for (const event of events.values()) {
      if (event.creatorId !== botId || event.status !== GuildScheduledEventStatus.Scheduled || adopted.has(event.id)) continue;
      const record = rows.get(Number(JOIN_ID.exec(event.description ?? '')?.[1]));
      if (!record || record.state === 'pending') continue;
      await this.underLease(record, async (r) => {
        if (r.state !== 'pending' && r.eventId !== event.id) await this.deleteEvent(guild, event.id);
        return null;
      });
    }
    for (const workshop of keep) {
      const record = rows.get(workshop.id);
      if (!record) {
        const claimed = await records.claim(workshop.id, guild.id, this.deps.leaseMs);
        if (claimed)
          await this.withLease(claimed, () => this.create(guild, workshop, events, adopted, mirror.detailsUrls.get(workshop.id)));
      } else if (record.state === 'pending') {
        await this.underLease(record, (r) =>
          r.state === 'pending' ? this.create(guild, workshop, events, adopted, mirror.detailsUrls.get(workshop.id)) : none,
        );
      } else if (record.state === 'mirrored' && record.revision !== workshop.revision && record.eventId) {
        const event = events.get(record.eventId);
        if (event?.status === GuildScheduledEventStatus.Scheduled)
          await this.underLease(record, (r) =>
            r.state === 'mirrored' && r.revision !== workshop.revision
              ? this.edit(guild, r, workshop, mirror.detailsUrls.get(workshop.id))
              : none,
          );
      }
    }
  }

  /** Takes the row's lease (skipped when another process holds it) and runs `work` on the row as it is now. */
  private async underLease(record: ScheduledEvent, work: (r: ScheduledEvent) => Promise<Outcome | null>): Promise<void> {
    const leased = await this.deps.records.lease(record.id, this.deps.leaseMs);
    if (leased) await this.withLease(leased, work);
  }

  /** Runs `work` on a leased row; writes its outcome (or nothing, when it failed or had nothing to do) and gives the lease back. */
  private async withLease(record: ScheduledEvent, work: (r: ScheduledEvent) => Promise<Outcome | null>): Promise<void> {
    let outcome: Outcome | null = null;
    try {
      outcome = await work(record);
    } finally {
      await this.deps.records.release(record.id, outcome ?? 'unchanged');
    }
  }

  private async create(
    guild: Guild,
    workshop: Workshop,
    events: Collection<Snowflake, GuildScheduledEvent>,
    adopted: Set<string>,
    url: string | undefined,
  ): Promise<Outcome | null> {
    const fields = eventFields(workshop, this.t, url);
    // A row left pending by a process that stopped mid-call may have its event already: take that one.
    // (Its join line names the workshop; an event another row names is never taken.)
    const earlier = [...events.values()].find(
      (e) =>
        e.creatorId === this.deps.client.user!.id &&
        e.status === GuildScheduledEventStatus.Scheduled &&
        !adopted.has(e.id) &&
        JOIN_ID.exec(e.description ?? '')?.[1] === String(workshop.id),
    );
    const event = earlier
      ? await this.call(guild, () => guild.scheduledEvents.edit(earlier.id, fields))
      : await this.call(guild, () =>
          guild.scheduledEvents.create({
            ...fields,
            privacyLevel: GuildScheduledEventPrivacyLevel.GuildOnly,
            entityType: GuildScheduledEventEntityType.External,
          }),
        );
    adopted.add(event.id);
    return { state: 'mirrored', eventId: event.id, revision: workshop.revision };
  }

  private async edit(guild: Guild, record: ScheduledEvent, workshop: Workshop, url: string | undefined): Promise<Outcome | null> {
    try {
      await this.call(guild, () => guild.scheduledEvents.edit(record.eventId!, eventFields(workshop, this.t, url)));
    } catch (err) {
      if (isUnknownEvent(err)) return this.gone(guild, record);
      throw err;
    }
    return { state: 'mirrored', eventId: record.eventId, revision: workshop.revision };
  }

  /** The workshop was cancelled: so is its event (SCHEDULED → CANCELED, the transition Discord allows). */
  private async cancel(guild: Guild, record: ScheduledEvent): Promise<Outcome | null> {
    if (record.state !== 'mirrored' || !record.eventId) return null;
    try {
      await this.call(guild, () => guild.scheduledEvents.edit(record.eventId!, { status: GuildScheduledEventStatus.Canceled }));
    } catch (err) {
      if (!isUnknownEvent(err)) throw err;
    }
    return { state: 'cancelled', eventId: record.eventId, revision: record.revision };
  }

  /** The workshop is gone, no longer bound here, or does not fit: its event is deleted (and may be made again later). */
  private async remove(guild: Guild, record: ScheduledEvent): Promise<Outcome | null> {
    if (record.state !== 'mirrored' || !record.eventId) return null;
    await this.deleteEvent(guild, record.eventId);
    return { state: 'pending', eventId: null, revision: -1 };
  }

  /** Deletes one of the bot's events; one already gone is fine. */
  private async deleteEvent(guild: Guild, id: string): Promise<void> {
    try {
      await this.call(guild, () => guild.scheduledEvents.delete(id));
    } catch (err) {
      if (!isUnknownEvent(err)) throw err;
    }
  }

  private gone(guild: Guild, record: ScheduledEvent): Promise<Outcome | null> {
    this.deps.log.info(
      { guild: guild.id, workshop: record.workshopId, event: record.eventId },
      'scheduled events: a workshop’s event was deleted or cancelled on Discord; it is not made again',
    );
    return Promise.resolve({ state: 'gone', eventId: record.eventId, revision: record.revision });
  }

  /**
   * A call to Discord for a guild. Refused for want of permission: one warning per guild (again only
   * after a write there worked), and the guild's round ends. The guild full: its round ends too.
   */
  private async call<T>(guild: Guild, work: () => Promise<T>, kind: 'read' | 'write' = 'write'): Promise<T> {
    try {
      const result = await work();
      // Reading needs no permission; only a write that worked shows the permission is there.
      if (kind === 'write') this.refused.delete(guild.id);
      return result;
    } catch (err) {
      if (isRefused(err)) {
        if (!this.refused.has(guild.id)) {
          this.refused.add(guild.id);
          this.deps.log.warn(
            { guild: guild.id, invite: this.deps.inviteUrl },
            `scheduled events: the bot lacks the Create Events permission in the server ${guild.name}, so its workshops are not shown in the server's Events. Give the bot's role Create Events, or invite it again with ${this.deps.inviteUrl}; DISCORD_SCHEDULED_EVENTS=false turns this off.`,
          );
        }
        throw new GuildStop('refused');
      }
      if (isFull(err)) {
        this.reportOverflow(guild.id, 1, 0);
        throw new GuildStop('full');
      }
      throw err;
    }
  }

  /** Logs once per guild when workshops do not fit in the events Discord allows (again after they fitted). */
  private reportOverflow(guild: string, waiting: number, room: number): void {
    if (waiting <= 0) {
      this.overflowing.delete(guild);
      return;
    }
    if (this.overflowing.has(guild)) return;
    this.overflowing.add(guild);
    this.deps.log.warn(
      { guild, room, waiting },
      `scheduled events: Discord allows ${GUILD_EVENT_LIMIT} scheduled or active events per server, counting events people made; only the nearest workshops that fit are shown`,
    );
  }
}

/** What a call under a row's lease did to the row; null: nothing (the row stays as it was). */
type Outcome = Exclude<Parameters<ScheduledEventRecords['release']>[1], 'unchanged' | undefined>;
const none: Promise<Outcome | null> = Promise.resolve(null);
