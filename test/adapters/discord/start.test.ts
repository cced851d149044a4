import assert from 'node:assert/strict';
import { test } from 'node:test';
import { freePort, tempDir } from '../../support/helpers.js';
import { FakeSlack } from '../../support/fake-slack.js';
import { postSigned, slashCommandBody } from '../../support/slack-requests.js';
import { FakeDiscord } from '../../support/fake-discord.js';
import { spawnNpm } from '../../support/npm.js';

test('npm start with DISCORD_TOKEN connects to Discord, answers /help, and closes cleanly on SIGTERM', async () => {
  const fake = await FakeDiscord.start();
  const tmp = tempDir();
  try {
    const bot = spawnNpm(['start', '--silent'], {
      DATA_DIR: tmp.dir,
      LOG_LEVEL: 'info',
      DISCORD_TOKEN: 'fake-token',
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_URL: fake.apiUrl,
    });
    await fake.waitFor(() => bot.output().includes('Discord ready'), 'the bot to log in');
    const i = fake.slash({ id: '555555555555555501', username: 'alice' }, 'help');
    const callback = await fake.waitFor(() => fake.responses(i)[0], 'the answer to /help');
    assert.match(JSON.stringify(callback.body), /Commands you can run/);

    // npm and its shell die of the signal; what counts is that the bot itself stops cleanly.
    bot.signal('SIGTERM');
    const run = await bot.done;
    assert.deepEqual(fake.closes, [1000], 'the gateway connection was closed normally');
    const logs = run.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    assert.ok(
      logs.some((l) => l.msg === 'stopping' && l.signal === 'SIGTERM'),
      run.stderr,
    );
    assert.deepEqual(
      logs.filter((l) => l.level >= 50),
      [],
    );
    assert.match(logs.find((l) => l.msg.startsWith('Discord ready'))!.invite, /scope=bot%20applications.commands/);
  } finally {
    tmp.remove();
    await fake.close();
  }
});

test('npm start with DISCORD_TOKEN and SLACK_BOT_TOKEN runs both adapters in one process, and SIGTERM stops both', async () => {
  const fake = await FakeDiscord.start();
  const slack = await new FakeSlack().start();
  const tmp = tempDir();
  const port = await freePort();
  const secret = 'both-adapters-signing-secret';
  const bot = spawnNpm(['start', '--silent'], {
    DATA_DIR: tmp.dir,
    LOG_LEVEL: 'info',
    DISCORD_TOKEN: 'fake-token',
    DISCORD_APPLICATION_ID: fake.applicationId,
    DISCORD_API_URL: fake.apiUrl,
    SLACK_BOT_TOKEN: 'xoxb-both',
    SLACK_SIGNING_SECRET: secret,
    SLACK_API_URL: slack.apiUrl,
    SLACK_PORT: String(port),
  });
  try {
    await fake.waitFor(
      () => (/Discord ready/.test(bot.output()) && /slack adapter listening/.test(bot.output())) || undefined,
      'both adapters up',
      30_000,
    );
    const i = fake.slash({ id: '555555555555555501', username: 'alice' }, 'help');
    const discordAnswer = await fake.waitFor(() => fake.responses(i)[0]);
    assert.match(JSON.stringify(discordAnswer.body), /Commands you can run/);
    const slackAnswer = await postSigned(
      `http://127.0.0.1:${port}/slack/events`,
      slashCommandBody({ command: '/help', text: '', user: 'UANY', responseUrl: slack.responseUrl('r') }),
      secret,
    );
    assert.match(String(slackAnswer.json?.text), /Commands you can run/);
    bot.signal('SIGTERM');
    const run = await bot.done;
    assert.match(run.stderr, /"msg":"stopping"[^]*"msg":"stopped"/);
    await fake.waitFor(() => !fake.connected || undefined, 'the gateway to close');
  } finally {
    bot.signal('SIGKILL');
    await fake.close();
    await slack.stop();
    tmp.remove();
  }
});

test('DISCORD_SHARDS=2 runs a process per shard; the guild’s interactions are answered once, by its shard; SIGTERM stops them all', async () => {
  const fake = await FakeDiscord.start();
  const tmp = tempDir();
  try {
    const bot = spawnNpm(['start', '--silent'], {
      DATA_DIR: tmp.dir,
      LOG_LEVEL: 'info',
      DISCORD_TOKEN: 'fake-token',
      DISCORD_APPLICATION_ID: fake.applicationId,
      DISCORD_API_URL: fake.apiUrl,
      DISCORD_SHARDS: '2',
    });
    await fake.waitFor(
      () => fake.shardsIdentified.length === 2 && (bot.output().match(/Discord ready/g) ?? []).length === 2,
      'both shards to be ready',
      30_000,
    );
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
    const logs = run.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    assert.equal(logs.filter((l) => l.msg === 'database migrated').length, 1, 'migrated once, by the supervising process');
    assert.deepEqual(
      logs.filter((l) => l.level >= 50),
      [],
    );
  } finally {
    tmp.remove();
    await fake.close();
  }
});
