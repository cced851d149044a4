import assert from 'node:assert/strict';
import { test } from 'node:test';
import { translator } from '../../src/core/i18n.js';
import { channelLink, fill, inlineText, SLOT } from '../../src/core/reply.js';

test('fill puts inlines where the placeholders were, in either language’s word order', () => {
  const link = channelLink('C1');
  assert.deepEqual(fill(`post in ${SLOT}, please`, link), ['post in ', link, ', please']);
  assert.deepEqual(fill(`${SLOT} first`, link), [link, ' first']);
  assert.deepEqual(fill(`${SLOT} and ${SLOT}`, link, channelLink('C2')), [link, ' and ', channelLink('C2')]);
  for (const locale of ['en', 'de']) {
    const sentence = fill(translator(locale)('error.post_failed.moderators', { channel: SLOT }), link);
    assert.equal(sentence.filter((part) => part === link).length, 1, locale);
    assert.doesNotMatch(inlineText(sentence), /\uE000/, locale);
  }
});
