import type { EntityManager } from 'typeorm';
import { Chapter } from '../../../entities/Chapter.js';
import type { Workshop } from '../../../entities/Workshop.js';
import type { SignupRole } from '../../../entities/WorkshopSignup.js';
import { UserError } from '../../core/errors.js';
import { formatLocal, zonedInstant } from '../local-time.js';

/** Sign-up windows (issue "Fair sign-ups"): when learners may join and coaches may claim. */

/** What a moderator typed for the window, each `YYYY-MM-DD HH:MM` in the chapter's zone. */
export interface WindowInput {
  readonly opens?: string;
  readonly closes?: string;
  readonly coachesOpen?: string;
}

/** The option each field was typed in, for the error that names it. */
const OPTION: Record<keyof WindowInput, string> = { opens: 'opens', closes: 'closes', coachesOpen: 'coaches-open' };

/**
 * A wall-clock `YYYY-MM-DD HH:MM` (a `T` between them is fine too) in the zone, as an instant.
 * There is no combined date-and-time option type; one string option reads better than four
 * (`opens-date:` `opens-time:` ...), so it is checked here with an error that shows the form.
 */
export function parseLocalDateTime(raw: string, option: string, timeZone: string): Date {
  const m = /^\s*(\d{4})-(\d{2})-(\d{2})[ T]+(\d{1,2}):(\d{2})\s*$/.exec(raw);
  const bad = () => new UserError('workshop.window.bad_format', { option, example: `${option}:"2027-03-01 18:00"` });
  if (!m) throw bad();
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > days || hour > 23 || minute > 59) throw bad();
  const at = zonedInstant({ year, month, day }, { hour, minute }, timeZone);
  if (!at) throw new UserError('workshop.time.nonexistent', { time: `${m[4]!.padStart(2, '0')}:${m[5]}`, timeZone });
  return at;
}

/** The window in force: the stored times, or the defaults (from creation, until the start). */
export function signupWindow(w: Workshop): { opens: Date; closes: Date; coachesOpen: Date } {
  return {
    opens: w.signupsOpenAt ?? w.createdAt,
    closes: w.signupsCloseAt ?? w.startsAt,
    coachesOpen: w.coachesOpenAt ?? w.createdAt,
  };
}

/** Whether a workshop has a window other than the default (what `/workshop show` mentions). */
export const hasWindow = (w: Workshop): boolean => !!(w.signupsOpenAt || w.signupsCloseAt || w.coachesOpenAt);

/**
 * The window columns from what was typed, checked against each other and the start: each opening
 * before the close, the close no later than the start. Fields not typed keep `current`'s values.
 */
export function windowColumns(
  input: WindowInput | undefined,
  current: Pick<Workshop, 'signupsOpenAt' | 'signupsCloseAt' | 'coachesOpenAt' | 'startsAt'> & { createdAt: Date },
  timeZone: string,
): Pick<Workshop, 'signupsOpenAt' | 'signupsCloseAt' | 'coachesOpenAt'> {
  const typed = (key: keyof WindowInput) =>
    input?.[key] === undefined ? undefined : parseLocalDateTime(input[key], OPTION[key], timeZone);
  const opens = typed('opens');
  const closes = typed('closes');
  const coachesOpen = typed('coachesOpen');
  const next = {
    signupsOpenAt: opens ?? current.signupsOpenAt,
    signupsCloseAt: closes ?? current.signupsCloseAt,
    coachesOpenAt: coachesOpen ?? current.coachesOpenAt,
  };
  const close = next.signupsCloseAt ?? current.startsAt;
  if (closes && closes.getTime() > current.startsAt.getTime())
    throw new UserError('workshop.window.closes_after_start', { closes: formatLocal(closes, timeZone) });
  for (const [key, at] of [
    ['opens', next.signupsOpenAt],
    ['coachesOpen', next.coachesOpenAt],
  ] as const) {
    if ((key === 'opens' ? opens : coachesOpen) === undefined && closes === undefined) continue;
    if ((at ?? current.createdAt).getTime() >= close.getTime())
      throw new UserError('workshop.window.opens_after_close', { option: OPTION[key], closes: formatLocal(close, timeZone) });
  }
  return next;
}

/**
 * Refuses a new claim or join outside its window: before it opens with the opening time, after it
 * closed with the close, each as the chapter's wall clock reads it (an error carries no time token).
 */
export async function assertWindowOpen(em: EntityManager, w: Workshop, role: SignupRole, now: Date): Promise<void> {
  const { opens, closes, coachesOpen } = signupWindow(w);
  const from = role === 'coach' ? coachesOpen : opens;
  if (now.getTime() >= from.getTime() && now.getTime() < closes.getTime()) return;
  const { timeZone } = await em.findOneByOrFail(Chapter, { id: w.chapterId });
  if (now.getTime() < from.getTime())
    throw new UserError(`workshop.window.not_yet.${role}`, { id: w.id, opens: formatLocal(from, timeZone) });
  throw new UserError('workshop.window.closed', { id: w.id, closed: formatLocal(closes, timeZone) });
}
