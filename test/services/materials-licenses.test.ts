import assert from 'node:assert/strict';
import { test } from 'node:test';
import spdxLicenses from 'spdx-license-list';
import { Material } from '../../entities/Material.js';
import { ManualClock } from '../../src/core/clock.js';
import { translator } from '../../src/core/i18n.js';
import { UserError } from '../../src/core/errors.js';
import { checkLicense, OPEN_LICENSES } from '../../src/services/materials.js';
import { eachDatabase, servicesOn } from '../support/helpers.js';

const who = (name: string) => ({ platform: 'console', workspace: 'console', id: name, name });

test('every OSI-approved license of the SPDX list is accepted by its id, and the Creative Commons BY, BY-SA and CC0 licenses of any version', () => {
  const osi = Object.entries(spdxLicenses)
    .filter(([, l]) => l.osiApproved)
    .map(([id]) => id);
  assert.ok(osi.length > 100, 'the list is the maintained one, not a handful');
  for (const id of osi) {
    const verdict = checkLicense(id);
    assert.ok(verdict.open, id);
    // A deprecated GNU id (GPL-2.0+, LGPL-2.1) is stored as its current form, itself OSI-approved.
    if (verdict.id !== id)
      assert.ok(verdict.id.startsWith(id.replace(/\+$/, '')) && spdxLicenses[verdict.id]!.osiApproved, `${id} → ${verdict.id}`);
  }
  for (const id of [
    'CC-BY-1.0',
    'CC-BY-2.0',
    'CC-BY-2.5',
    'CC-BY-3.0',
    'CC-BY-4.0',
    'CC-BY-SA-1.0',
    'CC-BY-SA-2.0',
    'CC-BY-SA-3.0',
    'CC-BY-SA-4.0',
    'CC-BY-3.0-DE',
    'CC-BY-SA-2.0-UK',
    'CC0-1.0',
  ]) {
    assert.deepEqual(checkLicense(id), { open: true, id }, id);
  }
  for (const id of ['GPL-3.0-only', 'GPL-3.0-or-later', 'LGPL-2.1-only', 'EUPL-1.2', 'MPL-2.0', 'Unlicense', '0BSD'])
    assert.equal(checkLicense(id).open, true, id);
});

test('a typed license maps to the canonical SPDX id, whatever its case and spacing, and the deprecated GNU ids to their current form', () => {
  const canonical: [string, string][] = [
    ['gpl-3.0-only', 'GPL-3.0-only'],
    ['cc-by-sa-2.0', 'CC-BY-SA-2.0'],
    ['CC BY-SA 4.0', 'CC-BY-SA-4.0'],
    ['cc0-1.0', 'CC0-1.0'],
    ['apache-2.0', 'Apache-2.0'],
    ['GPL-3.0', 'GPL-3.0-only'],
    ['gpl-2.0+', 'GPL-2.0-or-later'],
    ['LGPL-2.1', 'LGPL-2.1-only'],
  ];
  for (const [typed, id] of canonical) assert.deepEqual(checkLicense(typed), { open: true, id }, typed);
});

test('non-commercial and no-derivatives licenses are refused with the reason, in English and German; unknown ids are told apart from closed ones', () => {
  assert.deepEqual(checkLicense('cc-by-nc-4.0'), { open: false, id: 'CC-BY-NC-4.0', reason: 'nc' });
  assert.deepEqual(checkLicense('CC-BY-NC-SA-3.0-DE'), { open: false, id: 'CC-BY-NC-SA-3.0-DE', reason: 'nc' });
  assert.deepEqual(checkLicense('CC-BY-ND-2.0'), { open: false, id: 'CC-BY-ND-2.0', reason: 'nd' });
  assert.deepEqual(checkLicense('CC-BY-NC-ND-4.0'), { open: false, id: 'CC-BY-NC-ND-4.0', reason: 'nc_nd' });
  assert.deepEqual(checkLicense('CC-PDDC'), { open: false, id: 'CC-PDDC', reason: 'closed' });
  assert.deepEqual(checkLicense('Proprietary'), { open: false, id: undefined, reason: 'unknown' });
  const params = { license: 'CC-BY-NC-4.0', licenses: 'CC-BY-SA-4.0, CC-BY-4.0' };
  assert.match(
    translator('en')('materials.license.nc', params),
    /^CC-BY-NC-4\.0 is non-commercial \(NC\): it is not open for the community’s purpose.*such as CC-BY-SA-4\.0, CC-BY-4\.0/,
  );
  assert.match(
    translator('de')('materials.license.nc', params),
    /^CC-BY-NC-4\.0 ist nicht kommerziell \(NC\): Das ist für die Zwecke der Community nicht offen/,
  );
  assert.match(translator('en')('materials.license.nd', params), /allows no derivatives \(ND\): it is not open/);
  assert.match(translator('de')('materials.license.nd', params), /erlaubt keine Bearbeitung \(ND\)/);
});

test('every accepted license id fits the license column, and the longest one is stored on both databases', (t) =>
  eachDatabase(t, async ({ target }) => {
    const { db, services } = await servicesOn(target, new ManualClock(new Date('2027-01-10T12:00:00Z')));
    try {
      const width = db.getMetadata(Material).findColumnWithPropertyName('license')!.length;
      const longest = [...OPEN_LICENSES].sort((a, b) => b.length - a.length)[0]!;
      assert.ok(longest.length <= Number(width), `${longest} fits ${width}`);
      const m = await services.materials.add(who('ada'), {
        title: 'Longest license',
        url: 'https://example.org/long',
        topic: 'Python',
        language: 'en',
        license: longest.toLowerCase(),
      });
      assert.equal((await db.getRepository(Material).findOneByOrFail({ id: m.id })).license, longest);
      const refused = await services.materials
        .add(who('ada'), { title: 'NC', url: 'https://example.org/nc', topic: 'Python', language: 'en', license: 'CC-BY-NC-SA-4.0' })
        .catch((e: unknown) => e);
      assert.ok(refused instanceof UserError && refused.key === 'materials.license.nc');
      assert.deepEqual(refused.params, {
        license: 'CC-BY-NC-SA-4.0',
        licenses: 'CC-BY-SA-4.0, CC-BY-4.0, CC0-1.0, MIT, Apache-2.0, GPL-3.0-or-later',
      });
    } finally {
      await db.destroy();
    }
  }));
