import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { clip, truncate } from '../../src/core/text.js';

test('cutting text to a limit never leaves half a character, and marks the cut', () => {
  assert.equal(truncate('short', 10), 'short');
  assert.equal(truncate('abcdefghij', 5), 'abcd…');
  assert.equal(truncate('abc🙂def', 5), 'abc…', 'the emoji would be cut in half: it goes whole');
  assert.equal(clip('ab🙂', 3), 'ab');
  assert.equal(clip('ab🙂', 4), 'ab🙂');
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.integer({ min: 1, max: 80 }), (text, max) => {
      for (const cut of [truncate(text, max), clip(text, max)]) {
        assert.ok(cut.length <= max);
        assert.doesNotMatch(cut, /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/, 'no lone surrogate');
      }
      if (text.length <= max) assert.equal(truncate(text, max), text);
    }),
  );
});
