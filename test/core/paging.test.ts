import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseCommandLine } from '../../src/core/command-line.js';
import { UserError } from '../../src/core/errors.js';
import { translator } from '../../src/core/i18n.js';
import { BUTTON_LINE_MAX, chunks, commandLine, LIST_LIMITS, measureInline, pageStarts, paginate } from '../../src/core/paging.js';

const LOCALES = ['en', 'de'] as const;

/** Items of random lengths, some longer than a whole page's budget. */
const items = fc.array(fc.record({ id: fc.nat(), text: fc.string({ maxLength: 400 }) }), { maxLength: 1000 });
const limits = fc.record({ size: fc.integer({ min: 1, max: 50 }), budget: fc.integer({ min: 1, max: 4000 }) });

test('paging: the pages together hold every item exactly once, in order, and their count is the page count', () => {
  fc.assert(
    fc.property(items, limits, fc.constantFrom(...LOCALES), (list, { size, budget }, locale) => {
      const t = translator(locale);
      const measure = (item: { text: string }) => measureInline([item.text]);
      const first = paginate(list, { t, path: ['workshop', 'list'] }, { size, budget, measure });
      const seen: unknown[] = [];
      for (let page = 1; page <= first.pages; page++) {
        const shown = paginate(list, { page, t, path: ['workshop', 'list'] }, { size, budget, measure });
        assert.equal(shown.pages, first.pages);
        assert.equal(shown.page, page);
        assert.equal(shown.offset, seen.length, 'a page starts where the one before ended');
        assert.ok(shown.items.length >= (list.length ? 1 : 0), 'no page is empty but the one of an empty list');
        assert.ok(shown.items.length <= size, 'at most `size` items a page');
        const used = shown.items.reduce((n, item) => n + measure(item), 0);
        assert.ok(used <= budget || shown.items.length === 1, 'within the budget, or one long item alone');
        if (first.pages > 1)
          assert.match(
            shown.footer ?? '',
            locale === 'de' ? new RegExp(`Seite ${page} von ${first.pages}`) : new RegExp(`Page ${page} of ${first.pages}`),
          );
        else assert.equal(shown.footer, undefined);
        seen.push(...shown.items);
      }
      assert.deepEqual(seen, list, 'every item once, in order');
      assert.equal(first.pages, Math.max(1, chunks(list, { size, budget, measure }).length));
      assert.throws(
        () => paginate(list, { page: first.pages + 1, t, path: ['workshop', 'list'] }, { size, budget, measure }),
        (e: unknown) => e instanceof UserError && e.key === (first.pages === 1 ? 'paging.beyond.one' : 'paging.beyond'),
      );
    }),
    { numRuns: 150 },
  );
});

test('paging: Previous and Next run the same command line with the filters kept and page:<n>', () => {
  const t = translator('en');
  const list = Array.from({ length: 45 }, (_, i) => `item ${i}`);
  const shown = paginate(
    list,
    { page: 2, t, path: ['workshop', 'list'], options: { chapter: 'Rhein Main', topic: undefined, when: 'past' } },
    { ...LIST_LIMITS, measure: (s) => measureInline([s]) },
  );
  assert.equal(shown.pages, 3);
  assert.deepEqual(
    shown.buttons.map((b) => [b.label, b.command]),
    [
      ['Previous', '/workshop list chapter:"Rhein Main" when:past page:1'],
      ['Next', '/workshop list chapter:"Rhein Main" when:past page:3'],
    ],
  );
  assert.equal(
    paginate(list, { page: 1, t, path: ['x'] }, { ...LIST_LIMITS, measure: () => 1 }).buttons.length,
    1,
    'no Previous on page 1',
  );
});

test('paging: a button line too long for a Discord custom id gets no buttons, and the footer says what to type', () => {
  const t = translator('de');
  const long = 'ä'.repeat(64);
  const shown = paginate(
    Array.from({ length: 30 }, (_, i) => i),
    { page: 1, t, path: ['workshop', 'list'], options: { chapter: long, topic: long } },
    { size: 10, budget: 1000, measure: () => 1 },
  );
  assert.deepEqual(shown.buttons, []);
  assert.equal(shown.footer, 'Seite 1 von 3 · für die nächste häng page:2 an deinen Befehl an');
  const fits = paginate([1, 2, 3], { page: 1, t, path: ['workshop', 'list'] }, { size: 1, budget: 10, measure: () => 1 });
  for (const b of fits.buttons) assert.ok(('cmd:' + b.command).length <= 100 && b.command.length <= BUTTON_LINE_MAX);
});

test('paging: a page past the last names the last one', () => {
  const t = translator('en');
  assert.throws(
    () =>
      paginate([1, 2, 3], { page: 9, t, path: ['coach', 'list'], options: { topic: 'python' } }, { size: 1, budget: 10, measure: () => 1 }),
    (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.equal(
        t(e.key as 'paging.beyond', e.params as Record<string, string>),
        'There is no page 9: there are 3 pages; try /coach list topic:python page:3',
      );
      return true;
    },
  );
});

test('commandLine: the line parses back to the same words and options, quotes and backslashes included', () => {
  fc.assert(
    fc.property(fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/), fc.string({ minLength: 1, maxLength: 30 })), (options) => {
      const parsed = parseCommandLine(commandLine(['workshop', 'list'], options));
      assert.deepEqual(
        parsed.words.map((w) => w.text),
        ['/workshop', 'list'],
      );
      assert.deepEqual(Object.fromEntries(parsed.options.map((o) => [o.name, o.value])), { ...options });
    }),
  );
});

test('pageStarts: an empty list has one empty page', () => {
  assert.deepEqual(pageStarts([], { size: 3, budget: 10, measure: () => 1 }), [0]);
});

test('paging: a filter no button can carry (a member on Slack) means no buttons, and the footer says what to type', () => {
  const t = translator('en');
  const shown = paginate(
    [1, 2, 3],
    { page: 2, t, path: ['disclaimer', 'list'], options: { member: null } },
    { size: 1, budget: 10, measure: () => 1 },
  );
  assert.deepEqual(shown.buttons, []);
  assert.equal(shown.footer, 'Page 2 of 3 · for the next one, add page:3 to your command');
  assert.equal(
    paginate([1, 2, 3], { page: 3, t, path: ['x'], options: { member: null } }, { size: 1, budget: 10, measure: () => 1 }).footer,
    'Page 3 of 3',
  );
});
