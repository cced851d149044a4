import { TZDate } from '@date-fns/tz';
import { wallClock } from '../core/zones.js';
import type { LocalDate, LocalTime } from '../core/options.js';

/**
 * The instant a wall-clock date and time name in a time zone, or null when that local time
 * does not exist there (the hour skipped when clocks spring forward). An ambiguous time
 * (the hour repeated in autumn) is its first occurrence, as calendars do.
 */
export function zonedInstant(date: LocalDate, time: LocalTime, timeZone: string): Date | null {
  const names = (t: TZDate) =>
    t.getFullYear() === date.year &&
    t.getMonth() === date.month - 1 &&
    t.getDate() === date.day &&
    t.getHours() === time.hour &&
    t.getMinutes() === time.minute;
  const t = new TZDate(date.year, date.month - 1, date.day, time.hour, time.minute, timeZone);
  if (!names(t)) return null;
  // TZDate resolves a repeated hour to its second occurrence; an earlier instant with the same wall clock is the first.
  for (const shift of [3_600_000, 1_800_000]) {
    if (names(new TZDate(t.getTime() - shift, timeZone))) return new Date(t.getTime() - shift);
  }
  return new Date(t.getTime());
}

/** The wall-clock date and time of an instant in a time zone. */
export function localParts(at: Date, timeZone: string): { date: LocalDate; time: LocalTime } {
  const t = new TZDate(at.getTime(), timeZone);
  return {
    date: { year: t.getFullYear(), month: t.getMonth() + 1, day: t.getDate() },
    time: { hour: t.getHours(), minute: t.getMinutes() },
  };
}

export const formatLocalDate = (d: LocalDate): string => `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

/** An instant as the chapter's wall clock reads it, for texts that cannot carry a time token (errors): `2027-03-27 09:00 Europe/Berlin`. */
export function formatLocal(at: Date, timeZone: string): string {
  return `${wallClock(at, timeZone)} ${timeZone}`;
}
