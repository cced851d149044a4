import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Workshop } from '../../../entities/Workshop.js';
import { eachDatabase } from '../../support/helpers.js';
import { slackBot } from '../../support/slack-bot.js';

// The workshop day on Slack, through the real Bolt app receiving signed requests and its WebClient
// against the fake Slack: the group gets a group DM with its coach and learners, and "I'm stuck"
// reaches the coach alone, by DM.

test('Slack: check-in, a group DM for the group, and a stuck request that reaches the coach alone', (t) =>
  eachDatabase(t, async (database) => {
    const b = await slackBot(
      database,
      {},
      { users: { UMONA: { name: 'mona', admin: true }, UADA: { name: 'ada' }, ULEA: { name: 'lea' }, ULOU: { name: 'lou' } } },
    );
    const { fake, app, clock, slash } = b;
    try {
      assert.match(await slash('UMONA', '/chapter', 'create name:Berlin timezone:Europe/Berlin'), /Chapter Berlin created/);
      await slash('UMONA', '/workshop', 'create chapter:Berlin title:"Python day" topic:Python date:2027-03-02 time:10:00 learners:4');
      await slash('UADA', '/coach', 'volunteer topics:Python');
      assert.match(await slash('UADA', '/workshop', 'claim 1'), /You coach workshop #1/);
      for (const l of ['ULEA', 'ULOU']) assert.match(await slash(l, '/workshop', 'join id:1 level:some language:de'), /confirmed/);

      clock.set(new Date('2027-03-02T08:15:00Z'));
      const { checkinCode } = await app.db.manager.findOneByOrFail(Workshop, { id: 1 });
      for (const u of ['UADA', 'ULEA', 'ULOU']) assert.match(await slash(u, '/workshop', `checkin id:1 code:${checkinCode}`), /checked in/);
      assert.match(await slash('UADA', '/workshop', 'groups id:1 action:make'), /Groups made from the members checked in: 1/);

      const groupDms = [...fake.groupDms.entries()];
      assert.equal(groupDms.length, 1, 'one group DM for the one group');
      const [placeId, members] = groupDms[0]!;
      assert.deepEqual([...members].sort(), ['UADA', 'ULEA', 'ULOU']);
      const intro = fake.callsOf('chat.postMessage').find((c) => c.params.channel === placeId);
      assert.match(JSON.stringify(intro?.params.blocks), /Group 1 · #1 Python day/);

      // I'm stuck: one DM, to the coach, with the buttons; nothing in the group DM or a channel.
      const before = fake.callsOf('chat.postMessage').length;
      assert.match(await slash('ULEA', '/stuck', 'note:"my loop never ends"'), /You are number 1 in their queue/);
      const sent = await fake.until('chat.postMessage', () => {
        const posts = fake.callsOf('chat.postMessage').slice(before);
        return posts.length ? posts : undefined;
      });
      assert.deepEqual(
        sent.map((c) => c.params.channel),
        ['DUADA'],
        'the coach’s DM only',
      );
      const dm = JSON.stringify(sent[0]!.params.blocks);
      assert.match(dm, /is stuck/);
      assert.match(dm, /my loop never ends/);
      assert.match(dm, /On my way/);
    } finally {
      await b.stop();
    }
  }));
