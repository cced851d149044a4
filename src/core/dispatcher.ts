import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import type { Access, CommandContext, CommandServices, CoreServices } from './command.js';
import { encodeAuditDetails } from './audit-details.js';
import { parseCommandLine } from './command-line.js';
import { isConnectionError } from '../db/errors.js';
import { PostFailedError, ReplyStateError, say, UserError, safeError } from './errors.js';
import { type Catalogues, defaultCatalogues, translator, type Translate } from './i18n.js';
import type { RateLimit, RateLimiter } from './rate-limit.js';
import { type CommandRegistry, type Leaf, optionsOf } from './registry.js';
import { assertSensitiveRoute, channelLink, fill, message, type Message, p, type RichText, SLOT } from './reply.js';
import { type RawOptions, type Resolvers, validateOptions } from './validate.js';
import type { Actor, AuditRecord, Outbox } from './types.js';

/** How an adapter answers the interaction itself (Discord interaction responses, Bolt's respond, console print). */
export interface Responder {
  reply(message: Message): Promise<void>;
  defer(ephemeral: boolean): Promise<void>;
  editReply(message: Message): Promise<void>;
  followUp(message: Message): Promise<void>;
}

/** A command as typed (console, Slack text) or as the platform structured it (Discord). */
export type Invocation =
  /** `startColumn`: where `text` starts in what the member typed, so errors point at the right column. */
  | { readonly kind: 'line'; readonly text: string; readonly startColumn?: number }
  | { readonly kind: 'structured'; readonly path: readonly string[]; readonly options: RawOptions };

/** One neutral interaction, built by an adapter from a native event. */
export interface Interaction {
  readonly actor: Actor;
  readonly channel: string;
  readonly locale: string;
  readonly invocation: Invocation;
  readonly responder: Responder;
  readonly outbox: Outbox;
  readonly resolvers: Resolvers;
}

export interface DispatcherDeps {
  readonly registry: CommandRegistry;
  readonly services: CommandServices & CoreServices;
  readonly log: Logger;
  readonly rateLimiter: RateLimiter;
  readonly rateLimit: RateLimit;
  /** The audit-log hook: called after every successful moderator action (and actions declared `audit`). */
  readonly onAudit?: (record: AuditRecord) => Promise<void>;
  readonly catalogues?: Catalogues;
  readonly incidentId?: () => string;
  /**
   * When an action has not answered after this many milliseconds, the dispatcher defers
   * the answer (ephemerally) so the platform's deadline (Discord and Slack: 3 s) is never
   * missed; the action's answer then edits the deferred one. Default 2000; 0 turns it off.
   */
  readonly autoDeferMs?: number;
}

export type Outcome = 'ok' | 'user-error' | 'incident';

/**
 * The one path every command takes, from every adapter: resolve, rate-limit, check
 * permission, validate options, execute, answer. Expected failures (`UserError`) are
 * answered with their message; anything else with an apology and an incident id that is
 * also logged with the command name, never with option values or the actor's id.
 */
export class Dispatcher {
  constructor(private readonly deps: DispatcherDeps) {}

