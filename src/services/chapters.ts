import { createHash, randomInt } from 'node:crypto';
import { IsNull, LessThanOrEqual, MoreThan } from 'typeorm';
import { Chapter } from '../../entities/Chapter.js';
import type { Allocation } from '../../entities/Workshop.js';
import { ChapterBinding } from '../../entities/ChapterBinding.js';
import { ChapterLinkAttempt } from '../../entities/ChapterLinkAttempt.js';
import { ChapterLinkCode } from '../../entities/ChapterLinkCode.js';
import {
  CHANNEL_PURPOSES,
  type ChannelPurpose,
  ChapterChannel,
  type ChapterPlace,
  MODERATOR_GROUP,
  MODERATOR_ROLE,
} from '../../entities/ChapterChannel.js';
import type { Clock } from '../core/clock.js';
import { UserError } from '../core/errors.js';
import { isUniqueViolation } from '../db/errors.js';
import type { SettingsCache } from '../db/settings-cache.js';
import type { Store } from '../db/store.js';
import { scopedPseudonym } from './anonymity.js';
import type { Identity, Place } from '../core/types.js';

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

/** Crockford's base32: 32 symbols, none to mistake for another (O is read as 0, I and L as 1). */
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** 8 symbols of 32: 40 random bits. */
const CODE_LENGTH = 8;
const CODE_HOURS = 24;
/** Wrong codes a member may type in an hour; the next is refused whatever it is. */
export const LINK_ATTEMPTS_PER_HOUR = 5;
const HOUR = 3_600_000;

/** A code as typed (`abcd-efgh`, `ABCDEFGH`, with O for 0): its canonical form, or null. */
export function canonicalLinkCode(typed: string): string | null {
  const code = typed.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
  return code.length === CODE_LENGTH && [...code].every((c) => CODE_ALPHABET.includes(c)) ? code : null;
}

const hashCode = (code: string) => createHash('sha256').update(code).digest('hex');

/** Where a chapter is bound, by platform and workspace (its channel bindings folded into the workspace's). */
export interface BoundPlace {
  readonly platform: string;
  readonly workspace: string;
  /** Channels bound to the chapter there; empty when the whole workspace is. */
  readonly channels: readonly string[];
}

