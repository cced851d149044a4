import assert from 'node:assert/strict';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { resolveAnonSecret } from '../src/anon-secret.js';
import { ConfigError } from '../src/config.js';
import { capturedLogger, tempDir } from './support/helpers.js';

test('without ANON_SECRET a secret is generated once into the data folder, private to its owner', () => {
  const tmp = tempDir();
  try {
    const { log, lines } = capturedLogger();
    const first = resolveAnonSecret(undefined, join(tmp.dir, 'data'), log);
    const file = join(tmp.dir, 'data', 'anon-secret');
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.equal(statSync(join(tmp.dir, 'data')).mode & 0o777, 0o700, 'the data folder is created private to its owner');
    assert.ok(Buffer.byteLength(first) >= 32);
    assert.equal(readFileSync(file, 'utf8').trim(), first);
    const second = resolveAnonSecret(undefined, join(tmp.dir, 'data'), log);
    assert.equal(second, first, 'the same secret on the next start');
    const warnings = lines()
      .map((l) => JSON.parse(l))
      .filter((l) => l.level === 40);
    assert.equal(warnings.length, 1, 'one warning, on the start that generated it');
    assert.match(warnings[0].msg, /Production deployments should set ANON_SECRET/);
    assert.ok(!lines().join('').includes(first), 'the secret itself is never logged');
  } finally {
    tmp.remove();
  }
});

test('a configured ANON_SECRET wins and writes nothing', () => {
  const tmp = tempDir();
  try {
    const secret = 's'.repeat(40);
    assert.equal(resolveAnonSecret(secret, tmp.dir, capturedLogger().log), secret);
    assert.throws(() => statSync(join(tmp.dir, 'anon-secret')));
  } finally {
    tmp.remove();
  }
});

test('a secret file that is too short stops start-up', () => {
  const tmp = tempDir();
  try {
    writeFileSync(join(tmp.dir, 'anon-secret'), 'short\n');
    assert.throws(
      () => resolveAnonSecret(undefined, tmp.dir, capturedLogger().log),
      (err: unknown) => err instanceof ConfigError && /at least 32 bytes/.test(err.message) && !err.message.includes('short\n'),
    );
  } finally {
    tmp.remove();
  }
});

test('a secret file others could read is narrowed to its owner (0600), with a warning', () => {
  const tmp = tempDir();
  try {
    const file = join(tmp.dir, 'anon-secret');
    writeFileSync(file, 'k'.repeat(64) + '\n');
    chmodSync(file, 0o644);
    const { log, lines } = capturedLogger();
    assert.equal(resolveAnonSecret(undefined, tmp.dir, log), 'k'.repeat(64));
    assert.equal(statSync(file).mode & 0o777, 0o600);
    assert.ok(lines().some((l) => l.includes('narrowed to its owner')));
    assert.ok(!lines().join('').includes('k'.repeat(64)), 'the secret itself is never logged');
  } finally {
    tmp.remove();
  }
});
