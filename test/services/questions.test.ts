import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DataSource } from 'typeorm';
import { OutboxMessage } from '../../entities/OutboxMessage.js';
import { Question } from '../../entities/Question.js';
import { QuestionAnswer } from '../../entities/QuestionAnswer.js';
import { renderConsole } from '../../src/adapters/console/render.js';
import { renderDiscord } from '../../src/adapters/discord/render.js';
import { renderSlack } from '../../src/adapters/slack/render.js';
import { ManualClock } from '../../src/core/clock.js';
import { UserError } from '../../src/core/errors.js';
import type { Message, PostedRef } from '../../src/core/reply.js';
import { openAddress, pseudonym, sealAddress } from '../../src/services/anonymity.js';
import type { Services } from '../../src/services/index.js';
import { OUTBOX_LEASE_MS } from '../../src/services/outbox/service.js';
import { eachDatabase, servicesOn, type TestDatabase } from '../support/helpers.js';
import type { Outbox } from '../../src/core/types.js';

const ada = { platform: 'slack', workspace: 'T1', id: 'U_ADA_42', name: 'Ada', locale: 'en' };
const member = (n: number) => ({ platform: 'slack', workspace: 'T1', id: `U_M${n}`, name: `m${n}`, locale: 'en' });
const DAY = 86_400_000;

/** An outbox at the network edge: records posts and edits instead of calling a platform. */
function recordingOutbox(): Outbox & { posts: Message[]; edits: Message[] } {
  let n = 0;
  const posts: Message[] = [];
  const edits: Message[] = [];
  return {
    posts,
    edits,
    post: async (m): Promise<PostedRef> => (posts.push(m), { channel: 'C_Q', messageId: String(++n) }),
    edit: async (_ref, m) => void edits.push(m),
  };
}

/** Slack's outbox for `services`, whose posts to `down` fail as a platform refusing them after its retries; returns the channels tried. */
function failingIn(services: Services, down: string): string[] {
  const tried: string[] = [];
  const outbox = recordingOutbox();
  services.notifier.register('slack', () => ({
    post: async (m) => {
      const channel = m.visibility.kind === 'channel' ? m.visibility.channel : '';
      tried.push(channel);
      if (channel === down) throw new Error('the platform keeps answering 503');
      return outbox.post(m);
    },
    edit: outbox.edit,
  }));
  return tried;
}

async function setup(target: TestDatabase['target'], env: Record<string, string> = {}) {
  const clock = new ManualClock(new Date('2027-03-01T10:00:00Z'));
  const built = await servicesOn(target, clock, undefined, env);
  const { chapter } = await built.services.chapters.create({ name: 'Berlin', timeZone: 'Europe/Berlin' });
  return { ...built, clock, chapter };
}

async function askAndPost(
  services: Services,
  chapter: Awaited<ReturnType<typeof setup>>['chapter'],
  who = ada,
  text = 'How do I read a file in Python?',
) {
  // Posted through the outbox as soon as it is stored, by Slack's outbox (a recording one unless the test set one).
  if (!services.notifier.outbox('slack', 'T1')) {
    const outbox = recordingOutbox();
    services.notifier.register('slack', () => outbox);
  }
  const q = await services.questions.ask({ asker: who, chapter, channel: 'C_Q', text });
  assert.ok(q.messageId, 'posted');
  return q;
}

/** Every value of every column of the outbox's rows, as text. */
async function outboxText(db: DataSource): Promise<string> {
  return JSON.stringify(await db.getRepository(OutboxMessage).createQueryBuilder('o').getRawMany());
}

test('a sealed reply address opens only with the same secret', () => {
  const sealed = sealAddress('s'.repeat(32), ada);
  assert.ok(!sealed.includes('U_ADA_42'));
  assert.deepEqual(openAddress('s'.repeat(32), sealed), ada);
  assert.equal(openAddress('t'.repeat(32), sealed), null);
});