export class ChapterService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    /** The key of the members' keys in `chapter_link_attempt` (never their ids). */
    private readonly secret: string,
    /** Bindings, channels and chapters as most commands read them; every write here calls `settings.changed`. */
    readonly settings: SettingsCache,
  ) {}

  /**
   * Creates a chapter. The unique key on the folded name decides between two moderators
   * creating the same chapter at once. With `bindTo`, the chapter is bound where it is created
   * from the start: to the workspace if nothing is bound there yet, otherwise to the channel
   * (`bindTo.channel`), so no chapter is left for anyone to claim. A channel already bound to
   * another chapter is refused.
   */
  async create(input: {
    name: string;
    timeZone: string;
    city?: string;
    bindTo?: Omit<Place, 'channel'> & { channel?: string };
  }): Promise<{ chapter: Chapter; bound: 'workspace' | 'channel' | null }> {
    const name = input.name.trim().replace(/\s+/g, ' ');
    if (!NAME.test(name)) throw new UserError('chapter.bad_name');
    const timeZone = canonicalTimeZone(input.timeZone);
    if (!timeZone) throw new UserError('chapter.bad_timezone', { given: input.timeZone });
    try {
      return await this.store.transaction(async (em) => {
        await this.settings.changed(em);
        const chapter = await em.save(
          em.create(Chapter, {
            name,
            nameKey: name.toLowerCase(),
            city: input.city?.trim() || null,
            timeZone,
            createdAt: this.clock.now(),
          }),
        );
        let bound: 'workspace' | 'channel' | null = null;
        if (input.bindTo) {
          const { platform, workspace, channel = '' } = input.bindTo;
          if (!(await em.findOneBy(ChapterBinding, { platform, workspace, channel: '' }))) bound = 'workspace';
          else if (channel && !(await em.findOneBy(ChapterBinding, { platform, workspace, channel }))) bound = 'channel';
          else throw new UserError('chapter.create.place_taken', { name });
          await em.insert(ChapterBinding, { chapterId: chapter.id, platform, workspace, channel: bound === 'channel' ? channel : '' });
        }
        return { chapter, bound };
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw await this.taken(name);
      throw err;
    }
  }

  /** The refusal of a name already taken: where that chapter lives, and how to join it. */
  private async taken(name: string): Promise<UserError> {
    const existing = await this.store.manager.getRepository(Chapter).findOneBy({ nameKey: name.toLowerCase() });
    const platforms = existing ? await this.platforms(existing, true) : [];
    return new UserError(platforms.length ? 'chapter.duplicate.where' : 'chapter.duplicate', {
      name: existing?.name ?? name,
      where: platforms.join(', '),
    });
  }

  list(): Promise<Chapter[]> {
    return this.store.manager.getRepository(Chapter).find({ order: { nameKey: 'ASC' } });
  }

  async get(name: string): Promise<Chapter> {
    const chapter = await this.store.manager.getRepository(Chapter).findOneBy({ nameKey: name.trim().replace(/\s+/g, ' ').toLowerCase() });
    if (!chapter) throw new UserError('chapter.not_found', { name });
    return chapter;
  }

  async byId(id: number): Promise<Chapter> {
    return this.store.manager.getRepository(Chapter).findOneByOrFail({ id });
  }

  /** The chapter for a place: a channel's own binding wins over its workspace's. */
  async resolve(place: Place): Promise<Chapter | null> {
    const key = `resolve\u0000${place.platform}\u0000${place.workspace}\u0000${place.channel}`;
    const found = await this.settings.get(key, async () => {
      const bindings = await this.store.manager.getRepository(ChapterBinding).find({
        where: [
          { platform: place.platform, workspace: place.workspace, channel: place.channel },
          { platform: place.platform, workspace: place.workspace, channel: '' },
        ],
        relations: { chapter: true },
      });
      const best = bindings.find((b) => b.channel !== '') ?? bindings[0];
      return best?.chapter ?? null;
    });
    // A copy: callers may change theirs (the cached one is shared).
    return found && Object.assign(new Chapter(), found);
  }

  /** Whether the chapter is bound in the workspace (to all of it or to a channel in it). */
  isBound(chapterId: number, where: Omit<Place, 'channel'>): Promise<boolean> {
    return this.settings.get(`bound\u0000${chapterId}\u0000${where.platform}\u0000${where.workspace}`, () =>
      this.store.manager
        .getRepository(ChapterBinding)
        .exists({ where: { chapterId, platform: where.platform, workspace: where.workspace } }),
    );
  }

  /** The chapter's channels, moderator role and group in one workspace, as stored (shared: not to be changed). */
  channelRows(chapterId: number, where: Omit<Place, 'channel'>): Promise<readonly ChapterChannel[]> {
    return this.settings.get(`channels\u0000${chapterId}\u0000${where.platform}\u0000${where.workspace}`, () =>
      this.store.manager.getRepository(ChapterChannel).findBy({ chapterId, platform: where.platform, workspace: where.workspace }),
    );
  }

  /**
   * Binds a workspace (`channel` empty) or one channel to a chapter, replacing what was bound
   * there. A chapter already bound somewhere in this workspace needs no code (its moderators
   * trust this workspace already). Anywhere else the chapter must consent: a one-time code
   * made by its moderators (`/chapter link`), or for a chapter bound nowhere, by an operator.
   * Wrong codes are counted per member; the sixth within an hour is refused unread.
   */
  async bind(name: string, place: Place, consent: { code?: string; member: Identity }): Promise<{ chapter: Chapter; linked: boolean }> {
    const chapter = await this.get(name);
    const repo = this.store.manager.getRepository(ChapterBinding);
    const boundHere = await repo.exists({ where: { chapterId: chapter.id, platform: place.platform, workspace: place.workspace } });
    if (boundHere) {
      await this.store.transaction(async (em) => {
        await this.settings.changed(em);
        await em.upsert(ChapterBinding, { chapterId: chapter.id, ...place }, { conflictPaths: ['platform', 'workspace', 'channel'] });
      });
      return { chapter, linked: false };
    }
    const where = (await this.platforms(chapter, true)).join(', ');
    if (consent.code === undefined)
      throw new UserError(where ? 'chapter.use.needs_code' : 'chapter.use.needs_operator_code', { name: chapter.name, where });
    const memberKey = scopedPseudonym(this.secret, 'chapter-link', consent.member);
    const now = this.clock.now();
    const since = new Date(now.getTime() - HOUR);
    const recent = await this.store.manager.count(ChapterLinkAttempt, { where: { memberKey, at: MoreThan(since) } });
    if (recent >= LINK_ATTEMPTS_PER_HOUR) throw new UserError('chapter.use.too_many_codes', { max: LINK_ATTEMPTS_PER_HOUR });
    // Each attempt is recorded before its code is read and the attempts are counted after (as for
    // check-in codes), so of guesses sent at once, to one process or several, each sees those
    // before it and no more than LINK_ATTEMPTS_PER_HOUR are read. A right code, and one refused
    // unread, is no wrong guess: its row goes.
    const attempt = await this.store.transaction((em) => em.save(em.create(ChapterLinkAttempt, { memberKey, at: now })));
    const tries = await this.store.manager.count(ChapterLinkAttempt, { where: { memberKey, at: MoreThan(since) } });
    const forget = () => this.store.transaction((em) => em.delete(ChapterLinkAttempt, { id: attempt.id }));
    if (tries > LINK_ATTEMPTS_PER_HOUR) {
      await forget();
      throw new UserError('chapter.use.too_many_codes', { max: LINK_ATTEMPTS_PER_HOUR });
    }
    const code = canonicalLinkCode(consent.code);
    const used = code
      ? await this.store.transaction(async (em) => {
          // The conditional update takes the code once, also between two processes.
          const taken = await em.update(
            ChapterLinkCode,
            { chapterId: chapter.id, codeHash: hashCode(code), usedAt: IsNull(), expiresAt: MoreThan(now) },
            { usedAt: now },
          );
          if (taken.affected !== 1) return false;
          await this.settings.changed(em);
          await em.upsert(ChapterBinding, { chapterId: chapter.id, ...place }, { conflictPaths: ['platform', 'workspace', 'channel'] });
          return true;
        })
      : false;
    if (!used) throw new UserError('chapter.use.wrong_code', { name: chapter.name, left: Math.max(0, LINK_ATTEMPTS_PER_HOUR - tries) });
    await forget();
    return { chapter, linked: true };
  }

  /**
   * A one-time code for another server or workspace to join the chapter, valid for 24 hours.
   * Returned once, shown only to whoever asked; only its hash is stored.
   */
  async makeLinkCode(chapter: Chapter, createdBy: 'moderator' | 'operator'): Promise<{ code: string; expiresAt: Date }> {
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + CODE_HOURS * HOUR);
    const code = Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
    await this.store.transaction(async (em) => {
      // Old attempts are of no use after an hour: each new code sweeps them.
      await em.delete(ChapterLinkAttempt, { at: LessThanOrEqual(new Date(now.getTime() - HOUR)) });
      await em.insert(ChapterLinkCode, {
        chapterId: chapter.id,
        codeHash: hashCode(code),
        createdBy,
        createdAt: now,
        expiresAt,
        usedAt: null,
      });
    });
    return { code: `${code.slice(0, 4)}-${code.slice(4)}`, expiresAt };
  }

  /** Removes the chapter's bindings in one workspace (the workspace's and its channels'). */
  async unbind(chapter: Chapter, where: Omit<Place, 'channel'>): Promise<number> {
    return this.store.transaction(async (em) => {
      await this.settings.changed(em);
      return (
        (await em.delete(ChapterBinding, { chapterId: chapter.id, platform: where.platform, workspace: where.workspace })).affected ?? 0
      );
    });
  }

  /** Where the chapter is bound: each workspace once, with the channels bound there (none: the whole workspace). */
  async places(chapter: Chapter): Promise<BoundPlace[]> {
    const rows = await this.store.manager
      .getRepository(ChapterBinding)
      .find({ where: { chapterId: chapter.id }, order: { platform: 'ASC', workspace: 'ASC', channel: 'ASC' } });
    const out = new Map<string, { platform: string; workspace: string; channels: string[] }>();
    for (const r of rows) {
      const key = `${r.platform}\u0000${r.workspace}`;
      const place = out.get(key) ?? { platform: r.platform, workspace: r.workspace, channels: [] };
      if (r.channel) place.channels.push(r.channel);
      else place.channels.length = 0;
      out.set(key, place);
    }
    return [...out.values()];
  }

  /** Where this place's binding comes from, if any: the channel's own or the workspace's. */
  async bindingKind(chapter: Chapter, place: Place): Promise<'channel' | 'workspace' | null> {
    const bindings = await this.store.manager
      .getRepository(ChapterBinding)
      .findBy({ chapterId: chapter.id, platform: place.platform, workspace: place.workspace });
    if (bindings.some((b) => b.channel === place.channel && b.channel !== '')) return 'channel';
    return bindings.some((b) => b.channel === '') ? 'workspace' : null;
  }

  /** Sets some of a chapter's channels (and its moderator role) in one workspace, all or none. */
  async setChannels(name: string, where: Omit<Place, 'channel'>, channels: Partial<Record<ChapterPlace, string>>): Promise<Chapter> {
    const chapter = await this.get(name);
    await this.store.transaction(async (em) => {
      await this.settings.changed(em);
      for (const [purpose, channelId] of Object.entries(channels)) {
        await em.upsert(
          ChapterChannel,
          { chapterId: chapter.id, ...where, purpose: purpose as ChapterPlace, channelId },
          { conflictPaths: ['chapterId', 'platform', 'workspace', 'purpose'] },
        );
      }
    });
    return chapter;
  }

  /** Changes columns of a chapter row (and drops the cached chapters). */
  async updateChapter(id: number, changes: Partial<Chapter>): Promise<void> {
    await this.store.transaction(async (em) => {
      await this.settings.changed(em);
      await em.update(Chapter, { id }, changes);
    });
  }

  /** Learners per coach in the chapter's new workshops (existing ones keep theirs). */
  async setLearnersPerCoach(name: string, ratio: number): Promise<Chapter> {
    const chapter = await this.get(name);
    await this.updateChapter(chapter.id, { learnersPerCoach: ratio });
    return { ...chapter, learnersPerCoach: ratio };
  }

  /** Learner seats of the workshops the chapter's feed brings in, unless the feed names its own. */
  async setDefaultLearners(name: string, learners: number): Promise<Chapter> {
    const chapter = await this.get(name);
    await this.updateChapter(chapter.id, { defaultLearners: learners });
    return { ...chapter, defaultLearners: learners };
  }

  /** How `/workshop groups` spreads levels in the chapter's workshops (`/chapter set groups:`). */
  async setGroupsMode(name: string, mode: 'mixed' | 'by-level'): Promise<Chapter> {
    const chapter = await this.get(name);
    await this.updateChapter(chapter.id, { groupsMode: mode });
    return { ...chapter, groupsMode: mode };
  }

  /**
   * Fair sign-ups (issue 21): how the chapter's new workshops give learner seats (`/chapter set
   * allocation:`), and whether its lotteries draw first-timers first (`lottery-first-timers:`).
   */
  async setLotteryDefaults(name: string, set: { allocation?: Allocation; firstTimers?: boolean }): Promise<Chapter> {
    const chapter = await this.get(name);
    const changes = {
      ...(set.allocation !== undefined ? { allocation: set.allocation } : {}),
      ...(set.firstTimers !== undefined ? { lotteryFirstTimers: set.firstTimers } : {}),
    };
    if (Object.keys(changes).length) await this.updateChapter(chapter.id, changes);
    return { ...chapter, ...changes };
  }

  /** The chapter's channels in one workspace, by purpose (the moderator role is not a channel). */
  async channels(chapter: Chapter, where: Omit<Place, 'channel'>): Promise<Partial<Record<ChannelPurpose, string>>> {
    const rows = await this.channelRows(chapter.id, where);
    const purposes: readonly string[] = CHANNEL_PURPOSES;
    return Object.fromEntries(rows.filter((r) => purposes.includes(r.purpose)).map((r) => [r.purpose, r.channelId]));
  }

  /**
   * Where a member of a workspace whose direct messages are closed is told so, in a notice
   * without details: the announcements channel, else the questions channel, of the chapter bound
   * to the whole workspace. Undefined when there is none.
   */
  async dmNoticeChannel(where: Omit<Place, 'channel'>): Promise<string | undefined> {
    const chapter = await this.resolve({ ...where, channel: '' });
    const channels = chapter ? await this.channels(chapter, where) : {};
    return channels.announcements ?? channels.questions;
  }

  /** The role whose members moderate the chapter in this workspace (Discord), if one is set. */
  async moderatorRole(chapter: Chapter, where: Omit<Place, 'channel'>): Promise<string | null> {
    const row = (await this.channelRows(chapter.id, where)).find((r) => r.purpose === MODERATOR_ROLE);
    return row?.channelId ?? null;
  }

  /** The platform group whose members moderate the chapter in one workspace (`/chapter set moderator-group:`), if set. */
  async moderatorGroup(chapter: Chapter, where: Omit<Place, 'channel'>): Promise<string | undefined> {
    const row = (await this.channelRows(chapter.id, where)).find((r) => r.purpose === MODERATOR_GROUP);
    return row?.channelId;
  }

  /** The platforms where the chapter is bound somewhere (`discord`, `slack`; the console only with `console`), for the public page and refusals. */
  async platforms(chapter: Chapter, console = false): Promise<string[]> {
    const rows: { platform: string }[] = await this.store.manager
      .getRepository(ChapterBinding)
      .createQueryBuilder('b')
      .select('DISTINCT b.platform', 'platform')
      .where('b.chapterId = :id', { id: chapter.id })
      .getRawMany();
    return rows
      .map((r) => r.platform)
      .filter((p) => console || p !== 'console')
      .sort();
  }
}
