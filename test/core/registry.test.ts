import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commands } from '../../commands/index.js';
import { action, type CommandDecl, defineCommand } from '../../src/core/command.js';
import { say, UserError } from '../../src/core/errors.js';
import { option } from '../../src/core/options.js';
import { checkDeclarations, CommandRegistry, optionsOf } from '../../src/core/registry.js';
import { en } from '../../src/i18n/en.js';
import { translator } from '../../src/core/i18n.js';
import { commandNames } from '../../src/i18n/command-names.js';
import { message } from '../../src/core/reply.js';

const ok = action({
  description: 'cmd.help',
  async execute() {
    return message('ok');
  },
});

test('the real command list passes the start-up check', () => {
  assert.deepEqual(checkDeclarations(commands, commandNames), []);
  const registry = new CommandRegistry(commands, commandNames);
  assert.equal(registry.localName(['workshop', 'claim'], 'de'), 'übernehmen');
  assert.equal(registry.localOption('page', 'de'), 'seite');
  assert.equal(registry.localName(['workshop', 'claim'], 'en'), 'claim', 'the declared name where a locale has none');
  assert.ok(registry.get(['chapter', 'create']));
  assert.ok(registry.get(['help']));
});

test('two commands with one name stop start-up', () => {
  const a = defineCommand({ name: 'twin', description: 'cmd.help', action: ok });
  assert.throws(() => new CommandRegistry([a, a]), /\/twin: declared twice/);
});

test('incomplete declarations are reported, all at once', () => {
  const bad = [
    { name: 'Bad Name', description: 'cmd.help', action: ok },
    { name: 'nodesc', description: 'no.such.key', action: ok },
    { name: 'empty', description: 'cmd.help', subcommands: {} },
    { name: 'noexec', description: 'cmd.help', subcommands: { run: { description: 'cmd.help' } } },
    {
      name: 'order',
      description: 'cmd.help',
      action: action({
        options: { a: option.string({ description: 'cmd.help' }), b: option.string({ description: 'cmd.help', required: true }) },
        async execute() {},
      }),
    },
    { name: 'long', description: 'question.privacy', action: ok },
    {
      name: 'range',
      description: 'cmd.help',
      action: action({ options: { n: option.integer({ description: 'cmd.help', min: 5, max: 1 }) }, async execute() {} }),
    },
  ] as unknown as CommandDecl[];
  const problems = checkDeclarations(bad);
  for (const expected of [
    '/Bad Name: name must be lowercase',
    '/nodesc: description must be a catalogue key',
    '/empty: has neither an action nor subcommands',
    '/noexec run: no execute function',
    '/order option b: required options must come before optional ones',
    '/range option n: min > max',
    'description question.privacy is over 100 characters in English',
  ]) {
    assert.ok(
      problems.some((p) => p.startsWith(expected)),
      `expected “${expected}” in ${JSON.stringify(problems)}`,
    );
  }
});

test('the usage line marks optional options and shows placeholders', () => {
  const registry = new CommandRegistry(commands);
  const t = translator('en');
  assert.equal(registry.usage(registry.get(['chapter', 'create'])!, t), '/chapter create name:<name> timezone:<IANA zone> [city:<city>]');
  assert.equal(
    registry.usage(registry.get(['chapter', 'use'])!, t),
    '/chapter use name:<name> [code:<XXXX-XXXX>] [scope:<workspace|channel>]',
  );
});