test('the question post, in every renderer, names nobody and keeps typed mentions inert', async (t) =>
  eachDatabase(t, async ({ target }) => {
    const { db, services, chapter } = await setup(target);
    try {
      const q = await services.questions.ask({
        asker: ada,
        chapter,
        channel: 'C_Q',
        text: 'Why? <@U999> <!channel> @everyone <@123456789>',
      });
      const post = await services.questions.render(q);
      const outputs = [
        renderConsole(post, { locale: 'en', timeZone: 'UTC', now: new Date() }),
        JSON.stringify(renderDiscord(post)),
        JSON.stringify(renderSlack(post)),
      ];
      for (const out of outputs) {
        assert.ok(!out.includes('U_ADA_42') && !out.includes('Ada'), out);
        assert.match(out, /Anonymous question #1/);
      }
      assert.doesNotMatch(outputs[1]!, /<@123456789>|@everyone/);
      assert.doesNotMatch(outputs[2]!, /<!channel>|<@U999>/);
    } finally {
      await db.destroy();
    }
  }));

test('me too counts people, not presses, under concurrent presses; the asker does not count', (t) =>
  eachDatabase(t, async ({ target }) => {
    const { db, services, chapter } = await setup(target);
    try {
      const q = await askAndPost(services, chapter);
      const presses = [...Array.from({ length: 12 }, (_, i) => member(i)), ...Array.from({ length: 12 }, (_, i) => member(i)), ada, ada];
      const results = await Promise.all(presses.map((who) => services.questions.meToo(q.id, who)));
      assert.equal(results.filter((r) => r.outcome === 'counted').length, 12);
      assert.equal(results.filter((r) => r.outcome === 'already').length, 12);
      assert.equal(results.filter((r) => r.outcome === 'own').length, 2);
      assert.equal((await services.questions.stats(q.id)).meToo, 12);
    } finally {
      await db.destroy();
    }
  }));

test('a block hits the pseudonym behind the question and only it, and it expires', (t) =>
  eachDatabase(t, async ({ target }) => {
    const { db, services, chapter, clock } = await setup(target);
    try {
      const q = await askAndPost(services, chapter);
      const other = await askAndPost(services, chapter, member(1));
      const block = await services.questions.block(q.id, 'flooding', 2, {
        platform: 'console',
        workspace: 'console',
        id: 'mona',
        name: 'mona',
      });
      await assert.rejects(
        services.questions.ask({ asker: ada, chapter, channel: 'C_Q', text: 'Blocked question here' }),
        (e: unknown) => e instanceof UserError && e.key === 'question.blocked' && e.params.reason === 'flooding',
      );
      await assert.rejects(
        services.questions.answer(other.id, ada, 'an answer'),
        (e: unknown) => e instanceof UserError && e.key === 'question.blocked',
      );
      await assert.rejects(services.questions.followup(q.id, ada), (e: unknown) => e instanceof UserError && e.key === 'question.blocked');
      await services.questions.ask({ asker: member(2), chapter, channel: 'C_Q', text: 'Someone else may ask' });
      assert.equal((await services.questions.activeBlocks(chapter.id)).length, 1);
      assert.equal(block.pseudonym, pseudonym('x'.repeat(32), ada), 'the block holds the pseudonym, not the id');
      clock.advance(2 * DAY + 1000);
      assert.equal((await services.questions.activeBlocks(chapter.id)).length, 0);
      await services.questions.ask({ asker: ada, chapter, channel: 'C_Q', text: 'After the block expired' });
      await assert.rejects(services.questions.unblock(block.id), (e: unknown) => e instanceof UserError && e.key === 'mod.block_not_found');
    } finally {
      await db.destroy();
    }
  }));

test('the per-pseudonym limit stops a sixth question in ten minutes, also when asked at once', (t) =>
  eachDatabase(t, async ({ target }) => {
    const { db, services, chapter, clock } = await setup(target);
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) =>
          services.questions.ask({ asker: ada, chapter, channel: 'C_Q', text: `Question number ${i} here` }),
        ),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 5);
      for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as UserError).key, 'question.rate_limited');
      await services.questions.ask({ asker: member(1), chapter, channel: 'C_Q', text: 'Another member is not limited' });
      clock.advance(10 * 60_000 + 1);
      await services.questions.ask({ asker: ada, chapter, channel: 'C_Q', text: 'Ten minutes later again' });
    } finally {
      await db.destroy();
    }
  }));

