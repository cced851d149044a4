import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { renderConsole } from '../../src/adapters/console/render.js';
import { neutraliseDiscord, renderDiscord } from '../../src/adapters/discord/render.js';
import { commandNamer, renderSlack } from '../../src/adapters/slack/render.js';
import { bold, code, codeBlock, inlineText, link, mention, message, messageLink, p, time } from '../../src/core/reply.js';

/** The one payload of a message that fits in one. */
function one<P>(payloads: P[]): P {
  assert.equal(payloads.length, 1, 'one payload');
  return payloads[0]!;
}

const INJECTIONS =
  '@everyone @here <@123456789012345678> <@!123456789012345678> <@&987654321098765432> <#555555555555555555> <!channel> <!here> <!everyone> <@U0123ABC> <!subteam^S0123|@team> [click](https://evil.example) <https://evil.example|docs>';

test('Discord: mentions typed by a member come out inert, and nothing is parsed for pings', () => {
  const out = one(renderDiscord(message([p(INJECTIONS)], { visibility: { kind: 'channel', channel: 'q' } })));
  const text = out.embeds[0]!.description!;
  assert.doesNotMatch(text, /@everyone|@here/);
  assert.doesNotMatch(text, /<@!?\d+>|<@&\d+>|<#\d+>/);
  assert.doesNotMatch(text, /\]\(/, 'no masked link');
  assert.deepEqual(out.allowedMentions, { parse: [], users: [] });
});

test('Discord: whatever a member types, no mention syntax survives (property)', () => {
  const piece = fc.constantFrom('@everyone', '@here', '<@1>', '<@!12>', '<@&3>', '<#4>', '[a](b)', 'x', ' ', '<', '@', '#', '&', '!', '](');
  fc.assert(
    fc.property(fc.array(piece, { maxLength: 30 }), (pieces) => {
      const out = neutraliseDiscord(pieces.join(''));
      assert.doesNotMatch(out, /@(everyone|here)|<@!?\d+>|<@&\d+>|<#\d+>|\]\(/i);
    }),
  );
});

test('Discord: deliberate pings, times and code blocks keep working', () => {
  const at = new Date('2027-03-28T16:00:00Z');
  const out = one(
    renderDiscord(
      message(
        [
          p(
            'Hi ',
            mention({ id: '42', name: 'ada' }),
            ' at ',
            time(at, 'full'),
            ' ',
            bold('now'),
            ' ',
            link('https://opentechschool.org', 'OTS'),
          ),
          codeBlock('print("hi @everyone")'),
        ],
        {
          visibility: { kind: 'channel', channel: 'q' },
          ping: [{ id: '42', name: 'ada' }],
          buttons: [{ label: 'Me too', command: '/ask metoo id:3' }],
        },
      ),
    ),
  );
  const text = out.embeds[0]!.description!;
  assert.match(text, /Hi <@42> at <t:1806249600:F> \*\*now\*\* \[OTS\]\(https:\/\/opentechschool.org\)/);
  assert.match(text, /```\nprint\("hi @\u200beveryone"\)\n```/);
  assert.deepEqual(out.allowedMentions, { parse: [], users: ['42'] });
  assert.deepEqual(out.components, [{ type: 1, components: [{ type: 2, style: 2, label: 'Me too', custom_id: 'cmd:/ask metoo id:3' }] }]);
});

test('Slack: mentions and links typed by a member come out inert, and Slack is told not to parse plain words', () => {
  const out = one(renderSlack(message([p(INJECTIONS)], { title: '<!channel> title', visibility: { kind: 'channel', channel: 'q' } })));
  const all = JSON.stringify(out);
  for (const live of ['<!channel>', '<!here>', '<!everyone>', '<@U0123ABC>', '<!subteam^', '<https://evil.example|'])
    assert.ok(!all.includes(live), `${live} survived`);
  assert.match(out.text, /&lt;!channel&gt;/);
  for (const b of out.blocks) if (b.type === 'section' && 'text' in b) assert.equal(b.text.verbatim, true);
});

test('Slack: whatever a member types, no < or > reaches Slack unescaped (property)', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 80 }), (typed) => {
      const out = one(renderSlack(message([p(typed)], { title: typed, visibility: { kind: 'channel', channel: 'q' } })));
      for (const b of out.blocks) if (b.type === 'section' && 'text' in b) assert.doesNotMatch(b.text.text, /[<>]/);
      assert.doesNotMatch(out.text, /[<>]/);
    }),
  );
});

