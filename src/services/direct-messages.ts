import type { Logger } from 'pino';
import type { Member } from '../../entities/Member.js';
import type { Config } from '../config.js';
import { safeError } from '../core/errors.js';
import { translator, type Translate } from '../core/i18n.js';
import type { Notifier } from '../core/notifier.js';
import type { Message } from '../core/reply.js';

/**
 * DMs to members outside any interaction (promotions, edits, reminders), in the member's
 * language, through whichever adapter of their platform runs in this process.
 */
export class DirectMessages {
  constructor(
    private readonly notifier: Notifier,
    private readonly config: Config,
    private readonly log: Logger,
  ) {}

  /** Whether the DM was handed to the platform. A failure is logged (never with the member's id) and not thrown. */
  async send(
    member: Member,
    build: (t: Translate) => Omit<Message, 'visibility'>,
    _options: { chapterId?: number | null } = {},
  ): Promise<boolean> {
    const outbox = this.notifier.outbox(member.platform, member.workspace);
    if (!outbox) {
      this.log.warn({ platform: member.platform }, 'no adapter for this platform runs here: a direct message was not sent');
      return false;
    }
    try {
      const t = translator(member.locale ?? this.config.locale);
      await outbox.post({ ...build(t), visibility: { kind: 'dm', to: { id: member.userId, name: member.displayName } } });
      return true;
    } catch (err) {
      this.log.warn({ err: safeError(err) }, 'a direct message could not be delivered');
      return false;
    }
  }
}
