import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { exportCsv } from '../../commands/partner.js';
import { Disclaimer } from '../../entities/Disclaimer.js';
import { Member } from '../../entities/Member.js';
import { PartnershipDecision } from '../../entities/PartnershipDecision.js';
import { PartnershipProposal } from '../../entities/PartnershipProposal.js';
import { PartnershipRequirement } from '../../entities/PartnershipRequirement.js';
import { ManualClock } from '../../src/core/clock.js';
import { isUniqueViolation } from '../../src/db/errors.js';
import { type Phrase, UserError } from '../../src/core/errors.js';
import { parseContributions } from '../../src/services/partnerships.js';
import type { Services } from '../../src/services/index.js';
import { eachDatabase, servicesOn } from '../support/helpers.js';

const clock = new ManualClock(new Date('2027-01-10T12:00:00Z'));
const alice = { platform: 'discord', workspace: 'G1', id: 'U-alice', name: 'alice' };
const mona = { platform: 'discord', workspace: 'G1', id: 'U-mona', name: 'mona' };
const failsWith =
  (reason: string) =>
  (err: unknown): err is UserError =>
    err instanceof UserError && err.key === `partner.error.${reason}`;

async function setUp(services: Services) {
  const berlin = (await services.chapters.create({ name: 'Berlin', timeZone: 'Europe/Berlin' })).chapter;
  const hamburg = (await services.chapters.create({ name: 'Hamburg', timeZone: 'Europe/Berlin' })).chapter;
  const propose = (extra: Partial<Parameters<Services['partnerships']['propose']>[0]> = {}) =>
    services.partnerships.propose({
      proposer: alice,
      chapter: 'berlin',
      partner: 'Code Club',
      event: 'Python Day',
      date: { year: 2027, month: 3, day: 14 },
      contributions: 'coaches, Materials',
      ...extra,
    });
  return { berlin, hamburg, propose };
}

test('contributions are read from a comma list in any case, in the guidelines’ order; unknown kinds are refused', () => {
  assert.deepEqual(parseContributions('Promotion, coaches,organisational help'), ['coaches', 'organisational-help', 'promotion']);
  assert.deepEqual(parseContributions('organizational-help'), ['organisational-help']);
  assert.throws(
    () => parseContributions('coaches, money'),
    (err) => failsWith('unknown_contribution')(err) && err.params.given === 'money',
  );
  assert.throws(() => parseContributions(' , '), failsWith('no_contribution'));
});

test('a proposal is decided only by moderators of its own chapter, with open requirements only when forced', (t) =>
  eachDatabase(t, async ({ target }) => {
    const { db, services } = await servicesOn(target, clock);
    try {
      const { berlin, hamburg, propose } = await setUp(services);
      const view = await propose({ coOrganised: true });
      assert.deepEqual(view.open, ['free-promotion', 'open-materials', 'supporter', 'values', 'media', 'name']);
      const id = view.proposal.id;

      await assert.rejects(
        services.partnerships.confirm(id, 'free-promotion', { actor: mona, moderatorOf: hamburg.id }),
        failsWith('not_allowed'),
      );
      await assert.rejects(
        services.partnerships.confirm(id, 'nonsense', { actor: alice, moderatorOf: null }),
        failsWith('unknown_requirement'),
      );
      assert.equal((await services.partnerships.confirm(id, 'free-promotion', { actor: alice, moderatorOf: null })).added, true);
      assert.equal(
        (await services.partnerships.confirm(id, 'FREE-PROMOTION', { actor: alice, moderatorOf: null })).added,
        false,
        'ticking twice is harmless',
      );
      assert.equal(
        (await services.partnerships.confirm(id, 'open-materials', { actor: mona, moderatorOf: berlin.id })).view.open.length,
        4,
      );

      const decide = (moderatorOf: number | null, force?: boolean) =>
        services.partnerships.decide({ id, decision: 'approve', reason: 'fits our values', force, by: { actor: mona, moderatorOf } });
      await assert.rejects(decide(hamburg.id, true), (err) => failsWith('wrong_chapter')(err) && err.params.chapter === 'Berlin');
      await assert.rejects(decide(null, true), failsWith('wrong_chapter'));
      await assert.rejects(
        decide(berlin.id),
        (err) => failsWith('open_requirements')(err) && err.params.open === 'supporter, values, media, name',
      );
      assert.equal(await db.getRepository(PartnershipDecision).count(), 0, 'refused decisions write nothing');

      const decided = await decide(berlin.id, true);
      assert.equal(decided.proposal.status, 'approved');
      assert.equal(decided.decision?.forced, true);
      assert.equal(decided.decision?.openRequirements, 'supporter,values,media,name');
      await assert.rejects(
        services.partnerships.decide({ id, decision: 'decline', reason: 'second thoughts', by: { actor: mona, moderatorOf: berlin.id } }),
        (err) => failsWith('closed')(err) && (err.params.status as Phrase).key === 'partner.status.approved',
      );
      await assert.rejects(services.partnerships.confirm(id, 'values', { actor: alice, moderatorOf: null }), failsWith('closed'));
      assert.equal(await db.getRepository(PartnershipDecision).count(), 1);
    } finally {
      await db.destroy();
    }
  }));

