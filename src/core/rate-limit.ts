import type { Clock } from './clock.js';

export interface RateLimit {
  readonly max: number;
  readonly windowSeconds: number;
}

/**
 * The limit for autocomplete suggestions, from the commands' limit: three times as many in the
 * same window, since a member typing one option asks once per pause between keystrokes.
 */
export function suggestionLimit(commands: RateLimit): RateLimit {
  return { max: commands.max * 3, windowSeconds: commands.windowSeconds };
}

/**
 * A sliding-window limit per key (member and command), kept in this process's memory.
 * It is a courtesy brake against floods, not an invariant: with several processes each
 * counts its own share. Limits that must hold across processes live in the database.
 */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly clock: Clock) {}

  /** Counts a hit; returns how many seconds to wait when the limit is exceeded. */
  hit(key: string, limit: RateLimit): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const now = this.clock.now().getTime();
    const windowMs = limit.windowSeconds * 1000;
    const recent = (this.hits.get(key) ?? []).filter((at) => now - at < windowMs);
    if (recent.length >= limit.max) {
      this.hits.set(key, recent);
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((recent[0]! + windowMs - now) / 1000)) };
    }
    recent.push(now);
    this.hits.set(key, recent);
    if (this.hits.size > 10_000) this.sweep(now, windowMs);
    return { ok: true };
  }

  /** Forgets keys with no hit inside the window, so memory stays bounded on large servers. */
  private sweep(now: number, windowMs: number): void {
    for (const [key, times] of this.hits) if (!times.some((at) => now - at < windowMs)) this.hits.delete(key);
  }
}
