import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Autocomplete, DEFAULT_SUGGESTION_LIMIT } from '../../src/core/autocomplete.js';
import { ManualClock } from '../../src/core/clock.js';
import { RateLimiter, suggestionLimit } from '../../src/core/rate-limit.js';
import type { Services } from '../../src/services/index.js';
import type { Actor } from '../../src/core/types.js';

const actor = (id: string, workspace = 'G1'): Actor => ({ platform: 'discord', workspace, id, name: id, facts: { admin: false } });

test('suggestions are rate-limited per member across kinds: past the limit the provider is not asked and nothing is suggested', async () => {
  const clock = new ManualClock(new Date('2027-03-01T10:00:00Z'));
  const asked: string[] = [];
  const complete = new Autocomplete({ limiter: new RateLimiter(clock), limit: { max: 3, windowSeconds: 10 } })
    .register('colour', async ({ typed }) => (asked.push(`colour ${typed}`), [{ name: 'red', value: 'red' }]))
    .register('size', async ({ typed }) => (asked.push(`size ${typed}`), [{ name: 'large', value: 'large' }]));
  const query = (who: Actor, typed: string) => ({ services: {} as Services, actor: who, channel: 'C1', typed });
  const ann = actor('ann');
  assert.deepEqual(await complete.suggest('colour', query(ann, 'r')), [{ name: 'red', value: 'red' }]);
  assert.deepEqual(await complete.suggest('size', query(ann, 'l')), [{ name: 'large', value: 'large' }]);
  assert.deepEqual(await complete.suggest('unknown', query(ann, 'x')), [], 'a kind without a provider');
  assert.deepEqual(await complete.suggest('colour', query(ann, 're')), [{ name: 'red', value: 'red' }], 'the unknown kind did not count');
  assert.deepEqual(await complete.suggest('colour', query(ann, 'red')), [], 'the fourth in the window');
  assert.deepEqual(await complete.suggest('size', query(ann, 'la')), [], 'the limit is the member’s, whatever the kind');
  assert.deepEqual(asked, ['colour r', 'size l', 'colour re'], 'the provider was not asked past the limit');
  // Other members, and the same id in another workspace, have their own budget.
  assert.equal((await complete.suggest('colour', query(actor('bob'), 'r'))).length, 1);
  assert.equal((await complete.suggest('colour', query(actor('ann', 'G2'), 'r'))).length, 1);
  clock.advance(10_000);
  assert.equal((await complete.suggest('colour', query(ann, 'r'))).length, 1, 'room again after the window');
});

test('the suggestion limit is three times the commands’ limit in the same window; without one given, 60 a minute', () => {
  assert.deepEqual(suggestionLimit({ max: 20, windowSeconds: 60 }), { max: 60, windowSeconds: 60 });
  assert.deepEqual(DEFAULT_SUGGESTION_LIMIT, { max: 60, windowSeconds: 60 });
});
