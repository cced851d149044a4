import type { Logger } from 'pino';
import type { Chapter } from '../../entities/Chapter.js';
import type { ChannelPurpose } from '../../entities/ChapterChannel.js';
import type { AuditDetails } from './audit-details.js';
import type { MessageKey, Translate } from './i18n.js';
import type { OptionMap, OptionValues } from './options.js';
import type { CommandRegistry, Leaf } from './registry.js';
import type { Message, PostedRef } from './reply.js';
import type { Actor, Place } from './types.js';

/** A user-facing text of a declaration: a key of the message catalogues (complete in en and de). */
export type Localised = MessageKey;

/**
 * Who may run an action. `moderator`: the moderators of the target's chapter (see `target`);
 * `coach`: those, or a coach of the target workshop (without a target: any active coach).
 * Decided by the policy (src/services/policy.ts), never by an adapter.
 */
export type Permission = 'member' | 'coach' | 'moderator';

/**
 * The areas /help groups commands by, in the order it shows them. Each command declares its area;
 * an action may name another (the workshop day's subcommands of /workshop, /mod's tools).
 */
export const AREAS = [
  'general',
  'chapters',
  'questions',
  'workshops',
  'day',
  'coaches',
  'partnerships',
  'materials',
  'privacy',
  'moderation',
] as const;
export type Area = (typeof AREAS)[number];