  async dispatch(interaction: Interaction): Promise<Outcome> {
    const t = translator(interaction.locale, this.deps.catalogues ?? defaultCatalogues);
    const state = new ReplyState(interaction.responder);
    let command = '?';
    // What must never reach the log, even inside an error's message: the member's id and name
    // and everything they typed (an anonymous question, a report's reason).
    const sensitive = [interaction.actor.id, interaction.actor.name];
    // A server or workspace the operator did not list (ALLOWED_WORKSPACES): one line, nothing else.
    if (!this.deps.services.policy.serves(interaction.actor.platform, interaction.actor.workspace)) {
      await this.answerSafely(state, message(t('error.not_served')), '?');
      return 'user-error';
    }
    try {
      const { leaf, raw } = resolveInvocation(this.deps.registry, interaction.invocation);
      command = leaf.path.join(' ');
      for (const value of Object.values(raw)) if (typeof value === 'string') sensitive.push(value);
      this.admit(leaf, interaction.actor);
      const options = validateOptions(optionsOf(leaf.action), raw, {
        t,
        command: leaf.path.join(' '),
        usage: this.deps.registry.usagePhrase(leaf),
        resolvers: interaction.resolvers,
      });
      // Every right is a relation to a chapter: the policy finds what the action targets and
      // checks the actor's rights there before anything runs.
      const { actor } = interaction;
      const access = await this.deps.services.policy.authorize(leaf, actor, options, {
        platform: actor.platform,
        workspace: actor.workspace,
        channel: interaction.channel,
      });
      const audit = { target: null as string | null, details: null as string | null, chapterId: access.chapterId };
      const ctx = this.context(interaction, leaf, options, t, state, audit, access);
      const autoDeferMs = this.deps.autoDeferMs ?? 2000;
      const timer =
        autoDeferMs > 0
          ? setTimeout(
              () =>
                void state
                  .deferIfUnanswered()
                  .catch((err: unknown) => this.deps.log.warn({ command, err: safeError(err) }, 'could not defer')),
              autoDeferMs,
            )
          : undefined;
      let result: Message | void;
      try {
        result = await leaf.action.execute(ctx);
      } finally {
        clearTimeout(timer);
      }
      if (result) await state.answer(result);
      else if (state.state !== 'replied') throw new ReplyStateError('NO_REPLY', `/${command} finished without answering`);
      const audited = leaf.action.audit === 'if-targeted' ? audit.target !== null : (leaf.action.audit ?? leaf.permission === 'moderator');
      if (this.deps.onAudit && audited) {
        await this.deps
          .onAudit({ actor: interaction.actor, action: command, ...audit })
          .catch((err: unknown) => this.deps.log.error({ command, err: safeError(err) }, 'audit entry could not be written'));
      }
      return 'ok';
    } catch (err) {
      if (isConnectionError(err)) {
        this.deps.log.warn({ command, err: { type: safeError(err).type, code: safeError(err).code } }, 'database unavailable');
        await this.answerSafely(state, message(t('error.db_unavailable')), command);
        return 'user-error';
      }
      if (err instanceof UserError) {
        await this.answerSafely(state, message(this.text(err, t), err.sensitive ? { sensitive: true } : {}), command);
        return 'user-error';
      }
      const incident = this.deps.incidentId?.() ?? randomBytes(4).toString('hex');
      this.deps.log.error({ incident, command, err: scrub(safeError(err), sensitive) }, 'command failed');
      await this.answerSafely(state, message(t('error.unexpected', { incident })), command);
      return 'incident';
    }
  }

  /** What a UserError tells the member, in their locale: a failed post names its channel as a link. */
  private text(err: UserError, t: Translate): string | RichText {
    if (err instanceof PostFailedError) return [p(...fill(t('error.post_failed', { channel: SLOT }), channelLink(err.channel)))];
    return say(t, err);
  }

  /** The rate limit, first, so floods stop cheaply (permissions are the policy's, after validation). */
  private admit(leaf: Leaf, actor: Actor): void {
    const limit = leaf.action.rateLimit ?? this.deps.rateLimit;
    const key = `${actor.platform}\u0000${actor.workspace}\u0000${actor.id}\u0000${leaf.path[0]}`;
    const hit = this.deps.rateLimiter.hit(key, limit);
    if (!hit.ok) {
      throw new UserError('error.rate_limited', {
        command: leaf.path[0]!,
        max: limit.max,
        seconds: limit.windowSeconds,
        wait: hit.retryAfterSeconds,
      });
    }
  }

  /** Whether the actor may run a leaf, for /help (no rate limit counted). */
  mayRun(leaf: Leaf, actor: Actor): Promise<boolean> {
    return this.deps.services.policy.mayRun(leaf, actor);
  }

  private context(
    interaction: Interaction,
    leaf: Leaf,
    options: Record<string, unknown>,
    t: Translate,
    state: ReplyState,
    audit: { target: string | null; details: string | null; chapterId: number | null },
    access: Access,
  ): CommandContext<never> {
    const { services, registry, log } = this.deps;
    const { actor, channel, outbox } = interaction;
    return {
      options: options as never,
      actor,
      channel,
      locale: interaction.locale,
      t,
      services,
      commands: registry,
      log,
      path: leaf.path,
      chapter: async (name) => {
        if (name) return services.chapters.get(name);
        const found = await services.chapters.resolve({ platform: actor.platform, workspace: actor.workspace, channel });
        if (!found) throw new UserError('chapter.unbound');
        return found;
      },
      access,
      moderates: (chapterId) => services.policy.moderates(actor, chapterId),
      mayRun: (other) => this.mayRun(other, actor),
      reply: (m) => state.reply(m),
      defer: (o) => state.defer(o?.ephemeral ?? true),
      editReply: (m) => state.editReply(m),
      followUp: (m) => state.followUp(m),
      post: (m) => {
        if (m.visibility.kind === 'ephemeral' || m.visibility.kind === 'here') {
          throw new ReplyStateError('REPLY_NOT_SENT', 'post() is for channel, DM and thread messages; answer with reply()');
        }
        return outbox.post(m).catch((err: unknown) => this.postFailed(err, m, interaction));
      },
      edit: (ref, m) => outbox.edit(ref, m),
      auditTarget: (target, details, chapterId) => {
        audit.target = target;
        audit.details = details === undefined ? null : encodeAuditDetails(details);
        if (chapterId !== undefined) audit.chapterId = chapterId;
      },
    };
  }

