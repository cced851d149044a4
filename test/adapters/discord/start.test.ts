import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tempDir } from '../../helpers.js';
import { FakeDiscord } from '../../support/fake-discord.js';
import { spawnNpm } from '../../support/npm.js';

test('npm start with DISCORD_TOKEN connects to Discord, answers /help, and closes cleanly on SIGTERM', async () => {
  const fake = await FakeDiscord.start();
  const tmp = tempDir();
  try {
    const bot = spawnNpm(['start', '--silent'], { DATA_DIR: tmp.dir, LOG_LEVEL: 'info', DISCORD_TOKEN: 'fake-token', DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_API_URL: fake.apiUrl });
    await fake.waitFor(() => bot.output().includes('Discord ready'), 'the bot to log in');
    const i = fake.slash({ id: '555555555555555501', username: 'alice' }, 'help');
    const callback = await fake.waitFor(() => fake.responses(i)[0], 'the answer to /help');
    assert.match(JSON.stringify(callback.body), /Commands you can run/);

    // npm and its shell die of the signal; what counts is that the bot itself stops cleanly.
    bot.signal('SIGTERM');
    const run = await bot.done;
    assert.deepEqual(fake.closes, [1000], 'the gateway connection was closed normally');
    const logs = run.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    assert.ok(logs.some((l) => l.msg === 'stopping' && l.signal === 'SIGTERM'), run.stderr);
    assert.deepEqual(logs.filter((l) => l.level >= 50), []);
    assert.match(logs.find((l) => l.msg.startsWith('Discord ready'))!.invite, /scope=bot%20applications.commands/);
  } finally {
    tmp.remove();
    await fake.close();
  }
});

test('npm start with SLACK_BOT_TOKEN still says the Slack adapter is not in this version', async () => {
  const tmp = tempDir();
  try {
    const run = await spawnNpm(['start', '--silent'], { DATA_DIR: tmp.dir, SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's' }).done;
    assert.equal(run.code, 1);
    assert.match(run.stderr, /SLACK_BOT_TOKEN is set, but this version has no Slack adapter yet/);
  } finally {
    tmp.remove();
  }
});

test('DISCORD_SHARDS=2 runs a process per shard; the guild’s interactions are answered once, by its shard; SIGTERM stops them all', async () => {
  const fake = await FakeDiscord.start();
  const tmp = tempDir();
  try {
    const bot = spawnNpm(['start', '--silent'], { DATA_DIR: tmp.dir, LOG_LEVEL: 'info', DISCORD_TOKEN: 'fake-token', DISCORD_APPLICATION_ID: fake.applicationId, DISCORD_API_URL: fake.apiUrl, DISCORD_SHARDS: '2' });
    await fake.waitFor(() => fake.shardsIdentified.length === 2 && (bot.output().match(/Discord ready/g) ?? []).length === 2, 'both shards to be ready', 30_000);
    assert.deepEqual([...fake.shardsIdentified].sort(), [
      [0, 2],
      [1, 2],
    ]);
    const i = fake.slash({ id: '555555555555555501', username: 'alice' }, 'help');
    await fake.waitFor(() => fake.responses(i)[0], 'the answer to /help');
    const readyGuilds = bot
      .output()
      .split('\n')
      .filter((l) => l.includes('Discord ready'))
      .map((l) => JSON.parse(l).guilds)
      .sort();
    assert.deepEqual(readyGuilds, [0, 1], 'the one guild is on one shard');

    bot.signal('SIGTERM');
    const run = await bot.done;
    assert.deepEqual(fake.closes, [1000, 1000]);
    assert.equal(fake.responses(i).length, 1, 'answered once');
    const logs = run.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
    assert.equal(logs.filter((l) => l.msg === 'database migrated').length, 1, 'migrated once, by the supervising process');
    assert.deepEqual(logs.filter((l) => l.level >= 50), []);
  } finally {
    tmp.remove();
    await fake.close();
  }
});
