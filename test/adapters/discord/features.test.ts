import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkshopSignup } from '../../../entities/WorkshopSignup.js';
import { eachDatabase, type TestDatabase } from '../../support/helpers.js';
import { discordBot as sharedDiscordBot, int, str, sub } from '../../support/discord-bot.js';
import type { FakeUser } from '../../support/fake-discord.js';

// The real features through the real discord.js client and the real app, against a fake Discord.

const alice: FakeUser = { id: '555555555555555501', username: 'alice', globalName: 'Alice Asker' };
const mona: FakeUser = { id: '555555555555555502', username: 'mona' };
const rolf: FakeUser = { id: '555555555555555503', username: 'rolf' };

async function bot(database: TestDatabase, env: Record<string, string> = {}) {
  const base = await sharedDiscordBot(database, env, { guilds: 1 });
  const { fake, app } = base;
  const [, questions] = fake.guild.channels.map((c) => c.id) as [string, string];
  const reply = base.callback;
  // A chapter bound to the server, with its questions channel.
  await reply(fake.slash(mona, 'chapter', sub('create', [str('name', 'Berlin'), str('timezone', 'Europe/Berlin')]), { moderator: true }));
  const channels = { channels: { [questions]: { id: questions, type: 0, name: 'questions', permissions: '0', guild_id: fake.guild.id } } };
  const moderation = fake.guild.channels[2]!.id;
  const both = {
    channels: {
      ...channels.channels,
      [moderation]: { id: moderation, type: 0, name: 'moderation', permissions: '0', guild_id: fake.guild.id },
    },
  };
  await reply(
    fake.slash(
      mona,
      'chapter',
      sub('set', [
        str('name', 'Berlin'),
        { name: 'questions-channel', type: 7, value: questions },
        { name: 'moderation-channel', type: 7, value: moderation },
      ]),
      { moderator: true, resolved: both },
    ),
  );
  return {
    fake,
    app,
    questions,
    moderation,
    clock: base.clock,
    reply,
    sub,
    str,
    int,
    stop: base.stop,
  };
}