/** The kinds of objects a command can act on; each belongs to one chapter. */
export const TARGET_KINDS = ['chapter', 'workshop', 'question', 'block', 'proposal', 'material', 'share'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/**
 * What an action acts on, so the policy can find the object's chapter and check the actor's
 * rights there before the action runs:
 * - `{ kind, option }`: the object the option names (a chapter by name, anything else by id);
 *   a target whose option was not given is skipped;
 * - `here`: the chapter bound where the actor acts (their chapter's blocks, audit log);
 * - `workspace`: no chapter yet (creating or binding one): the workspace's own administrators.
 */
export type Target = { readonly kind: TargetKind; readonly option: string } | { readonly kind: 'here' } | { readonly kind: 'workspace' };

/** What the policy needs to know of an action: its path (for messages), permission and targets. */
export interface Guarded {
  readonly path: readonly string[];
  readonly permission: 'member' | 'coach' | 'moderator';
  readonly targets: readonly Target[];
}

/** The one authorization rule, as the dispatcher asks it (src/services/policy.ts decides). */
export interface AccessPolicy {
  /** Whether the bot serves this workspace at all (ALLOWED_WORKSPACES). */
  serves(platform: string, workspace: string): boolean;
  /** The actor's rights over the action's targets; a UserError when they have none. */
  authorize(action: Guarded, actor: Actor, options: Readonly<Record<string, unknown>>, place: Place): Promise<Access>;
  /** Whether the actor may run the action at all (for /help and forms; counts no rate limit). */
  mayRun(action: Guarded, actor: Actor): Promise<boolean>;
  /** Whether the actor moderates a chapter where they act. */
  moderates(actor: Actor, chapterId: number): Promise<boolean>;
}

/** Where chapters are bound, as the dispatcher asks it (src/services/chapters.ts answers). */
export interface ChapterDirectory {
  /** The chapter bound to the place (its channel, else its workspace), or null. */
  resolve(place: Place): Promise<Chapter | null>;
  /** The chapter's channels where the actor acts, by purpose. */
  channels(chapter: Chapter, where: Omit<Place, 'channel'>): Promise<Partial<Record<ChannelPurpose, string>>>;
}

/**
 * What the core itself uses of the services. The core imports nothing above it: `Services`
 * (src/services/index.ts) provides these and, by declaration merging, fills in
 * `CommandServices` with every other service, so `ctx.services` is fully typed in commands.
 */
export interface CoreServices {
  readonly config: { readonly locale: string };
  readonly policy: AccessPolicy;
  readonly chapters: ChapterDirectory;
}

/** The services a command gets on `ctx.services`: empty here, filled in by src/services/index.ts. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by declaration merging
export interface CommandServices {}

/** The actor's rights over what the action targets, as the policy found them before it ran. */
export interface Access {
  /** The chapter of the (first) target, or null for an action without one. */
  readonly chapterId: number | null;
  /** Whether the actor moderates that chapter where they act. */
  readonly moderator: boolean;
}

/** What a command's `execute` gets: typed options, the actor, services, and the reply state machine. */
export interface CommandContext<V> {
  readonly options: V;
  readonly actor: Actor;
  /** The channel the command was run in. */
  readonly channel: string;
  readonly locale: string;
  readonly t: Translate;
  readonly services: CommandServices;
  readonly commands: CommandRegistry;
  readonly log: Logger;
  /** e.g. `['chapter', 'create']`. */
  readonly path: readonly string[];
  /**
   * The chapter named (a UserError if there is none), or without a name the chapter bound to this
   * channel or workspace (a UserError that says how to bind one otherwise).
   */
  chapter(name?: string): Promise<Chapter>;
  /** The actor's rights over the action's target (`target` in the declaration), checked before `execute`. */
  readonly access: Access;
  /** Whether the actor moderates a chapter where they act (for a second object, such as a workshop's new chapter). */
  moderates(chapterId: number): Promise<boolean>;
  /** Whether the actor may run an action (for /help; counts no rate limit). */
  mayRun(leaf: Leaf): Promise<boolean>;

  /** First answer to the interaction (ephemeral or `here`). Once only. */
  reply(message: Message): Promise<void>;
  /** Acknowledge now, answer later with `editReply`: for work that may take more than about two seconds. */
  defer(options?: { ephemeral?: boolean }): Promise<void>;
  editReply(message: Message): Promise<void>;
  /** Another answer after the first. */
  followUp(message: Message): Promise<void>;
  /** A post that is not an answer to the interaction: a channel message, a DM, a thread reply. */
  post(message: Message): Promise<PostedRef>;
  /** Replace a message the bot posted earlier. */
  edit(ref: PostedRef, message: Message): Promise<void>;
  /**
   * What a moderator action touched, for the audit log (`chapter:Berlin`). The entry is filed
   * under the target's chapter (`access.chapterId`), or under `chapterId` when given (a new chapter).
   * `details` is a catalogue key with parameters (shown in the reader's language), or text a member typed.
   */
  auditTarget(target: string, details?: string | AuditDetails, chapterId?: number): void;
}

export interface ActionDecl<O extends OptionMap> {
  /** Required for subcommands; a top-level action falls back to its command's description. */
  readonly description?: Localised;
  /** Where /help lists this action, when not under its command's area. */
  readonly area?: Area;
  /** Default `member`. */
  readonly permission?: Permission;
  /**
   * What the action acts on. Required for `moderator` actions; a `member` action with a target
   * (closing a question) learns in `ctx.access` whether the actor moderates its chapter.
   */
  readonly target?: Target | readonly Target[];
  readonly options?: O;
  /**
   * Write an audit entry after success. Default: true for moderator actions. `'if-targeted'`:
   * only when the action named a target with `ctx.auditTarget` (an action anyone may run that a
   * moderator sometimes runs on someone else's behalf, such as closing a question).
   */
  readonly audit?: boolean | 'if-targeted';
  /**
   * Where the platform has forms (Discord modals, Slack views), invoking this action without
   * all its required options (a bare `/ask`, the Answer button) opens a form for the missing
   * ones, generated from the declaration, instead of answering with a usage error. With `fields`,
   * the form opens when nothing but the required options was given, and holds those and the fields
   * named (the texts of a feedback, pressed from its DM).
   */
  readonly form?: boolean | { readonly fields: readonly string[] };
  /** Overrides the configured per-member, per-command rate limit. */
  readonly rateLimit?: { readonly max: number; readonly windowSeconds: number };
  /**
   * Runs the action. A returned message is sent as the answer (or as the edit of a deferred
   * answer); an action that answered itself returns nothing.
   */
  execute(ctx: CommandContext<OptionValues<O>>): Promise<Message | void>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the erased form of every action, for the registry
export type AnyAction = ActionDecl<any>;

export interface GroupDecl {
  readonly description: Localised;
  readonly subcommands: Readonly<Record<string, AnyAction>>;
}

/**
 * A slash command: an action of its own, subcommands (and groups), or both. With both, the
 * command's own action runs when the next word is not a subcommand: `/ask text:"..."` beside
 * `/ask followup id:3`. (Discord cannot have both on one command; its adapter registers the
 * default action as a subcommand of its own.)
 */
export interface CommandDecl {
  readonly name: string;
  readonly description: Localised;
  /** Where /help lists the command's actions (default `general`). */
  readonly area?: Area;
  readonly action?: AnyAction;
  readonly subcommands?: Readonly<Record<string, AnyAction>>;
  readonly groups?: Readonly<Record<string, GroupDecl>>;
}

/** Declares one action (a leaf: a command without subcommands, or a subcommand); infers option types. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- an action without options
export function action<const O extends OptionMap = {}>(decl: ActionDecl<O>): ActionDecl<O> {
  return decl;
}

/** Declares a slash command. Kept as a function so declarations read alike and stay checked. */
export function defineCommand<const C extends CommandDecl>(decl: C): C {
  return decl;
}