test('moderators deciding the same proposal at the same moment leave exactly one decision', (t) =>
  eachDatabase(t, async ({ target }) => {
    const { db, services } = await servicesOn(target, clock);
    try {
      const { berlin, propose } = await setUp(services);
      for (let round = 0; round < 3; round++) {
        const { proposal } = await propose();
        const kinds = ['approve', 'decline', 'unofficial'] as const;
        const results = await Promise.allSettled(
          Array.from({ length: 6 }, (_, i) =>
            services.partnerships.decide({
              id: proposal.id,
              decision: kinds[i % 3]!,
              reason: `moderator ${i}`,
              force: true,
              by: { actor: { ...mona, id: `M${i}` }, moderatorOf: berlin.id },
            }),
          ),
        );
        const won = results.filter((r) => r.status === 'fulfilled');
        assert.equal(won.length, 1, JSON.stringify(results.map((r) => (r.status === 'rejected' ? String(r.reason) : 'ok'))));
        for (const r of results) if (r.status === 'rejected') assert.ok(failsWith('closed')(r.reason), String(r.reason));
        const decisions = await db.getRepository(PartnershipDecision).findBy({ proposalId: proposal.id });
        assert.equal(decisions.length, 1);
        const status = (await db.getRepository(PartnershipProposal).findOneByOrFail({ id: proposal.id })).status;
        assert.equal(
          status,
          { approve: 'approved', decline: 'declined', unofficial: 'unofficial' }[decisions[0]!.decision],
          'the status matches the one decision',
        );
      }
    } finally {
      await db.destroy();
    }
  }));

test('the database itself refuses a second decision row for a proposal', (t) =>
  eachDatabase(t, async ({ target }) => {
    const { db, services } = await servicesOn(target, clock);
    try {
      const { propose } = await setUp(services);
      const { proposal } = await propose();
      const row = {
        proposalId: proposal.id,
        decision: 'approve' as const,
        reason: 'ok',
        forced: false,
        openRequirements: null,
        moderatorId: 'M1',
        moderatorName: 'mona',
        decidedAt: clock.now(),
      };
      await services.store.transaction((em) => em.insert(PartnershipDecision, row));
      await assert.rejects(
        services.store.transaction((em) => em.insert(PartnershipDecision, { ...row, decision: 'decline', moderatorId: 'M2' })),
        (err) => isUniqueViolation(err),
      );
      assert.equal(await db.getRepository(PartnershipDecision).count(), 1);
    } finally {
      await db.destroy();
    }
  }));

test('bad input is refused with nothing written: unknown chapter, unknown contribution, bad URL, a decision on a withdrawn proposal', (t) =>
  eachDatabase(t, async ({ target }) => {
    const { db, services } = await servicesOn(target, clock);
    try {
      const { berlin, propose } = await setUp(services);
      const counts = async () => [
        await db.getRepository(PartnershipProposal).count(),
        await db.getRepository(Member).count(),
        await db.getRepository(PartnershipDecision).count(),
      ];
      await assert.rejects(propose({ chapter: 'Atlantis' }), (err) => err instanceof UserError && err.key === 'chapter.not_found');
      await assert.rejects(propose({ contributions: 'coaches, pizza' }), failsWith('unknown_contribution'));
      await assert.rejects(propose({ url: 'not a url' }), failsWith('bad_url'));
      assert.deepEqual(await counts(), [0, 0, 0], 'not even the proposer’s member row');

      const { proposal } = await propose();
      await assert.rejects(services.partnerships.withdraw(proposal.id, { actor: mona, moderatorOf: null }), failsWith('not_proposer'));
      assert.equal((await services.partnerships.withdraw(proposal.id, { actor: alice, moderatorOf: null })).proposal.status, 'withdrawn');
      await assert.rejects(services.partnerships.withdraw(proposal.id, { actor: alice, moderatorOf: null }), failsWith('closed'));
      await assert.rejects(
        services.partnerships.decide({
          id: proposal.id,
          decision: 'approve',
          reason: 'too late',
          force: true,
          by: { actor: mona, moderatorOf: berlin.id },
        }),
        (err) => failsWith('closed')(err) && (err.params.status as Phrase).key === 'partner.status.withdrawn',
      );
      await assert.rejects(services.partnerships.get(999), failsWith('not_found'));
      assert.deepEqual(await counts(), [1, 1, 0]);
      assert.equal(await db.getRepository(PartnershipRequirement).count(), 0);
    } finally {
      await db.destroy();
    }
  }));