test('a delayed post is an outbox row without the asker: it survives a restart and is posted once, even with two processes sending', (t) =>
  eachDatabase(t, async ({ target }) => {
    const env = { ANON_POST_DELAY_MAX: '600' };
    const first = await setup(target, env);
    const q = await first.services.questions.ask({
      asker: ada,
      chapter: first.chapter,
      channel: 'C_Q',
      text: 'Delayed for the asker’s sake',
    });
    assert.ok(q.postAt.getTime() <= first.clock.now().getTime() + 600_000);
    const rows = await first.db.getRepository(OutboxMessage).find();
    assert.equal(rows.length, 1, 'the post waits in the outbox');
    const [row] = rows as [OutboxMessage];
    assert.deepEqual(
      [row.kind, row.questionId, row.subject, row.channel, row.chapterId, row.memberId, row.sealedTo, row.dueAt.getTime()],
      ['question_post', q.id, q.id, 'C_Q', first.chapter.id, null, null, q.postAt.getTime()],
    );
    const text = await outboxText(first.db);
    for (const who of [ada.id, ada.name, q.pseudonym]) assert.ok(!text.includes(who), `the outbox row holds ${who}`);
    await first.db.destroy(); // the bot stops before posting (this one ran no platform)

    // Two processes on the database, with Slack: nothing before the post's time, then one post.
    const clock = new ManualClock(new Date(q.postAt.getTime() - 1));
    const a = await servicesOn(target, clock, undefined, env);
    const b = await servicesOn(target, clock, undefined, env);
    const outboxes = [recordingOutbox(), recordingOutbox()];
    a.services.notifier.register('slack', () => outboxes[0]!);
    b.services.notifier.register('slack', () => outboxes[1]!);
    try {
      assert.equal(await a.services.outbox.deliverDue(), 0, 'not before its time');
      clock.set(new Date(first.clock.now().getTime() + 601_000));
      const sent = await Promise.all([a.services.outbox.deliverDue(), b.services.outbox.deliverDue(), a.services.outbox.deliverDue()]);
      assert.equal(
        sent.reduce((x, y) => x + y, 0),
        1,
      );
      assert.equal(outboxes[0]!.posts.length + outboxes[1]!.posts.length, 1, 'posted once');
      assert.match(textOf([...outboxes[0]!.posts, ...outboxes[1]!.posts][0]!), /Delayed for the asker’s sake/);
      const posted = await a.db.getRepository(Question).findOneByOrFail({ id: q.id });
      assert.ok(posted.postedAt && posted.messageId);
      assert.equal(await a.db.getRepository(OutboxMessage).count(), 0, 'the row is gone once sent');
    } finally {
      await a.db.destroy();
      await b.db.destroy();
    }
  }));

