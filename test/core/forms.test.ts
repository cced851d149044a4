import assert from 'node:assert/strict';
import { test } from 'node:test';
import { action, defineCommand } from '../../src/core/command.js';
import { resolveInvocation } from '../../src/core/dispatcher.js';
import { fieldErrors, formFor, formToOpen } from '../../src/core/forms.js';
import { translator } from '../../src/core/i18n.js';
import { option } from '../../src/core/options.js';
import { CommandRegistry } from '../../src/core/registry.js';
import { message } from '../../src/core/reply.js';
import type { Actor } from '../../src/core/types.js';

const run = async () => message('ok');
const registry = new CommandRegistry([
  defineCommand({
    name: 'event',
    description: 'cmd.help',
    subcommands: {
      create: action({
        description: 'cmd.help',
        form: true,
        options: {
          title: option.string({ description: 'cmd.help', required: true, minLength: 3 }),
          date: option.date({ description: 'cmd.help', required: true }),
          seats: option.integer({ description: 'cmd.help', min: 1, max: 50 }),
        },
        execute: run,
      }),
      claim: action({
        description: 'cmd.help',
        options: { id: option.integer({ description: 'cmd.help', required: true, min: 1 }) },
        execute: run,
      }),
      rate: action({
        description: 'cmd.help',
        form: { fields: ['worked', 'improve'] },
        options: {
          id: option.integer({ description: 'cmd.help', required: true, min: 1 }),
          stars: option.integer({ description: 'cmd.help', min: 1, max: 5 }),
          worked: option.text({ description: 'cmd.help', maxLength: 500 }),
          improve: option.text({ description: 'cmd.help', maxLength: 500 }),
        },
        execute: run,
      }),
    },
  }),
]);
const t = translator('en');
const line = (text: string) => resolveInvocation(registry, { kind: 'line', text });

test('a form action without its required options opens a form with every option, pre-filled with what was given', () => {
  const { leaf, raw } = line('/event create seats:12');
  assert.deepEqual(
    formFor(leaf, raw)?.map((f) => [f.name, f.initial]),
    [
      ['title', undefined],
      ['date', undefined],
      ['seats', '12'],
    ],
  );
  const titled = line('/event create title:"Intro to Python"');
  assert.deepEqual(formFor(titled.leaf, titled.raw)?.find((f) => f.name === 'title')?.initial, 'Intro to Python');
});

test('a form action with all required options runs without a form, and so does an action without forms', () => {
  const complete = line('/event create title:Intro date:2027-03-14');
  assert.equal(formFor(complete.leaf, complete.raw), undefined);
  const claim = line('/event claim');
  assert.equal(formFor(claim.leaf, claim.raw), undefined, 'no form declared: the usage error answers');
});

test('formToOpen, which every adapter asks: a form only for an actor who may run the action, else a dispatch', async () => {
  const actor: Actor = { platform: 'console', workspace: 'console', id: 'alice', name: 'alice', facts: { admin: false } };
  const asked: string[] = [];
  const mayRun = (allowed: boolean) => async (leaf: { path: readonly string[] }) => (asked.push(leaf.path.join(' ')), allowed);
  const invocation = { kind: 'structured', path: ['event', 'create'], options: { seats: 12 } } as const;
  const form = await formToOpen(registry, invocation, actor, mayRun(true));
  assert.deepEqual(
    form?.fields.map((f) => f.name),
    ['title', 'date', 'seats'],
  );
  assert.deepEqual(form?.raw, { seats: 12 });
  assert.equal(await formToOpen(registry, invocation, actor, mayRun(false)), undefined, 'no right, no form');
  assert.deepEqual(asked, ['event create', 'event create']);
  assert.equal(await formToOpen(registry, { kind: 'line', text: '/event claim' }, actor, mayRun(true)), undefined, 'no form declared');
  const unknown = await formToOpen(registry, { kind: 'line', text: '/nothing here' }, actor, mayRun(true));
  assert.equal(unknown, undefined, 'the dispatcher answers what names no action');
});

test('free words fill the single missing required option, as typed (/event claim 3)', () => {
  assert.deepEqual(line('/event claim 3').raw, { id: '3' });
});

test('a submitted form is checked by the typed rules, each problem on its field', () => {
  const leaf = line('/event create').leaf;
  const errors = fieldErrors(leaf, { title: 'Py', date: '2027-02-30', seats: '99' }, t, {});
  assert.deepEqual(Object.keys(errors), ['title', 'date', 'seats']);
  assert.match(errors.title!, /at least 3 characters/);
  assert.match(errors.date!, /real date/);
  assert.match(errors.seats!, /between 1 and 50/);
  assert.deepEqual(fieldErrors(leaf, { title: 'Python', date: '2027-03-14' }, t, {}), {});
  assert.match(fieldErrors(leaf, { date: '2027-03-14' }, t, {}).title!, /The option title is missing/);
});

test('a form of chosen fields opens when only the required options are given, with those and the chosen fields; any other option runs the action', () => {
  const bare = line('/event rate id:4');
  assert.deepEqual(
    formFor(bare.leaf, bare.raw)?.map((f) => [f.name, f.initial]),
    [
      ['id', '4'],
      ['worked', undefined],
      ['improve', undefined],
    ],
  );
  const rated = line('/event rate id:4 stars:5');
  assert.equal(formFor(rated.leaf, rated.raw), undefined, 'a button that answers runs at once');
  const texts = line('/event rate id:4 worked:"all of it"');
  assert.equal(formFor(texts.leaf, texts.raw), undefined, 'a submitted form runs');
  const missing = line('/event rate');
  assert.deepEqual(
    formFor(missing.leaf, missing.raw)?.map((f) => f.name),
    ['id', 'worked', 'improve'],
  );
});
