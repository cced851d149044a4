import assert from 'node:assert/strict';
import { test } from 'node:test';
import { translator } from '../../src/core/i18n.js';
import { de } from '../../src/i18n/de.js';
import { en, type MessageKey } from '../../src/i18n/en.js';

/**
 * Common English words that are not also German words (so not "was", "will", "an", "also", "die",
 * "so", "in", "am", "man", "hat"): one of them in a German text means an English phrase was left.
 */
const ENGLISH = new Set(
  'the and you your of to is with for not are this that be can has have had were been it its on at by from or please here there which when what who would should could does did into than then them they their these those only just about after before any some'.split(
    ' ',
  ),
);

/** Words a German text may hold in English: product names, loanwords, and values typed as they are. */
const ALLOWED = new Set(
  'discord slack workshop workshops coach coaches meetup opentechschool ical csv json url id link links team chat feed feeds chapter chapters check in out'.split(
    ' ',
  ),
);

/** The prose of a text: placeholders, plural syntax, `/commands`, `option:value`, `code`, links and typed values removed. */
function prose(text: string): string {
  return (
    text
      .replace(/`[^`]*`/g, ' ')
      .replace(/https?:\/\/\S+/g, ' ')
      .replace(/\{\w+, plural,|(?:=\d+|\b(?:zero|one|two|few|many|other))\s*\{/g, ' ')
      .replace(/\{\w+\}/g, ' ')
      .replace(/[{}#]/g, ' ')
      .replace(/\/[a-z][\w-]*(?: [a-z][\w-]*)*/g, ' ')
      .replace(/[\w-]+:(?:"[^"]*"|<[^>]*>|\S*)/g, ' ')
      .replace(/<[^>]*>/g, ' ')
      // Values typed as they are, glossed in German (`some (etwas)`, `by-level (nach Niveau)`), and licence codes (CC BY-SA).
      .replace(/\b[a-z]+(?:-[a-z]+)* \(/g, ' (')
      .replace(/\b[a-z]+(?:-[a-z]+)+\b/g, ' ')
      .replace(/\b[A-Z]{2,}\b/g, ' ')
  );
}

function englishWords(text: string): string[] {
  return [...prose(text).matchAll(/\p{L}+/gu)].map((m) => m[0].toLowerCase()).filter((w) => ENGLISH.has(w) && !ALLOWED.has(w));
}

test('German texts hold no English phrase', () => {
  const found = (Object.keys(en) as MessageKey[])
    .map((key) => [key, englishWords(de[key])] as const)
    .filter(([, words]) => words.length > 0)
    .map(([key, words]) => `${key}: ${words.join(', ')} — ${de[key]}`);
  assert.deepEqual(found, []);
});

test('placeholders written in German texts are German (<Nummer>, not <n>)', () => {
  const english = new Set(['n', 'number', 'code', 'chapter', 'name', 'reason', 'title', 'member', 'channel', 'role', 'text', 'url']);
  for (const key of Object.keys(en) as MessageKey[])
    for (const [, inside] of de[key].matchAll(/<([^>]+)>/g)) assert.ok(!english.has(inside!), `${key}: <${inside}>`);
});

test('the English-word check finds English, and leaves commands, options and code alone', () => {
  assert.deepEqual(englishWords('Bitte warte, the bot is busy.'), ['the', 'is']);
  assert.deepEqual(englishWords('Tippe /workshop join id:{id} oder `for x in y` oder reason:"not me"'), []);
  assert.deepEqual(englishWords('{n, plural, one {# Platz} other {# Plätze}} für {name}'), []);
});

test('no text in any language writes a plural as (s), (e), (n) or (en): plurals are chosen by count', () => {
  const bad = /\p{L}\((?:s|e|n|en|er|es)\)/u;
  for (const [locale, catalogue] of [
    ['en', en],
    ['de', de],
  ] as const)
    for (const [key, text] of Object.entries(catalogue))
      assert.doesNotMatch(text.replace(/https?\(s\)/g, 'http'), bad, `${locale} ${key}: ${text}`);
});

test('counted texts read right for 0, 1 and 2 in English and German', () => {
  const cases: [MessageKey, Record<string, number | string>, string[], string[]][] = [
    [
      'workshop.created',
      { id: 3, learners: 1 },
      ['created: 0 coach slots, 1 learner seat.', 'created: 1 coach slot, 1 learner seat.', '2 coach slots'],
      ['angelegt: 0 Coach-Plätze, 1 Platz für Lernende.', 'angelegt: 1 Coach-Platz, 1 Platz für Lernende.', '2 Coach-Plätze'],
    ],
    [
      'coach.calendar.done',
      {},
      ['0 upcoming workshops', 'Your upcoming workshop as', 'Your 2 upcoming workshops'],
      ['Deine 0 kommenden', 'Dein kommender Workshop', 'Deine 2 kommenden Workshops'],
    ],
    [
      'mod.audit.title',
      {},
      ['the last 0 entries', 'Audit trail: the last entry', 'the last 2 entries'],
      ['die letzten 0 Einträge', 'Protokoll: der letzte Eintrag', 'die letzten 2 Einträge'],
    ],
    [
      'partner.list.open',
      {},
      ['0 requirements open', '1 requirement open', '2 requirements open'],
      ['0 Anforderungen offen', '1 Anforderung offen', '2 Anforderungen offen'],
    ],
    [
      'partner.export.done',
      {},
      ['0 proposals, with their decisions.', '1 proposal, with its decision.', '2 proposals'],
      ['0 Vorschläge', '1 Vorschlag mit seiner Entscheidung.', '2 Vorschläge mit ihren Entscheidungen.'],
    ],
    [
      'partner.namecheck.found',
      { name: 'OpenTechSchool' },
      ['0 places to correct', '1 place to correct', '2 places to correct'],
      ['0 Stellen', '1 Stelle zu korrigieren', '2 Stellen zu korrigieren'],
    ],
    [
      'chapter.unlink.done',
      { name: 'Berlin', place: 'slack:T1' },
      ['(0 bindings removed)', '(1 binding removed)', '(2 bindings removed)'],
      ['(0 Bindungen entfernt)', '(1 Bindung entfernt)', '(2 Bindungen entfernt)'],
    ],
    [
      'web.workshop.coaches_value',
      { claimed: 0 },
      ['0 of 0 coach slots', '0 of 1 coach slot filled', '0 of 2 coach slots'],
      ['0 von 0 Coach-Plätzen', '0 von 1 Coach-Platz besetzt', '0 von 2 Coach-Plätzen'],
    ],
  ];
  const countOf: Partial<Record<MessageKey, string>> = {
    'workshop.created': 'slots',
    'coach.calendar.done': 'n',
    'web.workshop.coaches_value': 'slots',
  };
  for (const [key, params, english, german] of cases) {
    const name = countOf[key] ?? 'count';
    for (const [locale, expected] of [
      ['en', english],
      ['de', german],
    ] as const) {
      const t = translator(locale);
      expected.forEach((want, n) => {
        const text = t(key, { ...params, [name]: n });
        assert.ok(text.includes(want), `${locale} ${key} with ${n}: “${text}” lacks “${want}”`);
      });
    }
  }
});