test('a question post the platform keeps refusing waits with the outbox’s backoff, other channels’ posts go meanwhile; given up, the moderators are told once, and a retry posts it', (t) =>
  eachDatabase(t, async ({ target }) => {
    const env = { ANON_POST_DELAY_MAX: '600', OUTBOX_MAX_ATTEMPTS: '2' };
    const s = await setup(target, env);
    // Another process on the same database, or this one after a restart.
    const other = await servicesOn(target, s.clock, undefined, env);
    try {
      await s.services.chapters.setChannels('Berlin', { platform: 'slack', workspace: 'T1' }, { moderation: 'C_MOD' });
      const down = await s.services.questions.ask({
        asker: ada,
        chapter: s.chapter,
        channel: 'C_DOWN',
        text: 'Will this post ever appear?',
      });
      const up = await s.services.questions.ask({
        asker: member(1),
        chapter: s.chapter,
        channel: 'C_UP',
        text: 'And this one, elsewhere?',
      });
      s.clock.set(new Date(s.clock.now().getTime() + 601_000));
      const tried = failingIn(s.services, 'C_DOWN');
      assert.equal(await s.services.outbox.deliverDue(), 1);
      assert.deepEqual(tried.sort(), ['C_DOWN', 'C_UP']);
      assert.ok((await s.services.questions.get(up.id)).messageId, 'the other channel’s question is posted');
      assert.equal((await s.services.questions.get(down.id)).postedAt, null, 'nothing half-posted');
      tried.length = 0;
      assert.equal(await s.services.outbox.deliverDue(), 0);
      assert.deepEqual(tried, [], 'not tried again before its wait is over');

      // The wait is over; another process tries it the second and last time: given up, the moderators told once.
      s.clock.advance(31 * 60_000);
      const elsewhere = failingIn(other.services, 'C_DOWN');
      assert.equal(await other.services.outbox.deliverDue(), 0);
      assert.deepEqual(elsewhere, ['C_DOWN', 'C_MOD'], 'tried, then the moderators told');
      elsewhere.length = 0;
      tried.length = 0;
      s.clock.advance(31 * 60_000);
      await other.services.outbox.deliverDue();
      await s.services.outbox.deliverDue();
      assert.deepEqual([...tried, ...elsewhere], [], 'given up: neither tried nor told again');
      const [row] = await s.services.outbox.undelivered(s.chapter.id);
      assert.ok(row?.givenUpAt && row.kind === 'question_post' && row.subject === down.id, 'listed for /mod outbox');

      // A moderator's retry once the channel works again: posted, and the row is gone.
      failingIn(other.services, 'C_NONE');
      assert.equal((await other.services.outbox.retryUndelivered(s.chapter.id, row.id)).outcome, 'sent');
      const posted = await s.services.questions.get(down.id);
      assert.ok(posted.messageId && posted.postedAt);
      assert.equal(await s.db.getRepository(OutboxMessage).count(), 0);
    } finally {
      await other.db.destroy();
      await s.db.destroy();
    }
  }));

test('the encrypted way back to the asker is erased when the question closes, and after 30 days', (t) =>
  eachDatabase(t, async ({ target }) => {
    const { db, services, chapter, clock } = await setup(target);
    const repo = (d: DataSource) => d.getRepository(Question);
    try {
      const q1 = await askAndPost(services, chapter);
      const q2 = await askAndPost(services, chapter, member(3));
      assert.ok((await repo(db).findOneByOrFail({ id: q1.id })).replyTo);
      await services.questions.close(q1.id, ada, false);
      assert.equal((await repo(db).findOneByOrFail({ id: q1.id })).replyTo, null);
      clock.advance(29 * DAY);
      assert.equal(await services.questions.eraseExpiredAddresses(), 0);
      clock.advance(1 * DAY);
      assert.equal(await services.questions.eraseExpiredAddresses(), 1);
      assert.equal((await repo(db).findOneByOrFail({ id: q2.id })).replyTo, null);
      assert.equal(await services.questions.notifyAsker(await services.questions.get(q2.id)), false, 'nobody to tell any more');
    } finally {
      await db.destroy();
    }
  }));

test('only the asker follows up or reopens; a moderator may close; status moves open → pending → closed', (t) =>
  eachDatabase(t, async ({ target }) => {
    const { db, services, chapter } = await setup(target);
    try {
      const q = await askAndPost(services, chapter);
      await assert.rejects(services.questions.followup(q.id, member(1)), (e: unknown) => (e as UserError).key === 'question.not_asker');
      await assert.rejects(
        services.questions.close(q.id, member(1), false),
        (e: unknown) => (e as UserError).key === 'question.not_asker_or_moderator',
      );
      assert.equal((await services.questions.answer(q.id, member(1), 'first')).first, true);
      assert.equal((await services.questions.answer(q.id, member(2), 'second')).first, false);
      assert.equal((await services.questions.get(q.id)).status, 'pending');
      assert.equal((await services.questions.close(q.id, member(9), true)).status, 'closed');
      await assert.rejects(services.questions.reopen(q.id, member(9)), (e: unknown) => (e as UserError).key === 'question.not_asker');
      assert.equal((await services.questions.reopen(q.id, ada)).status, 'open');
      await assert.rejects(services.questions.get(999), (e: unknown) => (e as UserError).key === 'question.not_found');
    } finally {
      await db.destroy();
    }
  }));

