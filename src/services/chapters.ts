import { Chapter } from '../../entities/Chapter.js';
import { ChapterBinding } from '../../entities/ChapterBinding.js';
import { CHANNEL_PURPOSES, type ChannelPurpose, ChapterChannel, type ChapterPlace, MODERATOR_GROUP, MODERATOR_ROLE } from '../../entities/ChapterChannel.js';
import type { Clock } from '../core/clock.js';
import { isUniqueViolation } from '../db/errors.js';
import type { Store } from '../db/store.js';

/** A place on a platform: a workspace, and the channel inside it where something happened. */
export interface Place {
  readonly platform: string;
  readonly workspace: string;
  readonly channel: string;
}

export type ChapterFailure = 'duplicate' | 'not_found' | 'bad_timezone' | 'bad_name';

/** A failure the command turns into a localised message. */
export class ChapterError extends Error {
  constructor(
    readonly reason: ChapterFailure,
    readonly subject: string,
  ) {
    super(`chapter ${reason}: ${subject}`);
  }
}

/**
 * The canonical spelling of an IANA time zone this runtime knows (`europe/berlin` →
 * `Europe/Berlin`), or null. Abbreviations and offsets (CET, +01:00) are refused: they do
 * not know about daylight saving time.
 */
export function canonicalTimeZone(zone: string): string | null {
  if (!zone.includes('/') && zone.toUpperCase() !== 'UTC') return null;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

const NAME = /^[\p{L}\p{N}][\p{L}\p{N} .'-]*$/u;

export class ChapterService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /**
   * Creates a chapter. The unique key on the folded name decides between two moderators
   * creating the same chapter at once. With `bindTo`, the chapter is also bound to that
   * workspace if nothing is bound there yet (so a new install works after one command).
   */
  async create(input: { name: string; timeZone: string; city?: string; bindTo?: Omit<Place, 'channel'> }): Promise<{ chapter: Chapter; bound: boolean }> {
    const name = input.name.trim().replace(/\s+/g, ' ');
    if (!NAME.test(name)) throw new ChapterError('bad_name', name);
    const timeZone = canonicalTimeZone(input.timeZone);
    if (!timeZone) throw new ChapterError('bad_timezone', input.timeZone);
    try {
      return await this.store.transaction(async (em) => {
        const chapter = await em.save(
          em.create(Chapter, { name, nameKey: name.toLowerCase(), city: input.city?.trim() || null, timeZone, createdAt: this.clock.now() }),
        );
        let bound = false;
        if (input.bindTo) {
          const existing = await em.findOneBy(ChapterBinding, { ...input.bindTo, channel: '' });
          if (!existing) {
            await em.insert(ChapterBinding, { chapterId: chapter.id, ...input.bindTo, channel: '' });
            bound = true;
          }
        }
        return { chapter, bound };
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new ChapterError('duplicate', name);
      throw err;
    }
  }

  list(): Promise<Chapter[]> {
    return this.store.manager.getRepository(Chapter).find({ order: { nameKey: 'ASC' } });
  }

  async get(name: string): Promise<Chapter> {
    const chapter = await this.store.manager.getRepository(Chapter).findOneBy({ nameKey: name.trim().replace(/\s+/g, ' ').toLowerCase() });
    if (!chapter) throw new ChapterError('not_found', name);
    return chapter;
  }

  async byId(id: number): Promise<Chapter> {
    return this.store.manager.getRepository(Chapter).findOneByOrFail({ id });
  }

  /** The chapter for a place: a channel's own binding wins over its workspace's. */
  async resolve(place: Place): Promise<Chapter | null> {
    const bindings = await this.store.manager.getRepository(ChapterBinding).find({
      where: [
        { platform: place.platform, workspace: place.workspace, channel: place.channel },
        { platform: place.platform, workspace: place.workspace, channel: '' },
      ],
      relations: { chapter: true },
    });
    const best = bindings.find((b) => b.channel !== '') ?? bindings[0];
    return best?.chapter ?? null;
  }

  /** Binds a workspace (`channel` empty) or one channel to a chapter, replacing what was bound there. */
  async bind(name: string, place: Place): Promise<Chapter> {
    const chapter = await this.get(name);
    await this.store.transaction((em) => em.upsert(ChapterBinding, { chapterId: chapter.id, ...place }, { conflictPaths: ['platform', 'workspace', 'channel'] }));
    return chapter;
  }

  /** Where this place's binding comes from, if any: the channel's own or the workspace's. */
  async bindingKind(chapter: Chapter, place: Place): Promise<'channel' | 'workspace' | null> {
    const bindings = await this.store.manager.getRepository(ChapterBinding).findBy({ chapterId: chapter.id, platform: place.platform, workspace: place.workspace });
    if (bindings.some((b) => b.channel === place.channel && b.channel !== '')) return 'channel';
    return bindings.some((b) => b.channel === '') ? 'workspace' : null;
  }

  /** Sets some of a chapter's channels (and its moderator role) in one workspace, all or none. */
  async setChannels(name: string, where: Omit<Place, 'channel'>, channels: Partial<Record<ChapterPlace, string>>): Promise<Chapter> {
    const chapter = await this.get(name);
    await this.store.transaction(async (em) => {
      for (const [purpose, channelId] of Object.entries(channels)) {
        await em.upsert(ChapterChannel, { chapterId: chapter.id, ...where, purpose: purpose as ChapterPlace, channelId }, { conflictPaths: ['chapterId', 'platform', 'workspace', 'purpose'] });
      }
    });
    return chapter;
  }

  /** Learners per coach in the chapter's new workshops (existing ones keep theirs). */
  async setLearnersPerCoach(name: string, ratio: number): Promise<Chapter> {
    const chapter = await this.get(name);
    await this.store.transaction((em) => em.update(Chapter, { id: chapter.id }, { learnersPerCoach: ratio }));
    return { ...chapter, learnersPerCoach: ratio };
  }

  /** The chapter's channels in one workspace, by purpose (the moderator role is not a channel). */
  async channels(chapter: Chapter, where: Omit<Place, 'channel'>): Promise<Partial<Record<ChannelPurpose, string>>> {
    const rows = await this.store.manager.getRepository(ChapterChannel).findBy({ chapterId: chapter.id, platform: where.platform, workspace: where.workspace });
    const purposes: readonly string[] = CHANNEL_PURPOSES;
    return Object.fromEntries(rows.filter((r) => purposes.includes(r.purpose)).map((r) => [r.purpose, r.channelId]));
  }

  /** The role whose members moderate the chapter in this workspace (Discord), if one is set. */
  async moderatorRole(chapter: Chapter, where: Omit<Place, 'channel'>): Promise<string | null> {
    const row = await this.store.manager.getRepository(ChapterChannel).findOneBy({ chapterId: chapter.id, platform: where.platform, workspace: where.workspace, purpose: MODERATOR_ROLE });
    return row?.channelId ?? null;
  }

  /** The platform group whose members moderate the chapter in one workspace (`/chapter set moderator-group:`), if set. */
  async moderatorGroup(chapter: Chapter, where: Omit<Place, 'channel'>): Promise<string | undefined> {
    const row = await this.store.manager.getRepository(ChapterChannel).findOneBy({ chapterId: chapter.id, platform: where.platform, workspace: where.workspace, purpose: MODERATOR_GROUP });
    return row?.channelId;
  }

  /** The platforms where the chapter is bound somewhere (`discord`, `slack`; not the console), for the public page. */
  async platforms(chapter: Chapter): Promise<string[]> {
    const rows: { platform: string }[] = await this.store.manager
      .getRepository(ChapterBinding)
      .createQueryBuilder('b')
      .select('DISTINCT b.platform', 'platform')
      .where('b.chapterId = :id', { id: chapter.id })
      .getRawMany();
    return rows.map((r) => r.platform).filter((p) => p !== 'console').sort();
  }
}
