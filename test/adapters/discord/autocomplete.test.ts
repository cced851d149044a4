import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startDiscord } from '../../../src/adapters/discord/adapter.js';
import { createApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { ManualClock } from '../../../src/core/clock.js';
import { capturedLogger, freshDatabase, tempDir } from '../../support/helpers.js';
import { FakeDiscord, type FakeUser } from '../../support/fake-discord.js';

const mona: FakeUser = { id: '555555555555555502', username: 'mona' };
const rolf: FakeUser = { id: '555555555555555503', username: 'rolf' };

test('autocomplete goes through the rate limiter: past the limit a member gets empty suggestions and nothing else, until the window has room', async () => {
  const database = await freshDatabase('sqlite');
  const fake = await FakeDiscord.start();
  const tmp = tempDir();
  // RATE_LIMIT_MAX=2 per 60 s for commands: 6 suggestion requests per 60 s (three times as many).
  const config = loadConfig({
    DATABASE_URL: database.url,
    DATA_DIR: tmp.dir,
    DISCORD_TOKEN: 'fake-token',
    DISCORD_APPLICATION_ID: fake.applicationId,
    DISCORD_API_URL: fake.apiUrl,
    RATE_LIMIT_MAX: '2',
    RATE_LIMIT_WINDOW_SECONDS: '60',
  });
  const clock = new ManualClock(new Date('2027-03-01T10:00:00Z'));
  const log = capturedLogger();
  const app = await createApp(config, log.log, clock);
  const adapter = await startDiscord({ ...app, log: log.log, config: config.discord!, locale: 'en' });
  try {
    const created = fake.slash(
      mona,
      'chapter',
      [
        {
          name: 'create',
          type: 1,
          options: [
            { name: 'name', type: 3, value: 'Berlin' },
            { name: 'timezone', type: 3, value: 'Europe/Berlin' },
          ],
        },
      ],
      { moderator: true },
    );
    await fake.waitFor(() => fake.responses(created)[0], 'the chapter');
    /** One autocomplete request for `/chapter show name:ber…`; its callbacks once the first arrived. */
    const complete = async (user: FakeUser) => {
      const i = fake.slash(
        user,
        'chapter',
        [{ name: 'show', type: 1, options: [{ name: 'name', type: 3, value: 'ber', focused: true }] }],
        { autocomplete: true },
      );
      await fake.waitFor(() => fake.responses(i)[0], 'the suggestions');
      return fake.responses(i).map((c) => c.body as { type: number; data: { choices?: unknown[] } });
    };
    const berlin = [{ name: 'Berlin', value: 'Berlin' }];
    for (let n = 1; n <= 6; n++)
      assert.deepEqual(
        (await complete(rolf)).map((b) => b.data.choices),
        [berlin],
        `request ${n}`,
      );
    const limited = await complete(rolf);
    assert.deepEqual(limited, [{ type: 8, data: { choices: [] } }], 'the seventh: empty suggestions, one callback, no message');
    assert.deepEqual(
      (await complete(mona)).map((b) => b.data.choices),
      [berlin],
      'another member is not limited',
    );
    assert.ok(!log.lines().some((l) => JSON.parse(l).level >= 50), 'nothing logged as an error');
    clock.advance(60_000);
    assert.deepEqual(
      (await complete(rolf)).map((b) => b.data.choices),
      [berlin],
      'the window has room again',
    );
  } finally {
    await adapter.stop();
    await fake.close();
    await app.close();
    tmp.remove();
    await database.drop();
  }
});