  /**
   * A channel or thread post the platform refused even after its retries (5xx, timeouts, network
   * errors; PLATFORM_RETRIES with backoff, see src/core/retry.ts): the moderators of the chapter
   * here are told in their channel, and the member gets a clear error instead of an apology. What the command stored stays stored (a question not posted is
   * posted later by the scheduler). Errors the command expects (a UserError) pass through.
   */
  private async postFailed(err: unknown, m: Message, interaction: Interaction): Promise<never> {
    if (err instanceof UserError || m.visibility.kind === 'dm') throw err;
    const { services, log } = this.deps;
    const channel = m.visibility.kind === 'channel' || m.visibility.kind === 'thread' ? m.visibility.channel : '';
    log.warn({ channel, err: { type: safeError(err).type, message: safeError(err).message } }, 'a post failed after retries');
    const { actor } = interaction;
    const chapter = await services.chapters
      .resolve({ platform: actor.platform, workspace: actor.workspace, channel: interaction.channel })
      .catch(() => null);
    const moderation = chapter ? (await services.chapters.channels(chapter, actor)).moderation : undefined;
    if (moderation && moderation !== channel) {
      const notice = translator(services.config.locale)('error.post_failed.moderators', { channel: SLOT });
      // An outbox row (sent once, retried while the platform fails). Not awaited: the member hears of
      // the failure now, not after the notice's own retries (the platform is failing, so they may take as long again).
      void services.store
        .transaction((em) =>
          services.outbox.enqueue(em, {
            platform: actor.platform,
            workspace: actor.workspace,
            chapterId: chapter!.id,
            kind: 'notice',
            to: { channel: moderation },
            message: message([p(...fill(notice, channelLink(channel)))], { visibility: { kind: 'channel', channel: moderation } }),
          }),
        )
        .catch((noticeErr: unknown) => log.warn({ err: { type: safeError(noticeErr).type } }, 'could not tell the moderators either'));
    }
    // Shown with the channel as a link the platform shows by its name (plain text could only show its id).
    throw new PostFailedError(channel);
  }

  private async answerSafely(state: ReplyState, m: Message, command: string): Promise<void> {
    try {
      await state.answer(m);
    } catch (err) {
      // The platform refused even the error answer (expired interaction, network): nothing left to tell the member.
      this.deps.log.warn({ command, err: safeError(err) }, 'could not deliver the answer');
    }
  }
}

/**
 * Finds the action an invocation names and its raw options: for a typed line, the options
 * given by name plus free words, which fill the one required option not given by name
 * (`/workshop claim 3`) or the only option an action has (`/help chapter`). Adapters use it
 * too, to see whether an action invoked without its required options should open a form.
 */
export function resolveInvocation(registry: CommandRegistry, invocation: Invocation): { leaf: Leaf; raw: RawOptions } {
  if (invocation.kind === 'structured') {
    const found = registry.get(invocation.path) ?? registry.resolve(invocation.path).leaf;
    return { leaf: found, raw: invocation.options };
  }
  const parsed = parseCommandLine(invocation.text, invocation.startColumn);
  const { leaf, used } = registry.resolve(parsed.words.map((w) => w.text));
  const raw: Record<string, string> = {};
  for (const o of parsed.options) {
    if (o.name in raw) throw new UserError('error.option.duplicate', { option: o.name });
    raw[o.name] = o.value;
  }
  const free = parsed.words.slice(used);
  if (free.length) {
    // Free words fill the one required option not given by name (`/workshop claim 3`), or
    // the only option an action has (`/help chapter`), its `page:` aside (src/core/paging.ts).
    const all = Object.entries(optionsOf(leaf.action)).filter(([name]) => name !== 'page');
    const required = all.filter(([name, spec]) => spec.required && !(name in raw));
    const missing = required.length ? required : all.length === 1 && !(all[0]![0] in raw) ? all : [];
    if (missing.length !== 1) {
      throw new UserError('error.usage', {
        problems: { key: 'error.option.unexpected_text', params: { given: free[0]!.text } },
        usage: registry.usagePhrase(leaf),
      });
    }
    raw[missing[0]![0]] = free.map((w) => w.text).join(' ');
  }
  return { leaf, raw };
}

