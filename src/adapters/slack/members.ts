import type { webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { Actor } from '../../core/types.js';
import type { Clock } from '../../core/clock.js';
import { safeError } from '../../core/errors.js';
import { normaliseLocale, translator, type Translate } from '../../core/i18n.js';
import type { RawValue } from '../../core/validate.js';

type WebClient = InstanceType<typeof webApi.WebClient>;

/** How long Slack's answers about a member or a user group are used before asking again. */
const SLACK_CACHE_MS = 60_000;
const SLACK_CACHE_MAX = 10_000;

/** Who acts, in which language. */
export interface Identified {
  readonly actor: Actor;
  readonly locale: string;
  readonly t: Translate;
}

/**
 * What Slack says about members: their name, language and admin rights (`users.info`) and their
 * user groups (`usergroups.users.list`), as platform facts for the policy, which decides what
 * they may do.
 *
 * Slack's answers are kept for a minute: Slack allows about 100 `users.info` and 20
 * `usergroups.users.list` calls a minute, which a busy workspace would reach with one call per
 * command (and each call cost a round trip: see BENCHMARKS.md). So a change of admin rights,
 * name, language or group membership shows within a minute. Failures are not kept.
 */
export class SlackMembers {
  private readonly cache = new Map<string, { at: number; value: Promise<unknown> }>();

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
    /** The language of a member whose own Slack does not tell. */
    private readonly defaultLocale: string,
  ) {}

  /** Who is acting, in which language, and what Slack shows of them (admin or owner; user groups, asked when needed). */
  async identify(client: WebClient, team: string, user: string, fallbackName: string): Promise<Identified> {
    let info: Awaited<ReturnType<WebClient['users']['info']>>['user'];
    try {
      info = (await this.remembered(`user ${team} ${user}`, () => client.users.info({ user, include_locale: true }))).user;
    } catch (err) {
      this.log.warn({ err: safeError(err) }, 'users.info failed: acting as a member without moderator rights');
    }
    const name = info?.profile?.display_name || info?.real_name || info?.name || fallbackName;
    const admin = Boolean(info?.is_admin || info?.is_owner || info?.is_primary_owner);
    const locale = normaliseLocale(info?.locale ?? this.defaultLocale);
    const facts = { admin, inGroup: (group: string) => this.inGroup(client, team, user, group) };
    return { actor: { platform: 'slack', workspace: team, id: user, name, facts }, locale, t: translator(locale) };
  }

  /** Someone in a workspace the operator did not list: no call to Slack about them, no rights. */
  stranger(team: string, user: string, name: string): Identified {
    return {
      actor: { platform: 'slack', workspace: team, id: user, name, facts: { admin: false } },
      locale: this.defaultLocale,
      t: translator(this.defaultLocale),
    };
  }

  /** Members picked in a form arrive as ids; the core wants their names too. */
  async withUserNames(client: WebClient, raw: Record<string, RawValue>): Promise<Record<string, RawValue>> {
    const out = { ...raw };
    for (const [name, value] of Object.entries(raw)) {
      if (typeof value !== 'object' || !('name' in value) || value.name !== value.id) continue;
      const user = await client.users.info({ user: value.id }).then(
        (r) => r.user,
        () => undefined,
      );
      out[name] = { id: value.id, name: user?.profile?.display_name || user?.real_name || user?.name || value.id };
    }
    return out;
  }

  private async inGroup(client: WebClient, team: string, user: string, group: string): Promise<boolean> {
    try {
      const members = await this.remembered(`group ${team} ${group}`, () => client.usergroups.users.list({ usergroup: group }));
      return (members.users ?? []).includes(user);
    } catch (err) {
      this.log.warn({ err: safeError(err), group }, 'the chapter’s moderator group could not be read');
      return false;
    }
  }

  private remembered<T>(key: string, fetch: () => Promise<T>): Promise<T> {
    const now = this.clock.now().getTime();
    const hit = this.cache.get(key);
    if (hit && now - hit.at < SLACK_CACHE_MS) return hit.value as Promise<T>;
    const value = fetch();
    this.cache.delete(key);
    this.cache.set(key, { at: now, value });
    value.catch(() => this.cache.get(key)?.value === value && this.cache.delete(key));
    // Oldest first (insertion order): the map stays small however many members pass by.
    if (this.cache.size > SLACK_CACHE_MAX) this.cache.delete(this.cache.keys().next().value!);
    return value;
  }
}