/**
 * Slack's outbox for `services` that records every post, and refuses DMs while `refuse.dm` is set:
 * for good as Slack's adapter does for `cannot_dm_bot` (a UserError), or for the moment (`failing`).
 */
function dmOutbox(services: Services): { posts: Message[]; refuse: { dm: boolean; failing?: boolean } } {
  const outbox = recordingOutbox();
  const refuse: { dm: boolean; failing?: boolean } = { dm: false };
  services.notifier.register('slack', () => ({
    post: async (m) => {
      if (m.visibility.kind === 'dm' && refuse.failing) throw new Error('the platform keeps answering 503');
      if (m.visibility.kind === 'dm' && refuse.dm) throw new UserError('slack.error.cannot_dm', { error: 'cannot_dm_bot' });
      return outbox.post(m);
    },
    edit: outbox.edit,
  }));
  return { posts: outbox.posts, refuse };
}

const dmsTo = (posts: Message[], id: string) => posts.filter((m) => m.visibility.kind === 'dm' && m.visibility.to.id === id);
const textOf = (m: Message) => renderConsole(m, { locale: 'en', timeZone: 'UTC', now: new Date(0) });

test('the asker cannot answer their own question: refused before anything is stored, and pointed to /ask followup', (t) =>
  eachDatabase(t, async ({ target }) => {
    const { db, services, chapter } = await setup(target);
    try {
      const q = await askAndPost(services, chapter);
      await assert.rejects(
        services.questions.answer(q.id, ada, 'It works with open(), I found it'),
        (e: unknown) => e instanceof UserError && e.key === 'question.own_answer' && e.sensitive,
      );
      assert.equal(await db.getRepository(QuestionAnswer).countBy({ questionId: q.id }), 0);
      assert.equal((await services.questions.get(q.id)).status, 'open');
      // Someone else's answer still counts.
      assert.equal((await services.questions.answer(q.id, member(1), 'Use open()')).first, true);
    } finally {
      await db.destroy();
    }
  }));

