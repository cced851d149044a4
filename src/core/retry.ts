import { setTimeout as sleep } from 'node:timers/promises';
import type { PlatformCalls } from '../config.js';

/**
 * How the bot retries a call to Discord's or Slack's API that failed with a server error (5xx),
 * a timeout or a network error: the one policy both adapters use, so both platforms behave the
 * same. Rate limits (429) are not this policy's business: discord.js and the Slack WebClient
 * wait for the platform's `Retry-After` themselves.
 *
 * The wait before retry `n` (0 for the first retry) is `BASE × 2ⁿ × (1 + random)`, at most
 * `MAX`: with the defaults 0.5–1 s, 1–2 s, 2–4 s, then 4 s each. That is the formula of
 * node-retry (under p-retry, which the Slack WebClient uses) with `factor: 2, randomize: true`,
 * so `nodeRetryOptions` hands Slack exactly these numbers. The jitter keeps many processes that
 * failed at the same moment from all retrying at the same moment.
 *
 * With the defaults (10 s per call, 3 retries) a member hears of a failing post after about
 * 4–7 s of server errors, or at most about 47 s of timeouts.
 */
export interface RetryPolicy {
  /** Retries after the first attempt (PLATFORM_RETRIES). */
  readonly retries: number;
  /** How long one attempt may take (PLATFORM_TIMEOUT_MS). */
  readonly timeoutMs: number;
  /** The shortest wait, before the first retry. */
  readonly baseDelayMs: number;
  /** No wait is longer than this. */
  readonly maxDelayMs: number;
}

export const BASE_DELAY_MS = 500;
export const MAX_DELAY_MS = 4000;

export function retryPolicy(calls: PlatformCalls): RetryPolicy {
  return { retries: calls.retries, timeoutMs: calls.timeoutMs, baseDelayMs: BASE_DELAY_MS, maxDelayMs: MAX_DELAY_MS };
}

/** The shortest wait before retry `n` (0-based): `BASE × 2ⁿ`, at most `MAX`. */
export function minimumDelayMs(policy: RetryPolicy, n: number): number {
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** n);
}

/** The wait before retry `n` (0-based), with jitter: between the minimum and twice it, at most `MAX`. */
export function backoffDelayMs(policy: RetryPolicy, n: number, random: () => number = Math.random): number {
  return Math.min(policy.maxDelayMs, Math.round(policy.baseDelayMs * 2 ** n * (1 + random())));
}

/** The longest a call can take with all its attempts and waits (timeouts every time, the longest waits). */
export function worstCaseMs(policy: RetryPolicy): number {
  let total = (policy.retries + 1) * policy.timeoutMs;
  for (let n = 0; n < policy.retries; n++) total += Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (n + 1));
  return total;
}

/** The policy as p-retry's (node-retry's) options, for the Slack WebClient's `retryConfig`: the same waits. */
export function nodeRetryOptions(policy: RetryPolicy): {
  retries: number;
  factor: number;
  minTimeout: number;
  maxTimeout: number;
  randomize: boolean;
} {
  return { retries: policy.retries, factor: 2, minTimeout: policy.baseDelayMs, maxTimeout: policy.maxDelayMs, randomize: true };
}

/** An attempt that did not answer within the policy's timeout; the reason its signal is aborted with. */
export class PlatformTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`no answer within ${timeoutMs} ms`);
    this.name = 'TimeoutError';
  }
}

export interface RetryOptions<T> {
  /** Whether an answer is a failure worth retrying (a 5xx). Errors thrown by an attempt always are. */
  readonly retryAnswer?: (value: T) => boolean;
  /** Called with an answer that is retried, before the wait (to release its connection). */
  readonly discard?: (value: T) => Promise<void> | void;
  /** The caller's own signal: once aborted, nothing is retried and the wait ends. */
  readonly signal?: AbortSignal | null;
}

/**
 * Runs `attempt` until it succeeds, at most `1 + retries` times. Each attempt gets a signal
 * that aborts after `timeoutMs` (with a PlatformTimeoutError) or when the caller's signal does;
 * `attempt` must pass it on to the request and finish reading the answer within it. An error
 * thrown by an attempt (a timeout, a refused or reset connection) is retried, unless the
 * caller aborted; an answer is retried when `retryAnswer` says so. After the last attempt its
 * error is thrown, or its answer returned, as they are.
 */
export async function withRetries<T>(
  policy: RetryPolicy,
  attempt: (signal: AbortSignal, n: number) => Promise<T>,
  o: RetryOptions<T> = {},
): Promise<T> {
  for (let n = 0; ; n++) {
    const last = n >= policy.retries;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(new PlatformTimeoutError(policy.timeoutMs)), policy.timeoutMs);
    const signal = o.signal ? AbortSignal.any([o.signal, timeout.signal]) : timeout.signal;
    try {
      const value = await attempt(signal, n);
      if (last || !o.retryAnswer?.(value)) return value;
      await o.discard?.(value);
    } catch (err) {
      if (last || o.signal?.aborted) throw err;
    } finally {
      clearTimeout(timer);
    }
    await sleep(backoffDelayMs(policy, n), undefined, o.signal ? { signal: o.signal } : {});
  }
}
