import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Question } from '../../entities/Question.js';
import { fromSlackText } from '../../src/adapters/slack/text.js';
import { translator } from '../../src/core/i18n.js';
import { option } from '../../src/core/options.js';
import { graphemes, trimInvisible, visibleLength } from '../../src/core/text.js';
import { checkOptions } from '../../src/core/validate.js';
import { consoleBot } from '../support/console-bot.js';
import { eachDatabase } from '../support/helpers.js';

const SPECS = {
  text: option.text({ description: 'cmd.help', minLength: 5, maxLength: 300_000 }),
  title: option.string({ description: 'cmd.help' }),
};
const check = (raw: Record<string, string>, locale = 'en') =>
  checkOptions(SPECS, raw, { t: translator(locale), command: 'probe', resolvers: {} });

test('a text made only of invisible characters is refused, saying what to type instead, in English and German', () => {
  const invisible = [
    '\u200b'.repeat(12),
    '\u200d'.repeat(12),
    '\u2060\ufeff\u200e\u200f',
    '\u3164\u3164\u3164\u3164\u3164',
    '\u2800'.repeat(6),
    ' \u00a0\u2003\u200b\u2028 ',
    '\u00ad'.repeat(8),
    '\u{E0041}\u{E0042}',
  ];
  for (const value of invisible) {
    for (const name of ['text', 'title'] as const) {
      const { values, problems } = check({ [name]: value });
      assert.equal(values[name], undefined, JSON.stringify(value));
      assert.deepEqual(
        problems.map((p) => p.option),
        [name],
      );
      assert.match(
        problems[0]!.message,
        new RegExp(`^${name} shows nothing: it holds only spaces or invisible characters .*Type it again in visible letters`),
        JSON.stringify(value),
      );
    }
  }
  assert.match(
    check({ text: '\u200b'.repeat(12) }, 'de').problems[0]!.message,
    /text zeigt nichts: .*Gib es noch einmal mit sichtbaren Buchstaben/,
  );
  // Spaces only are still "missing" (or simply not given), as before.
  assert.deepEqual(check({ title: '   ' }).problems, []);
});

test('invisible characters at the ends are trimmed; what belongs to a visible character stays', () => {
  assert.deepEqual(check({ text: '\u200b\u200b  Hello there \u200b\u2060', title: '\ufeffLoops\u200e' }).values, {
    text: 'Hello there',
    title: 'Loops',
  });
  assert.equal(trimInvisible(' \u200b❤️\u200b '), '❤️', 'the emoji keeps its variation selector');
  const scotland = '🏴\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}';
  assert.equal(trimInvisible(`go ${scotland}\u200b`), `go ${scotland}`, 'a flag keeps its tag characters');
  assert.equal(trimInvisible('a\u200b\u200bb'), 'a\u200b\u200bb', 'inside the text nothing is removed');
  assert.equal(trimInvisible('\u0600\u0661\u0662'), '\u0600\u0661\u0662', 'the Arabic number sign prints, so it is not trimmed');
});

test('minimum lengths count the grapheme clusters a reader sees', () => {
  assert.equal(visibleLength('👩‍💻 é'), 3, 'one emoji, one space, one e with its accent');
  assert.equal(visibleLength('a \n\t  b'), 3, 'a gap of spaces counts once');
  assert.equal(visibleLength('🇩🇪🇫🇷'), 2);
  assert.equal(visibleLength('a\u200b\u200b\u200bb'), 2);
  // Printable ASCII is counted without the segmenter: the same counts, also where other characters follow.
  assert.equal(visibleLength('  How   do I?  '), 9, 'each gap between words counts one');
  assert.equal(visibleLength('abc', 2), 2);
  assert.equal(visibleLength('ab \u0301c'), 4, 'a space with an accent on it is a cluster that shows');
  assert.equal(visibleLength('ab \u0301c', 2), 2);
  assert.equal(visibleLength('ab \u0301c', 3), 3);
  assert.equal(visibleLength('ab\r\ncd'), 5, 'a line break is a gap');
  const short = check({ text: 'ab\u200b\u200b\u200b\u200b\u200bc' });
  assert.equal(short.problems.length, 1);
  assert.equal(short.problems[0]!.message, 'text must be at least 5 characters long (you gave 3).');
  assert.deepEqual(check({ text: '👩‍💻👩‍💻👩‍💻👩‍💻👩‍💻' }).problems, [], 'five emoji are five characters though they are 25 UTF-16 units');
});

test('segmenting a long text in pieces finds the same grapheme clusters as segmenting it whole', () => {
  const parts = [
    'Hallo ',
    '👩‍💻',
    'e\u0301',
    '\r\n',
    '🇩🇪',
    '\u200b',
    'x',
    '\u0600',
    '1',
    '한국어',
    '\u0915\u094d\u0937',
    ' ',
    '❤️',
    '\t',
    'ok.',
  ];
  let text = '';
  for (let i = 0; text.length < 3000; i++) text += parts[(i * 7) % parts.length]!;
  const whole = [...new Intl.Segmenter('en', { granularity: 'grapheme' }).segment(text)].map((s) => s.segment);
  assert.deepEqual([...graphemes(text)], whole);
});

test('a line of 200,000 characters is trimmed, counted and converted in linear time', () => {
  // Each of these took seconds with the quadratic regexes (`\s+$`, and Slack's `[^>]*` labels).
  const spaced = `x${' '.repeat(199_990)}x loops`;
  const { values, problems } = check({ text: `\u200b${spaced} ` });
  assert.deepEqual(problems, []);
  assert.equal(values.text, spaced);
  assert.equal(trimInvisible(`a${'\t\n \u200b'.repeat(50_000)}b`).length, 200_002);
  assert.equal(visibleLength(`a${'\u200b'.repeat(200_000)}b`), 2);
  for (const unit of ['<@U1|', '<#C1|', '<!subteam^S1|', '<http://a'] as const) {
    const line = unit.repeat(Math.ceil(200_000 / unit.length));
    assert.equal(fromSlackText(line).text, line, `${unit} unclosed stays as typed`);
  }
  const mixed = `${'<@U1|'.repeat(40_000)}<@U2|ada> <#C3|questions> <https://x.org|x.org>`;
  assert.equal(fromSlackText(mixed).text, `${'<@U1|'.repeat(40_000)}@ada #questions https://x.org`);
});

test('twelve zero-width spaces are not posted as a question', (t) =>
  eachDatabase(t, async (database) => {
    const bot = await consoleBot(database, { CONSOLE_MODERATORS: 'moderator' }, { start: new Date('2027-03-01T10:00:00Z') });
    const { run } = bot;
    const { db } = bot.app;
    try {
      await run('@moderator /chapter create name:Berlin timezone:Europe/Berlin');
      await run('/chapter set name:Berlin questions-channel:#questions moderation-channel:#moderation');
      const asked = await run(`@bob /ask text:"${'\u200b'.repeat(12)}"`);
      assert.match(asked, /\[ephemeral → bob\]\ntext shows nothing/);
      assert.doesNotMatch(asked, /#questions/);
      assert.equal(await db.getRepository(Question).count(), 0);
    } finally {
      await bot.close();
    }
  }));
