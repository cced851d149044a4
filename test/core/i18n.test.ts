import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  defaultCatalogues,
  ERASED_NAME,
  interpolate,
  normaliseLocale,
  parameterNames,
  shownName,
  translator,
} from '../../src/core/i18n.js';
import { de } from '../../src/i18n/de.js';
import { en } from '../../src/i18n/en.js';

test('a regional or differently written locale finds its language', () => {
  assert.equal(normaliseLocale('de-AT'), 'de');
  assert.equal(normaliseLocale('de_DE'), 'de');
  assert.equal(normaliseLocale('DE'), 'de');
  assert.equal(normaliseLocale('en-GB'), 'en');
});

test('a locale without a catalogue falls back to English', () => {
  assert.equal(normaliseLocale('fr'), 'en');
  assert.equal(normaliseLocale(undefined), 'en');
  assert.equal(translator('fr')('help.title'), en['help.title']);
});

test('German texts are German, with parameters filled in', () => {
  assert.equal(
    translator('de')('chapter.not_found', { name: 'Bärlin' }),
    'Es gibt kein Chapter namens „Bärlin“. /chapter list zeigt die Chapter.',
  );
});

test('a key missing from a partial catalogue falls back to English, key by key', () => {
  const t = translator('nl', { ...defaultCatalogues, nl: { 'help.title': 'Opdrachten die je kunt uitvoeren' } });
  assert.equal(t('help.title'), 'Opdrachten die je kunt uitvoeren');
  assert.equal(t('help.footer'), en['help.footer']);
});

test('an unknown parameter is left visible rather than silently dropped', () => {
  assert.match(translator('en')('chapter.not_found', { other: 1 }), /named “\{name\}”/);
});

test('every German text uses exactly the parameters of its English text', () => {
  const params = parameterNames;
  for (const key of Object.keys(en) as (keyof typeof en)[]) {
    assert.deepEqual(params(de[key]), params(en[key]), `parameters of ${key}`);
    assert.ok(de[key].length > 0, `${key} is empty in German`);
  }
});

test('an erased member’s stored placeholder is shown in the reader’s language; real names as they are', () => {
  assert.equal(shownName(ERASED_NAME, translator('de')), '(gelöschtes Mitglied)');
  assert.equal(shownName(ERASED_NAME, translator('en')), '(erased member)');
  assert.equal(shownName('Mona', translator('de')), 'Mona');
});

test('a plural picks its case by the locale’s rules; # is the number, #{id} a workshop number', () => {
  const template = 'Workshop #{id}: {n, plural, =0 {keine Plätze} one {# Platz} other {# Plätze}} für {name}';
  assert.equal(interpolate(template, { id: 7, n: 0, name: 'Ada' }, 'de'), 'Workshop #7: keine Plätze für Ada');
  assert.equal(interpolate(template, { id: 7, n: 1, name: 'Ada' }, 'de'), 'Workshop #7: 1 Platz für Ada');
  assert.equal(interpolate(template, { id: 7, n: 2, name: 'Ada' }, 'de'), 'Workshop #7: 2 Plätze für Ada');
  assert.equal(interpolate(template, { id: 7, n: 1500, name: 'Ada' }, 'de'), 'Workshop #7: 1.500 Plätze für Ada');
  assert.equal(interpolate('{n, plural, one {# slot} other {# slots}}', { n: '1' }, 'en'), '1 slot', 'a number given as text counts too');
  assert.equal(interpolate('{n, plural, one {# slot} other {# slots}}', { m: 1 }, 'en'), '{n, plural, one {# slot} other {# slots}}');
  assert.equal(interpolate('open {n, plural, one {# slot', { n: 1 }, 'en'), 'open {n, plural, one {# slot', 'unclosed: left as it is');
  assert.equal(
    interpolate('{a, plural, one {# coach with {b, plural, one {# learner} other {# learners}}} other {# coaches}}', { a: 1, b: 3 }, 'en'),
    '1 coach with 3 learners',
  );
});
