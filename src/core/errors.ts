import type { MessageKey, Translate } from './i18n.js';

/**
 * What a member is told, as data: a catalogue key and its parameters. It becomes text only
 * where it is shown (the dispatcher), in the reader's locale.
 */
export interface Phrase {
  readonly key: MessageKey;
  readonly params?: PhraseParams;
}

/**
 * One parameter of a phrase:
 * - a string or number, shown as it is (a name, an id, what the member typed);
 * - a phrase, said in the same locale (partner.error.closed's `status`: `{ key: 'partner.status.approved' }`);
 * - a list of these, shown one after the other with nothing between (a usage line: its words and its
 *   translated placeholders; several problems, each followed by `'\n'`).
 */
export type PhraseParam = string | number | Phrase | readonly PhraseParam[];
export type PhraseParams = Readonly<Record<string, PhraseParam>>;

/** A parameter as text in one locale: nested phrases translated, lists joined. */
export function say(t: Translate, param: PhraseParam): string {
  if (typeof param === 'string') return param;
  if (typeof param === 'number') return String(param);
  if (isList(param)) return param.map((part) => say(t, part)).join('');
  const params = param.params ?? {};
  const plain = Object.fromEntries(
    Object.entries(params).map(([name, value]) => [name, typeof value === 'number' ? value : say(t, value)]),
  );
  return t(param.key, plain);
}

const isList = (param: PhraseParam): param is readonly PhraseParam[] => Array.isArray(param);

/**
 * An expected failure: the member did something the bot cannot do (bad input, no permission, a
 * full workshop), thrown by the core, a service or a command. It names a catalogue key (also its
 * `message`, for logs and tests) and the key's parameters; the dispatcher turns them into text in
 * the reader's locale and answers ephemerally, like Sapphire's identifier and context.
 *
 *     throw new UserError('workshop.not_found', { id });
 */
export class UserError extends Error {
  /** The refusal concerns an anonymous question (a block, the asker's own answer): its answer is a sensitive message. */
  readonly sensitive: boolean;

  constructor(
    readonly key: MessageKey,
    readonly params: PhraseParams = {},
    options: { readonly sensitive?: boolean } = {},
  ) {
    super(key);
    this.name = 'UserError';
    this.sensitive = options.sensitive ?? false;
  }
}

/**
 * A channel or thread post the platform refused even after its retries. The dispatcher says so
 * with the channel as a link (see `Dispatcher.postFailed`); the question service keeps the question
 * to post later and remembers the moderators were told.
 */
export class PostFailedError extends UserError {
  constructor(readonly channel: string) {
    super('error.post_failed', { channel: `#${channel}` });
    this.name = 'PostFailedError';
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
