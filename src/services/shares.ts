import type { Logger } from 'pino';
import { IsNull } from 'typeorm';
import { Attendance } from '../../entities/Attendance.js';
import type { Chapter } from '../../entities/Chapter.js';
import { ChapterChannel } from '../../entities/ChapterChannel.js';
import { Member } from '../../entities/Member.js';
import { Share } from '../../entities/Share.js';
import type { Workshop } from '../../entities/Workshop.js';
import type { Clock } from '../core/clock.js';
import { UserError } from '../core/errors.js';
import type { Translate } from '../core/i18n.js';
import type { Notifier } from '../core/notifier.js';
import { bold, fill, link, message, mention, type Message, p, type PostedRef, SLOT } from '../core/reply.js';
import type { Identity, Outbox, Person } from '../core/types.js';
import type { Store } from '../db/store.js';
import { materialUrl } from './materials.js';
import type { MemberService } from './members.js';
import type { WorkshopService } from './workshops/service.js';

/** What a learner shares: a few words, perhaps a link, perhaps the workshop it came out of. */
export interface ShareInput {
  readonly text: string;
  readonly url?: string;
  readonly workshopId?: number;
}

/** A share as it was posted, and whether it brought the invitation to coach. */
export interface Shared {
  readonly share: Share;
  readonly ref: PostedRef;
  readonly invited: boolean;
}

/** A chapter's name as a command option takes it (quoted when it has a space), for texts that show a command. */
const asOption = (name: string) => (name.includes(' ') ? `"${name}"` : name);

/**
 * Projects learners chose to share (issue "After the workshop"): posted under their name in the
 * chapter's showcase channel of the workspace where they share, in the bot's language. What they
 * typed stays plain text in the post, so the renderers make any mention in it inert. A share of
 * a workshop they attended counts towards their invitation to coach (`ProgressRecords.credits`).
 * Moderators of the chapter hide a share; its post then says only that, and why.
 */
