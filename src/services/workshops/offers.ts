import { type EntityManager, LessThanOrEqual } from 'typeorm';
import { Member } from '../../../entities/Member.js';
import { Workshop } from '../../../entities/Workshop.js';
import { WorkshopSignup } from '../../../entities/WorkshopSignup.js';
import type { Clock } from '../../core/clock.js';
import { UserError } from '../../core/errors.js';
import { p } from '../../core/reply.js';
import type { Person } from '../../core/types.js';
import type { Store } from '../../db/store.js';
import type { DirectMessages } from '../direct-messages.js';
import { type Move, lockOpen, settle } from './signups.js';
import type { WorkshopNotices } from './notices.js';

export type OfferAnswer = 'accept' | 'decline';

/** Gives a seat on offer up (declined or expired): the row goes, the counter follows, the next in line is asked. */
async function passOn(em: EntityManager, signup: WorkshopSignup, now: Date, expiredOnly: boolean): Promise<Move[] | null> {
  const gone = await em.delete(WorkshopSignup, {
    id: signup.id,
    state: 'offered',
    ...(expiredOnly ? { offerExpiresAt: LessThanOrEqual(now) } : {}),
  });
  if (gone.affected !== 1) return null;
  await em
    .createQueryBuilder()
    .update(Workshop)
    .set({ learnersConfirmed: () => '"learnersConfirmed" - 1' })
    .where('id = :id', { id: signup.workshopId })
    .execute();
  return settle(em, signup.workshopId, { now, offer: true });
}

/**
 * Waitlist offers (issue 21). When a learner seat frees up, `settle` offers it to the first
 * waiting learner (state `offered`, held in the counter until `offerExpiresAt`; the rules in
 * offer-rules.ts) and `WorkshopNotices.moved` sends the DM with Accept and Decline buttons.
 * Accepting confirms the seat; declining, or letting the offer expire, takes the learner off the
 * waitlist (they may join again) and offers the seat to the next in line.
 *
 * Exactly once: every answer and expiry runs under the workshop row's lock and is a conditional
 * update or delete of the signup (`... WHERE state = 'offered'`); a second process finds it done.
 */
export class WaitlistOffers {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly dms: DirectMessages,
    private readonly notices: WorkshopNotices,
  ) {}

  /** The learner answers their offer (`/workshop offer id: answer:`). */
  async answer(actor: Person, id: number, answer: OfferAnswer): Promise<Workshop> {
    const member = await this.store.manager.findOneBy(Member, { platform: actor.platform, workspace: actor.workspace, userId: actor.id });
    const now = this.clock.now();
    return this.store.transaction(async (em) => {
      await lockOpen(em, id, this.clock);
      const signup = member && (await em.findOneBy(WorkshopSignup, { workshopId: id, memberId: member.id, role: 'learner' }));
      if (signup?.state === 'confirmed') throw new UserError('offer.already_seated', { id });
      if (signup?.state !== 'offered') throw new UserError('offer.none', { id });
      // The scheduler passes an expired offer on; until it has, the answer is too late all the same.
      if (signup.offerExpiresAt && signup.offerExpiresAt.getTime() <= now.getTime()) throw new UserError('offer.expired', { id });
      if (answer === 'accept') {
        const taken = await em.update(
          WorkshopSignup,
          { id: signup.id, state: 'offered' },
          { state: 'confirmed', offerExpiresAt: null, confirmedAt: now },
        );
        if (taken.affected !== 1) throw new UserError('offer.none', { id });
        return em.findOneOrFail(Workshop, { where: { id }, relations: { chapter: true } });
      }
      const moves = await passOn(em, signup, now, false);
      if (!moves) throw new UserError('offer.none', { id });
      const workshop = await em.findOneOrFail(Workshop, { where: { id }, relations: { chapter: true } });
      await this.notices.moved(em, workshop, moves, member!.id);
      return workshop;
    });
  }

  /** Passes on every offer whose time is up (the scheduler); returns how many this process passed on. */
  async expireDue(): Promise<number> {
    const now = this.clock.now();
    const due = await this.store.manager.find(WorkshopSignup, {
      where: { state: 'offered', offerExpiresAt: LessThanOrEqual(now) },
      order: { id: 'ASC' },
    });
    let passed = 0;
    for (const offer of due) {
      const moved = await this.store.transaction(async (em) => {
        try {
          await lockOpen(em, offer.workshopId, this.clock);
        } catch (err) {
          // Cancelled or started: no waitlist moves any more; the row stays with the workshop.
          if (err instanceof UserError) return false;
          throw err;
        }
        const moves = await passOn(em, offer, now, true);
        if (!moves) return false;
        // The DMs are outbox rows of this transaction: told exactly when the offer passed on.
        const workshop = await em.findOneOrFail(Workshop, { where: { id: offer.workshopId }, relations: { chapter: true } });
        const member = await em.findOneBy(Member, { id: offer.memberId });
        if (member)
          await this.dms.send(
            member,
            (t) => ({
              body: [
                p(t('offer.dm.expired', { id: workshop.id, title: workshop.title })),
                p(t('offer.dm.join_again', { example: `/workshop join id:${workshop.id}` })),
              ],
            }),
            { chapterId: workshop.chapterId, kind: 'offer', subject: workshop.id },
            em,
          );
        await this.notices.moved(em, workshop, moves, null);
        return true;
      });
      if (moved) passed++;
    }
    return passed;
  }
}