test('/ask on Discord: an ephemeral answer, a separate post naming nobody, and Me too updating the count', (t) =>
  eachDatabase(t, async (database) => {
    const b = await bot(database);
    try {
      const i = b.fake.slash(alice, 'ask', [
        { name: 'new', type: 1, options: [b.str('text', 'How do I start with Python? @everyone <@123456789012345678>')] },
      ]);
      const answer = await b.reply(i);
      assert.match(answer, /"flags":64/);
      assert.match(answer, /Your question #1 is posted in <#\d+>/);
      const post = await b.fake.waitFor(() => b.fake.posts(b.questions)[0]);
      const sent = b.fake.calls.find((c) => c.method === 'POST' && c.path === `/channels/${b.questions}/messages`)!;
      const body = JSON.stringify(sent.body);
      for (const who of [alice.id, alice.username, alice.globalName!]) assert.ok(!body.includes(who), `the post names the asker (${who})`);
      assert.deepEqual((sent.body as { allowed_mentions: { parse: unknown[] } }).allowed_mentions.parse, []);
      assert.doesNotMatch(body, /@everyone|<@\d+>/);
      assert.match(body, /Anonymous question #1/);
      assert.match(body, /"custom_id":"cmd:\/ask metoo id:1".*"custom_id":"cmd:\/ask answer id:1".*"custom_id":"cmd:\/ask report id:1"/);
      assert.equal(b.fake.responses(i).length, 1, 'the question is not the reply to the interaction');

      assert.match(await b.reply(b.fake.click(rolf, post, 'cmd:/ask metoo id:1')), /People who have question #1 too: 1/);
      const edited = await b.fake.waitFor(() => b.fake.messages.get(post.id)!.edits > 0 && b.fake.messages.get(post.id));
      assert.match(JSON.stringify(edited.embeds), /1 person has this question too/);
      assert.match(await b.reply(b.fake.click(alice, post, 'cmd:/ask metoo id:1')), /You asked question #1 yourself/);
      // The Answer button opens a form for the answer's text.
      assert.match(await b.reply(b.fake.click(rolf, post, 'cmd:/ask answer id:1')), /"type":9/);
      // The list links the post itself, which Discord shows as a jump to the message.
      const listed = await b.reply(b.fake.slash(rolf, 'questions', [{ name: 'list', type: 1, options: [] }]));
      assert.ok(listed.includes(`https://discord.com/channels/${b.fake.guild.id}/${b.questions}/${post.id}`), listed);
    } finally {
      await b.stop();
    }
  }));

test('/workshop claim from many coaches at once on Discord: exactly the slots, the rest waiting', (t) =>
  eachDatabase(t, async (database) => {
    const b = await bot(database);
    try {
      await b.reply(
        b.fake.slash(
          mona,
          'workshop',
          b.sub('create', [
            b.str('chapter', 'Berlin'),
            b.str('title', 'Python basics'),
            b.str('topic', 'python'),
            b.str('date', '2027-04-10'),
            b.str('time', '18:00'),
            b.int('learners', 12),
            b.int('coaches', 3),
          ]),
          { moderator: true },
        ),
      );
      const coaches = Array.from({ length: 16 }, (_, n): FakeUser => ({
        id: `77777777777777${String(n).padStart(4, '0')}`,
        username: `coach${n}`,
      }));
      for (const c of coaches) await b.reply(b.fake.slash(c, 'coach', b.sub('volunteer', [b.str('topics', 'python')])));
      const claims = coaches.map((c) => b.fake.slash(c, 'workshop', b.sub('claim', [b.int('id', 1)])));
      const answers = await Promise.all(claims.map((i) => b.reply(i)));
      const signups = await b.app.db.getRepository(WorkshopSignup).findBy({ workshopId: 1, role: 'coach' });
      assert.equal(signups.filter((s) => s.state === 'confirmed').length, 3);
      assert.equal(signups.filter((s) => s.state === 'waiting').length, 13);
      assert.equal(answers.length, 16);
      assert.ok(
        answers.every((a) => /"flags":64/.test(a)),
        'every claim answered ephemerally',
      );
      // Autocomplete offers the workshop by number, as a number (an integer option).
      const typed = b.fake.slash(
        mona,
        'workshop',
        [{ name: 'show', type: 1, options: [{ name: 'id', type: 4, value: 'pyth', focused: true }] }],
        { autocomplete: true },
      );
      assert.match(await b.reply(typed), /"choices":\[\{"name":"#1 Python basics \(2027-04-10\)","value":1\}\]/);
    } finally {
      await b.stop();
    }
  }));

test('a question post Discord keeps refusing (5xx after the retries) tells the member it waits; the question stays and the outbox posts it once after its wait', (t) =>
  eachDatabase(t, async (database) => {
    // Two retries with backoff (src/core/retry.ts): the answer comes after the deferral, as an edit.
    const b = await bot(database, { PLATFORM_RETRIES: '2' });
    try {
      b.fake.failNext('POST', new RegExp(`^/channels/${b.questions}/messages$`), 503, { message: 'Service Unavailable', code: 0 }, {}, 20);
      const i = b.fake.slash(alice, 'ask', [{ name: 'new', type: 1, options: [b.str('text', 'Will this question survive an outage?')] }]);
      const answer = JSON.stringify(
        (await b.fake.waitFor(() => b.fake.responses(i).find((r) => !/"type":5/.test(JSON.stringify(r.body))), 'the answer')).body,
      );
      assert.match(
        answer,
        new RegExp(`Your question #1 is saved, but the platform did not accept its post in <#${b.questions}> yet. The bot keeps trying`),
        'the channel is a link Discord shows by name',
      );
      assert.doesNotMatch(answer, /incident/);
      const attempts = b.fake.calls.filter((c) => c.method === 'POST' && c.path === `/channels/${b.questions}/messages`);
      assert.equal(attempts.length, 3, 'retried twice');
      assert.equal(b.fake.posts(b.moderation).length, 0, 'the moderators hear only if the outbox gives it up');
      // Discord answers again: after the outbox's wait, the question is posted, once.
      const q = await b.app.services.questions.get(1);
      assert.equal(q.postedAt, null, 'not marked posted');
      b.fake.clearFailures();
      assert.equal(await b.app.services.outbox.deliverDue(), 0, 'waiting');
      b.clock.advance(31 * 60_000);
      assert.equal(await b.app.services.outbox.deliverDue(), 1);
      assert.equal(await b.app.services.outbox.deliverDue(), 0);
      assert.equal(b.fake.posts(b.questions).length, 1);
      assert.equal((await b.app.services.questions.get(1)).messageId, b.fake.posts(b.questions)[0]!.id);
    } finally {
      await b.stop();
    }
  }));
