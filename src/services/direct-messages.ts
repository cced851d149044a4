import type { EntityManager } from 'typeorm';
import type { Member } from '../../entities/Member.js';
import type { OutboxKind } from '../../entities/OutboxMessage.js';
import type { Config } from '../config.js';
import { translator, type Translate } from '../core/i18n.js';
import type { Message } from '../core/reply.js';
import type { Store } from '../db/store.js';
import type { DirectButtons } from './direct-buttons.js';
import type { OutboxService } from './outbox/service.js';

/** How a DM is filed in the outbox and how its buttons are stored (see `DirectButtons`). */
export interface DirectMessageOptions {
  /** The chapter the DM is about: kept with its buttons (they go when the chapter goes), its moderators see it in `/mod outbox`; default none. */
  readonly chapterId?: number | null;
  /** How long its buttons work; default `DIRECT_BUTTON_TTL_MS` (14 days). */
  readonly buttonTtlMs?: number;
  /** What it is, for `/mod outbox`; default `dm`. */
  readonly kind?: OutboxKind;
  /** The workshop it is about, for `/mod outbox`. */
  readonly subject?: number | null;
}

/**
 * DMs to members outside any interaction (promotions, edits, reminders), in the member's
 * language. Each is a row of the outbox (`OutboxService`), written in the caller's transaction
 * when one is given (so the DM exists exactly when the change that causes it does) and sent once
 * that commits, by this process if its adapter for the member's platform runs here, else by the
 * process that runs it.
 */
export class DirectMessages {
  constructor(
    private readonly store: Store,
    private readonly config: Config,
    private readonly buttons: DirectButtons,
    private readonly outbox: OutboxService,
  ) {}

  /**
   * Queues the DM (in `em`'s transaction, or one of its own). Each button of the message is stored
   * for the member (`DirectButtons.issue`) and carries only its `ref`: a DM belongs to no server,
   * so the row says where a press acts and who may press it.
   */
  async send(
    member: Member,
    build: (t: Translate) => Omit<Message, 'visibility'>,
    options: DirectMessageOptions = {},
    em?: EntityManager,
  ): Promise<void> {
    if (!em) return this.store.transaction((tx) => this.send(member, build, options, tx));
    const locale = member.locale ?? this.config.locale;
    const built = build(translator(locale));
    const buttons = built.buttons?.length
      ? await Promise.all(
          built.buttons.map(async (b) => ({
            ...b,
            ref: await this.buttons.issue(member, options.chapterId ?? null, b.command, options.buttonTtlMs, em),
          })),
        )
      : built.buttons;
    await this.outbox.enqueue(em, {
      platform: member.platform,
      workspace: member.workspace,
      chapterId: options.chapterId ?? null,
      kind: options.kind ?? 'dm',
      subject: options.subject ?? null,
      to: { member },
      message: { ...built, ...(buttons ? { buttons } : {}), locale },
    });
  }
}
