import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultCatalogues, ERASED_NAME, normaliseLocale, parameterNames, shownName, translator } from '../../src/core/i18n.js';
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
