import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { commands } from '../../../commands/index.js';
import { FakeDiscord } from '../../support/fake-discord.js';
import { type NpmRun, spawnNpm } from '../../support/npm.js';

const SNAPSHOT = join(import.meta.dirname, 'deploy.snapshot.json');

/** Runs the real `npm run discord:deploy` against the fake Discord. */
function deploy(fake: FakeDiscord, env: Record<string, string> = {}): Promise<NpmRun> {
  return spawnNpm(['run', '--silent', 'discord:deploy'], {
    DISCORD_TOKEN: 'fake-token',
    DISCORD_APPLICATION_ID: fake.applicationId,
    DISCORD_GUILD_ID: fake.guild.id,
    DISCORD_API_URL: fake.apiUrl,
    ...env,
  }).done;
}

test('npm run discord:deploy writes the declared commands to the guild, prints what changed, and writes nothing when nothing changed', async () => {
  const fake = await FakeDiscord.start();
  try {
    // What an older version had deployed: /help with another description, and a command since removed.
    fake.commands.set(fake.guild.id, [
      { id: '1', name: 'help', description: 'Old help', type: 1, default_member_permissions: null, contexts: [0] },
      { id: '2', name: 'legacy', description: 'Gone', type: 1 },
    ]);
    const first = await deploy(fake);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, new RegExp(`Deployed ${commands.length} commands to server 222222222222222222`));
    assert.match(first.stdout, /\+ \/chapter \(new\)/);
    assert.match(first.stdout, /~ \/help \(changed\)/);
    assert.match(first.stdout, /- \/legacy \(removed\)/);

    const puts = fake.calls.filter((c) => c.method === 'PUT');
    assert.equal(puts.length, 1);
    assert.equal(puts[0]!.path, `/applications/${fake.applicationId}/guilds/${fake.guild.id}/commands`);
    const body = JSON.stringify(puts[0]!.body, null, 2) + '\n';
    // A command with its own action and subcommands: the action is the subcommand `new` on Discord.
    const ask = (puts[0]!.body as { name: string; options: { name: string; type: number; options?: { name: string }[] }[] }[]).find(
      (c) => c.name === 'ask',
    )!;
    assert.deepEqual(
      ask.options.map((o) => o.name),
      ['new', 'followup', 'close', 'reopen', 'metoo', 'answer', 'report', 'mine'],
    );
    assert.ok(
      ask.options.every((o) => o.type === 1),
      'all subcommands',
    );
    assert.deepEqual(
      ask.options[0]!.options!.map((o) => o.name),
      ['text', 'topic', 'workshop'],
    );
    // The snapshot is the contract with Discord: review its diff when declarations change
    // (UPDATE_SNAPSHOTS=1 rewrites it).
    if (process.env.UPDATE_SNAPSHOTS === '1' || !existsSync(SNAPSHOT)) writeFileSync(SNAPSHOT, body);
    assert.equal(body, readFileSync(SNAPSHOT, 'utf8'), 'the deployed commands differ from test/adapters/discord/deploy.snapshot.json');

    const second = await deploy(fake);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /up to date; nothing changed/);
    assert.match(second.stdout, /\/help \(unchanged\)/);
    assert.equal(fake.calls.filter((c) => c.method === 'PUT').length, 1, 'no second write');
  } finally {
    await fake.close();
  }
});

test('npm run discord:deploy without DISCORD_GUILD_ID writes global commands', async () => {
  const fake = await FakeDiscord.start();
  try {
    const run = await deploy(fake, { DISCORD_GUILD_ID: '' });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /to all servers/);
    assert.deepEqual(
      fake.calls.filter((c) => c.method === 'PUT').map((c) => c.path),
      [`/applications/${fake.applicationId}/commands`],
    );
  } finally {
    await fake.close();
  }
});

test('npm run discord:deploy without a token says what to set', async () => {
  const fake = await FakeDiscord.start();
  try {
    const run = await deploy(fake, { DISCORD_TOKEN: '' });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /Set DISCORD_TOKEN and DISCORD_APPLICATION_ID/);
    assert.equal(fake.calls.length, 0);
  } finally {
    await fake.close();
  }
});
