import assert from 'node:assert/strict';
import { test } from 'node:test';
// The library under p-retry, which the Slack WebClient retries with.
import retry from 'retry';
import {
  backoffDelayMs,
  minimumDelayMs,
  nodeRetryOptions,
  PlatformTimeoutError,
  retryPolicy,
  type RetryPolicy,
  withRetries,
  worstCaseMs,
} from '../../src/core/retry.js';

const defaults = retryPolicy({ timeoutMs: 10_000, retries: 3 });

test('the waits between retries: about 0.5 s, 1 s, 2 s, then 4 s at most, each up to twice its minimum by jitter', () => {
  assert.deepEqual(
    [0, 1, 2, 3, 4].map((n) => minimumDelayMs(defaults, n)),
    [500, 1000, 2000, 4000, 4000],
  );
  assert.deepEqual(
    [0, 1, 2, 3].map((n) => backoffDelayMs(defaults, n, () => 0)),
    [500, 1000, 2000, 4000],
  );
  assert.deepEqual(
    [0, 1, 2, 3].map((n) => backoffDelayMs(defaults, n, () => 0.999)),
    [1000, 1999, 3998, 4000],
  );
  // With the defaults a member hears of a failing post within a minute, even if every attempt times out.
  assert.equal(worstCaseMs(defaults), 4 * 10_000 + 1000 + 2000 + 4000);
});

test('Slack’s retry options give the same waits as the policy (node-retry’s formula)', () => {
  const options = nodeRetryOptions(defaults);
  assert.equal(options.retries, 3);
  assert.deepEqual(
    retry.timeouts({ ...options, randomize: false }),
    [0, 1, 2].map((n) => minimumDelayMs(defaults, n)),
  );
  for (const wait of retry.timeouts(options)) assert.ok(wait >= 500 && wait <= 4000, `node-retry waits ${wait} ms`);
});

const quick: RetryPolicy = { retries: 2, timeoutMs: 200, baseDelayMs: 1, maxDelayMs: 4 };

test('withRetries: a failing attempt is retried until one succeeds', async () => {
  let attempts = 0;
  const value = await withRetries(quick, async () => {
    if (++attempts < 3) throw new Error('ECONNRESET');
    return 'ok';
  });
  assert.equal(value, 'ok');
  assert.equal(attempts, 3);
});

test('withRetries: after the last retry the last error is thrown, or the last answer returned', async () => {
  let attempts = 0;
  await assert.rejects(
    withRetries(quick, async (_signal, n) => {
      attempts++;
      throw new Error(`failure ${n}`);
    }),
    /failure 2/,
  );
  assert.equal(attempts, 3);
  const answers: number[] = [];
  const last = await withRetries(quick, async (_signal, n) => (answers.push(503), { status: 503, n }), {
    retryAnswer: (a) => a.status >= 500,
  });
  assert.deepEqual(last, { status: 503, n: 2 });
  assert.equal(answers.length, 3);
});

test('withRetries: an answer that is not retryable (a 4xx) is returned at once', async () => {
  let attempts = 0;
  const answer = await withRetries(quick, async () => (attempts++, { status: 404 }), { retryAnswer: (a) => a.status >= 500 });
  assert.deepEqual(answer, { status: 404 });
  assert.equal(attempts, 1);
});

test('withRetries: an attempt that does not finish in time is aborted with a PlatformTimeoutError and retried', async () => {
  const reasons: unknown[] = [];
  const hang = (signal: AbortSignal) =>
    new Promise<never>((_resolve, reject) =>
      signal.addEventListener('abort', () => {
        reasons.push(signal.reason);
        reject(signal.reason as Error);
      }),
    );
  await assert.rejects(withRetries({ ...quick, timeoutMs: 20 }, hang), PlatformTimeoutError);
  assert.equal(reasons.length, 3);
  assert.ok(
    reasons.every((r) => r instanceof PlatformTimeoutError && r.timeoutMs === 20),
    'each attempt timed out on its own',
  );
});

test('withRetries: once the caller aborts, nothing is retried', async () => {
  const caller = new AbortController();
  let attempts = 0;
  await assert.rejects(
    withRetries(
      quick,
      async () => {
        attempts++;
        caller.abort();
        throw new Error('aborted by the caller');
      },
      { signal: caller.signal },
    ),
    /aborted by the caller/,
  );
  assert.equal(attempts, 1);
});
