import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Question } from '../../../entities/Question.js';
import { QuestionAnswer } from '../../../entities/QuestionAnswer.js';
import { FORM_PREFIX } from '../../../src/adapters/discord/forms.js';
import { startSlack } from '../../../src/adapters/slack/adapter.js';
import { createApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { ManualClock } from '../../../src/core/clock.js';
import { UserError } from '../../../src/core/errors.js';
import { message } from '../../../src/core/reply.js';
import { capturedLogger, eachDatabase, tempDir, type TestDatabase } from '../../support/helpers.js';
import type { FakeDiscord } from '../../support/fake-discord.js';
import { type FakeMessage, type FakeUser } from '../../support/fake-discord.js';
import { FakeSlack } from '../../support/fake-slack.js';
import { discordBot as sharedDiscordBot, int, str, sub } from '../../support/discord-bot.js';
import { interactionBody, postSigned, slashCommandBody } from '../../support/slack-requests.js';

// An asker whose direct messages are refused (Discord 50007; Slack cannot_dm_bot, user_not_found
// and the like) must not be unmasked by the bot's fallbacks. For every notice of the anonymous flow
// (an answer, a moderator's close, hide and block) the DM is refused; no channel post may then hold
// the asker's id, name or mention, and the asker reads the notices at their next /ask mine.
// Also: the asker answering their own question (command, button, form) is refused before anything
// is posted or stored. The real adapters and the real app against fake platforms on loopback.

// ---------------------------------------------------------------- Discord

const alice: FakeUser = { id: '555555555555555501', username: 'alice', globalName: 'Alice Asker' };
const mona: FakeUser = { id: '555555555555555502', username: 'mona' };
const rolf: FakeUser = { id: '555555555555555503', username: 'rolf' };

async function discordBot(database: TestDatabase, env: Record<string, string> = {}) {
  const base = await sharedDiscordBot(database, env, { guilds: 1 });
  const { fake, app, log } = base;
  const [, questions, moderation] = fake.guild.channels.map((c) => c.id) as [string, string, string];
  const reply = base.callback;
  await reply(fake.slash(mona, 'chapter', sub('create', [str('name', 'Berlin'), str('timezone', 'Europe/Berlin')]), { moderator: true }));
  const resolved = {
    channels: {
      [questions]: { id: questions, type: 0, name: 'questions', permissions: '0', guild_id: fake.guild.id },
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
      { moderator: true, resolved },
    ),
  );
  return {
    fake,
    app,
    log,
    questions,
    reply,
    sub,
    str,
    int,
    stop: base.stop,
  };
}

/** Every message in a server channel or thread: not interaction answers (stored under channel 0) and not DMs. */
function channelPosts(fake: FakeDiscord): FakeMessage[] {
  const dms = new Set([alice, mona, rolf].map((u) => fake.dmChannelOf(u.id)).filter(Boolean));
  return [...fake.messages.values()].filter((m) => m.channel_id !== '0' && !dms.has(m.channel_id));
}

function assertNobodyNamed(posts: readonly unknown[], who: readonly string[]): void {
  for (const post of posts) {
    const text = JSON.stringify(post);
    for (const needle of who) assert.ok(!text.includes(needle), `a channel post names the asker (${needle}): ${text}`);
  }
}

test('Discord, DMs closed (50007): no notice about an anonymous question reaches a channel; /ask mine shows them once', (t) =>
  eachDatabase(t, async (database) => {
    const b = await discordBot(database);
    try {
      b.fake.dmClosed.add(alice.id);
      assert.match(
        await b.reply(b.fake.slash(alice, 'ask', b.sub('new', [b.str('text', 'How do I read a file in Python?')]))),
        /Your question #1 is posted/,
      );
      const post = await b.fake.waitFor(() => b.fake.posts(b.questions)[0]);

      // The asker's own answer: by command, by the button's form. Refused, ephemeral, nothing posted or stored.
      const own = await b.reply(b.fake.slash(alice, 'ask', b.sub('answer', [b.int('id', 1), b.str('text', 'I found it: open()')])));
      assert.match(own, /You asked question #1 yourself.*\/ask followup id:1/);
      assert.match(own, /"flags":64/);
      assert.match(await b.reply(b.fake.click(alice, post, 'cmd:/ask answer id:1')), /"type":9/, 'the button opens the form');
      const formed = await b.reply(b.fake.submit(alice, `${FORM_PREFIX}/ask answer id:1`, { text: 'I found it: open()' }));
      assert.match(formed, /You asked question #1 yourself/);
      assert.match(formed, /"flags":64/);
      assert.equal(b.fake.threadOf(post.id), undefined, 'no thread was started for an answer');
      assert.equal(await b.app.db.getRepository(QuestionAnswer).count(), 0);

      // Each notice of the flow, with the asker's DMs closed.
      const refused = () => b.fake.calls.filter((c) => c.status === 403 && /^\/channels\/\d+\/messages$/.test(c.path)).length;
      await b.reply(b.fake.slash(rolf, 'ask', b.sub('answer', [b.int('id', 1), b.str('text', 'Use open() with a with-block.')])));
      await b.fake.waitFor(() => refused() === 1, 'the answer notice refused');
      await b.reply(b.fake.slash(mona, 'ask', b.sub('close', [b.int('id', 1)]), { moderator: true }));
      await b.fake.waitFor(() => refused() === 2, 'the close notice refused');
      assert.match(await b.reply(b.fake.slash(alice, 'ask', b.sub('reopen', [b.int('id', 1)]))), /open again/);
      // Reopening sealed the address again (the moderator's close erased it): with DMs open, the next answer reaches the asker.
      b.fake.dmClosed.delete(alice.id);
      await b.reply(b.fake.slash(rolf, 'ask', b.sub('answer', [b.int('id', 1), b.str('text', 'Or pathlib.Path.read_text().')])));
      const dm = await b.fake.waitFor(() => b.fake.posts(b.fake.dmChannelOf(alice.id)!).at(-1), 'the answer notice by DM');
      assert.match(JSON.stringify(dm.embeds), /Your anonymous question #1 has a new answer/);
      b.fake.dmClosed.add(alice.id);
      await b.reply(
        b.fake.slash(mona, 'mod', b.sub('block', [b.int('question', 1), b.str('reason', 'spam links'), b.int('days', 3)]), {
          moderator: true,
        }),
      );
      await b.fake.waitFor(() => refused() === 3, 'the block notice refused');
      await b.reply(b.fake.slash(mona, 'mod', b.sub('hide', [b.int('id', 1), b.str('reason', 'spam links')]), { moderator: true }));
      await b.fake.waitFor(() => refused() === 4, 'the hide notice refused');
      // The block refusal is an answer only the asker sees.
      const blocked = await b.reply(b.fake.slash(alice, 'ask', b.sub('new', [b.str('text', 'Another question about Python?')])));
      assert.match(blocked, /You cannot post anonymously until/);
      assert.match(blocked, /"flags":64/);

      assert.ok(channelPosts(b.fake).length >= 2, 'the question and its answer are posted');
      assertNobodyNamed(channelPosts(b.fake), [alice.id, alice.username, alice.globalName!]);
      assert.ok(!b.log.lines().join('\n').includes(alice.id), 'no asker id in the log');
      const kept = (await b.app.db.getRepository(Question).findOneByOrFail({ id: 1 })).pendingNotices!;
      for (const needle of [alice.id, alice.username, alice.globalName!])
        assert.ok(!kept.includes(needle), 'the kept notices name the asker');

      const mine = await b.reply(b.fake.slash(alice, 'ask', b.sub('mine')));
      assert.match(mine, /"flags":64/);
      for (const notice of [
        /question #1 has a new answer/,
        /A moderator closed your anonymous question #1/,
        /stopped you from asking.*spam links/,
        /moderators hid your anonymous question #1/,
      ])
        assert.match(mine, notice);
      assert.doesNotMatch(await b.reply(b.fake.slash(alice, 'ask', b.sub('mine'))), /could not reach you/, 'shown once');
    } finally {
      await b.stop();
    }
  }));

test('Discord: a reminder to a member with DMs closed falls back to a channel notice unless DM_FALLBACK=none; a sensitive DM never does', (t) =>
  eachDatabase(t, async (database) => {
    for (const fallback of ['channel', 'none'] as const) {
      const b = await discordBot(database, { DM_FALLBACK: fallback });
      try {
        b.fake.dmClosed.add(rolf.id);
        const outbox = b.app.services.notifier.outbox('discord', b.fake.guild.id)!;
        const to = { kind: 'dm', to: { id: rolf.id, name: rolf.username } } as const;
        const before = channelPosts(b.fake).length;
        await assert.rejects(
          outbox.post(message('Your anonymous question #1 has a new answer.', { visibility: to, sensitive: true })),
          (e: unknown) => e instanceof UserError && e.key === 'discord.dm_refused',
        );
        assert.equal(channelPosts(b.fake).length, before, 'nothing posted for a sensitive DM');
        if (fallback === 'channel') {
          const ref = await outbox.post(message('Reminder: workshop tomorrow.', { visibility: to }));
          assert.equal(ref.channel, b.questions);
          const notice = b.fake.messages.get(ref.messageId)!;
          assert.match(JSON.stringify(notice), new RegExp(`<@${rolf.id}> I could not send you a direct message`));
          assert.doesNotMatch(JSON.stringify(notice), /workshop tomorrow/);
        } else {
          await assert.rejects(
            outbox.post(message('Reminder: workshop tomorrow.', { visibility: to })),
            (e: unknown) => e instanceof UserError && e.key === 'discord.dm_refused',
          );
          assert.equal(channelPosts(b.fake).length, before, 'DM_FALLBACK=none posts nothing');
        }
        // A sensitive message is refused anywhere but a DM, before any call.
        await assert.rejects(
          outbox.post(message('about question #1', { visibility: { kind: 'channel', channel: b.questions }, sensitive: true })),
          /sensitive message goes by direct message only/,
        );
      } finally {
        await b.stop();
      }
    }
  }));

// ---------------------------------------------------------------- Slack

const SECRET = 'dm-refused-signing-secret-0123456789';

async function slackBot(database: TestDatabase) {
  const fake = await new FakeSlack().start();
  fake.users.set('UADMIN', { name: 'ada', isAdmin: true });
  fake.users.set('UASKER', { name: 'asker_q7x2k9' });
  fake.users.set('UCOACH', { name: 'coach_c' });
  const tmp = tempDir();
  const log = capturedLogger();
  const config = loadConfig({
    DATABASE_URL: database.url,
    DATA_DIR: tmp.dir,
    SLACK_BOT_TOKEN: 'xoxb-dm',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.apiUrl,
    RATE_LIMIT_MAX: '1000',
  });
  const app = await createApp(config, log.log, new ManualClock(new Date('2027-03-01T10:00:00Z')));
  const slack = await startSlack(app, config, log.log, { listen: { port: 0, host: '127.0.0.1' } });
  const url = `http://127.0.0.1:${slack.port}/slack/events`;
  let n = 0;
  const slash = async (user: string, command: string, text: string) => {
    const id = `r${++n}`;
    const answer = await postSigned(url, slashCommandBody({ command, text, user, responseUrl: fake.responseUrl(id) }), SECRET);
    return { ...answer, id };
  };
  assert.match(
    String((await slash('UADMIN', '/chapter', 'create name:Berlin timezone:Europe/Berlin')).json?.text),
    /Chapter Berlin created/,
  );
  await slash('UADMIN', '/chapter', 'set name:Berlin questions-channel:<#CQUESTIONS|questions> moderation-channel:<#CMOD|moderation>');
  return {
    fake,
    app,
    log,
    url,
    slash,
    stop: async () => {
      await slack.stop();
      await fake.stop();
      await app.close();
      tmp.remove();
    },
  };
}

test('Slack, DMs refused (cannot_dm_bot, user_not_found, …): no notice about an anonymous question reaches a channel; /ask mine shows them once', (t) =>
  eachDatabase(t, async (database) => {
    const b = await slackBot(database);
    try {
      assert.match(String((await b.slash('UASKER', '/ask', 'How do I read a file in Python?')).json?.text), /Your question #1 is posted/);

      // The asker's own answer: typed in full, and through the form. Refused, ephemeral, nothing posted or stored.
      const postsBefore = b.fake.callsOf('chat.postMessage').length;
      const own = await b.slash('UASKER', '/ask', 'answer id:1 text:"I found it: open()"');
      assert.match(String(own.json?.text), /You asked question #1 yourself.*\/ask followup id:1/);
      assert.notEqual(own.json?.response_type, 'in_channel');
      const opened = await b.slash('UASKER', '/ask', 'answer id:1');
      assert.equal(opened.text, '', 'the form opened');
      const view = b.fake.callsOf('views.open').at(-1)!.params.view as { callback_id: string; private_metadata: string };
      const submitted = await postSigned(
        b.url,
        interactionBody({
          type: 'view_submission',
          team: { id: 'T1', domain: 'test' },
          user: { id: 'UASKER', username: 'asker_q7x2k9', name: 'asker_q7x2k9', team_id: 'T1' },
          api_app_id: 'A1',
          token: 'deprecated',
          trigger_id: 'trigger-submit',
          view: {
            id: 'V1',
            type: 'modal',
            callback_id: view.callback_id,
            private_metadata: view.private_metadata,
            state: {
              values: {
                id: { value: { type: 'number_input', value: '1' } },
                text: { value: { type: 'plain_text_input', value: 'I found it: open()' } },
              },
            },
            hash: 'h',
          },
          response_urls: [],
        }),
        SECRET,
      );
      assert.equal(submitted.status, 200, submitted.text);
      const formed = await b.fake.until('the form’s answer', () => b.fake.responses.find((r) => r.id === opened.id));
      assert.match(String(formed.body.text), /You asked question #1 yourself/);
      assert.equal(formed.body.response_type, 'ephemeral');
      assert.equal(b.fake.callsOf('chat.postMessage').length, postsBefore, 'nothing posted');
      assert.equal(await b.app.db.getRepository(QuestionAnswer).count(), 0);

      // Each notice of the flow, each DM refused in another of Slack's ways.
      const refusals = () =>
        b.fake.calls.filter((c) => c.outcome !== 'ok' && (c.method === 'conversations.open' || c.method === 'chat.postMessage')).length;
      b.fake.failNext('conversations.open', { kind: 'error', error: 'cannot_dm_bot' });
      await b.slash('UCOACH', '/ask', 'answer id:1 text:"Use open() with a with-block."');
      await b.fake.until('the answer notice refused', () => refusals() === 1);
      b.fake.failNext('conversations.open', { kind: 'error', error: 'user_not_found' });
      await b.slash('UADMIN', '/ask', 'close id:1');
      await b.fake.until('the close notice refused', () => refusals() === 2);
      assert.match(String((await b.slash('UASKER', '/ask', 'reopen id:1')).json?.text), /open again/);
      b.fake.failNext('conversations.open', { kind: 'error', error: 'user_disabled' });
      await b.slash('UADMIN', '/mod', 'block question:1 reason:"spam links" days:3');
      await b.fake.until('the block notice refused', () => refusals() === 3);
      // The conversation opens, but Slack will not take the message in it.
      b.fake.failNext('chat.postMessage', { kind: 'error', error: 'channel_not_found' });
      await b.slash('UADMIN', '/mod', 'hide id:1 reason:"spam links"');
      await b.fake.until('the hide notice refused', () => refusals() === 4);
      const blocked = await b.slash('UASKER', '/ask', 'Another question about Python?');
      assert.match(String(blocked.json?.text), /You cannot post anonymously until/);
      assert.notEqual(blocked.json?.response_type, 'in_channel');

      const publicCalls = b.fake.calls.filter(
        (c) => (c.method === 'chat.postMessage' || c.method === 'chat.update') && !String(c.params.channel).startsWith('D'),
      );
      assert.ok(publicCalls.length >= 2, 'the question and its answer are posted');
      assertNobodyNamed(publicCalls, ['UASKER', 'asker_q7x2k9']);
      assertNobodyNamed(
        b.fake.responses.filter((r) => r.body.response_type === 'in_channel'),
        ['UASKER', 'asker_q7x2k9'],
      );
      assert.ok(!b.log.lines().join('\n').includes('UASKER'), 'no asker id in the log');

      const mine = String((await b.slash('UASKER', '/ask', 'mine')).json?.text);
      for (const notice of [
        /question #1 has a new answer/,
        /A moderator closed your anonymous question #1/,
        /stopped you from asking.*spam links/,
        /moderators hid your anonymous question #1/,
      ])
        assert.match(mine, notice);
      assert.doesNotMatch(String((await b.slash('UASKER', '/ask', 'mine')).json?.text), /could not reach you/, 'shown once');
    } finally {
      await b.stop();
    }
  }));
