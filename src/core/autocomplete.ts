import type { CommandServices } from './command.js';
import { systemClock } from './clock.js';
import { type RateLimit, RateLimiter } from './rate-limit.js';
import { clip, truncate } from './text.js';
import type { Actor, Identity } from './types.js';

/** One suggestion: what the member sees, and the value the option gets. */
export interface Suggestion {
  readonly name: string;
  readonly value: string;
}

export interface AutocompleteQuery {
  readonly services: CommandServices;
  readonly actor: Actor;
  readonly channel: string;
  /** What the member has typed into the option so far. */
  readonly typed: string;
}

export type AutocompleteProvider = (query: AutocompleteQuery) => Promise<readonly Suggestion[]>;

/** Discord shows at most 25 suggestions. */
export const MAX_SUGGESTIONS = 25;

/**
 * Suggestions asked for without a limit given: at most this many per member and minute. The app
 * gives `suggestionLimit(RATE_LIMIT_…)` instead (see createApp).
 */
export const DEFAULT_SUGGESTION_LIMIT: RateLimit = { max: 60, windowSeconds: 60 };

/** How the rate limiter is used for suggestions: the limiter (the dispatcher's, in the app) and the limit. */
export interface SuggestionLimiting {
  readonly limiter: RateLimiter;
  readonly limit: RateLimit;
}

/**
 * Completions for options declared with `autocomplete: '<kind>'`, by kind, platform-neutral:
 * an adapter that can offer completions (Discord) asks here. A kind without a provider
 * offers nothing, and the member types the value as usual.
 *
 * Every request goes through the rate limiter first: a member who asks for more than the
 * limit gets no suggestions (and nothing else: no error, no query run) until the window has
 * room again. Each keystroke can be a request, so the limit is per member across all kinds.
 */
export class Autocomplete {
  private readonly providers = new Map<string, AutocompleteProvider>();
  private readonly limiting: SuggestionLimiting;

  constructor(limiting?: SuggestionLimiting) {
    this.limiting = limiting ?? { limiter: new RateLimiter(systemClock), limit: DEFAULT_SUGGESTION_LIMIT };
  }

  register(kind: string, provider: AutocompleteProvider): this {
    this.providers.set(kind, provider);
    return this;
  }

  has(kind: string): boolean {
    return this.providers.has(kind);
  }

  async suggest(kind: string, query: AutocompleteQuery): Promise<Suggestion[]> {
    const provider = this.providers.get(kind);
    if (!provider) return [];
    const { actor } = query;
    if (!this.limiting.limiter.hit(suggestionKey(actor), this.limiting.limit).ok) return [];
    const found = await provider(query);
    return found.slice(0, MAX_SUGGESTIONS).map((s) => ({ name: truncate(s.name, 100), value: clip(s.value, 100) }));
  }
}

/** The rate limiter's key for a member's suggestions; commands' keys end in a command name, this one starts apart. */
export function suggestionKey(actor: Identity): string {
  return `suggest\u0000${actor.platform}\u0000${actor.workspace}\u0000${actor.id}`;
}
