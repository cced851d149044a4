import assert from 'node:assert/strict';
import { test } from 'node:test';
import { In } from 'typeorm';
import { AuditEntry } from '../../entities/AuditEntry.js';
import { CoachNote } from '../../entities/CoachNote.js';
import { CoachInvitation } from '../../entities/CoachInvitation.js';
import { DirectButton } from '../../entities/DirectButton.js';
import { Material } from '../../entities/Material.js';
import { NoShow } from '../../entities/NoShow.js';
import { OutboxMessage } from '../../entities/OutboxMessage.js';
import { Member } from '../../entities/Member.js';
import { PartnershipDecision } from '../../entities/PartnershipDecision.js';
import { PartnershipRequirement } from '../../entities/PartnershipRequirement.js';
import { AnonBlock } from '../../entities/AnonBlock.js';
import { Question } from '../../entities/Question.js';
import { QuestionAnswer } from '../../entities/QuestionAnswer.js';
import { QuestionMeToo } from '../../entities/QuestionMeToo.js';
import { QuestionReport } from '../../entities/QuestionReport.js';
import { Workshop } from '../../entities/Workshop.js';
import { WorkshopSignup } from '../../entities/WorkshopSignup.js';
import { bulkCommunity } from '../../scripts/bench/privacy.js';
import type { App } from '../../src/app.js';
import { UserError } from '../../src/core/errors.js';
import { authorKey, pseudonym, scopedPseudonym } from '../../src/services/anonymity.js';
import { ERASED } from '../../src/services/privacy/records.js';
import type { MemberExport } from '../../src/services/privacy/service.js';
import { eachDatabase, type TestDatabase } from '../support/helpers.js';
import { consoleBot } from '../support/console-bot.js';

const SECRET = 'p'.repeat(32);
/** The member who exercises their rights; on the console the id and the name are both this. */
const ZELDA = 'zelda_quill';

/** The real app on the given database, driven through the console adapter in this process; `moderator` and the member moderate. */
const consoleApp = (db: TestDatabase, env: Record<string, string> = {}) =>
  consoleBot(db, { ANON_SECRET: SECRET, CONSOLE_MODERATORS: `moderator,${ZELDA}`, ...env });

/** Every row of every table, as text, for scanning. */
async function everyRow(app: App): Promise<{ table: string; row: string }[]> {
  const db = app.services.db;
  const rows: { table: string; row: string }[] = [];
  for (const meta of db.entityMetadatas) {
    for (const r of await db.manager.find(meta.target as never)) rows.push({ table: meta.tableName, row: JSON.stringify(r) });
  }
  return rows;
}

/**
 * From now on notification DMs to the member fail: refused for good, as with DMs closed (notices
 * about her questions wait for /ask mine), or, once `refusal.failing` is set, for the moment (they
 * wait in the outbox for another try).
 */
function refuseDms(c: Awaited<ReturnType<typeof consoleApp>>): { failing: boolean } {
  const real = c.adapter.outboxForNotifications;
  const refusal = { failing: false };
  c.app.services.notifier.register('console', () => ({
    post: async (m) => {
      if (m.visibility.kind === 'dm' && m.visibility.to.id === ZELDA) {
        if (refusal.failing) throw new Error('the platform keeps failing');
        throw new UserError('discord.dm_refused');
      }
      return real.post(m);
    },
    edit: (ref, m) => real.edit(ref, m),
  }));
  return refusal;
}

