import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type DiscordPayload, neutraliseDiscord, renderDiscord } from '../../src/adapters/discord/render.js';
import { escapeSlack, type SlackBlock, type SlackPayload, renderSlack } from '../../src/adapters/slack/render.js';
import { translator } from '../../src/core/i18n.js';
import { PLATFORM_LIMITS } from '../../src/core/limits.js';
import {
  type Block,
  bold,
  type Button,
  channelLink,
  code,
  codeBlock,
  type Field,
  type Inline,
  italic,
  link,
  list,
  mention,
  type Message,
  p,
  time,
} from '../../src/core/reply.js';

// Plain text as members type it: escapes, would-be mentions and links, emoji, umlauts. No `*`, `_`
// or backticks, so the markup the renderers write can be checked by counting; no `:`, so
// `<t:` in the output is always the renderer's.
const letter = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzäöüßÄ0123456789&<>[]()@#!|.,-'.split(''), '😀', '👩‍💻', '@everyone', '@here');
const word = fc.oneof(
  { weight: 20, arbitrary: fc.array(letter, { minLength: 1, maxLength: 12 }).map((ls) => ls.join('')) },
  // Now and then one word longer than any chunk.
  { weight: 1, arbitrary: fc.integer({ min: 900, max: 5000 }).map((n) => 'x'.repeat(n)) },
);
const text = (maxWords: number) =>
  fc
    .array(fc.tuple(word, fc.constantFrom(' ', ' ', ' ', '\n', '  ')), { minLength: 1, maxLength: maxWords })
    .map((ws) => ws.map(([w, s]) => w + s).join(''));
const safeWords = fc.array(fc.stringMatching(/^[a-zA-Z0-9äöü]{1,10}$/), { minLength: 1, maxLength: 6 }).map((ws) => ws.join(' '));
const id = fc.bigInt({ min: 10n ** 16n, max: 10n ** 19n - 1n }).map(String);
const atom: fc.Arbitrary<Inline> = fc.oneof(
  fc.tuple(fc.stringMatching(/^[a-z0-9/.-]{1,60}$/), safeWords).map(([path, t]) => link(`https://example.org/${path}`, t)),
  fc.tuple(id, safeWords).map(([i, name]) => mention({ id: i, name })),
  fc
    .tuple(
      fc.date({ min: new Date('2020-01-01'), max: new Date('2040-01-01'), noInvalidDate: true }),
      fc.constantFrom(...(['full', 'date', 'time', 'relative'] as const)),
    )
    .map(([at, style]) => time(at, style, 'Europe/Berlin')),
  id.map(channelLink),
  safeWords.map(code),
  safeWords.map((t) => bold(t)),
  fc.tuple(fc.stringMatching(/^[a-z]{1,20}$/), safeWords).map(([path, t]) => bold(link(`https://example.org/${path}`, t))),
  safeWords.map((t) => italic(t)),
);
const inlines = (maxWords: number, maxParts = 8) =>
  fc.array(fc.oneof({ weight: 2, arbitrary: text(maxWords) }, { weight: 1, arbitrary: atom }), { minLength: 1, maxLength: maxParts });

/** A list's items, each marked with its number so each can be found in exactly one payload; each fits a chunk. */
const shortText = fc.array(
  fc.array(letter, { minLength: 1, maxLength: 12 }).map((ls) => ls.join('')),
  { minLength: 1, maxLength: 10 },
);
const item = fc.array(
  fc.oneof(
    shortText.map((ws) => ws.join(' ') + ' '),
    atom,
  ),
  { minLength: 1, maxLength: 4 },
);
const items = fc.array(item, { minLength: 1, maxLength: 150 });
const block = (locale: string): fc.Arbitrary<Block> =>
  fc.oneof(
    { weight: 3, arbitrary: inlines(300).map((parts) => p(...parts)) },
    { weight: 1, arbitrary: fc.integer({ min: 1, max: 99 }).map((n) => p(translator(locale)('question.post.title', { id: n }))) },
    {
      weight: 1,
      arbitrary: fc.array(fc.stringMatching(/^[a-z0-9 ={}();<>&]{0,200}$/), { maxLength: 60 }).map((ls) => codeBlock(ls.join('\n'))),
    },
  );