test('reopening seals the way back again: after the asker’s own close and after a moderator’s, the asker hears of the next answer', (t) =>
  eachDatabase(t, async ({ target }) => {
    const { db, services, chapter, clock } = await setup(target);
    const { posts } = dmOutbox(services);
    const row = (id: number) => db.getRepository(Question).findOneByOrFail({ id });
    try {
      const q = await askAndPost(services, chapter);
      await services.questions.close(q.id, ada, false);
      assert.equal((await row(q.id)).replyTo, null, 'closing erases the address');
      assert.equal(dmsTo(posts, ada.id).length, 0, 'the asker closing is not told of it');
      clock.advance(40 * DAY);
      await services.questions.reopen(q.id, ada);
      const sealed = await row(q.id);
      assert.equal(openAddress(services.config.anonSecret!, sealed.replyTo!)?.id, ada.id, 'the address is sealed again');
      assert.equal(sealed.replyToExpiresAt?.getTime(), clock.now().getTime() + 30 * DAY, 'for 30 days from the reopening');
      await services.questions.answer(q.id, member(1), 'Use open()');
      assert.equal(await services.questions.notifyAsker(await services.questions.get(q.id)), true);
      assert.match(textOf(dmsTo(posts, ada.id).at(-1)!), /question #1 has a new answer/);

      // A moderator closes it: the asker is told (the address is gone only after that), then reopens and hears again.
      await services.questions.close(q.id, member(9), true);
      assert.match(textOf(dmsTo(posts, ada.id).at(-1)!), /A moderator closed your anonymous question #1/);
      assert.equal((await row(q.id)).replyTo, null);
      await services.questions.reopen(q.id, ada);
      await services.questions.answer(q.id, member(2), 'Or pathlib');
      assert.equal(await services.questions.notifyAsker(await services.questions.get(q.id)), true);
      assert.equal(dmsTo(posts, ada.id).length, 3);
      assert.ok(
        dmsTo(posts, ada.id).every((m) => m.sensitive),
        'every notice to the asker is sensitive',
      );
    } finally {
      await db.destroy();
    }
  }));

test('notices no DM can carry are kept on the question without the asker’s id, and /ask mine’s read shows each once', (t) =>
  eachDatabase(t, async ({ target }) => {
    const { db, services, chapter } = await setup(target);
    const { posts, refuse } = dmOutbox(services);
    try {
      const q = await askAndPost(services, chapter);
      refuse.dm = true;
      await services.questions.answer(q.id, member(1), 'first');
      assert.equal(await services.questions.notifyAsker(await services.questions.get(q.id)), false);
      await services.questions.answer(q.id, member(2), 'second');
      await services.questions.notifyAsker(await services.questions.get(q.id));
      await services.questions.block(q.id, 'spam links', 3, { platform: 'slack', workspace: 'T1', id: 'U_MONA', name: 'Mona' });
      await services.questions.hide(q.id, 'spam links');
      assert.equal(dmsTo(posts, ada.id).length, 0);
      assert.equal(await db.getRepository(OutboxMessage).count(), 0, 'their outbox rows are gone');
      const kept = (await db.getRepository(Question).findOneByOrFail({ id: q.id })).pendingNotices!;
      for (const who of [ada.id, ada.name]) assert.ok(!kept.includes(who), `the kept notices name the asker (${who})`);

      assert.deepEqual(await services.questions.takeNotices(member(1)), [], 'nobody else sees them');
      const notices = await services.questions.takeNotices(ada);
      assert.deepEqual(
        notices.map((n) => n.key),
        ['question.notify.answer', 'question.notify.blocked', 'question.notify.hidden'],
        'one per kind',
      );
      assert.deepEqual(await services.questions.takeNotices(ada), [], 'shown once');
      assert.equal((await db.getRepository(Question).findOneByOrFail({ id: q.id })).pendingNotices, null);

      // A moderator's close of a question whose address expired is kept too.
      const q2 = await askAndPost(services, chapter, member(5), 'How do I write a file in Python?');
      await db.getRepository(Question).update({ id: q2.id }, { replyTo: null, replyToExpiresAt: null });
      refuse.dm = false;
      await services.questions.close(q2.id, member(9), true);
      assert.deepEqual(
        (await services.questions.takeNotices(member(5))).map((n) => [n.key, n.params.id]),
        [['question.notify.closed', q2.id]],
      );
    } finally {
      await db.destroy();
    }
  }));

test('a note to an asker waits in the outbox under the sealed address only; given up, it is kept for /ask mine, told to nobody else, and the row is gone', (t) =>
  eachDatabase(t, async ({ target }) => {
    const { db, services, chapter, clock } = await setup(target, { OUTBOX_MAX_ATTEMPTS: '2' });
    const { posts, refuse } = dmOutbox(services);
    try {
      await services.chapters.setChannels('Berlin', { platform: 'slack', workspace: 'T1' }, { moderation: 'C_MOD' });
      const q = await askAndPost(services, chapter);
      refuse.failing = true;
      await services.questions.answer(q.id, member(1), 'Use open()');
      assert.equal(await services.questions.notifyAsker(await services.questions.get(q.id)), false, 'not delivered yet');
      const [row] = await db.getRepository(OutboxMessage).find();
      assert.ok(row);
      assert.deepEqual(
        [row.kind, row.questionId, row.memberId, row.channel, row.sealedTo],
        ['asker_notice', q.id, null, null, (await services.questions.get(q.id)).replyTo],
        'the question’s sealed address, never a user id',
      );
      const text = await outboxText(db);
      for (const who of [ada.id, ada.name, q.pseudonym]) assert.ok(!text.includes(who), `the outbox row holds ${who}`);

      clock.advance(31 * 60_000);
      await services.outbox.deliverDue();
      assert.equal(await db.getRepository(OutboxMessage).count(), 0, 'given up and gone');
      assert.equal(dmsTo(posts, ada.id).length, 0);
      assert.equal(
        posts.filter((m) => m.visibility.kind === 'channel' && m.visibility.channel === 'C_MOD').length,
        0,
        'the moderators are not told of a note to an asker',
      );
      assert.deepEqual(
        (await services.questions.takeNotices(ada)).map((n) => [n.key, n.params.id]),
        [['question.notify.answer', q.id]],
      );
    } finally {
      await db.destroy();
    }
  }));

test('a note to an asker still waiting when the reply address expires loses its copy of the address too, and is kept for /ask mine', (t) =>
  eachDatabase(t, async ({ target }) => {
    const { db, services, chapter, clock } = await setup(target);
    const { posts, refuse } = dmOutbox(services);
    try {
      const q = await askAndPost(services, chapter);
      refuse.failing = true;
      await services.questions.answer(q.id, member(1), 'Use open()');
      assert.equal(await services.questions.notifyAsker(await services.questions.get(q.id)), false, 'not delivered yet');
      assert.ok((await db.getRepository(OutboxMessage).findOneByOrFail({ questionId: q.id, kind: 'asker_notice' })).sealedTo);
      clock.advance(30 * DAY);
      assert.equal(await services.questions.eraseExpiredAddresses(), 1);
      const row = await db.getRepository(OutboxMessage).findOneByOrFail({ questionId: q.id, kind: 'asker_notice' });
      assert.equal(row.sealedTo, null, 'no copy of the address outlives the question’s');
      refuse.failing = false;
      await services.outbox.deliverDue();
      assert.equal(await db.getRepository(OutboxMessage).count(), 0);
      assert.equal(dmsTo(posts, ada.id).length, 0, 'nobody to send it to any more');
      assert.deepEqual(
        (await services.questions.takeNotices(ada)).map((n) => [n.key, n.params.id]),
        [['question.notify.answer', q.id]],
      );
    } finally {
      await db.destroy();
    }
  }));

test('a post whose process died after claiming it is sent once: at the restart on SQLite, after the lease on PostgreSQL', (t) =>
  eachDatabase(t, async (database) => {
    const { db, services, chapter, clock } = await setup(database.target);
    const restarted = await (async () => {
      const q = await services.questions.ask({ asker: ada, chapter, channel: 'C_Q', text: 'Interrupted between the claim and the save?' });
      // The process claimed the row (as the outbox's claim does) and died before the platform's answer was saved.
      await db
        .getRepository(OutboxMessage)
        .update({ questionId: q.id }, { leasedUntil: new Date(clock.now().getTime() + OUTBOX_LEASE_MS), attempts: 1 });
      clock.set(new Date(clock.now().getTime() + 1000));
      return { q, ...(await servicesOn(database.target, clock)) };
    })();
    try {
      const outbox = recordingOutbox();
      restarted.services.notifier.register('slack', () => outbox);
      if (database.kind === 'postgres') {
        assert.equal(await restarted.services.outbox.deliverDue(), 0, 'another process may still be posting it');
        assert.equal(outbox.posts.length, 0);
        clock.set(new Date(clock.now().getTime() + OUTBOX_LEASE_MS));
      }
      assert.equal(await restarted.services.outbox.deliverDue(), 1);
      assert.equal(outbox.posts.length, 1);
      assert.ok((await restarted.services.questions.get(restarted.q.id)).messageId, 'posted and saved');
      assert.equal(await restarted.services.outbox.deliverDue(), 0, 'once');
    } finally {
      await restarted.db.destroy();
      await db.destroy();
    }
  }));
