import ical, { ICalEventStatus } from 'ical-generator';
import type { Workshop } from '../../../entities/Workshop.js';
import type { Clock } from '../../core/clock.js';

/** A workshop's iCalendar UID: the same for every version of the workshop, so a calendar updates the event it holds. */
export function workshopUid(w: Workshop, communityName: string): string {
  const community =
    communityName
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'community';
  return `workshop-${w.id}@${community}.community-bot`;
}

/**
 * An iCalendar file (RFC 5545) of workshops: UTC times, one UID per workshop that never
 * changes, SEQUENCE counting edits, cancelled ones marked CANCELLED.
 */
export function workshopCalendar(workshops: readonly Workshop[], name: string, communityName: string, clock: Clock): string {
  const cal = ical({ name, prodId: { company: communityName, product: 'community-bot', language: 'EN' } });
  // Workshops stored before dates were limited to 3 years ahead may end after year 9999, which
  // no iCalendar date can hold: left out, so one of them does not spoil the whole file.
  for (const w of workshops.filter((x) => x.endsAt.getUTCFullYear() <= 9999)) {
    cal.createEvent({
      id: workshopUid(w, communityName),
      sequence: w.revision,
      stamp: clock.now(),
      start: w.startsAt,
      end: w.endsAt,
      summary: w.title,
      description: [w.topic, w.description].filter(Boolean).join('\n\n'),
      location: w.location ?? undefined,
      status: w.status === 'cancelled' ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    });
  }
  return cal.toString();
}
