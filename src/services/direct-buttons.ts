import { randomBytes } from 'node:crypto';
import { type EntityManager, LessThanOrEqual } from 'typeorm';
import { DirectButton } from '../../entities/DirectButton.js';
import type { Member } from '../../entities/Member.js';
import type { Clock } from '../core/clock.js';
import { UserError } from '../core/errors.js';
import type { Store } from '../db/store.js';

/**
 * How long a button in a direct message works: 14 days, long enough for a reminder sent a week
 * ahead and a workshop's follow-up, short enough that old DMs do not act for ever. After that a
 * press is answered `button.stale`, and the row is deleted by `purge`.
 */
export const DIRECT_BUTTON_TTL_MS = 14 * 24 * 60 * 60_000;

/** What a press of a direct message's button acts on: its row's workspace and chapter, and the command it stands for. */
export interface DirectButtonTarget {
  readonly workspace: string;
  readonly chapterId: number | null;
  readonly command: string;
}

/** A token as `issue` makes it: 16 random bytes in base64url. Anything else is not looked up. */
const TOKEN = /^[A-Za-z0-9_-]{22}$/;
/** The `command` column's length. */
const COMMAND_MAX = 200;

/**
 * Buttons in direct messages. A DM belongs to no server or workspace, so its button cannot say
 * where it acts the way a channel's can; and a command line in a button's id could be altered by
 * a client. Instead each button carries an opaque token (`Button.ref`) for a row that names the
 * workspace, the chapter, the recipient and the command; a press is checked against the row. The
 * permission policy then decides as for a typed command.
 */
export class DirectButtons {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Stores a button for `member` and returns its token (`ttlMs` from now; default 14 days). */
  async issue(
    member: Pick<Member, 'id' | 'platform' | 'workspace'>,
    chapterId: number | null,
    command: string,
    ttlMs: number = DIRECT_BUTTON_TTL_MS,
    /** The caller's transaction, if any (a DM queued with the change that causes it). */
    em?: EntityManager,
  ): Promise<string> {
    // A programming error, not the member's: commands of buttons are written by the bot.
    if (command.length > COMMAND_MAX) throw new Error(`a button's command is longer than ${COMMAND_MAX} characters`);
    const token = randomBytes(16).toString('base64url');
    const now = this.clock.now();
    const insert = (tx: EntityManager) =>
      tx.insert(DirectButton, {
        token,
        platform: member.platform,
        workspace: member.workspace,
        chapterId,
        memberId: member.id,
        command,
        createdAt: now,
        expiresAt: new Date(now.getTime() + ttlMs),
      });
    await (em ? insert(em) : this.store.transaction(insert));
    return token;
  }

  /**
   * The button behind `token`, pressed by `userId` on `platform`. Unknown, expired and malformed
   * tokens get one answer, `button.stale`, so nothing is learnt by trying tokens; a press by anyone
   * but the recipient is `button.not_yours`.
   */
  async open(token: string, platform: string, userId: string): Promise<DirectButtonTarget> {
    if (!TOKEN.test(token)) throw new UserError('button.stale');
    const row = await this.store.manager.findOne(DirectButton, { where: { token }, relations: { member: true } });
    if (!row?.member || row.expiresAt.getTime() <= this.clock.now().getTime()) throw new UserError('button.stale');
    if (row.platform !== platform || row.member.platform !== platform || row.member.userId !== userId) {
      throw new UserError('button.not_yours');
    }
    return { workspace: row.workspace, chapterId: row.chapterId, command: row.command };
  }

  /** Deletes the buttons past their time (the scheduler, every few seconds); returns how many. */
  async purge(): Promise<number> {
    const now = this.clock.now();
    return this.store.transaction(async (em) => (await em.delete(DirectButton, { expiresAt: LessThanOrEqual(now) })).affected ?? 0);
  }
}
