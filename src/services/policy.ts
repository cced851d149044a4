import { In } from 'typeorm';
import { Chapter } from '../../entities/Chapter.js';
import { ChapterBinding } from '../../entities/ChapterBinding.js';
import { ChapterChannel, MODERATOR_GROUP, MODERATOR_ROLE } from '../../entities/ChapterChannel.js';
import { Material } from '../../entities/Material.js';
import { PartnershipProposal } from '../../entities/PartnershipProposal.js';
import { AnonBlock } from '../../entities/AnonBlock.js';
import { Question } from '../../entities/Question.js';
import { Share } from '../../entities/Share.js';
import { Workshop } from '../../entities/Workshop.js';
import type { Access, AccessPolicy, Guarded, Target, TargetKind } from '../core/command.js';
import { UserError } from '../core/errors.js';
import type { MessageKey } from '../core/i18n.js';
import type { Store } from '../db/store.js';
import type { ChapterService } from './chapters.js';
import type { Actor, Place } from '../core/types.js';

/** How the policy asks about coaches (the workshop and coach services answer). */
export interface CoachFacts {
  /** An active coach anywhere. */
  isCoach(actor: Actor): Promise<boolean>;
  /** A confirmed coach of this workshop. */
  isCoachOf(actor: Actor, workshopId: number): Promise<boolean>;
}

/** How each kind of target is found, and the text when it is not there. */
const NOT_FOUND: Record<Exclude<TargetKind, 'chapter'>, MessageKey> = {
  workshop: 'workshop.not_found',
  question: 'question.not_found',
  block: 'mod.block_not_found',
  proposal: 'partner.error.not_found',
  material: 'materials.not_found',
  share: 'share.not_found',
};

/**
 * The one authorization rule: an action on an object is allowed to the moderators of that
 * object's chapter, as the platform shows them where the actor acts. A moderator of a chapter
 * is someone for whom the chapter is bound in the workspace where they act (the whole workspace
 * or a channel in it), and who is an administrator of that workspace or holds the moderator
 * role or group the chapter set there. A workshop's confirmed coaches keep their narrower
 * rights on that workshop (`coach` actions). Adapters only supply the platform facts
 * (`Actor.facts`); nothing else decides.
 */
export class Policy implements AccessPolicy {
  constructor(
    private readonly store: Store,
    /** Bindings and moderator roles and groups, cached per process (see SettingsCache). */
    private readonly chapters: Pick<ChapterService, 'isBound' | 'channelRows' | 'resolve'>,
    private readonly coaches: CoachFacts,
    private readonly allowed: readonly string[] = [],
  ) {}

  /** Whether the bot serves this workspace (ALLOWED_WORKSPACES; the console always). */
  serves(platform: string, workspace: string): boolean {
    return platform === 'console' || !this.allowed.length || this.allowed.includes(workspace);
  }

  /** Whether the actor moderates the chapter where they act. */
  async moderates(actor: Actor, chapterId: number): Promise<boolean> {
    const where = { platform: actor.platform, workspace: actor.workspace };
    if (!(await this.chapters.isBound(chapterId, where))) return false;
    if (actor.facts.admin) return true;
    const rows = await this.chapters.channelRows(chapterId, where);
    return this.holdsModeratorRole(
      actor,
      rows.filter((r) => r.purpose === MODERATOR_ROLE || r.purpose === MODERATOR_GROUP),
    );
  }

  /** Whether the actor moderates some chapter bound in their workspace (for /help). */
  async moderatesAny(actor: Actor): Promise<boolean> {
    const m = this.store.manager;
    const place = { platform: actor.platform, workspace: actor.workspace };
    if (actor.facts.admin) return m.getRepository(ChapterBinding).exists({ where: place });
    const rows = await m.getRepository(ChapterChannel).find({ where: { ...place, purpose: In([MODERATOR_ROLE, MODERATOR_GROUP]) } });
    if (!rows.length) return false;
    const bound = new Set(
      (await m.getRepository(ChapterBinding).find({ where: place, select: { chapterId: true } })).map((b) => b.chapterId),
    );
    return this.holdsModeratorRole(
      actor,
      rows.filter((r) => bound.has(r.chapterId)),
    );
  }

  private async holdsModeratorRole(actor: Actor, rows: readonly ChapterChannel[]): Promise<boolean> {
    for (const r of rows) {
      // A role whose id is the workspace's (Discord's @everyone) never makes anyone a moderator.
      if (r.purpose === MODERATOR_ROLE && r.channelId !== actor.workspace && actor.facts.roles?.includes(r.channelId)) return true;
      if (r.purpose === MODERATOR_GROUP && actor.facts.inGroup && (await actor.facts.inGroup(r.channelId))) return true;
    }
    return false;
  }

