import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commands } from '../../../commands/index.js';
import { commandNamesFor, commandRenamer } from '../../../src/adapters/discord/names.js';
import { say, UserError } from '../../../src/core/errors.js';
import { translator } from '../../../src/core/i18n.js';
import { bold, code, codeBlock, link, list, message, p } from '../../../src/core/reply.js';
import { CommandRegistry } from '../../../src/core/registry.js';
import { commandNames } from '../../../src/i18n/command-names.js';

const registry = new CommandRegistry(commands, commandNames);
const german = commandRenamer(registry, 'de')!;

test('a German usage error names the command, its subcommand and its options as a German client shows them', () => {
  const leaf = registry.get(['chapter', 'create'])!;
  const t = translator('de');
  const error = new UserError('error.usage', { problems: 'name fehlt.', usage: registry.usagePhrase(leaf) });
  const named = commandNamesFor(registry, 'de')(message(say(t, error)));
  const last = named.body.at(-1)!;
  const shown = last.kind === 'paragraph' ? String(last.children[0]) : '';
  assert.match(shown, /Schreibe: \/chapter anlegen name:<Name> zeitzone:<IANA-Zone> \[stadt:<Stadt>\]$/u);
  assert.doesNotMatch(shown, /create|timezone:|city:/);
});

test('only the bot’s commands at the start of a word are renamed, with their own subcommands and options, values kept', () => {
  assert.equal(german('Type /help for the commands.'), 'Type /hilfe for the commands.');
  assert.equal(german('use /workshop claim id:3 to claim it'), 'use /workshop übernehmen id:3 to claim it');
  assert.equal(german('„/ask followup id:3 text:"a b: c"“ or /mod blocks'), '„/fragen ergänzen id:3 text:"a b: c"“ or /mod sperrliste');
  assert.equal(
    german('/ask text:hi topic:x name:y'),
    '/fragen neu text:hi thema:x name:y',
    'Discord’s /ask new; name is no option of /ask',
  );
  assert.equal(german('/help chapter'), '/hilfe chapter', 'a value is not a subcommand');
  assert.equal(german('/workshops claim, a/help, /helpers'), '/workshops claim, a/help, /helpers');
  assert.equal(
    german('see https://example.org/help and example.org/workshop/claim'),
    'see https://example.org/help and example.org/workshop/claim',
  );
  assert.equal(commandRenamer(registry, 'de-AT'), german);
  // English keeps the declared names; only a command's own action beside subcommands is Discord's `new`.
  const english = commandRenamer(registry, 'en-US')!;
  assert.equal(
    english('Type /help, /workshop claim id:3 or /ask followup id:3.'),
    'Type /help, /workshop claim id:3 or /ask followup id:3.',
  );
  assert.equal(english('Ask with /ask text:"How?" or **/ask**'), 'Ask with /ask new text:"How?" or **/ask new**');
});

test('the transform renames the title, texts, code and fields, but not links’ addresses, code blocks or buttons', () => {
  const m = message(
    [
      p('Type ', code('/workshop claim id:3'), ' or ', bold('/help'), '. More: ', link('https://example.org/help')),
      list(['/ask mine']),
      codeBlock('/help in a file'),
    ],
    {
      title: '/workshop list',
      fields: [{ name: '/coach list', value: ['/privacy delete confirm:true'] }],
      buttons: [{ label: 'Claim /workshop claim', command: '/workshop claim id:3' }],
    },
  );
  const named = commandNamesFor(registry, 'de')(m);
  assert.deepEqual(named, {
    ...m,
    title: '/workshop liste',
    body: [
      p('Type ', code('/workshop übernehmen id:3'), ' or ', bold('/hilfe'), '. More: ', link('https://example.org/help')),
      list(['/fragen meine']),
      codeBlock('/help in a file'),
    ],
    fields: [{ name: '/coach liste', value: ['/datenschutz löschen bestätigen:true'] }],
  });
  assert.equal(named.buttons, m.buttons, 'buttons are what the bot reads back');
  assert.deepEqual(commandNamesFor(registry, 'en')(m), m, 'English: declared names');
  assert.deepEqual(commandNamesFor(new CommandRegistry(commands), 'de')(m), m, 'a registry without local names keeps them too');
});