test('in German every placeholder of a usage line is German: only values typed as they are stay', () => {
  const registry = new CommandRegistry(commands);
  const t = translator('de');
  assert.equal(registry.usage(registry.get(['mod', 'block'])!, t), '/mod block question:<Nummer> reason:<Grund> days:<1-365>');
  assert.equal(
    registry.usage(registry.get(['workshop', 'edit'])!, t).split(' [strict-ratio')[0],
    '/workshop edit id:<Nummer> [chapter:<Chapter>] [title:<Titel>] [topic:<Thema>] [date:<JJJJ-MM-TT>] [time:<HH:MM>] [learners:<1-200>] [duration:<Minuten>] [coaches:<1-100>] [location:<Ort>] [description:<Beschreibung>]',
  );
  // A text option needs a placeholder of its own (or `placeholder.option.<its name>`), else its English name would show.
  for (const leaf of registry.leaves)
    for (const [name, spec] of Object.entries(optionsOf(leaf.action)))
      if ((spec.type === 'string' || spec.type === 'text') && !spec.placeholder)
        assert.ok(`placeholder.option.${name}` in en, `/${leaf.path.join(' ')} ${name}: no placeholder.option.${name}`);
  const english = /<(number|@member|#channel|@&role|YYYY-MM-DD)>/;
  for (const leaf of registry.leaves) assert.doesNotMatch(registry.usage(leaf, t), english, `/${leaf.path.join(' ')}`);
});

test('groups of subcommands resolve by three words, and say what they hold', () => {
  const grouped = defineCommand({
    name: 'mod',
    description: 'cmd.help',
    subcommands: { blocks: ok },
    groups: { question: { description: 'cmd.help', subcommands: { hide: ok, show: ok } } },
  });
  const registry = new CommandRegistry([grouped]);
  const t = translator('en');
  assert.deepEqual(registry.resolve(['/mod', 'question', 'hide']).leaf.path, ['mod', 'question', 'hide']);
  assert.equal(registry.resolve(['/mod', 'question', 'hide', 'extra']).used, 3);
  assert.deepEqual(registry.resolve(['/mod', 'blocks']).leaf.path, ['mod', 'blocks']);
  assert.throws(
    () => registry.resolve(['/mod', 'question']),
    (err: unknown) => err instanceof UserError && /\/mod question needs one of: hide, show/.test(say(t, err)),
  );
  assert.throws(
    () => registry.resolve(['/mod', 'question', 'zap']),
    (err: unknown) => err instanceof UserError && /\/mod question has no “zap”. Choose one of: hide, show/.test(say(t, err)),
  );
  assert.deepEqual(
    registry.leaves.map((l) => l.path.join(' ')),
    ['mod blocks', 'mod question hide', 'mod question show'],
  );
});

test('a command with its own action and subcommands runs the action unless a subcommand is named', () => {
  const ask = defineCommand({
    name: 'ask',
    description: 'cmd.help',
    action: action({ options: { text: option.text({ description: 'cmd.help', required: true }) }, async execute() {} }),
    subcommands: { mine: ok, close: ok },
  });
  const registry = new CommandRegistry([ask]);
  assert.deepEqual(registry.resolve(['/ask', 'mine']).leaf.path, ['ask', 'mine']);
  assert.deepEqual(registry.resolve(['/ask']), { leaf: registry.get(['ask']), used: 1 });
  assert.deepEqual(registry.resolve(['/ask', 'How', 'do', 'I']), { leaf: registry.get(['ask']), used: 1 });
  assert.deepEqual(
    registry.leaves.map((l) => l.path.join(' ')),
    ['ask', 'ask mine', 'ask close'],
  );
});

test('German names: a missing, invalid, upper-case or duplicate name, or one for nothing declared, stops start-up', () => {
  const workshop = defineCommand({
    name: 'workshop',
    description: 'cmd.help',
    subcommands: {
      claim: action({
        description: 'cmd.help',
        options: {
          id: option.integer({ description: 'cmd.help', required: true }),
          level: option.string({ description: 'cmd.help' }),
        },
        async execute() {},
      }),
      release: ok,
      leave: ok,
    },
  });
  const names = {
    de: {
      paths: {
        workshop: 'workshop',
        'workshop claim': 'übernehmen',
        'workshop release': 'Abgeben',
        'workshop leave': 'übernehmen',
        gone: 'weg',
      },
      options: { id: 'nr', level: 'nr' },
    },
  };
  const problems = checkDeclarations([workshop], names);
  for (const expected of [
    '/workshop release: de name “Abgeben” is not one Discord accepts',
    '/workshop leave: de name “übernehmen” is also the name of claim in /workshop',
    '/workshop claim option level: de name “nr” is also the name of id',
    'de name of /gone: no such command',
  ]) {
    assert.ok(
      problems.some((p) => p.startsWith(expected)),
      `expected “${expected}” in ${JSON.stringify(problems)}`,
    );
  }
  assert.throws(
    () => new CommandRegistry([workshop], { de: { paths: { workshop: 'workshop', 'workshop claim': 'über nehmen' }, options: {} } }),
    (err: Error) =>
      /\/workshop claim: de name “über nehmen” is not one Discord accepts/.test(err.message) &&
      /\/workshop release: no de name/.test(err.message) &&
      /\/workshop claim option id: no de name/.test(err.message),
  );
  // Discord’s pattern: letters of any script, digits, - _ and ', at most 32.
  assert.deepEqual(
    checkDeclarations([workshop], {
      de: {
        paths: { workshop: 'werkstatt', 'workshop claim': "nimm's", 'workshop release': 'größe_1', 'workshop leave': 'x'.repeat(32) },
        options: { id: 'id', level: 'stufe' },
      },
    }),
    [],
  );
  assert.ok(checkDeclarations([workshop], { de: { ...names.de, paths: { ...names.de.paths, workshop: 'x'.repeat(33) } } }).length);
});