  /** Whether the actor may run an action at all, for /help (no object in view yet). */
  async mayRun(action: Guarded, actor: Actor): Promise<boolean> {
    if (action.permission === 'member') return true;
    if (action.targets.some((t) => t.kind === 'workspace')) return actor.facts.admin;
    if (await this.moderatesAny(actor)) return true;
    return action.permission === 'coach' && this.coaches.isCoach(actor);
  }

  /**
   * Checks an action against its targets before it runs, and tells it the actor's rights over
   * the first one. A refusal is a UserError naming the chapter and who may do it.
   */
  async authorize(action: Guarded, actor: Actor, options: Readonly<Record<string, unknown>>, place: Place): Promise<Access> {
    const command = action.path.join(' ');
    let first: Access | undefined;
    const applied = action.targets.filter((t) => t.kind === 'here' || t.kind === 'workspace' || options[t.option] !== undefined);
    // A moderator action whose targets were all left out acts on the chapter bound here.
    if (!applied.length && action.permission === 'moderator') applied.push({ kind: 'here' });
    for (const target of applied) {
      if (target.kind === 'workspace') {
        if (!actor.facts.admin) throw new UserError('error.forbidden.admin', { command });
        continue;
      }
      const chapterId =
        target.kind === 'here' ? await this.chapterHere(place) : await this.chapterOf(target.kind, options[target.option], place);
      const moderator = await this.moderates(actor, chapterId);
      if (!moderator && action.permission !== 'member') {
        const coachOfIt =
          action.permission === 'coach' &&
          target.kind === 'workshop' &&
          (await this.coaches.isCoachOf(actor, Number(options[target.option])));
        if (!coachOfIt) throw await this.refusal(action, target, chapterId, options);
      }
      first ??= { chapterId, moderator };
    }
    if (
      !action.targets.length &&
      action.permission === 'coach' &&
      !(await this.coaches.isCoach(actor)) &&
      !(await this.moderatesAny(actor))
    ) {
      throw new UserError('error.forbidden.coach', { command });
    }
    return first ?? { chapterId: null, moderator: false };
  }

  private async refusal(
    action: Guarded,
    target: Target,
    chapterId: number,
    options: Readonly<Record<string, unknown>>,
  ): Promise<UserError> {
    const chapter = (await this.store.manager.findOneBy(Chapter, { id: chapterId }))?.name ?? '?';
    const command = action.path.join(' ');
    if (action.permission === 'coach' && target.kind === 'workshop')
      return new UserError('error.forbidden.coach_of', { command, chapter, id: String(options[target.option]) });
    return new UserError('error.forbidden.chapter', { command, chapter });
  }

  /** The chapter bound where the actor acts; a UserError saying how to bind one otherwise. */
  private async chapterHere(place: Place): Promise<number> {
    const chapter = await this.chapters.resolve(place);
    if (!chapter) throw new UserError('chapter.unbound');
    return chapter.id;
  }

  /** The chapter an object belongs to; the object's own not-found text when there is none. */
  async chapterOf(kind: TargetKind, value: unknown, place: Place): Promise<number> {
    const m = this.store.manager;
    if (kind === 'chapter') {
      const name = String(value);
      const found = await m.findOne(Chapter, { where: { nameKey: name.trim().replace(/\s+/g, ' ').toLowerCase() }, select: { id: true } });
      if (!found) throw new UserError('chapter.not_found', { name });
      return found.id;
    }
    const id = Number(value);
    const chapterId = await this.chapterIdOf(kind, id);
    if (chapterId === undefined) throw new UserError(NOT_FOUND[kind], { id, block: id });
    // A material added before materials had a chapter (or where none was bound) belongs to the
    // whole directory: the moderators of the chapter where the actor acts answer for it (README).
    return chapterId ?? this.chapterHere(place);
  }

  /** The object's chapter; undefined when there is no such object, null when it belongs to none. */
  private async chapterIdOf(kind: Exclude<TargetKind, 'chapter'>, id: number): Promise<number | null | undefined> {
    const m = this.store.manager;
    switch (kind) {
      case 'workshop':
        return (await m.findOne(Workshop, { where: { id }, select: { id: true, chapterId: true } }))?.chapterId;
      case 'question':
        return (await m.findOne(Question, { where: { id }, select: { id: true, chapterId: true } }))?.chapterId;
      case 'proposal':
        return (await m.findOne(PartnershipProposal, { where: { id }, select: { id: true, chapterId: true } }))?.chapterId;
      case 'block': {
        const block = await m.findOne(AnonBlock, { where: { id }, select: { id: true, chapterId: true, questionId: true } });
        if (!block) return undefined;
        // Blocks set before blocks had a chapter: the chapter of the question that caused it.
        return block.chapterId ?? (await this.chapterIdOf('question', block.questionId));
      }
      case 'material':
        return (await m.findOne(Material, { where: { id }, select: { id: true, chapterId: true } }))?.chapterId;
      case 'share':
        return (await m.findOne(Share, { where: { id }, select: { id: true, chapterId: true } }))?.chapterId;
    }
  }
}