const SCENARIO = [
  '@moderator /chapter create name:Berlin timezone:Europe/Berlin',
  '/chapter set name:Berlin questions-channel:#questions moderation-channel:#moderation',
  '/workshop create chapter:Berlin title:"Past one" topic:Python date:2027-01-12 time:18:00 learners:4',
  '/workshop create chapter:Berlin title:"Python basics" topic:Python date:2027-03-01 time:18:00 learners:1',
  '@carol /coach volunteer topics:Python',
  '/workshop claim 1',
  '/workshop claim 2',
  `@${ZELDA} /coach volunteer topics:"Python, Git" bio:"I am ${ZELDA}"`,
  '/workshop join 1 level:new goal:"understand closures" language:de',
  '/workshop join 2',
  '@bob /workshop join 2',
  '@bob /ask text:"How do I install Python on Windows?"',
  `@${ZELDA} /ask text:"What is a closure, and when do I need one?" topic:python`,
  '/ask metoo id:1',
  '/ask report id:1 reason:"just testing reports"',
  '/ask answer id:1 text:"Use the installer from python.org"',
  '@bob /ask metoo id:2',
  `@${ZELDA} /partner propose partner:"Code Club" event:"Python Day" chapter:Berlin date:2027-03-14 contributions:coaches`,
  '/partner confirm id:1 requirement:free-promotion',
  '@bob /partner propose partner:"Rust Friends" event:"Rust Night" chapter:Berlin date:2027-05-01 contributions:promotion',
  `@${ZELDA} /partner decide id:2 decision:decline reason:"Not for us"`,
  '/disclaimer log event:"PyCon Berlin" date:2027-04-01 role:speaker',
  '/chapter set name:Berlin announcements-channel:#announcements',
  // As a coach she shares a material; as a moderator she ticks a requirement of bob's proposal and blocks bob.
  '/materials add title:"Closures explained" url:https://example.org/closures topic:python language:en',
  '@bob /partner propose partner:"Go Club" event:"Go Day" chapter:Berlin date:2027-06-01 contributions:coaches',
  `@${ZELDA} /partner confirm id:3 requirement:open-materials`,
  '/mod block question:1 reason:"testing blocks" days:1',
  // A block on her, lifted: it is hers to see, and to erase.
  '@moderator /mod block question:2 reason:"a mistake" days:1',
  '/mod unblock block:2',
];

/**
 * The scenario, then the past workshop's attendance, a project she shared, a coach invitation (written directly: it takes three workshops)
 * and a button of a DM to her (issued directly: no DM of the scenario has buttons yet).
 */
async function runScenario(c: Awaited<ReturnType<typeof consoleApp>>): Promise<void> {
  await c.run(...SCENARIO);
  // The day of workshop #1 (18:00 in Berlin): a wrong code, check-ins, groups, and a call for help naming her.
  c.clock.set(new Date('2027-01-12T16:30:00Z'));
  const { checkinCode } = await c.app.services.db.manager.findOneByOrFail(Workshop, { id: 1 });
  await c.run(
    `@${ZELDA} /workshop checkin id:1 code:ZZZZZ`,
    `/workshop checkin id:1 code:${checkinCode}`,
    `@carol /workshop checkin id:1 code:${checkinCode}`,
    '/workshop groups id:1 action:make',
    `@${ZELDA} /stuck note:"${ZELDA} is stuck on closures"`,
  );
  c.clock.set(new Date('2027-01-13T12:00:00Z'));
  await c.run(`@moderator /workshop attendance id:1 present:@${ZELDA}`);
  // What she made there, shared under her name in the showcase channel.
  await c.run(
    '@moderator /chapter set name:Berlin showcase-channel:#showcase',
    `@${ZELDA} /share text:"${ZELDA} made a closure counter" url:https://example.org/zelda/counter workshop:1`,
  );
  const em = c.app.services.db.manager;
  const zelda = await em.findOneByOrFail(Member, { platform: 'console', workspace: 'console', userId: ZELDA });
  await em.insert(CoachInvitation, { memberId: zelda.id, sentAt: c.clock.now() });
  // A coach's note, published with her name (written directly: she coached no workshop in the scenario).
  await em.insert(CoachNote, {
    workshopId: 1,
    memberId: zelda.id,
    taught: 'closures',
    materials: null,
    went: 'Went well',
    change: null,
    publish: 'named',
    updatedAt: c.clock.now(),
  });
  await c.app.services.directButtons.issue(zelda, null, '/workshop leave id:2');
  // Fair sign-ups: a seat offered to her from a waitlist (bob gave it up), held until 12 hours later (before her no-show
  // cool-down below: in one, a join waits and is offered nothing).
  await c.run(
    '@moderator /workshop create chapter:Berlin title:"Git basics" topic:Git date:2027-03-08 time:18:00 learners:1 strict-ratio:false',
    '@bob /workshop join 3',
    `@${ZELDA} /workshop join 3`,
    '@bob /workshop leave 3',
  );
  // A no-show record, with a policy under which one is enough for a cool-down (written directly: the
  // scheduler's rules have their own tests in no-shows.test.ts; here it is her data).
  await c.run('@moderator /chapter set name:Berlin no-show-limit:1');
  await em.insert(NoShow, {
    chapterId: 1,
    workshopId: 1,
    memberId: zelda.id,
    at: c.clock.now(),
    expiresAt: new Date(c.clock.now().getTime() + 180 * 86_400_000),
    clearedAt: null,
    clearReason: null,
  });
  // A wrong link code for a chapter of another workspace, counted under a keyed hash of her.
  await c.run(
    '@moderator@hamburg /chapter create name:Hamburg timezone:Europe/Berlin',
    `@${ZELDA} /chapter use name:Hamburg code:ZZZZ-ZZZZ`,
  );
}