/**
 * The interaction's answer as a small state machine (new → deferred → replied), the way
 * Discord's interaction responses and Bolt's ack-then-respond work; misuse is a coded error.
 */
class ReplyState {
  state: 'new' | 'deferred' | 'replied' = 'new';
  /** The deferral the answer would edit is one the channel sees (`defer({ ephemeral: false })`). */
  private deferredInPublic = false;
  /** Transitions run one at a time: the auto-defer timer may fire while the action answers. */
  private last: Promise<unknown> = Promise.resolve();

  constructor(private readonly responder: Responder) {}

  private serial<T>(step: () => Promise<T>): Promise<T> {
    const next = this.last.then(step, step);
    this.last = next.catch(() => undefined);
    return next;
  }

  /** The auto-defer: only if nothing was sent yet. */
  deferIfUnanswered(): Promise<void> {
    return this.serial(async () => {
      if (this.state !== 'new') return;
      await this.responder.defer(true);
      this.state = 'deferred';
    });
  }

  reply(m: Message): Promise<void> {
    return this.serial(() => this.replyNow(m));
  }

  defer(ephemeral: boolean): Promise<void> {
    return this.serial(() => this.deferNow(ephemeral));
  }

  editReply(m: Message): Promise<void> {
    return this.serial(() => this.editReplyNow(m));
  }

  followUp(m: Message): Promise<void> {
    return this.serial(() => this.followUpNow(m));
  }

  /** Whatever the state, get this message to the member as the answer. */
  answer(m: Message): Promise<void> {
    return this.serial(() => {
      if (this.state === 'new') return this.replyNow(m);
      if (this.state === 'deferred') return this.editReplyNow(m);
      return this.followUpNow(m);
    });
  }

  private async replyNow(m: Message): Promise<void> {
    if (this.state !== 'new')
      throw new ReplyStateError('REPLY_ALREADY_SENT', 'reply() after the interaction was answered; use followUp() or editReply()');
    assertAnswer(m);
    await this.responder.reply(m);
    this.state = 'replied';
  }

  private async deferNow(ephemeral: boolean): Promise<void> {
    if (this.state !== 'new') throw new ReplyStateError('REPLY_ALREADY_SENT', 'defer() after the interaction was answered');
    await this.responder.defer(ephemeral);
    this.state = 'deferred';
    this.deferredInPublic = !ephemeral;
  }

  private async editReplyNow(m: Message): Promise<void> {
    if (this.state === 'new') throw new ReplyStateError('REPLY_NOT_DEFERRED', 'editReply() before reply() or defer()');
    assertAnswer(m);
    // Editing a public deferral shows the answer to the channel: never one about an anonymous question.
    if (m.sensitive && this.deferredInPublic)
      throw new ReplyStateError('REPLY_NOT_SENT', 'a sensitive answer cannot edit a deferral the channel sees');
    await this.responder.editReply(m);
    this.state = 'replied';
  }

  private async followUpNow(m: Message): Promise<void> {
    if (this.state === 'new') throw new ReplyStateError('REPLY_NOT_SENT', 'followUp() before the first answer');
    if (this.state === 'deferred') return this.editReplyNow(m);
    assertAnswer(m);
    await this.responder.followUp(m);
  }
}

/** Replaces every sensitive string (3 characters or more) in an error's text fields by `[redacted]`. */
function scrub<T extends Record<string, string | undefined>>(fields: T, sensitive: readonly string[]): T {
  const needles = sensitive.filter((s) => s.length >= 3).sort((a, b) => b.length - a.length);
  const clean = (text: string) => needles.reduce((acc, needle) => acc.split(needle).join('[redacted]'), text);
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, typeof v === 'string' ? clean(v) : v])) as T;
}

function assertAnswer(m: Message): void {
  if (m.visibility.kind !== 'ephemeral' && m.visibility.kind !== 'here') {
    throw new ReplyStateError('REPLY_NOT_SENT', 'an answer is ephemeral or here; post() channel, DM and thread messages');
  }
  assertSensitiveRoute(m);
}
