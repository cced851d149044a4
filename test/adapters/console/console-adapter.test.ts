import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, test } from 'node:test';
import type { DataSource } from 'typeorm';
import { ConsoleAdapter } from '../../../src/adapters/console/console-adapter.js';
import { ManualClock } from '../../../src/core/clock.js';
import { action, defineCommand } from '../../../src/core/command.js';
import { Dispatcher } from '../../../src/core/dispatcher.js';
import { option } from '../../../src/core/options.js';
import { RateLimiter } from '../../../src/core/rate-limit.js';
import { CommandRegistry } from '../../../src/core/registry.js';
import { message } from '../../../src/core/reply.js';
import { capturedLogger, freshDatabase, servicesOn, type TestDatabase } from '../../support/helpers.js';

// A command that uses every kind of post, to see each header the console prints.
const shout = defineCommand({
  name: 'shout',
  description: 'cmd.help',
  action: action({
    options: { text: option.text({ description: 'cmd.help', required: true }), to: option.user({ description: 'cmd.help' }) },
    async execute(ctx) {
      const posted = await ctx.post(
        message(ctx.options.text, {
          visibility: { kind: 'channel', channel: 'questions' },
          buttons: [{ label: 'Me too', command: '/ask metoo id:1' }],
        }),
      );
      await ctx.post(message('in the thread', { visibility: { kind: 'thread', ...posted } }));
      await ctx.edit(posted, message('edited text', { visibility: { kind: 'channel', channel: 'questions' } }));
      if (ctx.options.to) await ctx.post(message(`psst from ${ctx.actor.name}`, { visibility: { kind: 'dm', to: ctx.options.to } }));
      return message(`moderator: ${ctx.actor.facts.admin}`);
    },
  }),
});

let database: TestDatabase;
let db: DataSource;
let adapter: ConsoleAdapter;
let out: PassThrough;
let printed = '';
let dispatcher: Dispatcher;
let clock: ManualClock;

before(async () => {
  database = await freshDatabase('sqlite');
  clock = new ManualClock(new Date('2027-03-01T10:00:00Z'));
  const { log } = capturedLogger();
  const built = await servicesOn(database.target, clock, log);
  db = built.db;
  dispatcher = new Dispatcher({
    registry: new CommandRegistry([shout]),
    services: built.services,
    log,
    rateLimiter: new RateLimiter(clock),
    rateLimit: { max: 100, windowSeconds: 60 },
  });
  out = new PassThrough();
  out.on('data', (chunk) => (printed += String(chunk)));
  adapter = new ConsoleAdapter({ dispatcher, out, locale: 'en', moderators: ['moderator', 'mona'], clock });
});
after(async () => {
  await db.destroy();
  await database.drop();
});

test('each kind of post gets its header; buttons print as command lines', async () => {
  printed = '';
  await adapter.handle('@alice /shout text:"hello all" to:@bob');
  assert.equal(
    printed,
    [
      '[#questions msg:1]',
      'hello all',
      '[button: /ask metoo id:1]',
      '',
      '[#questions msg:1 thread]',
      'in the thread',
      '',
      '[#questions msg:1 edited]',
      'edited text',
      '',
      '[dm → bob]',
      'psst from alice',
      '',
      '[ephemeral → alice]',
      'moderator: false',
      '',
      '',
    ].join('\n'),
  );
});

test('the actor named with @ stays for the following lines; moderators come from the list', async () => {
  printed = '';
  await adapter.handle('@mona /shout text:x');
  await adapter.handle('/shout text:y');
  assert.equal((printed.match(/\[ephemeral → mona\]\nmoderator: true/g) ?? []).length, 2);
});

test('blank lines and # comments do nothing; /quit ends', async () => {
  printed = '';
  assert.equal(await adapter.handle(''), undefined);
  assert.equal(await adapter.handle('   '), undefined);
  assert.equal(await adapter.handle('# a comment /shout text:x'), undefined);
  assert.equal(printed, '');
  assert.equal(await adapter.handle('/quit'), 'quit');
});

test('run() reads piped lines in order until end of input', async () => {
  printed = '';
  const input = new PassThrough();
  const done = adapter.run(input, false);
  input.end('@zoe /shout text:one\n/shout text:two\n/shout to:@bob\n');
  await done;
  const headers = printed.split('\n').filter((l) => l.startsWith('[ephemeral'));
  assert.deepEqual(headers, ['[ephemeral → zoe]', '[ephemeral → zoe]', '[ephemeral → zoe]']);
  assert.ok(printed.indexOf('one') < printed.indexOf('two'));
  assert.match(printed, /The option text is missing/);
});

test('a line naming no member or no workspace is answered in the console’s language', async () => {
  let german = '';
  const de = new PassThrough();
  de.on('data', (chunk) => (german += String(chunk)));
  const adapterDe = new ConsoleAdapter({ dispatcher, out: de, locale: 'de', moderators: ['mona'], clock });
  await adapterDe.handle('@al!ce /shout text:x');
  assert.match(german, /„@al!ce“ ist kein Mitgliedsname: Nimm Buchstaben, Ziffern, Punkte, Bindestriche und Unterstriche\./);
  await adapterDe.handle('@alice@Other! /shout text:x');
  assert.match(german, /„@alice@Other!“ nennt keinen Workspace/);
  assert.doesNotMatch(german, /\b(is not|names no|use)\b/, 'no English left');
  printed = '';
  await adapter.handle('@al!ce /shout text:x');
  assert.match(printed, /“@al!ce” is not a member name: use letters, digits, dots, dashes and underscores\./);
});
