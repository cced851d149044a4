import { randomBytes } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { ConfigError } from './config.js';
import { makePrivateDir } from './private-files.js';

export const MIN_SECRET_BYTES = 32;

/**
 * The secret behind anonymous askers' pseudonyms. From ANON_SECRET if set; otherwise read
 * from `<dataDir>/anon-secret`, generated there (mode 0600, in a folder created 0700) on first
 * start with one warning.
 * Losing it only means old questions can no longer be followed up by their askers.
 */
export function resolveAnonSecret(configured: string | undefined, dataDir: string, log: Logger): string {
  if (configured) return configured;
  const file = join(dataDir, 'anon-secret');
  let secret: string;
  try {
    secret = readFileSync(file, 'utf8').trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    makePrivateDir(dataDir);
    secret = randomBytes(MIN_SECRET_BYTES).toString('hex');
    try {
      // 'wx': if another process created it a moment ago, keep theirs.
      writeFileSync(file, secret + '\n', { mode: 0o600, flag: 'wx' });
      log.warn(
        { file },
        'ANON_SECRET is not set: generated one into the data folder. Production deployments should set ANON_SECRET (and keep a copy).',
      );
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      secret = readFileSync(file, 'utf8').trim();
    }
  }
  keepPrivate(file, log);
  if (Buffer.byteLength(secret) < MIN_SECRET_BYTES)
    throw new ConfigError('ANON_SECRET', `(from ${file}) must be at least ${MIN_SECRET_BYTES} bytes long`);
  return secret;
}

/** A secret file others may read (copied in with a loose mode) is narrowed to its owner, once, with a warning. */
function keepPrivate(file: string, log: Logger): void {
  try {
    if ((statSync(file).mode & 0o077) === 0) return;
    chmodSync(file, 0o600);
    log.warn({ file }, 'the anon-secret file was readable by other users: narrowed to its owner (mode 0600)');
  } catch (err) {
    log.warn(
      { file, code: (err as NodeJS.ErrnoException).code },
      'the anon-secret file is readable by other users and could not be narrowed: make it mode 0600',
    );
  }
}
