import type { Message, PostedRef, UserRef } from './reply.js';

/**
 * The neutral types the core and the services share. This module imports nothing above the
 * core (docs/ARCHITECTURE.md), so services, commands and adapters can all depend on it.
 */

/** Who someone is on a platform: what must never be stored for an anonymous asker. */
export interface Identity {
  readonly platform: string;
  /** Discord guild id, Slack team id, `console`. */
  readonly workspace: string;
  readonly id: string;
}

/** An identity with the name the platform shows (rosters, coaches); never stored for an asker. */
export interface Person extends Identity {
  readonly name: string;
}

/** A place on a platform: a workspace, and the channel inside it where something happened. */
export interface Place {
  readonly platform: string;
  readonly workspace: string;
  readonly channel: string;
}

/**
 * What the platform shows about a member where they act: facts only. Who moderates which
 * chapter is decided from them by the policy (src/services/policy.ts).
 */
export interface PlatformFacts {
  /**
   * The workspace's own administrators: Manage Server (Discord), admins and owners (Slack),
   * CONSOLE_MODERATORS (console). They moderate every chapter bound in their workspace.
   */
  readonly admin: boolean;
  /** The member's roles (Discord role ids), matched against a chapter's moderator role. */
  readonly roles?: readonly string[];
  /** Whether the member is in a user group (Slack), asked only when a chapter names one. */
  readonly inGroup?: (group: string) => Promise<boolean>;
}

/** The member who ran a command, as the adapter saw them. */
export interface Actor extends Person {
  readonly facts: PlatformFacts;
}

/** How an adapter posts elsewhere: channels, DMs, threads; and edits its own posts. */
export interface Outbox {
  /**
   * Posts a message; with `once` (the durable outbox's sends, see `OutboxService`) so that sending
   * it again never shows it twice.
   */
  post(message: Message, once?: Once): Promise<PostedRef>;
  /**
   * The hashes `Once.sending` would be given for this message, computed without sending it (the
   * outbox records them with a row it sends at once); absent where the platform needs none (Slack).
   */
  fingerprint?(message: Message): string[];
  edit(ref: PostedRef, message: Message): Promise<void>;
  /**
   * A small group's own place to talk on the workshop day (see `GroupPlace`). Returns the place's
   * channel id. With `existing` (the id an earlier call returned) it adds the members not yet in
   * it instead of making another; where the platform cannot add to it (a Slack group DM) it
   * returns the new place's id.
   */
  openGroup?(place: GroupPlace, existing?: string): Promise<string>;
}

/**
 * What makes a send from the outbox idempotent (issue "Exactly once"). Discord: every payload
 * carries a nonce made from `token` with `enforce_nonce`; Slack: message metadata carrying `token`.
 * When an earlier attempt may have reached the platform (`since`), the adapter first reads the
 * channel's history from then and sends only the parts it does not find there.
 */
export interface Once {
  /** The row's opaque token: an HMAC of its id, so it says nothing about order or time. */
  readonly token: string;
  /** When the first attempt began; null: this is the first, nothing to look for. */
  readonly since: Date | null;
  /** Short hashes of the payloads the last attempt sent, in order (Discord finds them by these). */
  readonly hashes: readonly string[];
  /** Called with the hashes of the payloads about to be sent, before the platform is called: the row keeps them. */
  readonly sending: (hashes: string[]) => Promise<void>;
}

/**
 * A group of learners with their coach: a private thread in `channel` (Discord: the chapter's
 * workshops channel, else its announcements channel), a group DM or, past the platform's member
 * limit, a private channel (Slack), a printed block (console). The coach and the learners are
 * added; `intro` is posted there first. Only they see it.
 */
export interface GroupPlace {
  /** Where a Discord thread is made; null when the chapter has no such channel there (Discord refuses then). */
  readonly channel: string | null;
  /** The thread's or private channel's name, e.g. `workshop-12-group-2`: lower case, digits and dashes. */
  readonly name: string;
  readonly members: readonly UserRef[];
  readonly intro: Omit<Message, 'visibility'>;
}

/** One entry for the audit log, as the dispatcher hands it to the audit service. */
export interface AuditRecord {
  readonly actor: Actor;
  /** The chapter of what was touched: the entry is filed under it. */
  readonly chapterId: number | null;
  readonly action: string;
  readonly target: string | null;
  readonly details: string | null;
}