const field: fc.Arbitrary<Field> = fc.record({
  name: fc.oneof(text(40), fc.constant('Status')),
  value: fc.array(fc.oneof(text(150), atom), { maxLength: 6 }),
  inline: fc.boolean(),
});
const button = (locale: string, i: number): fc.Arbitrary<Button> =>
  fc.record({
    label: fc.oneof(text(20), fc.constant(translator(locale)('question.button.metoo'))),
    command: fc.constant(`/ask metoo id:${i}`),
    row: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
  });

interface Generated {
  readonly m: Message;
  /** The list items in the order they were written, each with its mark. */
  readonly listItems: readonly (readonly Inline[])[];
}

const generated: fc.Arbitrary<Generated> = fc.constantFrom('en', 'de').chain((locale) =>
  fc
    .record({
      title: fc.option(fc.oneof(text(80), fc.constant(translator(locale)('question.post.title', { id: 7 }))), { nil: undefined }),
      before: fc.array(block(locale), { maxLength: 6 }),
      listItems: fc.option(items, { nil: undefined }),
      after: fc.array(block(locale), { maxLength: 3 }),
      fields: fc.array(field, { maxLength: 40 }),
      buttons: fc.integer({ min: 0, max: 40 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => button(locale, i)))),
      ping: fc.array(
        id.map((i) => ({ id: i, name: 'x' })),
        { maxLength: 3 },
      ),
    })
    .map(({ title, before, listItems, after, fields, buttons, ping }) => {
      const marked = (listItems ?? []).map((item, n) => [`item${n}. `, ...item]);
      const body = [...before, ...(marked.length ? [list(...marked)] : []), ...after];
      return {
        m: { title, body, fields, buttons, ping, visibility: { kind: 'channel', channel: 'c' } } as Message,
        listItems: marked,
      };
    }),
);

const D = PLATFORM_LIMITS.discord;
const S = PLATFORM_LIMITS.slack;

