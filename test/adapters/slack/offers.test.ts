import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkshopSignup } from '../../../entities/WorkshopSignup.js';
import { REF_ACTION_PREFIX } from '../../../src/adapters/slack/render.js';
import { eachDatabase } from '../../support/helpers.js';
import { slackBot } from '../../support/slack-bot.js';

// Waitlist offers on Slack, through the real Bolt app receiving signed requests: the offer's DM has
// Accept and Decline as opaque buttons; another member's press does nothing; the learner's Accept
// takes the seat.

type Element = { action_id: string; value: string; text: { text: string } };

test('Slack: a freed seat is offered by DM with opaque Accept and Decline buttons; only the learner’s press counts, and Accept seats them', (t) =>
  eachDatabase(t, async (database) => {
    const b = await slackBot(
      database,
      {},
      { users: { UMONA: { name: 'mona', admin: true }, UADA: { name: 'ada' }, ULEA: { name: 'lea' }, ULOU: { name: 'lou' } } },
    );
    try {
      await b.slash('UMONA', '/chapter', 'create name:Berlin timezone:Europe/Berlin');
      assert.match(
        await b.slash('UMONA', '/workshop', 'create chapter:Berlin title:"Python day" topic:Python date:2027-03-02 time:10:00 learners:1'),
        /Workshop #1/,
      );
      await b.slash('UADA', '/coach', 'volunteer topics:Python');
      await b.slash('UADA', '/workshop', 'claim 1');
      assert.match(await b.slash('ULEA', '/workshop', 'join 1'), /confirmed/);
      assert.match(await b.slash('ULOU', '/workshop', 'join 1'), /number 1 on the waitlist/);
      await b.slash('ULEA', '/workshop', 'leave 1');

      const offer = await b.fake.until('the offer DM to lou', () =>
        b.fake
          .callsOf('chat.postMessage')
          .find((c) => c.params.channel === 'DULOU' && /has freed up/.test(JSON.stringify(c.params.blocks))),
      );
      const buttons = (offer.params.blocks as { type: string; elements?: Element[] }[]).flatMap((x) =>
        x.type === 'actions' ? x.elements! : [],
      );
      assert.deepEqual(
        buttons.map((x) => x.text.text),
        ['Accept the seat', 'Decline'],
      );
      for (const x of buttons) {
        assert.ok(x.action_id.startsWith(REF_ACTION_PREFIX), 'an opaque reference');
        assert.match(x.value, /^[A-Za-z0-9_-]{22}$/);
      }
      assert.doesNotMatch(JSON.stringify(buttons), /\/workshop|answer:/, 'no command line in the buttons');
      const state = async () => (await b.app.db.getRepository(WorkshopSignup).findOneByOrFail({ workshopId: 1, role: 'learner' })).state;
      assert.equal(await state(), 'offered');

      // Lea presses lou's Accept: not hers.
      assert.match(await b.answer(await b.press('ULEA', buttons[0]!)), /sent to someone else/);
      assert.equal(await state(), 'offered');
      // Lou accepts: on the roster at once.
      assert.match(await b.answer(await b.press('ULOU', buttons[0]!)), /Your seat at workshop #1 is confirmed/);
      assert.equal(await state(), 'confirmed');
    } finally {
      await b.stop();
    }
  }));