test('Slack: deliberate mentions, local times with a fallback, and buttons carrying command lines', () => {
  const at = new Date('2027-03-28T16:00:00Z');
  const out = one(
    renderSlack(
      message([p('Hi ', mention({ id: 'U1', name: 'ada' }), ' at ', time(at, 'full'), ' & ', link('https://opentechschool.org', 'OTS'))], {
        visibility: { kind: 'channel', channel: 'q' },
        buttons: [{ label: 'Me too', command: '/ask metoo id:3', style: 'primary' }],
      }),
    ),
  );
  assert.deepEqual(out.blocks[0], {
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: 'Hi <@U1> at <!date^1806249600^{date_long_pretty} {time}|2027-03-28 16:00 UTC> &amp; <https://opentechschool.org|OTS>',
      verbatim: true,
    },
  });
  assert.deepEqual(out.blocks[1], {
    type: 'actions',
    elements: [
      { type: 'button', text: { type: 'plain_text', text: 'Me too' }, action_id: 'cmd:0', value: '/ask metoo id:3', style: 'primary' },
    ],
  });
});

test('a direct message’s button carries its reference, never its command line, on Discord and Slack; the console shows the line to type', () => {
  const m = message([p('Your workshop')], {
    visibility: { kind: 'dm', to: { id: '42', name: 'ada' } },
    buttons: [
      { label: 'Leave', command: '/workshop leave id:4', style: 'danger', ref: 'q7Xk2Lm9Pz4Rt8Vw1Yb3Nc' },
      { label: 'Help', command: '/help' },
    ],
  });
  assert.deepEqual(one(renderDiscord(m)).components, [
    {
      type: 1,
      components: [
        { type: 2, style: 4, label: 'Leave', custom_id: 'ref:q7Xk2Lm9Pz4Rt8Vw1Yb3Nc' },
        { type: 2, style: 2, label: 'Help', custom_id: 'cmd:/help' },
      ],
    },
  ]);
  assert.deepEqual(one(renderSlack(m)).blocks.at(-1), {
    type: 'actions',
    elements: [
      { type: 'button', text: { type: 'plain_text', text: 'Leave' }, action_id: 'ref:0', value: 'q7Xk2Lm9Pz4Rt8Vw1Yb3Nc', style: 'danger' },
      { type: 'button', text: { type: 'plain_text', text: 'Help' }, action_id: 'cmd:1', value: '/help' },
    ],
  });
  const shown = renderConsole(m, { locale: 'en', timeZone: 'UTC', now: new Date('2027-01-01T00:00:00Z') });
  assert.match(shown, /\[button: \/workshop leave id:4\]\n\[button: \/help\]$/);
  assert.doesNotMatch(shown, /q7Xk2Lm9/);
});

test('Slack: a file is shown inline as a copyable code block, and one longer than a section is split across sections, whole', () => {
  const ics = 'BEGIN:VCALENDAR\r\nSUMMARY:<!channel> party\r\nEND:VCALENDAR\r\n';
  const out = one(
    renderSlack(
      message([p('Your calendar')], {
        attachments: [
          { filename: 'workshop-3.ics', contentType: 'text/calendar', data: ics },
          { filename: 'big.csv', contentType: 'text/csv', data: 'x'.repeat(5000) },
        ],
      }),
    ),
  );
  const texts = out.blocks.flatMap((b) => (b.type === 'section' && 'text' in b ? [b.text.text] : []));
  assert.ok(
    texts.join('\n').includes('*workshop-3.ics*\n```BEGIN:VCALENDAR\nSUMMARY:&lt;!channel&gt; party\nEND:VCALENDAR\n```'),
    JSON.stringify(texts),
  );
  assert.ok(texts.includes('*big.csv*'), JSON.stringify(texts));
  assert.equal(texts.join('').split('x').length - 1, 5000, 'every character of the long file is shown');
  assert.ok(
    texts.every((t) => t.length <= 3000),
    'each section within Slack’s 3,000 characters',
  );
});

