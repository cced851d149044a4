import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import { freshDatabase, postgresUnavailable, TEST_POSTGRES_URL, tempDir } from '../support/helpers.js';
import { channelOption, FakeDiscord, type FakeUser, int, str, sub } from '../support/fake-discord.js';
import { feedServer, meetupFeed } from '../support/feeds.js';
import { spawnNpm } from '../support/npm.js';

/**
 * Two real bot processes (`npm start`, Discord adapter) on one PostgreSQL database, each
 * connected to its own loopback Discord that shows the same server: whatever arrives at
 * either process, the database keeps one truth.
 */
test('two bot processes on one PostgreSQL: capacities, decisions, me-toos, reminders, a feed and its scheduled events, and the one coach taking a stuck learner stay exact', async (t) => {
  const reason = await postgresUnavailable();
  if (reason) return t.skip(reason);
  const database = await freshDatabase('postgres');
  const fakes = [await FakeDiscord.start(), await FakeDiscord.start()] as const;
  const tmp = tempDir();
  const feeds = await feedServer();
  const bots = fakes.map((fake) =>
    spawnNpm(['start', '--silent'], {
      DATABASE_URL: database.url,
      DATA_DIR: tmp.dir,
      ANON_SECRET: 's'.repeat(40),
      DISCORD_TOKEN: 'fake-token',
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_URL: fake.apiUrl,
      DATABASE_POOL_SIZE: '5',
      RATE_LIMIT_MAX: '1000',
      REMINDER_INTERVAL_SECONDS: '5',
      LOG_LEVEL: 'info',
      FEED_ALLOW_PRIVATE: 'true',
    }),
  );
  const sql = new pg.Client({ connectionString: TEST_POSTGRES_URL });
  await sql.connect();
  const schema = new URL(database.url).searchParams.get('schema')!;
  const outputs: string[] = [];
  try {
    // The first process migrates; the second waits for its own start until both are ready.
    for (const [n, bot] of bots.entries()) {
      await fakes[n]!.waitFor(() => /Discord ready/.test(bot.output()) || undefined, `bot ${n} ready`, 30_000).catch((err: Error) => {
        throw new Error(`${err.message}\n${bot.output().slice(-3000)}`);
      });
    }

    const [a, b] = fakes;
    const mona: FakeUser = { id: '555555555555555502', username: 'mona' };
    // The answer, not a deferral (under load the dispatcher defers first, then edits the answer in).
    const reply = async (fake: FakeDiscord, i: { id: string; token: string }) =>
      JSON.stringify(
        (await fake.waitFor(() => fake.responses(i).find((r) => (r.body as { type?: number }).type !== 5), 'the answer', 30_000)).body,
      );
    // On a loaded machine a request may be told to try again (no pooled connection within the
    // timeout): as a member would, it is sent again; nothing may be written twice or lost.
    const send = async (fake: FakeDiscord, interaction: () => { id: string; token: string }): Promise<string> => {
      for (let attempt = 0; ; attempt++) {
        const answer = await reply(fake, interaction());
        if (!/try again in a moment/.test(answer) || attempt === 5) return answer;
      }
    };
    const member = (n: number): FakeUser => ({ id: `8888888888888${String(n).padStart(5, '0')}`, username: `m${n}` });
    const either = (n: number) => (n % 2 ? b : a);

    // A chapter, its channels, a workshop two days ahead (UTC chapter, so the date is simple).
    assert.match(
      await reply(a, a.slash(mona, 'chapter', sub('create', [str('name', 'Berlin'), str('timezone', 'UTC')]), { moderator: true })),
      /Chapter Berlin created/,
    );
    const [, questions, moderation] = a.guild.channels.map((c) => c.id);
    await reply(
      a,
      a.slash(
        mona,
        'chapter',
        sub('set', [
          str('name', 'Berlin'),
          channelOption('questions-channel', questions!),
          channelOption('announcements-channel', moderation!),
        ]),
        { moderator: true, resolved: a.resolvedChannels(questions!, moderation!) },
      ),
    );
    const day = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    assert.match(
      await reply(
        b,
        b.slash(
          mona,
          'workshop',
          sub('create', [
            str('chapter', 'Berlin'),
            str('title', 'Python'),
            str('topic', 'python'),
            str('date', day),
            str('time', '18:00'),
            int('learners', 20),
            int('coaches', 5),
          ]),
          { moderator: true },
        ),
      ),
      /#1/,
    );

    // 40 coaches volunteer, then 40 claims and 160 joins arrive at once, spread over both processes.
    await Promise.all(
      Array.from({ length: 40 }, (_, n) =>
        send(either(n), () => either(n).slash(member(n), 'coach', sub('volunteer', [str('topics', 'python')]))),
      ),
    );
    const requests = [
      ...Array.from({ length: 40 }, (_, n) => ({ n, fake: either(n), cmd: 'claim' })),
      ...Array.from({ length: 160 }, (_, k) => ({ n: 100 + k, fake: either(k + 1), cmd: 'join' })),
    ];
    const answers = await Promise.all(
      requests.map(({ n, fake, cmd }) => send(fake, () => fake.slash(member(n), 'workshop', sub(cmd, [int('id', 1)])))),
    );
    assert.equal(answers.length, 200);
    const { rows } = await sql.query(
      `SELECT role, state, count(*)::int AS n FROM "${schema}".workshop_signup WHERE "workshopId" = 1 GROUP BY role, state ORDER BY role, state`,
    );
    assert.deepEqual(rows, [
      { role: 'coach', state: 'confirmed', n: 5 },
      { role: 'coach', state: 'waiting', n: 35 },
      { role: 'learner', state: 'confirmed', n: 20 },
      { role: 'learner', state: 'waiting', n: 140 },
    ]);
    const { rows: counters } = await sql.query(`SELECT "coachesClaimed", "learnersConfirmed" FROM "${schema}".workshop WHERE id = 1`);
    assert.deepEqual(counters, [{ coachesClaimed: 5, learnersConfirmed: 20 }], 'the counters agree with the rows');

    // One question, 60 me-toos at once over both processes (and repeats): exactly 60 people.
    const asker: FakeUser = { id: '555555555555555501', username: 'alice' };
    assert.match(
      await reply(a, a.slash(asker, 'ask', [{ name: 'new', type: 1, options: [str('text', 'Is anyone else confused by decorators?')] }])),
      /Your question #1/,
    );
    await Promise.all(
      [...Array.from({ length: 60 }, (_, n) => n), ...Array.from({ length: 20 }, (_, n) => n)].map((n) =>
        send(either(n + 1), () => either(n + 1).slash(member(n), 'ask', sub('metoo', [int('id', 1)]))),
      ),
    );
    const { rows: metoo } = await sql.query(`SELECT count(*)::int AS n FROM "${schema}".question_me_too WHERE "questionId" = 1`);
    assert.equal(metoo[0].n, 60);

    // A proposal, and six moderators deciding at the same moment on both processes: one decision.
    assert.match(
      await reply(
        a,
        a.slash(
          member(500),
          'partner',
          sub('propose', [
            str('partner', 'Code Club'),
            str('event', 'Open day'),
            str('chapter', 'Berlin'),
            str('date', day),
            str('contributions', 'coaches'),
          ]),
        ),
      ),
      /#1/,
    );
    const mods = Array.from({ length: 6 }, (_, n): FakeUser => ({
      id: `9999999999999999${String(n).padStart(2, '0')}`,
      username: `mod${n}`,
    }));
    const decisions = await Promise.all(
      mods.map((m, n) =>
        send(either(n), () =>
          either(n).slash(m, 'partner', sub('decide', [int('id', 1), str('decision', 'decline'), str('reason', 'Not this time')]), {
            moderator: true,
          }),
        ),
      ),
    );
    const { rows: decided } = await sql.query(`SELECT count(*)::int AS n FROM "${schema}".partnership_decision`);
    assert.equal(decided[0].n, 1);
    assert.equal(decisions.filter((d) => /Proposal #1 \(Open day\) is declined/.test(d)).length, 1, 'one moderator decided');
    assert.equal(decisions.filter((d) => /can no longer be changed/.test(d)).length, 5, 'the others were told it is decided');

    // Reminders come due while both run: each claimed coach and confirmed learner gets the hour reminder once.
    await sql.query(`UPDATE "${schema}".reminder SET "dueAt" = $1 WHERE "workshopId" = 1 AND kind = 'hour'`, [Date.now() - 1000]);
    const confirmed = (
      await sql.query(
        `SELECT m."userId" FROM "${schema}".workshop_signup s JOIN "${schema}".member m ON m.id = s."memberId" WHERE s."workshopId" = 1 AND s.state = 'confirmed'`,
      )
    ).rows.map((r) => r.userId as string);
    assert.equal(confirmed.length, 25);
    const dmsTo = (userId: string) =>
      fakes
        .flatMap((f) => (f.dmChannelOf(userId) ? f.posts(f.dmChannelOf(userId)!) : []))
        .filter((m) => /Almost time/.test(JSON.stringify(m)));
    await a.waitFor(() => confirmed.every((id) => dmsTo(id).length >= 1) || undefined, 'every hour reminder', 20_000);
    await new Promise((resolve) => setTimeout(resolve, 11_000)); // two more ticks of each process
    assert.deepEqual(
      confirmed.map((id) => dmsTo(id).length),
      confirmed.map(() => 1),
      'each reminder exactly once',
    );

    // The chapter's calendar feed, synced by both processes at the same moment: each event becomes one
    // workshop, and each upcoming workshop one Discord scheduled event, whichever process got there first.
    const day_ = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
    feeds.routes.set('/berlin.ics', { body: meetupFeed([]) });
    assert.match(
      await reply(
        a,
        a.slash(mona, 'chapter', sub('feed', [str('name', 'Berlin'), str('url', feeds.url('/berlin.ics'))]), { moderator: true }),
      ),
      /0 new/,
    );
    feeds.routes.set('/berlin.ics', {
      body: meetupFeed([
        { id: '1', summary: 'Feed workshop one', start: `${day_(5)}T100000`, end: `${day_(5)}T130000` },
        { id: '2', summary: 'Feed workshop two', start: `${day_(12)}T100000`, end: `${day_(12)}T130000` },
      ]),
    });
    const syncs = await Promise.all(
      [a, b, a, b].map((fake) =>
        send(fake, () => fake.slash(mona, 'chapter', sub('feed', [str('name', 'Berlin'), str('action', 'sync')]), { moderator: true })),
      ),
    );
    assert.ok(
      syncs.some((s) => /2 new/.test(s)),
      syncs.join('\n'),
    );
    assert.ok(
      syncs.every((s) => /2 new|0 new|being fetched right now|not changed/.test(s)),
      syncs.join('\n'),
    );
    const { rows: imported } = await sql.query(
      `SELECT count(*)::int AS workshops, count(DISTINCT f.uid)::int AS events FROM "${schema}".workshop w JOIN "${schema}".feed_event f ON f."workshopId" = w.id`,
    );
    assert.deepEqual(imported, [{ workshops: 2, events: 2 }], 'one workshop per event');
    // Both processes mirror the same server (each fake shows it): one event per upcoming workshop in all.
    const made = () =>
      fakes.flatMap((f) => [...f.scheduledEvents.values()]).filter((e) => /\/workshop join id:/.test(String(e.description)));
    await a.waitFor(() => made().length >= 3 || undefined, 'the scheduled events', 40_000);
    await new Promise((resolve) => setTimeout(resolve, 16_000)); // another round of each process's mirror
    const joins = made().map((e) => /\/workshop join id:(\d+)/.exec(String(e.description))?.[1]);
    assert.deepEqual(joins.sort(), ['1', '2', '3'], 'each workshop mirrored once, by one of the processes');

    // The workshop day: a workshop starting in about 30 minutes (real clock; the chapter's zone is
    // UTC, so its local date and time are the UTC ones), so check-in is open. Two coaches and a
    // learner check in on either process, the groups are made, and the learner is stuck.
    const soon = new Date(Math.ceil((Date.now() + 30 * 60_000) / 60_000) * 60_000).toISOString();
    assert.match(
      await reply(
        a,
        a.slash(
          mona,
          'workshop',
          sub('create', [
            str('chapter', 'Berlin'),
            str('title', 'Stuck day'),
            str('topic', 'python'),
            str('date', soon.slice(0, 10)),
            str('time', soon.slice(11, 16)),
            int('learners', 4),
            int('coaches', 2),
          ]),
          { moderator: true },
        ),
      ),
      /#4/,
    );
    const {
      rows: [dayRow],
    } = await sql.query(`SELECT id, "checkinCode" FROM "${schema}".workshop WHERE title = 'Stuck day'`);
    const dayId = dayRow.id as number;
    const dayCode = dayRow.checkinCode as string;
    const [coachA, coachB] = [member(0), member(1)]; // coaches already (they volunteered above)
    const learner = member(900);
    for (const [n, who] of [coachA, coachB].entries()) {
      assert.match(
        await send(either(n), () => either(n).slash(who, 'workshop', sub('claim', [int('id', dayId)]))),
        /You coach workshop #4/,
      );
    }
    assert.match(await send(b, () => b.slash(learner, 'workshop', sub('join', [int('id', dayId)]))), /is confirmed/);
    for (const [n, who] of [coachA, coachB, learner].entries()) {
      assert.match(
        await send(either(n), () => either(n).slash(who, 'workshop', sub('checkin', [int('id', dayId), str('code', dayCode)]))),
        /You are checked in/,
      );
    }
    assert.match(
      await send(a, () => a.slash(coachA, 'workshop', sub('groups', [int('id', dayId), str('action', 'make')]))),
      /Groups made from the members checked in: 1\./,
    );
    assert.match(await send(b, () => b.slash(learner, 'stuck', sub('new'))), /is told\. You are number 1 in their queue/);
    const {
      rows: [stuckRow],
    } = await sql.query(`SELECT id FROM "${schema}".stuck_request WHERE "workshopId" = $1`, [dayId]);
    const requestId = stuckRow.id as number;
    // Offered to every coach, as after STUCK_ESCALATE_MINUTES of waiting: set here directly, since the
    // escalation's timing (not before, offered once, to whom) is tested with a fake clock in
    // test/services/stuck.test.ts; this test is about the two processes.
    await sql.query(`UPDATE "${schema}".stuck_request SET "escalatedAt" = $1 WHERE id = $2`, [Date.now(), requestId]);
    // Both coaches press "I'll go" at the same moment, one on each process: exactly one goes.
    const pressing: [FakeDiscord, FakeUser][] = [
      [a, coachA],
      [b, coachB],
    ];
    const takes = await Promise.all(
      pressing.map(([fake, who]) => send(fake, () => fake.slash(who, 'stuck', sub('take', [int('request', requestId)])))),
    );
    assert.equal(takes.filter((r) => /On your way/.test(r)).length, 1, takes.join('\n'));
    assert.equal(takes.filter((r) => new RegExp(`Another coach took request ${requestId}`).test(r)).length, 1, takes.join('\n'));
    const winner = /On your way/.test(takes[0]!) ? coachA : coachB;
    const { rows: taken } = await sql.query(
      `SELECT r.state, m."userId" FROM "${schema}".stuck_request r JOIN "${schema}".member m ON m.id = r."coachId" WHERE r.id = $1`,
      [requestId],
    );
    assert.deepEqual(taken, [{ state: 'coming', userId: winner.id }]);
    // The learner hears once that the winner is coming, from whichever process that was.
    const coming = () =>
      fakes
        .flatMap((f) => (f.dmChannelOf(learner.id) ? f.posts(f.dmChannelOf(learner.id)!) : []))
        .filter((m) => /is on the way/.test(JSON.stringify(m)));
    await a.waitFor(() => coming().length >= 1 || undefined, 'the learner told the coach is coming');
    assert.equal(coming().length, 1);
    assert.match(JSON.stringify(coming()[0]), new RegExp(`<@${winner.id}>`));
  } finally {
    for (const bot of bots) bot.signal('SIGTERM');
    const ends = await Promise.all(bots.map((bot) => bot.done));
    await sql.end();
    for (const f of fakes) await f.close();
    await feeds.close();
    await database.drop();
    tmp.remove();
    outputs.push(...ends.map((e) => e.stderr));
  }
  // Both stop on SIGTERM, and neither had an incident or a fatal error (checked after the rest,
  // so a failure above is the one reported).
  for (const out of outputs) {
    const logs = out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string; signal?: string });
    assert.ok(
      logs.some((l) => l.msg === 'stopping' && l.signal === 'SIGTERM'),
      out.slice(-2000),
    );
    assert.deepEqual(
      logs.filter((l) => l.level >= 50),
      [],
    );
  }
});