test('the CSV export parses back to the same rows, quotes, commas and newlines included', (t) =>
  eachDatabase(t, async ({ target }) => {
    const { db, services } = await servicesOn(target, clock);
    try {
      const { berlin, propose } = await setUp(services);
      const tricky = { partner: 'Code "Club", e.V.', event: 'Python, "Day"\nand night', details: 'line one\r\nline two, with "quotes"' };
      const { proposal } = await propose(tricky);
      await propose({ chapter: 'Hamburg', event: 'Elsewhere' });
      await services.partnerships.decide({
        id: proposal.id,
        decision: 'decline',
        reason: 'no, "sorry",\nnot now',
        by: { actor: mona, moderatorOf: berlin.id },
      });

      const rows = parse(exportCsv(await services.partnerships.list({ chapter: 'Berlin' })), { columns: true }) as Record<string, string>[];
      assert.equal(rows.length, 1, 'only Berlin’s');
      const row = rows[0]!;
      assert.equal(row.partner, tricky.partner);
      assert.equal(row.event, tricky.event);
      assert.equal(row.details, tricky.details);
      assert.equal(row.reason, 'no, "sorry",\nnot now');
      assert.equal(row.contributions, 'coaches,materials');
      assert.equal(row.status, 'declined');
      assert.equal(row.decided_by, 'mona');
      assert.equal(row.proposer, 'alice');
      assert.equal(row.proposed_at, '2027-01-10T12:00:00.000Z');
      assert.equal((parse(exportCsv(await services.partnerships.list()), { columns: true }) as unknown[]).length, 2);
    } finally {
      await db.destroy();
    }
  }));

test('disclaimers: logged, listed by event and member, withdrawn once and only by their author', (t) =>
  eachDatabase(t, async ({ target }) => {
    const { db, services } = await servicesOn(target, clock);
    try {
      const { berlin } = await setUp(services);
      const d = services.disclaimers;
      const first = await d.log({
        member: alice,
        chapterId: berlin.id,
        event: 'Rails 100% Night',
        date: { year: 2027, month: 4, day: 1 },
        role: 'coach',
      });
      await d.log({ member: mona, chapterId: null, event: 'Go Meetup', date: { year: 2027, month: 5, day: 2 } });
      await d.log({
        member: { ...alice, workspace: 'G2' },
        chapterId: null,
        event: 'Rails elsewhere',
        date: { year: 2027, month: 5, day: 2 },
      });
      assert.equal(first.role, 'coach');
      assert.deepEqual(
        (await d.list({ chapterId: berlin.id, platform: 'discord', workspace: 'G1' })).map((x) => x.event),
        ['Go Meetup', 'Rails 100% Night'],
      );
      assert.deepEqual(
        (await d.list({ chapterId: berlin.id, platform: 'discord', workspace: 'G1', event: 'rails' })).map((x) => x.member?.displayName),
        ['alice'],
      );
      assert.deepEqual(
        await d.list({ chapterId: berlin.id, platform: 'discord', workspace: 'G1', event: '%' }).then((r) => r.map((x) => x.event)),
        ['Rails 100% Night'],
        'LIKE wildcards are matched literally',
      );
      assert.deepEqual(
        (await d.list({ chapterId: berlin.id, platform: 'discord', workspace: 'G1', member: mona.id })).map((x) => x.event),
        ['Go Meetup'],
      );
      assert.deepEqual(
        (await d.mine(alice, 50)).map((x) => x.id),
        [first.id],
      );
      assert.deepEqual(await d.mine({ ...alice, id: 'nobody' }, 50), []);

      await assert.rejects(d.withdraw(first.id, mona), (err) => err instanceof UserError && err.key === 'disclaimer.error.not_yours');
      await assert.rejects(d.withdraw(999, alice), (err) => err instanceof UserError && err.key === 'disclaimer.error.not_found');
      const results = await Promise.allSettled([d.withdraw(first.id, alice), d.withdraw(first.id, alice)]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      assert.ok((await db.getRepository(Disclaimer).findOneByOrFail({ id: first.id })).withdrawnAt, 'kept, marked withdrawn');
    } finally {
      await db.destroy();
    }
  }));

test('the audit trail is read newest first, per workspace, and filtered by kind of action', (t) =>
  eachDatabase(t, async ({ target }) => {
    const { db, services } = await servicesOn(target, clock);
    try {
      const record = (action: string, workspace = 'G1') =>
        services.audit.record({
          actor: { ...mona, workspace, facts: { admin: true } },
          chapterId: null,
          action,
          target: null,
          details: null,
        });
      await record('chapter create');
      clock.advance(1000);
      await record('partner decide');
      clock.advance(1000);
      await record('partnerx decide');
      await record('partner decide', 'G2');
      const where = { platform: 'discord', workspace: 'G1' };
      assert.deepEqual(
        (await services.audit.recent(10, where)).map((e) => e.action),
        ['partnerx decide', 'partner decide', 'chapter create'],
      );
      assert.deepEqual(
        (await services.audit.recent(10, { ...where, action: 'partner' })).map((e) => e.action),
        ['partner decide'],
      );
      assert.deepEqual(
        (await services.audit.recent(10, { ...where, action: 'Partner  Decide' })).map((e) => e.action),
        ['partner decide'],
      );
      assert.deepEqual(await services.audit.recent(10, { ...where, action: '%' }), []);
      assert.equal((await services.audit.recent(1, where)).length, 1);
    } finally {
      await db.destroy();
    }
  }));
