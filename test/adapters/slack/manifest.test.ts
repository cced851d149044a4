import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { chapter } from '../../../commands/chapter.js';
import { help } from '../../../commands/help.js';
import { commands } from '../../../commands/index.js';
import { BOT_SCOPES, slackManifest } from '../../../src/adapters/slack/manifest.js';
import { translator } from '../../../src/core/i18n.js';
import { CommandRegistry } from '../../../src/core/registry.js';

const SNAPSHOT = join(import.meta.dirname, 'manifest.snapshot.json');
const t = translator('en');

test('the manifest for /help and /chapter matches the snapshot (UPDATE_SNAPSHOTS=1 rewrites it)', () => {
  const manifest = slackManifest({
    registry: new CommandRegistry([help, chapter]),
    t,
    communityName: 'OpenTechSchool',
    commandPrefix: 'ots-',
    publicUrl: 'https://bot.example.org',
    socketMode: false,
  });
  const text = JSON.stringify(manifest, null, 2) + '\n';
  if (process.env.UPDATE_SNAPSHOTS === '1') writeFileSync(SNAPSHOT, text);
  assert.equal(text, readFileSync(SNAPSHOT, 'utf8'));
});

test('every declared command is in the manifest, prefixed, with its description, a usage hint and escaping on', () => {
  const registry = new CommandRegistry(commands);
  const manifest = slackManifest({
    registry,
    t,
    communityName: 'OpenTechSchool',
    commandPrefix: 'ots-',
    publicUrl: 'https://bot.example.org',
    socketMode: false,
  }) as {
    features: { slash_commands: { command: string; description: string; usage_hint?: string; should_escape: boolean; url?: string }[] };
  };
  const listed = manifest.features.slash_commands;
  assert.deepEqual(
    listed.map((c) => c.command),
    commands.map((c) => `/ots-${c.name}`),
  );
  for (const [i, c] of listed.entries()) {
    assert.equal(c.description, t(commands[i]!.description));
    assert.ok(
      c.usage_hint || !registry.leaves.some((l) => l.command === commands[i] && Object.keys(l.action.options ?? {}).length),
      `${c.command} has options but no hint`,
    );
    assert.equal(c.should_escape, true);
    assert.equal(c.url, 'https://bot.example.org/slack/events');
  }
});

test('Socket Mode needs no public URL and names no request URL; HTTP mode without PUBLIC_URL is refused', () => {
  const registry = new CommandRegistry(commands);
  const manifest = slackManifest({
    registry,
    t,
    communityName: 'OpenTechSchool',
    commandPrefix: '',
    publicUrl: undefined,
    socketMode: true,
  });
  // No key naming a URL (`url`, `request_url`); a command's option may be called url (/share url:).
  assert.doesNotMatch(JSON.stringify(manifest), /"(request_)?url":/);
  assert.match(JSON.stringify(manifest), /\[url:<url>\]/, 'the option, not a key');
  assert.equal((manifest.settings as { socket_mode_enabled: boolean }).socket_mode_enabled, true);
  assert.deepEqual((manifest.oauth_config as { scopes: { bot: string[] } }).scopes.bot, [...BOT_SCOPES]);
  assert.throws(
    () => slackManifest({ registry, t, communityName: 'x', commandPrefix: '', publicUrl: undefined, socketMode: false }),
    /PUBLIC_URL must be set/,
  );
  assert.throws(
    () =>
      slackManifest({
        registry,
        t,
        communityName: 'x',
        commandPrefix: 'a-very-long-prefix-for-slack-',
        publicUrl: 'https://x.org',
        socketMode: false,
      }),
    /longer than Slack's 32 characters/,
  );
});
