import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { AuditEntry } from '../../entities/AuditEntry.js';
import { Question, QuestionAnswer, QuestionMeToo } from '../../entities/Question.js';
import { WorkshopSignup } from '../../entities/WorkshopSignup.js';
import { ConsoleAdapter } from '../../src/adapters/console/console-adapter.js';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { ManualClock } from '../../src/core/clock.js';
import { pseudonym, scopedPseudonym } from '../../src/services/anonymity.js';
import { ERASED, type MemberExport } from '../../src/services/privacy.js';
import { capturedLogger, eachDatabase, tempDir, type TestDatabase } from '../helpers.js';

const SECRET = 'p'.repeat(32);
/** The member who exercises their rights; on the console the id and the name are both this. */
const ZELDA = 'zelda_quill';

/** The real app on the given database, driven through the console adapter in this process. */
async function consoleApp(db: TestDatabase) {
  const tmp = tempDir();
  const config = loadConfig({ DATA_DIR: tmp.dir, DATABASE_URL: db.url, ANON_SECRET: SECRET, RATE_LIMIT_MAX: '1000', CONSOLE_MODERATORS: `moderator,${ZELDA}` });
  const clock = new ManualClock(new Date('2027-01-10T12:00:00Z'));
  const app = await createApp(config, capturedLogger().log, clock);
  const out = new PassThrough();
  let printed = '';
  out.on('data', (chunk) => (printed += String(chunk)));
  const adapter = new ConsoleAdapter({ dispatcher: app.dispatcher, out, locale: 'en', moderators: config.consoleModerators, clock });
  app.services.notifier.register('console', () => adapter.outboxForNotifications);
  return {
    app,
    adapter,
    clock,
    run: async (...lines: string[]) => {
      printed = '';
      for (const line of lines) await adapter.handle(line);
      return printed;
    },
    close: async () => {
      await app.close();
      tmp.remove();
    },
  };
}

/** Every row of every table, as text, for scanning. */
async function everyRow(app: Awaited<ReturnType<typeof createApp>>): Promise<{ table: string; row: string }[]> {
  const db = app.services.db;
  const rows: { table: string; row: string }[] = [];
  for (const meta of db.entityMetadatas) {
    for (const r of await db.manager.find(meta.target as never)) rows.push({ table: meta.tableName, row: JSON.stringify(r) });
  }
  return rows;
}

/** From now on notification DMs to the member fail, as with DMs closed: notices about her questions wait for /ask mine. */
function refuseDms(c: Awaited<ReturnType<typeof consoleApp>>): void {
  const real = c.adapter.outboxForNotifications;
  c.app.services.notifier.register('console', () => ({
    post: async (m) => {
      if (m.visibility.kind === 'dm' && m.visibility.to.id === ZELDA) throw new Error('direct messages closed');
      return real.post(m);
    },
    edit: (ref, m) => real.edit(ref, m),
  }));
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
  '/workshop join 1',
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
];

test('/privacy export holds the member’s profile, coach profile, sign-ups, attendance, proposals, disclaimers and anonymous questions', (t) =>
  eachDatabase(t, async (db) => {
    const c = await consoleApp(db);
    try {
      await c.run(...SCENARIO);
      c.clock.set(new Date('2027-01-13T12:00:00Z'));
      await c.run(`@moderator /workshop attendance id:1 present:@${ZELDA}`);
      refuseDms(c);
      await c.run('@bob /ask answer id:2 text:"A function with its surroundings"');
      const out = await c.run(`@${ZELDA} /privacy export`);
      assert.match(out, /^\[ephemeral → zelda_quill\]\n\*\*Everything the bot holds about you is in the attached file\.\*\*/);
      const json = out.slice(out.indexOf('{'), out.lastIndexOf('}') + 1);
      const data = JSON.parse(json) as MemberExport;
      assert.equal(data.profile?.displayName, ZELDA);
      assert.equal(data.coachProfile?.topics, 'Python, Git');
      assert.deepEqual(data.signups.map((s) => [s.workshop, s.role, s.state]), [[1, 'learner', 'confirmed'], [2, 'learner', 'confirmed']]);
      assert.deepEqual(data.attendance.map((a) => a.workshop), [1]);
      assert.deepEqual(data.proposals.map((x) => x.event), ['Python Day']);
      assert.deepEqual(data.disclaimers.map((d) => d.event), ['PyCon Berlin']);
      assert.deepEqual(data.anonymousQuestions.map((q) => [q.id, q.text]), [[2, 'What is a closure, and when do I need one?']]);
      assert.deepEqual(data.anonymousQuestions[0]!.undeliveredNotices, [{ key: 'question.notify.answer', params: { id: 2 } }], 'the notice waiting for /ask mine');
      assert.deepEqual(data.meToo, [{ question: 1 }]);
      assert.deepEqual(data.reports.map((r) => r.question), [1]);
      assert.ok(data.moderatorActions.some((a) => a.action === 'partner decide'));
      const bobs = JSON.parse((await c.run('@bob /privacy export')).replace(/^[^{]*/, '').replace(/[^}]*$/, '')) as MemberExport;
      assert.deepEqual(bobs.anonymousQuestions.map((q) => q.id), [1], 'another member sees only their own questions');
    } finally {
      await c.close();
    }
  }));

