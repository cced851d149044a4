import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applicationCommands, commandChanges } from '../../../src/adapters/discord/commands.js';
import { action, defineCommand } from '../../../src/core/command.js';
import { commands } from '../../../commands/index.js';
import { defaultCatalogues } from '../../../src/core/i18n.js';
import { commandNames } from '../../../src/i18n/command-names.js';
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

test('German names come from the registry’s local names; German descriptions where they differ', () => {
  const names = { de: { paths: { audit: 'protokoll', 'audit show': 'zeigen', 'audit purge': 'leeren' }, options: {} } };
  const [a] = applicationCommands(new CommandRegistry([audit], names));
  assert.deepEqual(a!.name_localizations, { de: 'protokoll' });
  assert.deepEqual(
    a!.options!.map((o) => o.name_localizations),
    [{ de: 'zeigen' }, { de: 'leeren' }],
  );
  assert.deepEqual(a!.description_localizations, { de: defaultCatalogues.de['cmd.help'] });
  // Without local names (a registry of made-up commands), Discord shows the declared names.
  assert.equal(applicationCommands(new CommandRegistry([audit]))[0]!.name_localizations, undefined);
});

test('the deployed commands carry a German name for every command, subcommand and option, valid and unique among siblings', () => {
  const deployed = applicationCommands(new CommandRegistry(commands, commandNames));
  const pattern = /^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$/u;
  let checked = 0;
  const walk = (where: string, level: readonly { name: string; name_localizations?: Record<string, string>; options?: unknown[] }[]) => {
    const seen = new Map<string, string>();
    for (const item of level) {
      const de = item.name_localizations?.de;
      assert.ok(de, `${where} ${item.name} has a German name`);
      assert.match(de, pattern);
      assert.equal(de, de.toLowerCase());
      assert.equal(seen.get(de), undefined, `${where}: ${item.name} and ${seen.get(de)} are both “${de}”`);
      seen.set(de, item.name);
      checked++;
      if (item.options) walk(`${where} ${item.name}`, item.options as typeof level);
    }
  };
  walk('', deployed);
  // `/ask new` (the command's own action on Discord) is German too, beside the other subcommands.
  const ask = deployed.find((c) => c.name === 'ask')!;
  assert.equal(ask.name_localizations!.de, 'fragen');
  assert.equal(ask.options![0]!.name_localizations!.de, 'neu');
  assert.equal(deployed.find((c) => c.name === 'workshop')!.options!.find((o) => o.name === 'claim')!.name_localizations!.de, 'übernehmen');
  assert.ok(checked > 300, `${checked} names`);
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