/** Markup the Discord renderer writes, whole: masked links, times, mentions, channels. */
const DISCORD_TOKENS = [/\[[^[\]]*\]\([^()\s]*\)/g, /<t:-?\d+:[FDtR]>/g, /<@\d+>/g, /<#\d+>/g];

function assertDiscordMarkup(text: string, where: string): void {
  let rest = text;
  for (const token of DISCORD_TOKENS) rest = rest.replace(token, '');
  // Typed text may hold `<@1` (unclosed, so inert); the renderer's ids are 17 digits or more.
  assert.doesNotMatch(rest, /\]\(|<t:|<[@#]\d{17}/, `${where}: broken markup in ${JSON.stringify(text.slice(0, 300))}`);
  assert.equal((text.match(/\*/g) ?? []).length % 2, 0, `${where}: unpaired * in ${JSON.stringify(text.slice(0, 300))}`);
  assert.equal((text.match(/`/g) ?? []).length % 2, 0, `${where}: unpaired \` in ${JSON.stringify(text.slice(0, 300))}`);
}

function assertSlackMarkup(text: string, where: string): void {
  let depth = 0;
  for (const c of text) {
    if (c === '<') assert.equal(depth++, 0, `${where}: < inside a token in ${JSON.stringify(text.slice(0, 300))}`);
    if (c === '>') assert.equal(--depth, 0, `${where}: > outside a token in ${JSON.stringify(text.slice(0, 300))}`);
  }
  assert.equal(depth, 0, `${where}: unclosed token`);
  assert.doesNotMatch(text, /&(?!amp;|lt;|gt;)/, `${where}: a broken escape`);
  const outside = text.replace(/<[^<>]*>/g, '');
  for (const mark of ['*', '_', '`'])
    assert.equal(outside.split(mark).length % 2, 1, `${where}: unpaired ${mark} in ${JSON.stringify(text.slice(0, 300))}`);
}

const embedSize = (e: DiscordPayload['embeds'][number]) =>
  (e.title?.length ?? 0) + (e.description?.length ?? 0) + (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0);

function checkDiscord(payloads: DiscordPayload[]): void {
  assert.ok(payloads.length >= 1);
  payloads.forEach((d, i) => {
    const at = `Discord payload ${i}`;
    assert.ok((d.content ?? '').length <= D.content, `${at}: content`);
    assert.ok(d.embeds.length <= D.embeds, `${at}: ${d.embeds.length} embeds`);
    assert.ok(d.embeds.reduce((n, e) => n + embedSize(e), 0) <= D.embedTotal, `${at}: embeds too long together`);
    for (const e of d.embeds) {
      assert.ok((e.title?.length ?? 0) <= D.title, `${at}: title`);
      assert.ok((e.description?.length ?? 0) <= D.description, `${at}: description`);
      assert.ok((e.fields?.length ?? 0) <= D.fields, `${at}: fields`);
      for (const f of e.fields ?? []) {
        assert.ok(f.name.length >= 1 && f.name.length <= D.fieldName, `${at}: field name ${f.name.length}`);
        assert.ok(f.value.length >= 1 && f.value.length <= D.fieldValue, `${at}: field value ${f.value.length}`);
        assertDiscordMarkup(f.value, `${at} field value`);
        assertDiscordMarkup(f.name, `${at} field name`);
      }
      if (e.description) assertDiscordMarkup(e.description, `${at} description`);
      if (e.title) assertDiscordMarkup(e.title, `${at} title`);
    }
    assert.ok(d.components.length <= D.rows, `${at}: ${d.components.length} rows`);
    for (const row of d.components) {
      assert.ok(row.components.length >= 1 && row.components.length <= D.buttonsPerRow, `${at}: a row of ${row.components.length}`);
      for (const b of row.components) assert.ok(b.label.length <= D.label && b.custom_id.length <= D.customId, `${at}: a button`);
    }
    assert.ok(d.allowedMentions.users.length <= D.allowedUsers);
    if (i > 0) assert.equal(d.files.length, 0, 'files go on the first payload');
  });
}

const blockText = (b: SlackBlock): number =>
  b.type === 'actions'
    ? b.elements.reduce((n, e) => n + e.text.text.length + e.value.length, 0)
    : b.type === 'context'
      ? b.elements.reduce((n, e) => n + e.text.length, 0)
      : ('text' in b ? b.text.text.length : 0) + (b.fields ?? []).reduce((n, f) => n + f.text.length, 0);

function checkSlack(payloads: SlackPayload[]): void {
  assert.ok(payloads.length >= 1);
  payloads.forEach((s, i) => {
    const at = `Slack payload ${i}`;
    assert.ok(s.blocks.length <= S.blocks, `${at}: ${s.blocks.length} blocks`);
    assert.ok(s.blocks.reduce((n, b) => n + blockText(b), 0) <= S.blocksText, `${at}: blocks too long together`);
    assert.ok(s.text.length <= S.text, `${at}: text ${s.text.length}`);
    assertSlackMarkup(s.text, `${at} text`);
    for (const b of s.blocks) {
      if (b.type === 'section') {
        if ('text' in b) {
          assert.ok(b.text.text.length >= 1 && b.text.text.length <= S.sectionText, `${at}: section of ${b.text.text.length}`);
          assertSlackMarkup(b.text.text, `${at} section`);
        }
        assert.ok((b.fields?.length ?? 0) <= S.fields, `${at}: fields`);
        for (const f of b.fields ?? []) {
          assert.ok(f.text.length <= S.fieldText, `${at}: field of ${f.text.length}`);
          assertSlackMarkup(f.text, `${at} field`);
        }
      }
      if (b.type === 'actions') {
        assert.ok(b.elements.length >= 1 && b.elements.length <= S.buttonsPerBlock, `${at}: actions of ${b.elements.length}`);
        for (const e of b.elements) assert.ok(e.text.text.length <= S.buttonText && e.value.length <= S.buttonValue, `${at}: a button`);
      }
    }
  });
}

/** Each of `needles` occurs exactly once in `hay`, and in their order. */
function assertOnceInOrder(hay: string, needles: readonly string[], what: string): void {
  let from = 0;
  needles.forEach((needle, n) => {
    const at = hay.indexOf(needle, from);
    assert.ok(at >= 0, `${what} ${n} lost or out of order: ${JSON.stringify(needle.slice(0, 120))}`);
    assert.equal(hay.indexOf(needle, at + 1), -1, `${what} ${n} shown twice`);
    from = at + needle.length;
  });
}

/** The words typed in the paragraphs' plain text, in order. */
const typedWords = (m: Message, shown: (w: string) => string) =>
  m.body
    .flatMap((b) => (b.kind === 'paragraph' ? b.children.filter((c) => typeof c === 'string') : []))
    .flatMap((t) =>
      t
        .split(/\s+/)
        .filter((w) => w && w.length < 500)
        .map(shown),
    );

test('Discord: every payload respects every limit, no markup is broken, and no list item or word is lost (property)', () => {
  fc.assert(
    fc.property(generated, ({ m, listItems }) => {
      const payloads = renderDiscord(m);
      checkDiscord(payloads);
      const descriptions = payloads.flatMap((d) => d.embeds.map((e) => e.description ?? '')).join('\n\n');
      const rendered = listItems.map((item) => renderDiscord({ body: [list(item)], visibility: m.visibility })[0]!.embeds[0]!.description!);
      assertOnceInOrder(descriptions, rendered, 'list item');
      let from = 0;
      for (const w of typedWords(m, neutraliseDiscord)) {
        const at = descriptions.indexOf(w, from);
        assert.ok(at >= 0, `word lost: ${w}`);
        from = at + w.length;
      }
      const ids = payloads.flatMap((d) => d.components.flatMap((r) => r.components.map((b) => b.custom_id)));
      assert.deepEqual(
        ids,
        (m.buttons ?? []).map((b) => `cmd:${b.command}`),
        'every button, once, in order',
      );
      const withButtons = payloads.map((d) => d.components.length > 0);
      assert.ok(!withButtons.includes(true) || withButtons.slice(withButtons.indexOf(true)).every(Boolean), 'buttons on the last payloads');
      if (m.buttons?.length) assert.ok(withButtons.at(-1));
    }),
    { numRuns: 100, endOnFailure: true },
  );
});

test('Slack: every payload respects every limit, no markup is broken, and no list item or word is lost (property)', () => {
  fc.assert(
    fc.property(generated, ({ m, listItems }) => {
      const payloads = renderSlack(m);
      checkSlack(payloads);
      const sections = payloads
        .flatMap((s) => s.blocks.flatMap((b) => (b.type === 'section' && 'text' in b ? [b.text.text] : [])))
        .join('\n\n');
      const rendered = listItems.map((item) => {
        const [one] = renderSlack({ body: [list(item)], visibility: m.visibility });
        const b = one!.blocks[0]!;
        return b.type === 'section' && 'text' in b ? b.text.text : '';
      });
      assertOnceInOrder(sections, rendered, 'list item');
      let from = 0;
      for (const w of typedWords(m, escapeSlack)) {
        const at = sections.indexOf(w, from);
        assert.ok(at >= 0, `word lost: ${w}`);
        from = at + w.length;
      }
      const values = payloads.flatMap((s) => s.blocks.flatMap((b) => (b.type === 'actions' ? b.elements.map((e) => e.value) : [])));
      assert.deepEqual(
        values,
        (m.buttons ?? []).map((b) => b.command),
        'every button, once, in order',
      );
      if (m.buttons?.length)
        assert.ok(
          payloads.at(-1)!.blocks.some((b) => b.type === 'actions'),
          'buttons on the last payload',
        );
    }),
    { numRuns: 100, endOnFailure: true },
  );
});

test('a message that fits is one payload, rendered as before', () => {
  const m: Message = { title: 'Hi', body: [p('short')], buttons: [{ label: 'Ok', command: '/help' }], visibility: { kind: 'ephemeral' } };
  assert.equal(renderDiscord(m).length, 1);
  assert.equal(renderSlack(m).length, 1);
});

test('a link alone longer than a field keeps its text, without the link; a long list splits between items', () => {
  const long = link(`https://example.org/${'a'.repeat(1100)}`, 'the docs');
  const [d] = renderDiscord({ body: [], fields: [{ name: 'See', value: [long] }], visibility: { kind: 'ephemeral' } });
  assert.equal(d!.embeds[0]!.fields![0]!.value, 'the docs');
  const many = list(...Array.from({ length: 400 }, (_, i) => `item ${i} ${'w '.repeat(20)}`));
  const payloads = renderDiscord({ body: [many], visibility: { kind: 'ephemeral' } });
  assert.ok(payloads.length >= 2, 'more than one message');
  const shown = payloads.flatMap((x) => x.embeds.flatMap((e) => e.description!.split('\n').map((l) => l.trimEnd())));
  assert.deepEqual(
    shown,
    Array.from({ length: 400 }, (_, i) => `- item ${i} ${'w '.repeat(20)}`.trimEnd()),
    'every item whole, once, in order',
  );
});
