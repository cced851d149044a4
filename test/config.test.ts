import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CONFIG_VARIABLES, ConfigError, loadConfig } from '../src/config.js';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a configuration error');
}

test('with nothing set, the defaults make a working console bot on SQLite', () => {
  const c = loadConfig({});
  assert.deepEqual(c.database, { kind: 'sqlite', path: 'data/bot.sqlite' });
  assert.equal(c.locale, 'en');
  assert.equal(c.communityName, 'OpenTechSchool');
  assert.deepEqual(c.consoleModerators, ['moderator']);
  assert.equal(c.discord, undefined);
  assert.equal(c.slack, undefined);
  assert.equal(c.migrateOnStart, true);
});

test('empty values in .env count as unset', () => {
  const c = loadConfig({ DISCORD_TOKEN: '', DATABASE_URL: '  ', BOT_LOCALE: '' });
  assert.equal(c.discord, undefined);
  assert.equal(c.database.kind, 'sqlite');
});

test('DATABASE_URL chooses an SQLite file or PostgreSQL with an optional schema', () => {
  assert.deepEqual(loadConfig({ DATABASE_URL: 'sqlite:/tmp/x/bot.sqlite' }).database, { kind: 'sqlite', path: '/tmp/x/bot.sqlite' });
  const pg = loadConfig({ DATABASE_URL: 'postgres://bot@db:5432/ots?schema=berlin', DATABASE_POOL_SIZE: '4' }).database;
  assert.deepEqual(pg, { kind: 'postgres', url: 'postgres://bot@db:5432/ots', schema: 'berlin', poolSize: 4, statementTimeoutMs: 10000 });
});

test('a wrong value stops start-up with one line naming the variable and what is expected', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ DATABASE_URL: 'mysql://x' }, /^Configuration error: DATABASE_URL must be sqlite:PATH or postgres:/],
    [{ BOT_LOCALE: 'fr' }, /^Configuration error: BOT_LOCALE must be en or de$/],
    [{ RATE_LIMIT_MAX: 'lots' }, /^Configuration error: RATE_LIMIT_MAX must be a whole number$/],
    [{ SLACK_PORT: '70000' }, /^Configuration error: SLACK_PORT must be at most 65535$/],
    [{ DISCORD_TOKEN: 'abc' }, /^Configuration error: DISCORD_APPLICATION_ID must be set when DISCORD_TOKEN is set/],
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, /^Configuration error: SLACK_SIGNING_SECRET must be set/],
    [{ SLACK_BOT_TOKEN: 'xoxp-1' }, /^Configuration error: SLACK_BOT_TOKEN must be a bot token starting with xoxb-$/],
    [{ DB_MIGRATE_ON_START: 'perhaps' }, /^Configuration error: DB_MIGRATE_ON_START must be true or false$/],
  ];
  for (const [env, expected] of cases) {
    const err = configError(env);
    assert.match(err.message, expected);
    assert.ok(!err.message.includes('\n'), 'one line');
  }
});

test('a short ANON_SECRET is refused without repeating it', () => {
  const err = configError({ ANON_SECRET: 'hunter2-but-longer' });
  assert.match(err.message, /ANON_SECRET must be at least 32 bytes long/);
  assert.ok(!err.message.includes('hunter2'));
});

test('a 32-byte secret is accepted, counted in bytes not characters', () => {
  assert.equal(loadConfig({ ANON_SECRET: 'ü'.repeat(16) }).anonSecret, 'ü'.repeat(16));
});

test('PLATFORM_TIMEOUT_MS and PLATFORM_RETRIES: 10 s and 3 retries by default, also for the Discord client; bad values are refused', () => {
  assert.deepEqual(loadConfig({}).platform, { timeoutMs: 10_000, retries: 3 });
  const c = loadConfig({ PLATFORM_TIMEOUT_MS: '2500', PLATFORM_RETRIES: '0', DISCORD_TOKEN: 't', DISCORD_APPLICATION_ID: '123456789012' });
  assert.deepEqual(c.platform, { timeoutMs: 2500, retries: 0 });
  assert.deepEqual(c.discord?.platform, c.platform);
  assert.match(configError({ PLATFORM_TIMEOUT_MS: '50' }).message, /^Configuration error: PLATFORM_TIMEOUT_MS must be at least 100$/);
  assert.match(configError({ PLATFORM_RETRIES: '11' }).message, /^Configuration error: PLATFORM_RETRIES must be at most 10$/);
  // .env.example documents both with their defaults.
  const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
  assert.match(example, /^PLATFORM_TIMEOUT_MS=10000$/m);
  assert.match(example, /^PLATFORM_RETRIES=3$/m);
});

test('SLACK_RESPONSE_HOSTS: hooks.slack.com by default, plus the origin of SLACK_API_URL; a list of host names, nothing else', () => {
  const slack = { SLACK_BOT_TOKEN: 'xoxb-t', SLACK_SIGNING_SECRET: 's' };
  assert.deepEqual(loadConfig(slack).slack?.responseOrigins, ['https://hooks.slack.com']);
  assert.deepEqual(
    loadConfig({ ...slack, SLACK_RESPONSE_HOSTS: 'hooks.slack.com, Hooks.Slack-Gov.com', SLACK_API_URL: 'http://127.0.0.1:8080/api/' })
      .slack?.responseOrigins,
    ['https://hooks.slack.com', 'https://hooks.slack-gov.com', 'http://127.0.0.1:8080'],
  );
  for (const bad of ['https://hooks.slack.com', 'hooks.slack.com/path', 'localhost', ',']) {
    assert.match(
      configError({ ...slack, SLACK_RESPONSE_HOSTS: bad }).message,
      /^Configuration error: SLACK_RESPONSE_HOSTS must be a comma-separated list of host names/,
      bad,
    );
  }
  assert.match(readFileSync(new URL('../.env.example', import.meta.url), 'utf8'), /^SLACK_RESPONSE_HOSTS=hooks\.slack\.com$/m);
});

test('.env.example documents every variable the bot reads, and nothing it does not read', () => {
  const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
  const documented = new Set([...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]!));
  const internal = new Set(['SHARDING_MANAGER', 'NODE_ENV', 'OUTBOX_TEST_CRASH']);
  const read = new Set(CONFIG_VARIABLES.filter((name) => !internal.has(name)));
  assert.deepEqual(
    [...read].filter((name) => !documented.has(name)),
    [],
    'read but not in .env.example',
  );
  assert.deepEqual(
    [...documented].filter((name) => !read.has(name)),
    [],
    'in .env.example but not read',
  );
});
