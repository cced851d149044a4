import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import ICAL from 'ical.js';
import { type BrowserContext, chromium } from 'playwright-core';
import { ManualClock } from '../../src/core/clock.js';
import { startWeb } from '../../src/web/server.js';
import { capturedLogger, freshDatabase, servicesOn, tempDir } from '../support/helpers.js';
import { publicFixture } from '../support/web-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
const missing = existsSync(CHROMIUM) ? undefined : `${CHROMIUM} is not installed (apt-get install -y chromium; .ci/run does it)`;
if (missing) console.log(`# skipping the browser test: ${missing}`);

test(
  'in headless Chromium: the chapter page shows the workshops and the coverage chart, and its calendar link delivers the feed',
  { skip: missing },
  async () => {
    const tmp = tempDir('bot-browser-');
    const db = await freshDatabase('sqlite');
    const { db: source, services } = await servicesOn(db.target, new ManualClock(new Date('2027-01-10T12:00:00Z')));
    const web = await startWeb(services, { port: 0, host: '127.0.0.1' }, capturedLogger().log);
    let context: BrowserContext | undefined;
    try {
      // A fresh profile (--user-data-dir) in the test's folder: playwright takes it as the persistent context's directory.
      context = await chromium.launchPersistentContext(join(tmp.dir, 'profile'), {
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
        acceptDownloads: true,
        locale: 'en-GB',
        viewport: { width: 1000, height: 1400 },
        javaScriptEnabled: false,
      });
      const { python, git } = await publicFixture(services);
      const page = await context.newPage();
      const res = await page.goto(`http://127.0.0.1:${web.port}/`);
      assert.equal(res?.status(), 200);
      await page.getByRole('link', { name: 'Berlin' }).click();
      await page.waitForURL(/\/chapters\/Berlin$/);
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'Berlin: upcoming workshops');
      const articles = page.locator('article');
      assert.equal(await articles.count(), 2);
      assert.equal(await page.getByRole('heading', { name: `#${python.id} Python for beginners` }).count(), 1);
      assert.equal(await page.getByRole('heading', { name: `#${git.id} Git together <b>now</b>` }).count(), 1, 'markup is shown as text');
      const chart = page.getByRole('img', { name: 'Coach coverage of the next workshops' });
      const box = await chart.boundingBox();
      assert.ok(box && box.width > 100 && box.height > 40, 'the chart is drawn');
      assert.equal(await page.locator('svg.coverage rect.missing').count(), 2, 'one missing coach and the legend');
      const shot = join(tmp.dir, 'public-page.png');
      await page.screenshot({ path: shot, fullPage: true });
      assert.ok(statSync(shot).size > 10_000, 'a screenshot was written');
      if (process.env.SCREENSHOT_OUT) await page.screenshot({ path: process.env.SCREENSHOT_OUT, fullPage: true });

      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: 'Subscribe to the calendar' }).click(),
      ]);
      const ics = readFileSync(await download.path(), 'utf8');
      const uids = new ICAL.Component(ICAL.parse(ics)).getAllSubcomponents('vevent').map((c) => String(c.getFirstPropertyValue('uid')));
      assert.ok(uids.includes(services.workshops.uid(python)) && uids.includes(services.workshops.uid(git)));
    } finally {
      await context?.close();
      await web.stop();
      await source.destroy();
      await db.drop();
      tmp.remove();
    }
  },
);
