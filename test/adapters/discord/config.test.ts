import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createDiscordClient } from '../../../src/adapters/discord/client.js';
import { loadConfig } from '../../../src/config.js';

const base = { DISCORD_TOKEN: 'token', DISCORD_APPLICATION_ID: '111111111111111111' };

test('DISCORD_API_URL points REST elsewhere (without a trailing slash); DISCORD_SHARDS is 1 by default, auto, or a number', () => {
  const plain = loadConfig(base).discord!;
  assert.equal(plain.apiUrl, undefined);
  assert.equal(plain.shards, 1);
  const custom = loadConfig({ ...base, DISCORD_API_URL: 'http://127.0.0.1:8080/api/', DISCORD_SHARDS: 'auto' }).discord!;
  assert.equal(custom.apiUrl, 'http://127.0.0.1:8080/api');
  assert.equal(custom.shards, 'auto');
  assert.equal(loadConfig({ ...base, DISCORD_SHARDS: '4' }).discord!.shards, 4);
});

test('a bad DISCORD_API_URL or DISCORD_SHARDS stops start-up with one line naming it', () => {
  assert.throws(
    () => loadConfig({ ...base, DISCORD_API_URL: 'ftp://example.org/api' }),
    /^ConfigError: Configuration error: DISCORD_API_URL must be an http\(s\) URL/,
  );
  assert.throws(() => loadConfig({ ...base, DISCORD_SHARDS: '0' }), /DISCORD_SHARDS must be auto or a number of shards/);
  assert.throws(() => loadConfig({ ...base, DISCORD_SHARDS: 'many' }), /DISCORD_SHARDS must be auto or a number of shards/);
});

test('the client asks only for the Guilds intent, parses no mentions, and is one shard unless the ShardingManager says which', () => {
  const client = createDiscordClient(loadConfig({ ...base, DISCORD_SHARDS: '3' }).discord!);
  assert.equal(client.options.intents.bitfield, 1);
  assert.deepEqual(client.options.allowedMentions, { parse: [] });
  assert.deepEqual([client.options.shards, client.options.shardCount], [[0], 1]);
  const shardProcess = loadConfig({ ...base, DISCORD_SHARDS: '3', SHARDING_MANAGER: 'true' }).discord!;
  assert.equal(shardProcess.shardProcess, true);
  const previous = { SHARDS: process.env.SHARDS, SHARD_COUNT: process.env.SHARD_COUNT };
  process.env.SHARDS = '2';
  process.env.SHARD_COUNT = '3';
  try {
    const shard = createDiscordClient(shardProcess);
    assert.deepEqual([shard.options.shards, shard.options.shardCount], [[2], 3]);
  } finally {
    for (const [k, v] of Object.entries(previous))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
});
