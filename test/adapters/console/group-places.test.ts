import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { ConsoleAdapter } from '../../../src/adapters/console/console-adapter.js';
import { mention, p } from '../../../src/core/reply.js';
import type { GroupPlace } from '../../../src/core/types.js';
import { consoleBot } from '../../support/console-bot.js';

// A workshop group's own place on the console (Outbox.openGroup): a printed block.

const cora = { id: 'cora', name: 'cora' };
const place: GroupPlace = {
  channel: null,
  name: 'workshop-12-group-2',
  members: [cora, { id: 'lea', name: 'lea' }, { id: 'lou', name: 'lou' }, cora],
  intro: {
    title: 'Group 2',
    body: [p('Welcome! ', mention(cora), ' coaches you today.')],
    buttons: [{ label: 'Leave', command: '/workshop leave id:12' }],
  },
};

test('a group’s place is a printed block naming the place and its members, then the intro; its id stays the same', async () => {
  const bot = await consoleBot();
  try {
    // A console of its own on the real app, to read what it prints.
    const out = new PassThrough();
    let printed = '';
    out.on('data', (chunk: Buffer) => (printed += String(chunk)));
    const outbox = new ConsoleAdapter({ dispatcher: bot.app.dispatcher, out, locale: 'en', moderators: [], clock: bot.clock })
      .outboxForNotifications;

    const id = await outbox.openGroup!(place);
    assert.equal(id, 'group:workshop-12-group-2');
    const [header, ...rest] = printed.trimEnd().split('\n');
    assert.match(header!, /^\[group:workshop-12-group-2 msg:\d+ → cora, lea, lou\]$/, 'each member once');
    assert.deepEqual(rest, ['**Group 2**', 'Welcome! @cora coaches you today.', '[button: /workshop leave id:12]']);

    printed = '';
    const latecomer = { id: 'lin', name: 'lin' };
    assert.equal(await outbox.openGroup!({ ...place, members: [...place.members, latecomer] }, id), id);
    assert.match(printed, /^\[group:workshop-12-group-2 msg:\d+ → cora, lea, lou, lin\]\n/);

    await assert.rejects(outbox.openGroup!({ ...place, intro: { body: [p('about a question')], sensitive: true } }), /direct message only/);
  } finally {
    await bot.close();
  }
});
