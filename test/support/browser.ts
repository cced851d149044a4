import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** Debian's Chromium, which .ci/run installs; the browser tests skip with this reason without it. */
export const CHROMIUM = '/usr/bin/chromium';
export const chromiumMissing = existsSync(CHROMIUM)
  ? undefined
  : `${CHROMIUM} is not installed (apt-get install -y chromium; .ci/run does it)`;

/**
 * Headless Chromium with a fresh profile in `dir` (playwright takes it as the persistent context's
 * directory), an English locale, a tall viewport and no JavaScript: the public pages work without it.
 */
export function launchChromium(dir: string, options: { acceptDownloads?: boolean } = {}): Promise<BrowserContext> {
  return chromium.launchPersistentContext(join(dir, 'profile'), {
    executablePath: CHROMIUM,
    timeout: 30_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    ...options,
    locale: 'en-GB',
    viewport: { width: 1000, height: 1400 },
    javaScriptEnabled: false,
  });
}
