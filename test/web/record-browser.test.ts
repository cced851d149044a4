import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { BrowserContext } from 'playwright-core';
import { ManualClock } from '../../src/core/clock.js';
import { startWeb } from '../../src/web/server.js';
import { chromiumMissing, launchChromium } from '../support/browser.js';
import { capturedLogger, freshDatabase, servicesOn, tempDir } from '../support/helpers.js';
import { LEARNERS, recordFixture, SECRET_TEXTS } from '../support/record-fixture.js';

const missing = chromiumMissing;
if (missing) console.log(`# skipping the browser test: ${missing}`);

test(
  'in headless Chromium: the chapter page’s Past workshops section, its ratings and notes, and its open-data link to report.json',
  { skip: missing },
  async () => {
    const tmp = tempDir('bot-browser-');
    const db = await freshDatabase('sqlite');
    const clock = new ManualClock(new Date('2027-01-10T12:00:00Z'));
    const { db: source, services } = await servicesOn(db.target, clock);
    const web = await startWeb(services, { port: 0, host: '127.0.0.1' }, capturedLogger().log);
    let context: BrowserContext | undefined;
    try {
      context = await launchChromium(tmp.dir);
      const f = await recordFixture(services, clock);
      await services.record.setVisible(f.git.id, false);
      const page = await context.newPage();
      assert.equal((await page.goto(`http://127.0.0.1:${web.port}/`))?.status(), 200);
      await page.getByRole('link', { name: 'Berlin' }).click();
      await page.waitForURL(/\/chapters\/Berlin$/);

      // The section is a landmark named by its heading, so screen readers list it and jump to it.
      const section = page.getByRole('region', { name: 'Past workshops' });
      assert.equal(await section.count(), 1);
      assert.equal(await section.getByRole('heading', { level: 2 }).textContent(), 'Past workshops');
      assert.equal(await section.locator('article').count(), 2);
      const headings = await section.getByRole('heading', { level: 3 }).allTextContents();
      assert.deepEqual(headings, [`#${f.web.id} Your first web page`, `#${f.python.id} Python for beginners`]);
      const python = section.getByRole('article', { name: `#${f.python.id} Python for beginners` });
      assert.ok(await python.getByText('4.2 of 5 on average').isVisible());
      assert.ok(await python.getByRole('link', { name: 'Python for beginners (workshop guide)' }).isVisible());
      assert.deepEqual(await python.locator('figcaption').allTextContents(), ['— Ada Lovelace', '— a coach']);
      assert.ok(
        await section
          .getByRole('article', { name: `#${f.web.id} Your first web page` })
          .getByText('Fewer than 5 learners answered, so no ratings are shown.')
          .isVisible(),
      );
      const text = await page.locator('body').innerText();
      for (const l of LEARNERS) assert.ok(!text.includes(l.name.split(' ')[0]!), `${l.name} is not on the page`);
      for (const secret of SECRET_TEXTS) assert.ok(!text.includes(secret));
      assert.ok(!text.includes('Git and GitHub'), 'the hidden workshop');

      // The section with a margin around it (the README shows it).
      const box = (await section.boundingBox())!;
      const clip = { x: Math.max(0, box.x - 16), y: Math.max(0, box.y - 16), width: box.width + 32, height: box.height + 32 };
      const shot = join(tmp.dir, 'past-workshops.png');
      await page.screenshot({ path: shot, clip, fullPage: true });
      assert.ok(statSync(shot).size > 10_000, 'a screenshot was written');
      if (process.env.PAST_SCREENSHOT_OUT) await page.screenshot({ path: process.env.PAST_SCREENSHOT_OUT, clip, fullPage: true });

      await page.getByRole('link', { name: 'This record as open data (JSON)' }).click();
      await page.waitForURL(/\/chapters\/Berlin\/report\.json$/);
      const report = JSON.parse(await page.locator('body').innerText()) as { workshops: { id: number; ratings: unknown }[] };
      assert.deepEqual(
        report.workshops.map((w) => [w.id, w.ratings === null]),
        [
          [f.web.id, true],
          [f.python.id, false],
        ],
      );
    } finally {
      await context?.close();
      await web.stop();
      await source.destroy();
      await db.drop();
      tmp.remove();
    }
  },
);