export class ShareService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly notifier: Notifier,
    private readonly log: Logger,
    private readonly members: MemberService,
    private readonly workshops: WorkshopService,
    /** Texts of the public posts, in the bot's language. */
    private readonly t: Translate,
  ) {}

  /**
   * The chapter a share goes to: the workshop's when one is named (which must exist), else the one given
   * (the chapter bound where the member acts).
   */
  async chapterOf(workshopId: number | undefined, here: () => Promise<Chapter>): Promise<{ chapter: Chapter; workshop: Workshop | null }> {
    if (workshopId === undefined) return { chapter: await here(), workshop: null };
    const workshop = await this.workshops.get(workshopId);
    return { chapter: workshop.chapter!, workshop };
  }

  /**
   * Shares the member's project in the chapter's showcase channel where they act, through
   * `outbox` (the interaction's). A named workshop must be one they were recorded present at.
   * The row is written first, so the post can show its number; a post the platform refuses takes
   * the row away again, so nothing counts that nobody saw.
   */
  async share(actor: Person, chapter: Chapter, workshop: Workshop | null, input: ShareInput, outbox: Outbox): Promise<Shared> {
    const url = input.url?.trim() ? materialUrl(input.url) : null;
    const channel = await this.store.manager
      .getRepository(ChapterChannel)
      .findOneBy({ chapterId: chapter.id, platform: actor.platform, workspace: actor.workspace, purpose: 'showcase' });
    if (!channel) throw new UserError('share.no_channel', { chapter: asOption(chapter.name) });
    if (workshop) {
      // Before any row is written: a member who never came has no member row to find, and gets none.
      const known = await this.store.manager
        .getRepository(Member)
        .findOneBy({ platform: actor.platform, workspace: actor.workspace, userId: actor.id });
      const present =
        known &&
        (await this.store.manager.getRepository(Attendance).existsBy({ workshopId: workshop.id, memberId: known.id, present: true }));
      if (!present) throw new UserError('share.not_attended', { id: workshop.id });
    }
    const member = await this.members.ensure(actor);
    const share = await this.store.transaction((em) =>
      em.save(
        em.create(Share, {
          chapterId: chapter.id,
          memberId: member.id,
          workshopId: workshop?.id ?? null,
          text: input.text.trim(),
          url,
          platform: actor.platform,
          workspace: actor.workspace,
          channelId: channel.channelId,
          messageId: null,
          hiddenAt: null,
          hiddenReason: null,
          createdAt: this.clock.now(),
        }),
      ),
    );
    let ref: PostedRef;
    try {
      ref = await outbox.post(this.render(share, member, workshop));
    } catch (err) {
      await this.store.transaction((em) => em.delete(Share, { id: share.id }));
      throw err;
    }
    await this.store.transaction((em) => em.update(Share, { id: share.id }, { messageId: ref.messageId, channelId: ref.channel }));
    Object.assign(share, { messageId: ref.messageId, channelId: ref.channel });
    const invited = workshop ? await this.workshops.inviteToCoachIfDue(member) : false;
    return { share, ref, invited };
  }

  /** A share by number; an unknown one is a UserError. */
  async get(id: number): Promise<Share> {
    const share = await this.store.manager.getRepository(Share).findOne({ where: { id }, relations: { member: true, workshop: true } });
    if (!share) throw new UserError('share.not_found', { id });
    return share;
  }

  /**
   * Hides a share (a moderator's decision, audited by the command) and shows its post again,
   * saying only that it was hidden, and why. A hidden share no longer counts towards the
   * invitation to coach; an invitation already sent stays sent.
   */
  async hide(id: number, reason: string, here?: { readonly where: Identity; readonly outbox: Outbox }): Promise<Share> {
    const changed = await this.store.transaction(
      async (em) =>
        ((await em.update(Share, { id, hiddenAt: IsNull() }, { hiddenAt: this.clock.now(), hiddenReason: reason.trim() })).affected ??
          0) === 1,
    );
    if (!changed) {
      await this.get(id);
      throw new UserError('share.already_hidden', { id });
    }
    const share = await this.get(id);
    await this.edit(share, this.render(share, share.member!, share.workshop ?? null), here);
    return share;
  }

  /** The member's shares, hidden ones too: what `/privacy` exports and erases. */
  of(memberId: number): Promise<Share[]> {
    return this.store.manager.getRepository(Share).find({ where: { memberId }, order: { id: 'ASC' } });
  }

  /**
   * After an erasure (the rows are gone): each post says it was removed at the member's request,
   * without their name or words. A post that cannot be edited from this process is left, and logged.
   */
  async removed(shares: readonly Share[]): Promise<void> {
    for (const share of shares) {
      await this.edit(
        share,
        message([p(this.t('share.post.removed'))], {
          title: this.t('share.post.title', { id: share.id }),
          visibility: { kind: 'channel', channel: share.channelId },
        }),
      );
    }
  }

  /** The public post: who shared it (named, never pinged), their words as plain text, the link and the workshop. */
  render(share: Share, member: Member, workshop: Workshop | null): Message {
    const visibility = { kind: 'channel' as const, channel: share.channelId };
    const title = this.t('share.post.title', { id: share.id });
    if (share.hiddenAt) return message([p(this.t('share.post.hidden', { reason: share.hiddenReason ?? '' }))], { title, visibility });
    return message(
      [
        p(...fill(this.t('share.post.by', { name: SLOT }), bold(mention({ id: member.userId, name: member.displayName })))),
        p(share.text),
        ...(share.url ? [p(link(share.url))] : []),
      ],
      {
        title,
        visibility,
        fields: workshop ? [{ name: this.t('share.post.workshop'), value: [`#${workshop.id} ${workshop.title}`] }] : [],
      },
    );
  }

  /**
   * Edits a share's post: through this process's adapter for the share's workspace, else through
   * the interaction's outbox when the moderator acts in that very workspace. The change is stored
   * already; a post that cannot be edited is logged, not an error.
   */
  private async edit(share: Share, m: Message, here?: { readonly where: Identity; readonly outbox: Outbox }): Promise<void> {
    if (!share.messageId) return;
    const same = here && here.where.platform === share.platform && here.where.workspace === share.workspace;
    const outbox = this.notifier.outbox(share.platform, share.workspace) ?? (same ? here.outbox : undefined);
    if (!outbox) {
      this.log.warn({ share: share.id, platform: share.platform }, 'no adapter here to update the post of a share');
      return;
    }
    try {
      await outbox.edit({ channel: share.channelId, messageId: share.messageId }, m);
    } catch (err) {
      this.log.warn(
        { share: share.id, err: { type: (err as Error).name, message: (err as Error).message } },
        'could not update the post of a share',
      );
    }
  }
}
