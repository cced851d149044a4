import type { Workshop } from '../../../entities/Workshop.js';

const HOUR = 60 * 60_000;
/** How long an offer waits by default (`offer-hours:` unset). */
export const DEFAULT_OFFER_HOURS = 12;
/** Within this of the start an offer waits only an hour. */
export const SHORT_OFFER_WITHIN_MS = 24 * HOUR;
export const SHORT_OFFER_MS = HOUR;
/** Within this of the start there is no time to ask: the seat goes to the first waiting learner directly. */
export const DIRECT_SEAT_WITHIN_MS = 2 * HOUR;

/**
 * Until when a freed learner seat offered now waits for the first waiting learner's answer; null
 * when the seat goes directly (within two hours of the start). `offer-hours:` (default 12), or one
 * hour within a day of the start; never past two hours before the start, when seats go directly anyway.
 * Kept apart from offers.ts so signups.ts can ask it without importing the service that imports signups.ts.
 */
export function offerDeadline(w: Pick<Workshop, 'startsAt' | 'offerHours'>, now: Date): Date | null {
  const left = w.startsAt.getTime() - now.getTime();
  if (left <= DIRECT_SEAT_WITHIN_MS) return null;
  const span = left <= SHORT_OFFER_WITHIN_MS ? SHORT_OFFER_MS : (w.offerHours ?? DEFAULT_OFFER_HOURS) * HOUR;
  return new Date(Math.min(now.getTime() + span, w.startsAt.getTime() - DIRECT_SEAT_WITHIN_MS));
}
