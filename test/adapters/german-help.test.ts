import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { consoleBot } from '../support/console-bot.js';
import { discordBot } from '../support/discord-bot.js';
import type { FakeUser } from '../support/fake-discord.js';
import { freshDatabase } from '../support/helpers.js';
import { slackBot } from '../support/slack-bot.js';
import { postSigned, slashCommandBody } from '../support/slack-requests.js';

// German /help for a moderator and a member, as each platform gets it: the console's printed text,
// the payload the Discord adapter sends (its German names: /hilfe, /chapter anlegen), the blocks the
// Slack adapter answers with (the declared names: Slack cannot localise slash commands). Review the
// diff when /help or the German names change; UPDATE_SNAPSHOTS=1 rewrites it.
const SNAPSHOT = join(import.meta.dirname, 'german-help.snapshot.json');

type Shown = { moderator: unknown; member: unknown };

async function onConsole(): Promise<Shown> {
  const bot = await consoleBot(undefined, {}, { locale: 'de' });
  try {
    // CONSOLE_MODERATORS is mona and hanna in the console bot.
    return { moderator: await bot.run('@mona /help'), member: await bot.run('@lena /help') };
  } finally {
    await bot.close();
  }
}

async function onDiscord(): Promise<Shown> {
  const database = await freshDatabase('sqlite');
  const b = await discordBot(database);
  const help = async (user: FakeUser, moderator: boolean) =>
    JSON.parse(await b.reply(b.fake.slash(user, 'help', [], { locale: 'de', moderator }))) as unknown;
  try {
    return {
      moderator: await help({ id: '555555555555555701', username: 'mona' }, true),
      member: await help({ id: '555555555555555702', username: 'lena' }, false),
    };
  } finally {
    await b.stop();
    await database.drop();
  }
}

async function onSlack(): Promise<Shown> {
  const database = await freshDatabase('sqlite');
  const b = await slackBot(database);
  b.fake.users.set('UMONA', { name: 'mona', isAdmin: true, locale: 'de-DE' });
  b.fake.users.set('ULENA', { name: 'lena', locale: 'de-DE' });
  let n = 0;
  const help = async (user: string) => {
    const body = slashCommandBody({ command: '/help', text: '', user, responseUrl: b.fake.responseUrl(`help${++n}`) });
    const answer = (await postSigned(b.url, body, b.secret)).json as { blocks?: unknown };
    return answer.blocks;
  };
  try {
    return { moderator: await help('UMONA'), member: await help('ULENA') };
  } finally {
    await b.stop();
    await database.drop();
  }
}

test('German /help for a moderator and a member on the console, Discord and Slack matches the stored snapshot', async () => {
  const shown = { console: await onConsole(), discord: await onDiscord(), slack: await onSlack() };
  // What each snapshot must show, so an empty or English answer cannot be stored by mistake.
  assert.match(String(shown.console.moderator), /\/chapter create/);
  assert.match(JSON.stringify(shown.discord.moderator), /\/chapter anlegen/u);
  assert.match(JSON.stringify(shown.discord.member), /\/hilfe/);
  assert.doesNotMatch(JSON.stringify(shown.discord.member), /\/chapter create|\/chapter anlegen/u, 'a member does not create chapters');
  assert.match(JSON.stringify(shown.slack.moderator), /Befehle, die du ausführen kannst/);
  assert.match(JSON.stringify(shown.slack.moderator), /\/chapter create/);

  const body = JSON.stringify(shown, null, 2) + '\n';
  if (process.env.UPDATE_SNAPSHOTS === '1' || !existsSync(SNAPSHOT)) writeFileSync(SNAPSHOT, body);
  assert.equal(body, readFileSync(SNAPSHOT, 'utf8'), 'German /help differs from test/adapters/german-help.snapshot.json');
});
