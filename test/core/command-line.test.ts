import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { LineParseError, parseCommandLine } from '../../src/core/command-line.js';
import { say } from '../../src/core/errors.js';
import { translator } from '../../src/core/i18n.js';

const t = translator('en');
const parse = (line: string) => parseCommandLine(line);

test('a command line splits into words and name:value options', () => {
  const parsed = parse('/chapter create name:Berlin timezone:Europe/Berlin');
  assert.deepEqual(
    parsed.words.map((w) => w.text),
    ['/chapter', 'create'],
  );
  assert.deepEqual(
    parsed.options.map((o) => [o.name, o.value]),
    [
      ['name', 'Berlin'],
      ['timezone', 'Europe/Berlin'],
    ],
  );
});

test('quoted values keep their spaces, and \\" is a quote inside quotes', () => {
  const parsed = parse('/ask text:"How do I \\"quote\\" in Python?" topic:python');
  assert.equal(parsed.options[0]!.value, 'How do I "quote" in Python?');
  assert.equal(parsed.options[1]!.value, 'python');
});

test('a backslash before anything but a quote or backslash stays as typed', () => {
  assert.equal(parse('/ask text:"a\\nb \\\\ c"').options[0]!.value, 'a\\nb \\ c');
});

test('a value may itself contain colons (URLs, times)', () => {
  const parsed = parse('/partner propose url:https://example.org/a:b time:18:30');
  assert.equal(parsed.options[0]!.value, 'https://example.org/a:b');
  assert.equal(parsed.options[1]!.value, '18:30');
});

test('free words after the command are kept in order with their columns', () => {
  const parsed = parse('/workshop claim 3');
  assert.deepEqual(
    parsed.words.map((w) => [w.text, w.column]),
    [
      ['/workshop', 1],
      ['claim', 11],
      ['3', 17],
    ],
  );
});

test('an unclosed quote is an error naming the column of the quote', () => {
  assert.throws(
    () => parse('/chapter show name:"Berlin'),
    (err: unknown) => err instanceof LineParseError && err.column === 20 && /Column 20/.test(say(t, err)) && /option:"/.test(say(t, err)),
  );
});

test('a line that does not start with / is an error at column 1 with the expected form', () => {
  assert.throws(
    () => parse('hello there'),
    (err: unknown) => err instanceof LineParseError && err.column === 1 && say(t, err).includes('Expected: /command'),
  );
});

test('an option without a value is an error naming the option', () => {
  assert.throws(
    () => parse('/chapter show name:'),
    (err: unknown) => err instanceof LineParseError && say(t, err).includes('name has no value'),
  );
});

test('errors come in the reader’s language', () => {
  assert.throws(
    () => parseCommandLine('hallo'),
    (err: unknown) => err instanceof LineParseError && /Spalte 1: Ein Befehl beginnt mit \//.test(say(translator('de'), err)),
  );
});

test('any text, quoted with escapes, comes back exactly (property)', () => {
  const quote = (s: string) => '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
  fc.assert(
    fc.property(fc.string({ maxLength: 60 }), fc.string({ maxLength: 20 }), (value, other) => {
      const parsed = parse(`/ask answer text:${quote(value)} x:${quote(other)}`);
      assert.equal(parsed.options[0]!.value, value);
      assert.equal(parsed.options[1]!.value, other);
    }),
    { numRuns: 300 },
  );
});
