import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applicationCommands, commandChanges } from '../../../src/adapters/discord/commands.js';
import { action, defineCommand } from '../../../src/core/command.js';
import { type Catalogues, defaultCatalogues } from '../../../src/core/i18n.js';
import { option } from '../../../src/core/options.js';
import { CommandRegistry } from '../../../src/core/registry.js';
import { message } from '../../../src/core/reply.js';

const run = async () => message('ok');

const workshop = defineCommand({
  name: 'workshop',
  description: 'cmd.help',
  groups: {
    coach: {
      description: 'cmd.chapter',
      subcommands: {
        claim: action({
          description: 'cmd.chapter.list',
          options: {
            id: option.integer({ description: 'cmd.help', required: true, min: 1, max: 9999, autocomplete: 'workshop' }),
            level: option.choice({ description: 'cmd.help', choices: ['beginner', 'advanced'] }),
            on: option.date({ description: 'cmd.help' }),
            at: option.time({ description: 'cmd.help' }),
            who: option.user({ description: 'cmd.help' }),
            role: option.role({ description: 'cmd.help' }),
            note: option.text({ description: 'cmd.help', maxLength: 10_000 }),
            ok: option.boolean({ description: 'cmd.help' }),
          },
          execute: run,
        }),
      },
    },
  },
});
const audit = defineCommand({
  name: 'audit',
  description: 'cmd.help',
  subcommands: {
    show: action({ description: 'cmd.help', permission: 'moderator', target: { kind: 'here' }, execute: run }),
    purge: action({ description: 'cmd.help', permission: 'moderator', target: { kind: 'here' }, execute: run }),
  },
});

test('options become Discord option types with limits, choices, autocomplete and formats', () => {
  const [json] = applicationCommands(new CommandRegistry([workshop]));
  const group = json!.options![0]!;
  assert.equal(group.type, 2);
  const claim = group.options![0]!;
  assert.equal(claim.type, 1);
  assert.deepEqual(
    claim.options!.map((o) => [o.name, o.type, o.required ?? false]),
    [
      ['id', 4, true],
      ['level', 3, false],
      ['on', 3, false],
      ['at', 3, false],
      ['who', 6, false],
      ['role', 8, false],
      ['note', 3, false],
      ['ok', 5, false],
    ],
  );
  const [id, level, on, , , , note] = claim.options!;
  assert.deepEqual([id!.min_value, id!.max_value, id!.autocomplete], [1, 9999, true]);
  assert.deepEqual(level!.choices, [
    { name: 'beginner', value: 'beginner' },
    { name: 'advanced', value: 'advanced' },
  ]);
  assert.match(on!.description, /\(YYYY-MM-DD\)$/);
  assert.equal(note!.max_length, 6000, 'capped at Discord’s limit');
});

test('a command only moderators can run gets Manage Server as its default permission; mixed commands get none', () => {
  const [w, a] = applicationCommands(new CommandRegistry([workshop, audit]));
  assert.equal(w!.default_member_permissions, null);
  assert.equal(a!.default_member_permissions, '32');
});

test('German names appear only where the catalogue has name.<path>; German descriptions where they differ', () => {
  const catalogues = {
    ...defaultCatalogues,
    de: { ...defaultCatalogues.de, 'name.audit': 'protokoll', 'name.audit.show': 'zeigen' },
  } as unknown as Catalogues;
  const [a] = applicationCommands(new CommandRegistry([audit]), catalogues);
  assert.deepEqual(a!.name_localizations, { de: 'protokoll' });
  assert.deepEqual(a!.options![0]!.name_localizations, { de: 'zeigen' });
  assert.equal(a!.options![1]!.name_localizations, undefined);
  assert.deepEqual(a!.description_localizations, { de: defaultCatalogues.de['cmd.help'] });
});

test('changes are computed on the fields the bot sets, ignoring what Discord adds', () => {
  const wanted = applicationCommands(new CommandRegistry([audit]));
  const asDiscordHasIt = wanted.map((c) => ({
    ...c,
    id: '9',
    application_id: '1',
    version: '3',
    nsfw: false,
    name_localizations: null,
    integration_types: [0],
    options: c.options!.map((o) => ({ ...o, options: [], required: false })),
  }));
  assert.deepEqual(commandChanges(asDiscordHasIt, wanted), { added: [], changed: [], removed: [], unchanged: ['audit'] });
  const older = [{ ...asDiscordHasIt[0]!, description: 'before' }, { name: 'gone' }];
  assert.deepEqual(commandChanges(older, wanted), { added: [], changed: ['audit'], removed: ['gone'], unchanged: [] });
});
