import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commands } from '../../../commands/index.js';
import { AuditEntry } from '../../../entities/AuditEntry.js';
import { startDiscord } from '../../../src/adapters/discord/adapter.js';
import { ManualClock } from '../../../src/core/clock.js';
import { action, defineCommand } from '../../../src/core/command.js';
import { CommandRegistry } from '../../../src/core/registry.js';
import { message } from '../../../src/core/reply.js';
import { capturedLogger, freshDatabase, servicesOn, testDispatcher } from '../../support/helpers.js';
import { FakeDiscord, type FakeUser } from '../../support/fake-discord.js';

/** Released by the test: the command under way when the adapter is told to stop. */
let release: () => void = () => undefined;
const gate = defineCommand({
  name: 'gate',
  description: 'cmd.help',
  action: action({
    description: 'cmd.help',
    audit: true,
    async execute(ctx) {
      await new Promise<void>((resolve) => (release = resolve));
      ctx.auditTarget('gate:passed');
      return message('Through the gate.');
    },
  }),
});

const alice: FakeUser = { id: '555555555555555501', username: 'alice' };
const STOPPING = 'The bot is restarting or stopping, so this command was not run. Please try again in a moment.';

test('stopping lets an interaction under way finish and be stored before the client closes, and refuses interactions that arrive meanwhile', async () => {
  const database = await freshDatabase('sqlite');
  const fake = await FakeDiscord.start();
  const captured = capturedLogger();
  const clock = new ManualClock(new Date('2027-03-01T10:00:00Z'));
  const { db, services, config } = await servicesOn(database.target, clock, captured.log, {
    DISCORD_TOKEN: 'fake-token',
    DISCORD_APPLICATION_ID: fake.applicationId,
    DISCORD_API_URL: fake.apiUrl,
  });
  const registry = new CommandRegistry([...commands, gate]);
  const dispatcher = testDispatcher({ registry, services, log: captured.log, clock, autoDeferMs: 100 });
  const adapter = await startDiscord({ dispatcher, services, registry, log: captured.log, config: config.discord!, locale: 'en' });
  try {
    const running = fake.slash(alice, 'gate');
    // Under way: deferred (type 5) while the command waits.
    await fake.waitFor(() => fake.responses(running).length === 1, 'the deferral');
    let stopped = false;
    const stopping = adapter.stop().then(() => (stopped = true));
    const late = fake.slash(alice, 'help');
    const refusal = await fake.waitFor(() => fake.responses(late)[0], 'the answer to the late command');
    const body = refusal.body as { type: number; data: { content?: string; flags?: number } };
    assert.deepEqual([body.type, body.data.content, body.data.flags], [4, STOPPING, 64], 'refused clearly, ephemerally');
    assert.equal(stopped, false, 'stop waits for the interaction under way');
    assert.ok(fake.connected, 'the gateway stays open meanwhile');

    release();
    await stopping;
    const answers = fake.responses(running);
    assert.match(JSON.stringify(answers.at(-1)!.body), /Through the gate\./, 'its answer went out before stop() returned');
    assert.equal(await db.getRepository(AuditEntry).countBy({ action: 'gate', target: 'gate:passed' }), 1, 'and its row was written');
    assert.equal(fake.responses(late).length, 1);
  } finally {
    release();
    await adapter.stop();
    await fake.close();
    await db.destroy();
    await database.drop();
  }
});
