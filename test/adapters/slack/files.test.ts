import assert from 'node:assert/strict';
import { test } from 'node:test';
import { webApi } from '@slack/bolt';
import fc from 'fast-check';
import { INLINE_BUDGET, inlineNotes, inlineParts } from '../../../src/adapters/slack/files.js';
import { escapeSlack, renderSlack, type SlackBlock } from '../../../src/adapters/slack/render.js';
import { SlackOutbox } from '../../../src/adapters/slack/web.js';
import { translator } from '../../../src/core/i18n.js';
import { message } from '../../../src/core/reply.js';
import { FakeSlack } from '../../support/fake-slack.js';
import { capturedLogger, eachDatabase } from '../../support/helpers.js';
import { slackBot } from '../../support/slack-bot.js';
import { postSigned, slashCommandBody } from '../../support/slack-requests.js';

// Files as files on Slack, through the real Bolt app and the real app against the fake Slack: an
// .ics or a `/privacy export` is uploaded (files.getUploadURLExternal, the bytes, then
// files.completeUploadExternal) to the member's DM, and the ephemeral answer says so; without the
// files:write scope, it is shown inline with a line saying what to add to the app.

type Bot = Awaited<ReturnType<typeof slackBot>>;

const USERS = { UMONA: { name: 'mona', admin: true }, ULEA: { name: 'lea' } };

/** A slash command's whole answer (it rides on the acknowledgement: the uploads are quick on loopback). */
async function answer(b: Bot, user: string, command: string, text: string) {
  const sent = await postSigned(
    b.url,
    slashCommandBody({ command, text, user, responseUrl: b.fake.responseUrl(`${user}-${text}`) }),
    b.secret,
  );
  assert.equal(sent.status, 200);
  const json = sent.json ?? (await b.fake.until('the answer', () => b.fake.responses.find((r) => r.id === `${user}-${text}`)))?.body;
  return json as { text: string; blocks: SlackBlock[]; response_type: string };
}

const blockText = (blocks: readonly SlackBlock[]) => blocks.map((x) => ('text' in x ? x.text.text : '')).join('\n');

async function withWorkshop(b: Bot): Promise<void> {
  await b.slash('UMONA', '/chapter', 'create name:Berlin timezone:Europe/Berlin');
  assert.match(
    await b.slash('UMONA', '/workshop', 'create chapter:Berlin title:"Python day" topic:Python date:2027-03-02 time:10:00 learners:3'),
    /Workshop #1/,
  );
  assert.match(await b.slash('ULEA', '/workshop', 'join 1'), /Workshop #1|confirmed|waitlist/);
}

test('Slack: a member’s /workshop ics and /privacy export are uploaded to their DM with the app, and the answer says so', (t) =>
  eachDatabase(t, async (database) => {
    const b = await slackBot(database, {}, { users: USERS });
    try {
      await withWorkshop(b);
      const ics = await answer(b, 'ULEA', '/workshop', 'ics 1');
      assert.notEqual(ics.response_type, 'in_channel');
      assert.match(ics.text, /I sent workshop-1\.ics to our direct messages\./);
      assert.doesNotMatch(JSON.stringify(ics.blocks), /BEGIN:VCALENDAR|```/, 'the calendar is not shown inline');

      const w = await b.app.services.workshops.get(1);
      const expected = b.app.services.workshops.calendar([w], w.title);
      assert.equal(b.fake.sharedFiles.length, 1);
      const [calendar] = b.fake.sharedFiles;
      assert.equal(calendar!.filename, 'workshop-1.ics');
      assert.equal(calendar!.channel, 'DULEA', 'shared in her DM with the app');
      assert.equal(calendar!.bytes.toString('utf8'), expected, 'the bytes are the calendar’s');
      assert.deepEqual(
        b.fake.callsOf('conversations.open').map((c) => c.params.users),
        ['ULEA'],
      );

      const exported = await answer(b, 'ULEA', '/privacy', 'export');
      assert.notEqual(exported.response_type, 'in_channel');
      assert.match(exported.text, /I sent my-data\.json to our direct messages\./);
      assert.equal(b.fake.sharedFiles.length, 2);
      const data = b.fake.sharedFiles[1]!;
      assert.equal(data.filename, 'my-data.json');
      assert.equal(data.channel, 'DULEA');
      const parsed = JSON.parse(data.bytes.toString('utf8')) as unknown;
      assert.match(JSON.stringify(parsed), /Python day/, 'her sign-up is in her export');
      assert.doesNotMatch(JSON.stringify(exported.blocks), /Python day/, 'and not in the channel’s answer');
    } finally {
      await b.stop();
    }
  }));

test('Slack without files:write: the file is shown inline with a line saying which scope to add, in the member’s language', (t) =>
  eachDatabase(t, async (database) => {
    const b = await slackBot(database, {}, { users: USERS });
    try {
      await withWorkshop(b);
      b.fake.failNext('files.getUploadURLExternal', { kind: 'error', error: 'missing_scope' });
      const ics = await answer(b, 'ULEA', '/workshop', 'ics 1');
      assert.match(ics.text, /Add the files:write scope to the Slack app to receive files as files\./);
      const shown = blockText(ics.blocks);
      assert.match(shown, /\*workshop-1\.ics\*/);
      assert.match(shown, /```BEGIN:VCALENDAR\n[^]*END:VCALENDAR\n?```/);
      assert.equal(b.fake.sharedFiles.length, 0);

      // A bot token Slack will not let upload at all: the same, in German for a member who reads German.
      b.fake.users.set('ULUKAS', { name: 'lukas', locale: 'de-DE' });
      b.fake.failNext('files.getUploadURLExternal', { kind: 'error', error: 'not_allowed_token_type' });
      const exported = await answer(b, 'ULUKAS', '/privacy', 'export');
      assert.match(exported.text, /Füge der Slack-App die Berechtigung files:write hinzu/);
      assert.match(blockText(exported.blocks), /\*my-data\.json\*\n?[^]*```\{/);
      assert.equal(b.fake.sharedFiles.length, 0);
    } finally {
      await b.stop();
    }
  }));

test('a file shown inline is cut into code sections within Slack’s limits, over several messages if need be, and they hold all of it', () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.constantFrom('a', '&', '<', '>', '\n', 'é', '😀', ' '), maxLength: 30000, size: 'max' }), (data) => {
      const payloads = renderSlack(message('Your file', { attachments: [{ filename: 'x.txt', contentType: 'text/plain', data }] }));
      // Slack lets a command answer through its response URL five times: the answer and its parts fit.
      assert.ok(payloads.length <= 4, `${payloads.length} messages`);
      const texts: string[] = [];
      for (const rendered of payloads) {
        const shown = rendered.blocks.map((x) => ('text' in x ? x.text.text : ''));
        assert.ok(rendered.blocks.length <= 50);
        assert.ok(shown.every((s) => s.length <= 3000));
        // At most our limit, as the renderer keeps it (docs/LIMITS.md); Slack refuses around 13,000.
        assert.ok(shown.join('').length <= 12000, `${shown.join('').length} characters in blocks`);
        texts.push(...shown);
      }
      const parts = inlineParts([{ filename: 'x.txt', contentType: 'text/plain', data }])[0];
      if (escapeSlack(data).length > INLINE_BUDGET) {
        assert.equal(parts, undefined, 'too long: named, not shown');
        return;
      }
      const code = texts.filter((s) => s.startsWith('```')).map((s) => s.slice(3, -3));
      assert.equal(code.join(''), escapeSlack(data), 'every character is shown, once, in order');
    }),
    // A failure is reported as found: shrinking strings of 30,000 characters took many minutes once, and held up CI.
    { numRuns: 100, endOnFailure: true },
  );
});

