import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChapterBinding } from '../../entities/ChapterBinding.js';
import { loadConfig } from '../../src/config.js';
import { ManualClock } from '../../src/core/clock.js';
import { startWeb } from '../../src/web/server.js';
import { capturedLogger, eachDatabase, servicesOn } from '../support/helpers.js';

// DISCORD_INVITE_URL and SLACK_JOIN_URL turn a chapter page's "Find us on Discord, Slack" into links.

async function page(name: string, env: Record<string, string>, target: Parameters<typeof servicesOn>[0]) {
  const { log } = capturedLogger();
  const { db, services } = await servicesOn(target, new ManualClock(new Date('2027-01-10T12:00:00Z')), log, env);
  const web = await startWeb(services, { port: 0, host: '127.0.0.1' }, log);
  try {
    const { chapter } = await services.chapters.create({
      name,
      timeZone: 'Europe/Berlin',
      bindTo: { platform: 'discord', workspace: `g-${name}` },
    });
    await db.getRepository(ChapterBinding).insert({ chapterId: chapter.id, platform: 'slack', workspace: `T-${name}`, channel: '' });
    const res = await fetch(`http://127.0.0.1:${web.port}/chapters/${name}`, { headers: { 'accept-language': 'de' } });
    assert.equal(res.status, 200);
    return /<p>Du findest uns auf .*<\/p>/.exec(await res.text())?.[0];
  } finally {
    await web.stop();
    await db.destroy();
  }
}

test('the chapter page links Discord and Slack to the invites when they are set, escaped, and names them as text when not', (t) =>
  eachDatabase(t, async ({ target }) => {
    const linked = await page(
      'Berlin',
      { DISCORD_INVITE_URL: 'https://discord.gg/abc123', SLACK_JOIN_URL: 'https://join.slack.com/t/ots/shared_invite/zt-1?a=1&b="2"' },
      target,
    );
    assert.equal(
      linked,
      '<p>Du findest uns auf <a href="https://discord.gg/abc123">Discord</a>, ' +
        '<a href="https://join.slack.com/t/ots/shared_invite/zt-1?a=1&amp;b=%222%22">Slack</a>.</p>',
    );
    assert.equal(
      await page('Hamburg', { SLACK_JOIN_URL: 'https://join.slack.com/t/ots' }, target),
      '<p>Du findest uns auf Discord, <a href="https://join.slack.com/t/ots">Slack</a>.</p>',
    );
    assert.equal(await page('Leipzig', {}, target), '<p>Du findest uns auf Discord, Slack.</p>');
  }));

test('DISCORD_INVITE_URL and SLACK_JOIN_URL must be https URLs; unset or empty, there is no link', () => {
  assert.throws(() => loadConfig({ DISCORD_INVITE_URL: 'http://discord.gg/abc' }), /DISCORD_INVITE_URL must be an https URL/);
  assert.throws(() => loadConfig({ SLACK_JOIN_URL: 'javascript:alert(1)' }), /SLACK_JOIN_URL must be an https URL/);
  assert.deepEqual(loadConfig({ DISCORD_INVITE_URL: '', SLACK_JOIN_URL: '' }).invites, { discord: undefined, slack: undefined });
  assert.deepEqual(loadConfig({ DISCORD_INVITE_URL: 'https://discord.gg/abc' }).invites, {
    discord: 'https://discord.gg/abc',
    slack: undefined,
  });
});