test('/privacy delete confirm:true leaves no row holding the member’s id, name or pseudonyms; waitlists move up and counts survive', (t) =>
  eachDatabase(t, async (db) => {
    const c = await consoleApp(db);
    try {
      await c.run(...SCENARIO);
      c.clock.set(new Date('2027-01-13T12:00:00Z'));
      await c.run(`@moderator /workshop attendance id:1 present:@${ZELDA}`);
      refuseDms(c);
      await c.run('@bob /ask answer id:2 text:"A function with its surroundings"');
      assert.ok((await c.app.services.db.manager.findOneByOrFail(Question, { id: 2 })).pendingNotices, 'a notice waits for her');
      const me = { platform: 'console', workspace: 'console', id: ZELDA };
      const secrets = [ZELDA, pseudonym(SECRET, me), ...[1, 2].flatMap((q) => [scopedPseudonym(SECRET, `metoo:${q}`, me), scopedPseudonym(SECRET, `report:${q}`, me)])];
      const before = await everyRow(c.app);
      assert.ok(before.some((r) => r.row.includes(ZELDA)), 'the scenario stored the member');

      const preview = await c.run(`@${ZELDA} /privacy delete`);
      assert.match(preview, /This erases, for good:/);
      assert.match(preview, /\/privacy delete confirm:true/);
      assert.equal((await everyRow(c.app)).length, before.length, 'without confirm nothing is erased');

      const out = await c.run('/privacy delete confirm:true');
      assert.match(out, /Your data is erased\.\*\*\nSign-ups withdrawn: 2; disclaimers erased: 1; anonymous questions unlinked: 1\./);
      assert.match(out, /\[dm → bob\]\n.*#2/, 'bob, first on the waitlist, is told he has the seat now');

      const after = await everyRow(c.app);
      for (const { table, row } of after) for (const s of secrets) assert.ok(!row.toLowerCase().includes(s.toLowerCase()), `${table} still holds ${s === ZELDA ? 'the member' : 'a pseudonym'}: ${row}`);

      const m = c.app.services.db.manager;
      const bobSeat = await m.findOneByOrFail(WorkshopSignup, { workshopId: 2 });
      assert.equal(bobSeat.state, 'confirmed');
      assert.equal((await m.findBy(Question, {})).length, 2, 'the questions stay');
      assert.equal(await m.countBy(QuestionMeToo, { questionId: 1 }), 1, 'her me-too still counts');
      assert.equal(await m.countBy(QuestionMeToo, { questionId: 2 }), 1, 'bob’s me-too on her question still counts');
      assert.equal((await m.findOneByOrFail(Question, { id: 2 })).replyTo, null, 'the sealed reply address is gone');
      assert.equal((await m.findOneByOrFail(Question, { id: 2 })).pendingNotices, null, 'and the notices waiting for her');
      assert.deepEqual((await m.findBy(QuestionAnswer, { questionId: 1 })).map((a) => a.authorName), [ERASED]);
      const decided = await m.findOneByOrFail(AuditEntry, { action: 'partner decide' });
      assert.equal(decided.actorName, ERASED, 'her moderator action stays, without her');
      assert.equal(decided.target, 'partnership:2');
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

test('/privacy delete is refused while a moderation block on the member is in force', (t) =>
  eachDatabase(t, async (db) => {
    const c = await consoleApp(db);
    try {
      await c.run(...SCENARIO.slice(0, 2), `@${ZELDA} /ask text:"Something the moderators will not like"`, '@moderator /mod block question:1 reason:"spam" days:3');
      const out = await c.run(`@${ZELDA} /privacy delete confirm:true`);
      assert.match(out, /A moderation block on your anonymous questions is in force until 2027-01-13/);
      assert.equal(await c.app.services.db.manager.countBy(Question, { pseudonym: pseudonym(SECRET, { platform: 'console', workspace: 'console', id: ZELDA }) }), 1);
    } finally {
      await c.close();
    }
  }));

test('/privacy with 1,200 me-toos (looked up a few hundred at a time): export finds them all, delete detaches them all', (t) =>
  eachDatabase(t, async (db) => {
    const c = await consoleApp(db);
    try {
      await c.run('@moderator /chapter create name:Berlin timezone:Europe/Berlin', '/chapter set name:Berlin questions-channel:#questions', '@bob /ask text:"What does the first question ask, exactly?"');
      const em = c.app.services.db.manager;
      const first = await em.findOneByOrFail(Question, { id: 1 });
      // 1,200 more questions, each with a me-too by Zelda and one by someone else (rows written directly: the
      // commands would take minutes, and what is tested is the lookup, not the pressing).
      const template: Partial<Question> = { ...first };
      delete template.id;
      const ids: number[] = [];
      for (let i = 0; i < 1200; i++) ids.push((await em.insert(Question, { ...template, text: `Question ${i}` })).identifiers[0]!.id as number);
      const zelda = { platform: 'console', workspace: 'console', id: ZELDA };
      const rows = ids.flatMap((id) => [
        { questionId: id, pseudonym: scopedPseudonym(SECRET, `metoo:${id}`, zelda) },
        { questionId: id, pseudonym: scopedPseudonym(SECRET, `metoo:${id}`, { ...zelda, id: 'someone_else' }) },
      ]);
      for (let i = 0; i < rows.length; i += 200) await em.insert(QuestionMeToo, rows.slice(i, i + 200));

      // Through the service: the console shows an export this large as an attachment line, not its text.
      const data = await c.app.services.privacy.export({ ...zelda, name: ZELDA });
      assert.equal(data.meToo.length, 1200);
      assert.deepEqual(new Set(data.meToo.map((m) => m.question)), new Set(ids));

      await c.run(`@${ZELDA} /privacy delete confirm:true`);
      const left = await em.find(QuestionMeToo, { select: { pseudonym: true } });
      assert.equal(left.length, 2400, 'the counts survive');
      const hers = new Set(ids.map((id) => scopedPseudonym(SECRET, `metoo:${id}`, zelda)));
      assert.equal(left.filter((m) => hers.has(m.pseudonym)).length, 0, 'none of her me-toos can be found again');
    } finally {
      await c.close();
    }
  }));
