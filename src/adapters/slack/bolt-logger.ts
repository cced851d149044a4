import type { Logger as BoltLogger } from '@slack/bolt';
// Not from Bolt's index, which loads much we do not use (see adapter.ts).
import boltApp from '@slack/bolt/dist/App.js';
import type { Logger } from 'pino';

/**
 * Bolt's and the WebClient's log lines into ours. Their debug lines carry whole request
 * bodies (typed text, member ids), so they are dropped whatever LOG_LEVEL says.
 */
export function boltLogger(log: Logger): BoltLogger {
  let level = boltApp.LogLevel.INFO;
  const text = (parts: unknown[]) => parts.map((p) => (p instanceof Error ? p.message : String(p))).join(' ');
  return {
    debug: () => undefined,
    info: (...parts) => log.info(text(parts)),
    warn: (...parts) => log.warn(text(parts)),
    error: (...parts) => log.error(text(parts)),
    setLevel: (l) => void (level = l),
    getLevel: () => level,
    setName: () => undefined,
  };
}
