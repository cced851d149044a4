import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { p } from '../../../src/core/reply.js';
import { discordBot, int, str, sub } from '../../support/discord-bot.js';
import type { FakeUser } from '../../support/fake-discord.js';
import { freshDatabase, type TestDatabase } from '../../support/helpers.js';

// The real discord.js client against the fake Discord: what a German client sends, and what comes back.
const alice: FakeUser = { id: '555555555555555601', username: 'alice' };
const hanna: FakeUser = { id: '555555555555555602', username: 'hanna' };
const rolf: FakeUser = { id: '555555555555555603', username: 'rolf' };

let database: TestDatabase;
let b: Awaited<ReturnType<typeof discordBot>>;

before(async () => {
  database = await freshDatabase('sqlite');
  b = await discordBot(database);
});
after(async () => {
  await b.stop();
  await database.drop();
});

test('a German client sends the declared names; the answer names the command as that client shows it', async () => {
  // Discord sends `claim` whatever the German client showed (übernehmen): parsing is unchanged.
  const german = await b.reply(b.fake.slash(alice, 'workshop', sub('claim', [int('id', 999)]), { locale: 'de' }));
  assert.match(german, /#999/, 'the command ran: it looked for workshop 999');
  // A usage error: the line to type, as the German client shows the command.
  const usage = await b.reply(b.fake.slash(alice, 'workshop', sub('claim'), { locale: 'de' }));
  assert.match(usage, /\/workshop übernehmen id:</u);
  assert.doesNotMatch(usage, /claim id:/);
  const english = await b.reply(b.fake.slash(alice, 'workshop', sub('claim'), { locale: 'en-US' }));
  assert.match(english, /\/workshop claim id:</);
});

test('German /help lists the German names; its footer’s /help becomes /hilfe', async () => {
  const help = await b.reply(b.fake.slash(alice, 'help', [], { locale: 'de' }));
  assert.match(help, /\/chapter liste/);
  assert.match(help, /\/hilfe/);
  assert.doesNotMatch(help, /\/chapter list\b/);
});

test('a DM to a member whose stored language is German names the German commands; an English one keeps the declared names', async () => {
  const dm = async (who: FakeUser, locale: string) => {
    const member = await b.app.services.members.ensure(
      { platform: 'discord', workspace: b.fake.guild.id, id: who.id, name: who.username },
      locale,
    );
    const before = new Set(b.fake.messages.keys());
    await b.app.services.dms.send(member, () => ({ body: [p('Type /help, or /ask mine.')] }));
    const sent = await b.fake.waitFor(
      () => [...b.fake.messages.values()].find((m) => !before.has(m.id) && m.channel_id === b.fake.dmChannelOf(who.id)),
      'the DM',
    );
    return JSON.stringify(sent.embeds) + sent.content;
  };
  assert.match(await dm(hanna, 'de'), /Type \/hilfe, or \/fragen meine\./);
  assert.match(await dm(rolf, 'en'), /Type \/help, or \/ask mine\./);
});

test('German /help command: takes the command as the German client shows it, or as declared', async () => {
  const byGerman = await b.reply(b.fake.slash(alice, 'help', [str('command', 'fragen')], { locale: 'de' }));
  assert.match(byGerman, /\/fragen meine/);
  assert.doesNotMatch(byGerman, /\/workshop/);
  const byDeclared = await b.reply(b.fake.slash(alice, 'help', [str('command', 'ask')], { locale: 'de' }));
  assert.match(byDeclared, /\/fragen meine/);
  const unknown = await b.reply(b.fake.slash(alice, 'help', [str('command', 'fragen')], { locale: 'en-US' }));
  assert.match(unknown, /There is no command \/fragen you can run/, 'an English client knows no German names');
});

test('on Discord /help names a command’s own action as the client shows it, /ask new (/fragen neu), in every language', async () => {
  const english = await b.reply(b.fake.slash(alice, 'help', [], { locale: 'en-US' }));
  assert.match(english, /\*\*\/ask new\*\*/);
  assert.match(english, /\*\*\/ask followup\*\*/);
  assert.doesNotMatch(english, /\*\*\/ask\*\*/);
  const german = await b.reply(b.fake.slash(alice, 'help', [], { locale: 'de' }));
  assert.match(german, /\*\*\/fragen neu\*\*/);
});
