import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderDiscord } from '../../../src/adapters/discord/render.js';
import { mention, message, p } from '../../../src/core/reply.js';

/** The one payload of a message that fits in one. */
function one<P>(payloads: P[]): P {
  assert.equal(payloads.length, 1, 'one payload');
  return payloads[0]!;
}

test('Discord: members a message pings are named in the content, where Discord notifies; without pings there is no content', () => {
  const ada = { id: '42', name: 'ada' };
  const pinging = one(
    renderDiscord(message([p(mention(ada), ' your slot is confirmed')], { visibility: { kind: 'channel', channel: 'q' }, ping: [ada] })),
  );
  assert.equal(pinging.content, '<@42>');
  assert.deepEqual(pinging.allowedMentions, { parse: [], users: ['42'] });
  const quiet = one(renderDiscord(message([p(mention(ada), ' mentioned, not pinged')], { visibility: { kind: 'channel', channel: 'q' } })));
  assert.equal(quiet.content, undefined);
  assert.deepEqual(quiet.allowedMentions.users, []);
});
