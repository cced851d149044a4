import { type EntityManager, In } from 'typeorm';
import { Member } from '../../../entities/Member.js';
import type { Workshop } from '../../../entities/Workshop.js';
import { WorkshopSignup } from '../../../entities/WorkshopSignup.js';
import type { MessageKey, Translate } from '../../core/i18n.js';
import { bold, fill, type Inline, type Message, p, SLOT, time } from '../../core/reply.js';
import type { DirectMessages } from '../direct-messages.js';
import type { Rosters } from './roster.js';
import { type Move, waitlistPosition } from './signups.js';

/** What an edit can change, as named to members. */
export type WorkshopChange =
  | 'chapter'
  | 'title'
  | 'topic'
  | 'start'
  | 'duration'
  | 'learners'
  | 'coaches'
  | 'location'
  | 'description'
  | 'strict_ratio'
  // Fair sign-ups: the lottery and waitlist offers.
  | 'allocation'
  | 'draw'
  | 'offer_hours'
  // Sign-up windows (issue "Fair sign-ups")
  | 'window';

/** The changes in the reader's language: “start, location”. */
export const describeChanges = (changed: readonly WorkshopChange[], t: Translate): string =>
  changed.map((c) => t(`workshop.change.${c}`)).join(', ');

/**
 * “Title — Sat, 27 Mar 2027, 10:00 CET – 13:00 CET, at Location”: times as inline parts, so each
 * platform shows them in the reader's zone.
 */
export function workshopWhen(w: Workshop, t: Translate): Inline[] {
  const tz = w.chapter?.timeZone;
  return [
    bold(w.title),
    ' — ',
    time(w.startsAt, 'full', tz),
    ' – ',
    time(w.endsAt, 'time', tz),
    ...(w.location ? [`, ${t('workshop.at')} ${w.location}`] : []),
  ];
}

/** The DMs that tell members about a workshop: its edits, its cancellation, their moves on the waitlists, an invitation to coach. */
export class WorkshopNotices {
  constructor(
    private readonly dms: DirectMessages,
    private readonly rosters: Rosters,
  ) {}

  /**
   * Tells everyone signed up, in any role and state, what changed and when the workshop is now. Like
   * every method here, in the transaction of the change (the DMs are outbox rows, see `DirectMessages`).
   */
  async edited(em: EntityManager, workshop: Workshop, changed: readonly WorkshopChange[]): Promise<void> {
    const id = workshop.id;
    for (const { member } of await this.rosters.of(id, em)) {
      await this.dms.send(
        member,
        (t) => ({
          body: [
            p(t('workshop.dm.edited', { id, title: workshop.title, changes: describeChanges(changed, t) })),
            p(...workshopWhen(workshop, t)),
          ],
        }),
        { chapterId: workshop.chapterId, kind: 'signup', subject: id },
        em,
      );
    }
  }

  /** Tells everyone signed up, in any role and state, that the workshop is cancelled and why. */
  async cancelled(em: EntityManager, workshop: Workshop, reason: string, timeZone: string): Promise<void> {
    const id = workshop.id;
    for (const { member } of await this.rosters.of(id, em)) {
      await this.dms.send(
        member,
        (t) => ({
          body: [p(t('workshop.dm.cancelled', { id, title: workshop.title, reason })), p(time(workshop.startsAt, 'full', timeZone))],
        }),
        { chapterId: workshop.chapterId, kind: 'signup', subject: id },
        em,
      );
    }
  }

  /** DMs everyone whose place changed, except the member whose own command it was (they got the answer). */
  async moved(em: EntityManager, workshop: Workshop, moves: readonly Move[], except: number | null): Promise<void> {
    const others = moves.filter((m) => m.memberId !== except);
    if (!others.length) return;
    const members = await em.getRepository(Member).findBy({ id: In(others.map((m) => m.memberId)) });
    for (const move of others) {
      const member = members.find((m) => m.id === move.memberId);
      if (!member) continue;
      if (move.to === 'offered' && move.until) {
        await this.dms.send(
          member,
          (t) => offerMessage(workshop, move.until!, t),
          { chapterId: workshop.chapterId, kind: 'offer', subject: workshop.id },
          em,
        );
        continue;
      }
      const key: MessageKey = move.to === 'confirmed' ? `workshop.dm.promoted.${move.role}` : `workshop.dm.demoted.${move.role}`;
      // Several members moved back at once are each told their own place on the waitlist.
      const signup = move.to === 'waiting' ? await em.findOneBy(WorkshopSignup, { id: move.signupId }) : null;
      const position = signup?.state === 'waiting' ? await waitlistPosition(em, signup) : 1;
      await this.dms.send(
        member,
        (t) => ({
          body: [p(t(key, { id: workshop.id, title: workshop.title, position })), p(...workshopWhen(workshop, t))],
        }),
        { chapterId: workshop.chapterId, kind: 'signup', subject: workshop.id },
        em,
      );
    }
  }

  /**
   * The one invitation to coach, after `attended` workshops as a learner, `shared` of them with a
   * project they shared (then without the count, which may be below the threshold by itself).
   */
  async inviteToCoach(member: Member, attended: number, shared = 0, em?: EntityManager): Promise<void> {
    await this.dms.send(
      member,
      (t) => ({
        body: [
          p(shared ? t('workshop.dm.invite_to_coach.shared', { attended, shared }) : t('workshop.dm.invite_to_coach', { count: attended })),
          p(t('workshop.dm.invite_to_coach.how')),
        ],
      }),
      {},
      em,
    );
  }
}

/** The DM offering a freed seat (waitlist offers, offers.ts): what, until when, Accept and Decline buttons. */
export function offerMessage(w: Workshop, until: Date, t: Translate): Omit<Message, 'visibility'> {
  return {
    body: [
      p(t('offer.dm', { id: w.id, title: w.title })),
      p(...workshopWhen(w, t)),
      p(...fill(t('offer.dm.until', { until: SLOT }), time(until, 'full', w.chapter?.timeZone))),
    ],
    buttons: [
      { label: t('offer.button.accept'), command: `/workshop offer id:${w.id} answer:accept`, style: 'primary' },
      { label: t('offer.button.decline'), command: `/workshop offer id:${w.id} answer:decline`, style: 'danger' },
    ],
  };
}
