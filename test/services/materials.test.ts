import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../src/core/clock.js';
import { UserError } from '../../src/core/errors.js';
import { eachDatabase, servicesOn } from '../support/helpers.js';
import { recordPosts } from '../support/posts.js';

const NOW = new Date('2027-01-10T12:00:00Z');
const who = (name: string) => ({ platform: 'console', workspace: 'console', id: name, name });
const rejects = (key: string) => (err: unknown) => err instanceof UserError && err.key === key;
const python = {
  title: 'Python for beginners',
  url: 'https://learn.example.org/python/',
  topic: 'Python',
  language: 'en',
  level: 'beginner' as const,
  description: 'Variables, loops and functions',
};

test('materials: open licenses only (CC-BY-SA-4.0 by default), http(s) only, one entry per URL with a pointer to it', (t) =>
  eachDatabase(t, async ({ target }) => {
    const { db, services } = await servicesOn(target, new ManualClock(NOW));
    try {
      const m = await services.materials.add(who('ada'), python);
      assert.equal(m.license, 'CC-BY-SA-4.0');
      assert.equal(
        (await services.materials.add(who('ada'), { ...python, url: 'https://example.org/mit', license: 'mit' })).license,
        'MIT',
        'the SPDX id as listed, whatever the case',
      );
      await assert.rejects(
        services.materials.add(who('ada'), { ...python, url: 'https://example.org/nc', license: 'CC-BY-NC-4.0' }),
        rejects('materials.license.nc'),
      );
      await assert.rejects(
        services.materials.add(who('ada'), { ...python, url: 'https://example.org/x', license: 'Proprietary' }),
        rejects('materials.license.unknown'),
      );
      await assert.rejects(services.materials.add(who('ada'), { ...python, url: 'javascript:alert(1)' }), rejects('materials.url.scheme'));
      await assert.rejects(
        services.materials.add(who('ada'), { ...python, url: 'ftp://example.org/file' }),
        rejects('materials.url.scheme'),
      );
      await assert.rejects(services.materials.add(who('ada'), { ...python, url: 'not a link' }), rejects('materials.url.invalid'));
      await assert.rejects(
        services.materials.add(who('bob'), { ...python, url: 'https://LEARN.example.org/python/#intro' }),
        (err: unknown) => {
          assert.ok(err instanceof UserError && err.key === 'materials.url.taken');
          assert.deepEqual(err.params, { id: m.id, title: 'Python for beginners' });
          return true;
        },
      );
      const tr = await services.materials.translate(m.id, 'DE', 'https://learn.example.org/de/python/');
      assert.equal(tr.language, 'de');
      await assert.rejects(services.materials.translate(m.id, 'de', 'https://other.example.org/de'), rejects('materials.translate.exists'));
      await assert.rejects(services.materials.translate(m.id, 'en', 'https://other.example.org/en'), rejects('materials.translate.same'));
      await assert.rejects(
        services.materials.add(who('bob'), { ...python, url: 'https://learn.example.org/de/python/' }),
        rejects('materials.url.taken_translation'),
      );
      assert.deepEqual(
        (await services.materials.get(m.id)).translations!.map((x) => x.language),
        ['de'],
      );
      await assert.rejects(services.materials.get(99), rejects('materials.not_found'));
    } finally {
      await db.destroy();
    }
  }));

test('two members adding the same URL at once: one entry, the other is pointed to it', (t) =>
  eachDatabase(t, async ({ target }) => {
    const { db, services } = await servicesOn(target, new ManualClock(NOW));
    try {
      const results = await Promise.allSettled([1, 2, 3, 4].map((i) => services.materials.add(who(`m${i}`), python)));
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results) if (r.status === 'rejected') assert.ok(rejects('materials.url.taken')(r.reason), String(r.reason));
    } finally {
      await db.destroy();
    }
  }));

test('search ranks title matches first, filters by topic, level and language (a translation counts), and pages', (t) =>
  eachDatabase(t, async ({ target }) => {
    const { db, services } = await servicesOn(target, new ManualClock(NOW));
    try {
      const a = await services.materials.add(who('ada'), {
        ...python,
        title: 'Loops explained',
        url: 'https://e.org/1',
        description: 'for beginners',
      });
      const b = await services.materials.add(who('ada'), {
        ...python,
        title: 'Intro',
        url: 'https://e.org/2',
        description: 'All about loops',
      });
      const c = await services.materials.add(who('ada'), {
        ...python,
        title: 'HTML first steps',
        url: 'https://e.org/3',
        topic: 'HTML',
        language: 'de',
        level: 'intermediate',
        description: 'Tags and pages',
      });
      await services.materials.translate(a.id, 'es', 'https://e.org/1/es');
      assert.deepEqual(
        (await services.materials.search({ text: 'loops' })).materials.map((m) => m.id),
        [a.id, b.id],
      );
      assert.deepEqual(
        (await services.materials.search({ topic: 'html' })).materials.map((m) => m.id),
        [c.id],
      );
      assert.deepEqual(
        (await services.materials.search({ level: 'intermediate' })).materials.map((m) => m.id),
        [c.id],
      );
      assert.deepEqual(
        (await services.materials.search({ language: 'es' })).materials.map((m) => m.id),
        [a.id],
      );
      const page2 = await services.materials.search({ pageSize: 2, page: 2 });
      assert.deepEqual([page2.total, page2.page, page2.pages, page2.materials.length], [3, 2, 2, 1]);
    } finally {
      await db.destroy();
    }
  }));

test('a workshop’s materials are linked in the day reminder to learners, not to coaches', (t) =>
  eachDatabase(t, async ({ target }) => {
    const clock = new ManualClock(NOW);
    const { db, services } = await servicesOn(target, clock);
    try {
      const posts = recordPosts(clock, services);
      const { chapter } = await services.chapters.create({ name: 'Berlin', timeZone: 'Europe/Berlin' });
      const w = await services.workshops.create(chapter, {
        title: 'Python',
        topic: 'Python',
        date: { year: 2027, month: 2, day: 20 },
        time: { hour: 10, minute: 0 },
        learners: 4,
      });
      const m = await services.materials.add(who('ada'), python);
      await services.materials.attach(w.id, m.id);
      await assert.rejects(services.materials.attach(w.id, m.id), rejects('materials.workshop.already'));
      await services.coaches.volunteer(who('ada'), { topics: 'Python' });
      await services.workshops.claim(who('ada'), w.id);
      await services.workshops.join(who('lea'), w.id);
      clock.set(new Date(w.startsAt.getTime() - 24 * 3_600_000));
      await services.reminders.tick();
      const lea = posts.find((x) => x.startsWith('→lea'));
      const ada = posts.find((x) => x.startsWith('→ada'));
      assert.match(lea ?? '', /To prepare, have a look at:.*Python for beginners.*https:\/\/learn\.example\.org\/python\)/);
      assert.doesNotMatch(ada ?? '', /To prepare/);
      await services.materials.detach(w.id, m.id);
      await assert.rejects(services.materials.detach(w.id, m.id), rejects('materials.workshop.absent'));
    } finally {
      await db.destroy();
    }
  }));