test('on Slack with a command prefix, texts name the commands as typed there; URLs, other words and button values stay', () => {
  const named = { named: commandNamer('ots-', ['ask', 'help', 'workshop']) };
  const out = one(
    renderSlack(
      message(
        [p('Try /workshop claim id:3, or ', code('/help workshop'), ' (see https://example.org/help); /unknown and /asking stay; (/ask)')],
        {
          title: '/help',
          fields: [{ name: 'Next', value: ['type /ask text:…'] }],
          buttons: [{ label: 'Me too', command: '/ask metoo id:1' }],
        },
      ),
      named,
    ),
  );
  const shown = JSON.stringify(out);
  for (const typed of [
    '/ots-workshop claim id:3',
    '`/ots-help workshop`',
    'https://example.org/help)',
    '/unknown',
    '/asking',
    '(/ots-ask)',
    '*/ots-help*',
    'type /ots-ask text',
  ])
    assert.ok(shown.includes(typed), typed);
  assert.doesNotMatch(shown, /[^-]\/workshop claim|\/ots-unknown|ots-asking/);
  const actions = out.blocks.find((b) => b.type === 'actions');
  assert.equal(actions?.type === 'actions' && actions.elements[0]!.value, '/ask metoo id:1', 'the bot reads button values itself');
  assert.equal(one(renderSlack(message('use /help'), { named: commandNamer('', ['help']) })).text, 'use /help', 'no prefix, no change');
});

test('a link to one of the bot’s posts: Discord jumps to the message; Slack and the console name the channel', () => {
  const m = message([
    p('#3 open · ', messageLink({ workspace: '111111111111111111', channel: '222222222222222222', messageId: '333333333333333333' })),
  ]);
  assert.match(
    one(renderDiscord(m)).embeds[0]!.description!,
    /#3 open · https:\/\/discord\.com\/channels\/111111111111111111\/222222222222222222\/333333333333333333$/,
  );
  assert.match(one(renderSlack(m)).text, /#3 open · <#222222222222222222>$/);
  const slackPost = message([p('#3 open · ', messageLink({ workspace: 'T1', channel: 'CQUESTIONS', messageId: '1795000000.000100' }))]);
  assert.match(
    one(renderSlack(slackPost, { url: 'https://ots-berlin.slack.com/' })).text,
    /#3 open · <#CQUESTIONS> <https:\/\/ots-berlin\.slack\.com\/archives\/CQUESTIONS\/p1795000000000100\|↗>$/,
    'with the workspace’s address, a link to the message',
  );
  assert.equal(
    renderConsole(m, { locale: 'en', timeZone: 'UTC', now: new Date() }).trim(),
    '#3 open · #222222222222222222 msg:333333333333333333',
  );
  assert.equal(inlineText(m.body[0]!.kind === 'paragraph' ? m.body[0]!.children : []), '#3 open · #222222222222222222');
});

test('Slack: a time’s fallback text is in the chapter’s zone with its name where the time carries one, else UTC', () => {
  const at = new Date('2027-03-08T10:00:00Z');
  const texts = (m: ReturnType<typeof message>) => renderSlack(m).flatMap((payload) => payload.blocks.map((b) => JSON.stringify(b)));
  assert.match(texts(message([p(time(at, 'full', 'America/New_York'))])).join(), /\|2027-03-08 05:00 EST>/);
  assert.match(texts(message([p(time(at, 'full', 'Africa/Lagos'))])).join(), /\|2027-03-08 11:00 GMT\+1, Lagos>/);
  assert.match(texts(message([p(time(at, 'full'))])).join(), /\|2027-03-08 10:00 UTC>/);
});
