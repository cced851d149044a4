import type { Logger } from 'pino';
import type { Member } from '../../entities/Member.js';
import type { Config } from '../config.js';
import { safeError } from '../core/errors.js';
import { translator, type Translate } from '../core/i18n.js';
import type { Notifier } from '../core/notifier.js';
import type { Message } from '../core/reply.js';
import type { DirectButtons } from './direct-buttons.js';

/** How a DM's buttons are stored (see `DirectButtons`). */
export interface DirectMessageOptions {
  /** The chapter the DM is about, kept with its buttons (they go when the chapter goes); default none. */
  readonly chapterId?: number | null;
  /** How long its buttons work; default `DIRECT_BUTTON_TTL_MS` (14 days). */
  readonly buttonTtlMs?: number;
}

/**
 * DMs to members outside any interaction (promotions, edits, reminders), in the member's
 * language, through whichever adapter of their platform runs in this process.
 */
export class DirectMessages {
  constructor(
    private readonly notifier: Notifier,
    private readonly config: Config,
    private readonly log: Logger,
    private readonly buttons: DirectButtons,
  ) {}

  /**
   * Whether the DM was handed to the platform. A failure is logged (never with the member's id) and not thrown.
   * Each button of the message is stored for the member (`DirectButtons.issue`) and carries only its `ref`:
   * a DM belongs to no server, so the row says where a press acts and who may press it.
   */
  async send(member: Member, build: (t: Translate) => Omit<Message, 'visibility'>, options: DirectMessageOptions = {}): Promise<boolean> {
    const outbox = this.notifier.outbox(member.platform, member.workspace);
    if (!outbox) {
      this.log.warn({ platform: member.platform }, 'no adapter for this platform runs here: a direct message was not sent');
      return false;
    }
    try {
      const locale = member.locale ?? this.config.locale;
      const t = translator(locale);
      const built = build(t);
      const buttons = built.buttons?.length
        ? await Promise.all(
            built.buttons.map(async (b) => ({
              ...b,
              ref: await this.buttons.issue(member, options.chapterId ?? null, b.command, options.buttonTtlMs),
            })),
          )
        : built.buttons;
      await outbox.post({
        ...built,
        ...(buttons ? { buttons } : {}),
        visibility: { kind: 'dm', to: { id: member.userId, name: member.displayName } },
        locale,
      });
      return true;
    } catch (err) {
      this.log.warn({ err: safeError(err) }, 'a direct message could not be delivered');
      return false;
    }
  }
}