test('a file too long to show inline is named, and its message says so in the reader’s language', () => {
  const data = 'x'.repeat(INLINE_BUDGET + 1);
  const m = inlineNotes(message('Here it is'), translator('de'));
  assert.equal(m.body.length, 1, 'no files, no notes');
  const big = inlineNotes(
    message('Here it is', { attachments: [{ filename: 'big.csv', contentType: 'text/csv', data }] }),
    translator('de'),
    'slack.file.no_scope',
  );
  const shown = blockText(renderSlack(big).flatMap((payload) => payload.blocks));
  assert.match(shown, /Füge der Slack-App die Berechtigung files:write hinzu/);
  assert.match(shown, new RegExp(`big\\.csv \\(${INLINE_BUDGET + 1} Zeichen\\) ist zu lang`));
  assert.match(shown, /\*big\.csv\*/);
  assert.doesNotMatch(shown, /xxxx/, 'not cut off silently');
});

test('a post with a file shares it where the post goes: a DM in the member’s DM, a thread reply in the thread', async () => {
  const fake = await new FakeSlack().start();
  try {
    const client = new webApi.WebClient('xoxb-test', { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
    const outbox = new SlackOutbox(client, 'otsbot', {}, { log: capturedLogger().log, t: translator('en') });
    const ics = { filename: 'coaching.ics', contentType: 'text/calendar', data: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n' };
    await outbox.post(message('Your calendar', { visibility: { kind: 'dm', to: { id: 'UADA', name: 'ada' } }, attachments: [ics] }));
    await outbox.post(
      message('The export', {
        visibility: { kind: 'thread', channel: 'CMOD', messageId: '1700000000.000001' },
        attachments: [{ filename: 'x.csv', contentType: 'text/csv', data: new TextEncoder().encode('a,b\n1,2\n') }],
      }),
    );
    assert.deepEqual(
      fake.sharedFiles.map((f) => [f.filename, f.channel, f.thread, f.bytes.toString('utf8')]),
      [
        ['coaching.ics', 'DUADA', undefined, 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n'],
        ['x.csv', 'CMOD', '1700000000.000001', 'a,b\n1,2\n'],
      ],
    );
    const posts = fake.callsOf('chat.postMessage');
    assert.deepEqual(
      posts.map((c) => c.params.channel),
      ['DUADA', 'CMOD'],
    );
    assert.doesNotMatch(
      JSON.stringify(posts.map((c) => c.params.blocks)),
      /```|direct messages/,
      'no inline copy, no note in the DM itself',
    );
  } finally {
    await fake.stop();
  }
});
