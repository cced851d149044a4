import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Material } from '../../entities/Material.js';
import { MaterialTranslation } from '../../entities/MaterialTranslation.js';
import { ManualClock } from '../../src/core/clock.js';
import { UserError } from '../../src/core/errors.js';
import { materialUrl, storedForms } from '../../src/services/materials.js';
import { eachDatabase, servicesOn } from '../support/helpers.js';

const NOW = new Date('2027-01-10T12:00:00Z');
const who = (name: string) => ({ platform: 'console', workspace: 'console', id: name, name });
const material = (url: string) => ({ title: 'Loops', url, topic: 'Python', language: 'en' });
const taken = (id: number) => (err: unknown) => err instanceof UserError && err.key === 'materials.url.taken' && err.params.id === id;
const takenTranslation = (id: number) => (err: unknown) =>
  err instanceof UserError && err.key === 'materials.url.taken_translation' && err.params.id === id;

test('a link has one canonical form: https, host in lower case without a trailing dot, no fragment, empty query or trailing slash', () => {
  for (const typed of ['https://x.org/a/?', 'http://x.org./a', 'HTTP://X.Org/a/#top', 'https://x.org/a?', 'http://x.org.:80/a/'])
    assert.equal(materialUrl(typed), 'https://x.org/a', typed);
  assert.equal(materialUrl('http://x.org'), 'https://x.org/');
  assert.equal(materialUrl('https://x.org./?'), 'https://x.org/');
  assert.equal(materialUrl('https://x.org/a/?b=1#c'), 'https://x.org/a?b=1', 'a query that says something stays');
  assert.equal(materialUrl('http://x.org:8080/a/'), 'http://x.org:8080/a', 'with a port the scheme stays as typed');
  assert.throws(
    () => materialUrl('http://./'),
    (err) => err instanceof UserError && err.key === 'materials.url.invalid',
  );
  for (const typed of ['https://x.org/a/?', 'http://x.org./a', 'https://x.org/a?b=1', 'http://x.org:8080/a/']) {
    assert.ok(storedForms(materialUrl(typed)).includes(materialUrl(typed)), 'the canonical form is one of the stored forms');
  }
});

test('a trailing slash, http or https, a trailing dot in the host and an empty query are the same link, for materials and translations', (t) =>
  eachDatabase(t, async ({ target }) => {
    const { db, services } = await servicesOn(target, new ManualClock(NOW));
    try {
      const first = await services.materials.add(who('ada'), material('https://x.org/a/?'));
      assert.equal(first.url, 'https://x.org/a');
      for (const same of ['http://x.org./a', 'https://x.org/a/', 'HTTP://X.ORG/a?#x', 'http://x.org/a/?']) {
        await assert.rejects(services.materials.add(who('bob'), material(same)), taken(first.id), same);
        await assert.rejects(services.materials.translate(first.id, 'de', same), taken(first.id), same);
      }
      const tr = await services.materials.translate(first.id, 'de', 'http://x.org./de/a/');
      assert.equal(tr.url, 'https://x.org/de/a');
      await assert.rejects(services.materials.add(who('bob'), material('https://x.org/de/a/?')), takenTranslation(first.id));
      assert.equal(
        (await services.materials.add(who('bob'), material('https://x.org/a?page=2'))).url,
        'https://x.org/a?page=2',
        'another query is another link',
      );
      assert.deepEqual(await db.getRepository(Material).count(), 2);
      assert.deepEqual(await db.getRepository(MaterialTranslation).count(), 1);
    } finally {
      await db.destroy();
    }
  }));

test('rows stored before links were canonical stay as they are, and still count as taken in any form', (t) =>
  eachDatabase(t, async ({ target }) => {
    const { db, services } = await servicesOn(target, new ManualClock(NOW));
    try {
      const old = await services.materials.add(who('ada'), material('https://y.org/old'));
      // As the previous normalisation stored them: scheme as typed, trailing slash, dot and empty query kept.
      await db.getRepository(Material).update({ id: old.id }, { url: 'http://y.org./guide/?' });
      const oldTranslation = await services.materials.translate(old.id, 'fr', 'https://y.org/fr');
      await db.getRepository(MaterialTranslation).update({ id: oldTranslation.id }, { url: 'https://y.org/fr/' });
      await assert.rejects(services.materials.add(who('bob'), material('https://y.org/guide')), taken(old.id));
      await assert.rejects(services.materials.add(who('bob'), material('http://Y.org/guide/')), taken(old.id));
      await assert.rejects(services.materials.add(who('bob'), material('http://y.org./fr')), takenTranslation(old.id));
      assert.equal((await services.materials.get(old.id)).url, 'http://y.org./guide/?', 'the stored row is not rewritten');
    } finally {
      await db.destroy();
    }
  }));