const exportOf = (out: string) => JSON.parse(out.slice(out.indexOf('{'), out.lastIndexOf('}') + 1)) as MemberExport;

/** The sections of an export that hold the member's data (all but when and for whom it was made). */
const sections = (data: MemberExport) => Object.entries(data).filter(([k]) => k !== 'exportedAt' && k !== 'identity');

test('/privacy export holds everything delete touches: profile, coach profile and invitation, sign-ups, attendance, proposals, disclaimers, materials, answers, ticks, blocks set, decisions, questions, me-toos, reports, blocks', (t) =>
  eachDatabase(t, async (db) => {
    const c = await consoleApp(db);
    try {
      await runScenario(c);
      refuseDms(c);
      await c.run('@bob /ask answer id:2 text:"A function with its surroundings"');
      // Her DM about the move is refused for good: the outbox keeps it, given up, and it is hers to see.
      await c.run('@moderator /workshop edit id:2 location:"Room 3"');
      const out = await c.run(`@${ZELDA} /privacy export`);
      assert.match(out, /^\[ephemeral → zelda_quill\]\n\*\*Everything the bot holds about you is in the attached file\.\*\*/);
      const data = exportOf(out);
      assert.equal(data.profile?.displayName, ZELDA);
      assert.equal(data.coachProfile?.topics, 'Python, Git');
      assert.ok(data.coachInvitation?.sentAt);
      assert.deepEqual(
        data.coachNotes.map((n) => [n.workshop, n.taught, n.publish]),
        [[1, 'closures', 'named']],
      );
      assert.deepEqual(
        data.signups.map((s) => [s.workshop, s.role, s.state, s.offerExpiresAt]),
        [
          [1, 'learner', 'confirmed', null],
          [2, 'learner', 'confirmed', null],
          [3, 'learner', 'offered', '2027-01-14T00:00:00.000Z'],
        ],
      );
      assert.deepEqual(
        data.attendance.map((a) => [a.workshop, a.source, a.present]),
        [[1, 'correction', true]],
        'her check-in, then the moderator’s correction',
      );
      assert.deepEqual(
        data.signups.map((s) => [s.level, s.goal, s.language, s.group]),
        [
          ['new', 'understand closures', 'de', 1],
          [null, null, null, null],
          [null, null, null, null],
        ],
      );
      assert.deepEqual(
        data.undeliveredMessages.map((m) => [m.kind, m.workshop, Boolean(m.givenUpAt)]),
        [['signup', 2, true]],
      );
      assert.match(data.undeliveredMessages[0]!.text, /Room 3/);
      assert.deepEqual(
        data.stuckRequests.map((r) => [r.workshop, r.note, r.state]),
        [[1, `${ZELDA} is stuck on closures`, 'waiting']],
      );
      assert.equal(data.wrongCheckinCodes.length, 1);
      assert.deepEqual(
        data.proposals.map((x) => x.event),
        ['Python Day'],
      );
      assert.deepEqual(
        data.disclaimers.map((d) => d.event),
        ['PyCon Berlin'],
      );
      assert.deepEqual(
        data.materialsAdded.map((m) => m.title),
        ['Closures explained'],
      );
      assert.deepEqual(
        data.anonymousQuestions.map((q) => [q.id, q.text]),
        [[2, 'What is a closure, and when do I need one?']],
      );
      assert.deepEqual(
        data.anonymousQuestions[0]!.undeliveredNotices,
        [{ key: 'question.notify.answer', params: { id: 2 } }],
        'the notice waiting for /ask mine',
      );
      assert.deepEqual(data.meToo, [{ question: 1 }]);
      assert.deepEqual(
        data.reports.map((r) => r.question),
        [1],
      );
      assert.deepEqual(
        data.blocks.map((b) => [b.question, b.reason, Boolean(b.liftedAt)]),
        [[2, 'a mistake', true]],
      );
      assert.deepEqual(
        data.answers.map((a) => [a.question, a.text]),
        [[1, 'Use the installer from python.org']],
      );
      assert.deepEqual(
        data.requirementsTicked.map((r) => [r.proposal, r.requirement]),
        [
          [1, 'free-promotion'],
          [3, 'open-materials'],
        ],
      );
      assert.deepEqual(
        data.blocksSet.map((b) => [b.block, b.question, b.reason]),
        [[1, 1, 'testing blocks']],
      );
      assert.deepEqual(
        data.decisionsMade.map((d) => [d.proposal, d.decision, d.reason]),
        [[2, 'decline', 'Not for us']],
      );
      assert.ok(data.moderatorActions.some((a) => a.action === 'partner decide'));
      assert.deepEqual(
        data.sharedProjects.map((x) => [x.workshop, x.text, x.url, x.postedIn.channel, Boolean(x.postedIn.message)]),
        [[1, `${ZELDA} made a closure counter`, 'https://example.org/zelda/counter', 'showcase', true]],
      );
      assert.deepEqual(
        data.noShows.map((r) => [r.workshop, r.clearedAt]),
        [[1, null]],
      );
      assert.equal(data.noShowCoolDownUntil, '2027-02-12T12:00:00.000Z', 'the cool-down in force');
      for (const [name, value] of sections(data))
        assert.ok(Array.isArray(value) ? value.length > 0 : value !== null, `the scenario fills ${name}`);

      const bobs = exportOf(await c.run('@bob /privacy export'));
      assert.deepEqual(
        bobs.anonymousQuestions.map((q) => q.id),
        [1],
        'another member sees only their own questions',
      );
      assert.deepEqual(
        [bobs.answers.map((a) => a.text), bobs.requirementsTicked, bobs.blocksSet, bobs.decisionsMade, bobs.materialsAdded],
        [['A function with its surroundings'], [], [], [], []],
        'his own answer, and none of her open actions',
      );
      assert.deepEqual(
        bobs.blocks.map((b) => b.question),
        [1],
        'the block on him is his to see',
      );
    } finally {
      await c.close();
    }
  }));

