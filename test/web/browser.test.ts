import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import ICAL from 'ical.js';
import type { BrowserContext } from 'playwright-core';
import { ManualClock } from '../../src/core/clock.js';
import { startWeb } from '../../src/web/server.js';
import { chromiumMissing, launchChromium } from '../support/browser.js';
import { capturedLogger, freshDatabase, servicesOn, tempDir } from '../support/helpers.js';
import { publicFixture } from '../support/web-fixture.js';

const missing = chromiumMissing;
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
      context = await launchChromium(tmp.dir, { acceptDownloads: true });
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
