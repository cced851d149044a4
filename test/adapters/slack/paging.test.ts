import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eachDatabase } from '../../support/helpers.js';
import { slackBot } from '../../support/slack-bot.js';
import { interactionBody, postSigned, slashCommandBody } from '../../support/slack-requests.js';

interface SlackButton {
  readonly type: 'button';
  readonly action_id: string;
  readonly value: string;
  readonly text: { readonly text: string };
}

/** The buttons of an answer's blocks. */
const buttonsOf = (body: { blocks?: { type: string; elements?: SlackButton[] }[] }): SlackButton[] =>
  (body.blocks ?? []).flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []));

// A paged list on Slack: the real Bolt app with signed requests. Next is a button of the answer
// whose value is the same command line with page:2; pressing it answers with the next page.
test('Slack: pressing Next under /workshop list answers with page 2, filters kept', (t) =>
  eachDatabase(t, async (database) => {
    const b = await slackBot(database, {}, { users: { UADMIN: { name: 'ada', admin: true }, UALICE: { name: 'alice' } } });
    try {
      assert.match(await b.slash('UADMIN', '/chapter', 'create name:Berlin timezone:Europe/Berlin'), /Chapter Berlin created/);
      for (let i = 1; i <= 25; i++) {
        const date = `2027-04-${String(i).padStart(2, '0')}`;
        assert.match(
          await b.slash('UADMIN', '/workshop', `create chapter:Berlin title:"Git ${i}" topic:git date:${date} time:18:00 learners:4`),
          /#\d+/,
        );
      }
      const first = await postSigned(
        b.url,
        slashCommandBody({ command: '/workshop', text: 'list topic:git', user: 'UALICE', responseUrl: b.fake.responseUrl('list') }),
        b.secret,
      );
      const page1 = first.json as { text: string; blocks?: { type: string; elements?: SlackButton[] }[] };
      const text1 = JSON.stringify(page1.blocks);
      assert.match(text1, /Page 1 of \d/);
      const [next, ...others] = buttonsOf(page1);
      assert.equal(others.length, 0, 'page 1 has no Previous');
      assert.equal(next!.text.text, 'Next');
      assert.equal(next!.value, '/workshop list topic:git page:2');

      const sent = await postSigned(
        b.url,
        interactionBody({
          type: 'block_actions',
          team: { id: 'T1', domain: 'test' },
          user: b.who('UALICE'),
          api_app_id: 'A1',
          token: 'deprecated',
          container: { type: 'message', message_ts: '1700000000.000001', channel_id: 'CGENERAL', is_ephemeral: true },
          trigger_id: 'trigger-next',
          channel: { id: 'CGENERAL', name: 'general' },
          response_url: b.fake.responseUrl('next'),
          actions: [{ type: 'button', block_id: 'b1', action_ts: '1700000001.000000', action_id: next!.action_id, value: next!.value }],
        }),
        b.secret,
      );
      assert.equal(sent.status, 200);
      const answer = (await b.fake.until('the answer to Next', () => b.fake.responses.find((r) => r.id === 'next'))).body as {
        blocks?: { type: string; elements?: SlackButton[] }[];
      };
      const text2 = JSON.stringify(answer.blocks);
      assert.match(text2, /Page 2 of \d/);
      assert.doesNotMatch(text2, /Git 1\b/, 'page 2 does not repeat page 1');
      assert.ok(
        buttonsOf(answer).some((x) => x.text.text === 'Previous' && x.value === '/workshop list topic:git page:1'),
        'page 2 has Previous',
      );
      const ids = [...`${text1}${text2}`.matchAll(/#(\d+) /g)].map((m) => Number(m[1]));
      assert.deepEqual(
        ids,
        Array.from({ length: ids.length }, (_, i) => i + 1),
        'pages 1 and 2 follow each other, soonest first',
      );
      assert.ok(ids.length > 20, 'two full pages');
    } finally {
      await b.stop();
    }
  }));
