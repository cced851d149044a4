import type { MessageKey, Params } from './i18n.js';
import type { RichText } from './reply.js';

/**
 * An expected failure: the member did something the bot cannot do (bad input, no
 * permission, a full workshop). `code` is stable for tests and logs; `message` is
 * already localised and is shown to the member, ephemerally.
 */
export class UserError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** What the member is shown, when it needs more than text (a channel link); `message` is its plain form. */
    readonly rich?: RichText,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

/**
 * An expected failure raised below the commands (in a service), named by a catalogue key so
 * the dispatcher can say it in the member's language. Shown exactly like a UserError.
 */
export class DomainError extends Error {
  /** The refusal concerns an anonymous question (a block, the asker's own answer): its answer is a sensitive message. */
  readonly sensitive: boolean;

  constructor(
    readonly key: MessageKey,
    readonly params: Params = {},
    options: { readonly sensitive?: boolean } = {},
  ) {
    super(key);
    this.name = 'DomainError';
    this.sensitive = options.sensitive ?? false;
  }
}

/** Misuse of the reply state machine by a command: a programming error, never shown as-is. */
export class ReplyStateError extends Error {
  constructor(
    readonly code: 'REPLY_ALREADY_SENT' | 'REPLY_NOT_DEFERRED' | 'REPLY_NOT_SENT' | 'NO_REPLY',
    message: string,
  ) {
    super(message);
    this.name = 'ReplyStateError';
  }
}

/**
 * What of an unexpected error may be logged: its type, code, message and stack. Never its
 * other properties: database errors carry the query's parameters (which can hold the
 * text of an anonymous question) and PostgreSQL's `detail` repeats key values.
 */
export function safeError(err: unknown): { type: string; message: string; code?: string; stack?: string } {
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    return {
      type: err.name,
      message: err.message,
      ...(typeof code === 'string' ? { code } : {}),
      ...(err.stack ? { stack: err.stack } : {}),
    };
  }
  return { type: typeof err, message: 'non-Error value thrown' };
}