test('/privacy delete confirm:true leaves no row holding the member’s id, name, pseudonyms or author key, and her export is then empty; waitlists move up', (t) =>
  eachDatabase(t, async (db) => {
    const c = await consoleApp(db);
    try {
      await runScenario(c);
      const refusal = refuseDms(c);
      await c.run('@bob /ask answer id:2 text:"A function with its surroundings"');
      assert.ok((await c.app.services.db.manager.findOneByOrFail(Question, { id: 2 })).pendingNotices, 'a notice waits for her');
      // Another notice waits in the outbox for another try, under her sealed address.
      refusal.failing = true;
      await c.run('@bob /ask answer id:2 text:"Or a closure, in other words"');
      const waiting = await c.app.services.db.manager.findBy(OutboxMessage, { kind: 'asker_notice', questionId: 2 });
      assert.equal(waiting.length, 1, 'a notice to her waits in the outbox');
      const sealed = waiting[0]!.sealedTo!;
      assert.equal(sealed, (await c.app.services.db.manager.findOneByOrFail(Question, { id: 2 })).replyTo, 'under her sealed address');
      const me = { platform: 'console', workspace: 'console', id: ZELDA };
      const secrets = [
        ZELDA,
        pseudonym(SECRET, me),
        authorKey(SECRET, me),
        scopedPseudonym(SECRET, 'chapter-link', me),
        scopedPseudonym(SECRET, 'checkin', me),
        ...[1, 2].flatMap((q) => [scopedPseudonym(SECRET, `metoo:${q}`, me), scopedPseudonym(SECRET, `report:${q}`, me)]),
        sealed,
      ];
      // A DM to her waits in the outbox (the platform failing): it goes with her member row.
      await c.run('@moderator /workshop edit id:2 location:"Room 3"');
      const herRow = await c.app.services.db.manager.findOneByOrFail(Member, { platform: 'console', workspace: 'console', userId: ZELDA });
      const dmsWaiting = () => c.app.services.db.manager.countBy(OutboxMessage, { memberId: herRow.id });
      assert.equal(await dmsWaiting(), 1, 'a DM to her waits in the outbox');
      const before = await everyRow(c.app);
      assert.ok(
        before.some((r) => r.row.includes(ZELDA)),
        'the scenario stored the member',
      );
      const zeldaId = (
        await c.app.services.db.manager.findOneByOrFail(Member, { platform: 'console', workspace: 'console', userId: ZELDA })
      ).id;
      assert.ok(
        before.some((r) => r.table === 'direct_button' && (JSON.parse(r.row) as { memberId: number }).memberId === zeldaId),
        'direct_button holds a button sent to her',
      );
      for (const table of ['question_answer', 'partnership_requirement', 'partnership_decision', 'anon_block']) {
        assert.ok(
          before.some((r) => r.table === table && r.row.includes(authorKey(SECRET, me))),
          `${table} holds her author key`,
        );
      }

      const herId = (await c.app.services.db.manager.findOneByOrFail(Member, { platform: 'console', workspace: 'console', userId: ZELDA }))
        .id;
      assert.ok((await c.app.services.db.manager.countBy(DirectButton, { memberId: herId })) > 0, 'DMs with buttons went to her');
      const preview = await c.run(`@${ZELDA} /privacy delete`);
      assert.match(preview, /This erases, for good:/);
      assert.match(preview, /\/privacy delete confirm:true/);
      assert.equal((await everyRow(c.app)).length, before.length, 'without confirm nothing is erased');

      // A no-show cool-down in force refuses erasure, with its end; cleared by a moderator, it no longer does.
      assert.match(await c.run('/privacy delete confirm:true'), /cool-down is in force until 2027-02-12/);
      assert.equal((await everyRow(c.app)).length, before.length, 'refused, nothing is erased');
      assert.match(
        await c.run(`@moderator /workshop noshow clear member:@${ZELDA} workshop:1 reason:"she was there, the list was wrong"`),
        /is cleared/,
      );
      c.clock.advance(11 * 60_000); // past PRIVACY_COOLDOWN_SECONDS: the refused run counted as one
      const out = await c.run(`@${ZELDA} /privacy delete confirm:true`);
      assert.match(
        out,
        /Your data is erased\.\*\*\nSign-ups withdrawn: 3; disclaimers erased: 1; anonymous questions unlinked: 1; me-toos removed: 1\./,
      );
      assert.match(out, /\[dm → bob\]\n.*#2/, 'bob, first on the waitlist, is offered the seat now (waitlist offers)');
      assert.match(out, /Shared projects removed: 1\./);
      assert.match(
        out,
        /\[#showcase msg:\d+ edited\]\n\*\*Shared project #1\*\*\nRemoved at the request of the member who shared it\.\n/,
        'the post of her share no longer shows her or her words',
      );

      const after = await everyRow(c.app);
      for (const { table, row } of after)
        for (const s of secrets)
          assert.ok(
            !row.toLowerCase().includes(s.toLowerCase()),
            `${table} still holds ${s === ZELDA ? 'the member' : 'a pseudonym or key'}: ${row}`,
          );

      const m = c.app.services.db.manager;
      const bobSeat = await m.findOneByOrFail(WorkshopSignup, { workshopId: 2, role: 'learner' });
      assert.equal(bobSeat.state, 'offered');
      // Her seat on offer went, and the counter with it.
      assert.equal(await m.countBy(WorkshopSignup, { workshopId: 3 }), 0);
      assert.equal((await m.findOneByOrFail(Workshop, { id: 3 })).learnersConfirmed, 0);
      assert.equal((await m.findBy(Question, {})).length, 2, 'the questions stay');
      assert.equal(await m.countBy(QuestionMeToo, { questionId: 1 }), 0, 'her me-too is gone, and the count with it');
      assert.equal(await m.countBy(QuestionMeToo, { questionId: 2 }), 1, 'bob’s me-too on her question still counts');
      assert.equal(await m.countBy(QuestionReport, { questionId: 1 }), 1, 'her report stays for the moderators, unlinked');
      assert.equal((await m.findOneByOrFail(Question, { id: 2 })).replyTo, null, 'the sealed reply address is gone');
      assert.equal((await m.findOneByOrFail(Question, { id: 2 })).pendingNotices, null, 'and the notices waiting for her');
      assert.equal(await m.countBy(OutboxMessage, { kind: 'asker_notice' }), 0, 'and those waiting in the outbox');
      assert.equal(await dmsWaiting(), 0, 'and the DMs to her waiting in the outbox');
      assert.deepEqual(
        (await m.findBy(QuestionAnswer, { questionId: 1 })).map((a) => [a.authorName, a.authorKey]),
        [[ERASED, null]],
      );
      assert.deepEqual(
        (await m.find(PartnershipRequirement, { order: { id: 'ASC' } })).map((r) => r.confirmedBy),
        [ERASED, ERASED],
      );
      assert.deepEqual(
        (await m.findBy(AnonBlock, {})).map((b) => [b.questionId, b.moderatorName]),
        [[1, ERASED]],
        'her block on bob holds, without her; the one on her is gone',
      );
      assert.equal((await m.findOneByOrFail(PartnershipDecision, { proposalId: 2 })).moderatorName, ERASED);
      assert.equal((await m.findOneByOrFail(Material, { id: 1 })).addedById, null, 'her material stays in the directory, without her');
      assert.equal(await m.countBy(CoachInvitation, {}), 0);
      assert.deepEqual(
        (await m.find(CoachNote)).map((n) => [n.memberId, n.publish, n.went]),
        [[null, 'anonymous', 'Went well']],
        'her note stays in the chapter’s record, without her and no longer named',
      );
      assert.equal(await m.countBy(DirectButton, { memberId: herId }), 0, 'the buttons of DMs to her are gone');
      const decided = await m.findOneByOrFail(AuditEntry, { action: 'partner decide' });
      assert.equal(decided.actorName, ERASED, 'her moderator action stays, without her');
      assert.equal(decided.target, 'partnership:2');

      const empty = exportOf(await c.run('/privacy export'));
      for (const [name, value] of sections(empty))
        assert.ok(
          Array.isArray(value) ? value.length === 0 : value === null,
          `after erasure her export holds nothing in ${name}: ${JSON.stringify(value)}`,
        );
      const mine = await c.run('/ask mine');
      assert.doesNotMatch(mine, /closure/, 'the question is no longer hers, even to herself');
      const partners = await c.run('@moderator /partner show id:1');
      assert.match(partners, /Python Day/, 'the chapter keeps its record of the proposal');
      const workshops = await c.run('/workshop show 1');
      assert.match(workshops, /Past one/);
    } finally {
      await c.close();
    }
  }));

test('one me-too per person holds across /privacy delete: the count goes down, the post shows it, a later press counts once; a later report is a new one', (t) =>
  eachDatabase(t, async (db) => {
    const c = await consoleApp(db);
    try {
      await c.run(...SCENARIO.slice(0, 2), '@bob /ask text:"How do I install Python on Windows?"', '@carol /ask metoo id:1');
      assert.match(await c.run(`@${ZELDA} /ask metoo id:1`), /People who have question #1 too: 2\./);
      await c.run('/ask report id:1 reason:"first report"');
      const erased = await c.run('/privacy delete confirm:true');
      assert.match(erased, /me-toos removed: 1\./);
      assert.match(erased, /\[#questions msg:1 edited\][^[]*1 person has this question too/, 'the public post shows the lower count');
      assert.match(await c.run('/ask metoo id:1'), /People who have question #1 too: 2\./, 'pressing again counts her once');
      assert.match(await c.run('/ask metoo id:1'), /already said you have question #1 too/);
      const m = c.app.services.db.manager;
      assert.equal(await m.countBy(QuestionMeToo, { questionId: 1 }), 2);
      await c.run('/ask report id:1 reason:"second report"');
      assert.deepEqual(
        (await m.find(QuestionReport, { order: { id: 'ASC' } })).map((r) => r.reason),
        ['first report', 'second report'],
        'the old report stays, unlinked; the new one is another',
      );
    } finally {
      await c.close();
    }
  }));

test('/privacy finds open actions by author key, never by display name: a namesake keeps their answers and ticks; decisions are matched with platform and workspace; rows from before author keys stay', (t) =>
  eachDatabase(t, async (db) => {
    const c = await consoleApp(db, { CONSOLE_MODERATORS: 'moderator,U1' });
    try {
      await c.run(
        ...SCENARIO.slice(0, 2),
        '@bob /ask text:"How do I install Python on Windows?"',
        '/partner propose partner:"Code Club" event:"Python Day" chapter:Berlin date:2027-03-14 contributions:coaches',
        '/partner propose partner:"Rust Friends" event:"Rust Night" chapter:Berlin date:2027-05-01 contributions:promotion',
        '/partner propose partner:"Go Club" event:"Go Day" chapter:Berlin date:2027-06-01 contributions:coaches',
        '@U1 /ask answer id:1 text:"From the console U1"',
        '/partner decide id:2 decision:decline reason:"Not for us"',
      );
      const s = c.app.services;
      const berlin = await s.chapters.get('Berlin');
      // Another member, on Slack, with the same user id U1 and the display name the console shows for U1.
      const namesake = { platform: 'slack', workspace: 'T1', id: 'U1', name: 'U1' };
      await s.questions.answer(1, namesake, 'From Slack U1');
      await s.partnerships.confirm(3, 'free-promotion', { actor: namesake, moderatorOf: berlin.id });
      await s.partnerships.decide({ id: 1, decision: 'decline', reason: 'Slack says no', by: { actor: namesake, moderatorOf: berlin.id } });
      const m = s.db.manager;
      // Rows as written before author keys existed: a name and no key. The console U1's decision on
      // proposal 3 is found through their audit entry; the unkeyed answer is not theirs to find.
      await m.insert(QuestionAnswer, { questionId: 1, authorName: 'U1', authorKey: null, text: 'An old answer', createdAt: c.clock.now() });
      await s.partnerships.decide({
        id: 3,
        decision: 'unofficial',
        reason: 'Old decision',
        by: { actor: { platform: 'console', workspace: 'console', id: 'U1', name: 'U1' }, moderatorOf: berlin.id },
      });
      await m.update(PartnershipDecision, { proposalId: 3 }, { authorKey: null });
      await s.audit.record({
        actor: { platform: 'console', workspace: 'console', id: 'U1', name: 'U1', facts: { admin: true } },
        chapterId: berlin.id,
        action: 'partner decide',
        target: 'partnership:3',
        details: null,
      });

      const data = exportOf(await c.run('@U1 /privacy export'));
      assert.deepEqual(
        data.answers.map((a) => a.text),
        ['From the console U1'],
        'neither the namesake’s answer nor the unkeyed one',
      );
      assert.deepEqual(data.requirementsTicked, []);
      assert.deepEqual(
        data.decisionsMade.map((d) => [d.proposal, d.reason]),
        [
          [2, 'Not for us'],
          [3, 'Old decision'],
        ],
      );

      await c.run('/privacy delete confirm:true');
      const answers = await m.find(QuestionAnswer, { order: { id: 'ASC' } });
      assert.deepEqual(
        answers.map((a) => [a.text, a.authorName]),
        [
          ['From the console U1', ERASED],
          ['From Slack U1', 'U1'],
          ['An old answer', 'U1'],
        ],
      );
      assert.equal(answers[1]!.authorKey, authorKey(SECRET, namesake), 'the namesake’s answer is still theirs');
      assert.deepEqual(
        (await m.find(PartnershipRequirement, {})).map((r) => r.confirmedBy),
        ['U1'],
        'the namesake’s tick keeps their name',
      );
      const decisions = await m.find(PartnershipDecision, { order: { proposalId: 'ASC' } });
      assert.deepEqual(
        decisions.map((d) => [d.proposalId, d.moderatorId, d.moderatorName]),
        [
          [1, 'U1', 'U1'],
          [2, '~erased', ERASED],
          [3, '~erased', ERASED],
        ],
      );
      const theirs = await s.privacy.export(namesake);
      assert.deepEqual(
        [theirs.answers.length, theirs.requirementsTicked.length, theirs.decisionsMade.length],
        [1, 1, 1],
        'the namesake’s export is whole',
      );
    } finally {
      await c.close();
    }
  }));

test('/privacy delete is refused while a moderation block on the member is in force', (t) =>
  eachDatabase(t, async (db) => {
    const c = await consoleApp(db);
    try {
      await c.run(
        ...SCENARIO.slice(0, 2),
        `@${ZELDA} /ask text:"Something the moderators will not like"`,
        '@moderator /mod block question:1 reason:"spam" days:3',
      );
      c.clock.advance(11 * 60_000); // past PRIVACY_COOLDOWN_SECONDS: the refused run counted as one
      const out = await c.run(`@${ZELDA} /privacy delete confirm:true`);
      assert.match(out, /A moderation block on your anonymous questions is in force until 2027-01-13/);
      assert.equal(
        await c.app.services.db.manager.countBy(Question, {
          pseudonym: pseudonym(SECRET, { platform: 'console', workspace: 'console', id: ZELDA }),
        }),
        1,
      );
    } finally {
      await c.close();
    }
  }));

test('/privacy export and delete have a per-member cooldown (PRIVACY_COOLDOWN_SECONDS); the preview has none', (t) =>
  eachDatabase(t, async (db) => {
    const c = await consoleApp(db, { PRIVACY_COOLDOWN_SECONDS: '600' });
    try {
      await c.run(...SCENARIO.slice(0, 2));
      assert.match(await c.run(`@${ZELDA} /privacy export`), /Everything the bot holds about you/);
      assert.match(await c.run('/privacy export'), /You ran \/privacy export a short while ago.*Try again in 10 min\./);
      assert.match(await c.run('@bob /privacy export'), /Everything the bot holds about you/, 'another member is not held up');
      c.clock.advance(9 * 60_000);
      assert.match(await c.run(`@${ZELDA} /privacy export`), /Try again in 1 min\./);
      c.clock.advance(60_000);
      assert.match(await c.run('/privacy export'), /Everything the bot holds about you/, 'after the cooldown it runs again');
      assert.match(await c.run('/privacy delete'), /This erases, for good:/);
      assert.match(await c.run('/privacy delete'), /This erases, for good:/, 'the preview is not limited');
      assert.match(await c.run('/privacy delete confirm:true'), /Your data is erased/);
      assert.match(await c.run('/privacy delete confirm:true'), /You ran \/privacy delete a short while ago/);
    } finally {
      await c.close();
    }
  }));

test('/privacy among 300,000 me-toos (SQLite; 100,000 on PostgreSQL): export finds exactly hers, delete removes exactly hers, the lookups use the pseudonym indexes', (t) =>
  eachDatabase(t, async (db) => {
    const c = await consoleApp(db);
    try {
      await c.run(
        '@moderator /chapter create name:Berlin timezone:Europe/Berlin',
        '/chapter set name:Berlin questions-channel:#questions',
        '@bob /ask text:"What does the first question ask, exactly?"',
      );
      const em = c.app.services.db.manager;
      // 30,000 questions with 10 me-toos each (10,000 with 10 on PostgreSQL, where rows are slower to write), hers on every 15th.
      const [questions, every] = db.kind === 'sqlite' ? [30_000, 15] : [10_000, 5];
      const zelda = { platform: 'console', workspace: 'console', id: ZELDA, name: ZELDA };
      const hers = await bulkCommunity(c.app.services.db, db.kind, SECRET, zelda, { questions, perQuestion: 10, every });
      const total = questions * 10 + hers.length;
      assert.equal(await em.count(QuestionMeToo), total);

      if (db.kind === 'sqlite') {
        for (const [table, index] of [
          ['question_me_too', 'ix_me_too_pseudonym'],
          ['question_report', 'ix_report_pseudonym'],
        ]) {
          const plan = (await em.query(`EXPLAIN QUERY PLAN SELECT * FROM ${table} WHERE pseudonym IN (?, ?)`, ['a', 'b'])) as {
            detail: string;
          }[];
          assert.ok(
            plan.some((r) => r.detail.includes(index)),
            `${table} is searched by ${index}: ${JSON.stringify(plan)}`,
          );
        }
      }

      const data = await c.app.services.privacy.export(zelda);
      assert.deepEqual(
        data.meToo.map((m) => m.question),
        hers,
      );
      assert.deepEqual(
        data.reports.map((r) => [r.question, r.reason]),
        hers.map((id) => [id, 'hers']),
      );
      assert.deepEqual((await c.app.services.privacy.export({ ...zelda, id: 'someone_else' })).meToo, [], 'nobody else’s rows match');
      const done = await c.app.services.privacy.delete(zelda);
      assert.equal(done.meToos, hers.length);
      assert.equal(await em.count(QuestionMeToo), total - hers.length, 'exactly hers are gone');
      let left = 0;
      for (let i = 0; i < hers.length; i += 500)
        left += await em.countBy(QuestionMeToo, {
          pseudonym: In(hers.slice(i, i + 500).map((id) => scopedPseudonym(SECRET, `metoo:${id}`, zelda))),
        });
      assert.equal(left, 0, 'none of her me-toos can be found again');
      assert.equal(await em.countBy(QuestionReport, { reason: 'hers' }), hers.length, 'her reports stay, unlinked');
      const again = await c.app.services.privacy.export(zelda);
      assert.deepEqual([again.meToo, again.reports], [[], []]);
    } finally {
      await c.close();
    }
  }));
