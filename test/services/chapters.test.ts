import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Chapter } from '../../entities/Chapter.js';
import { ManualClock } from '../../src/core/clock.js';
import { UserError } from '../../src/core/errors.js';
import { canonicalTimeZone } from '../../src/services/chapters.js';
import { eachDatabase, servicesOn } from '../support/helpers.js';

const clock = new ManualClock(new Date('2027-01-10T12:00:00Z'));
const discord = { platform: 'discord', workspace: 'G1' };
const rejects = (reason: string) => (err: unknown) => err instanceof UserError && err.key === `chapter.${reason}`;

test('time zones are IANA names, spelled canonically; abbreviations are refused', () => {
  assert.equal(canonicalTimeZone('europe/berlin'), 'Europe/Berlin');
  assert.equal(canonicalTimeZone('UTC'), 'UTC');
  assert.equal(canonicalTimeZone('CET'), null);
  assert.equal(canonicalTimeZone('Mars/Olympus'), null);
});

test('chapters: create, duplicate by any case, bind, resolve, channels', (t) =>
  eachDatabase(t, async ({ target }) => {
    const { db, services } = await servicesOn(target, clock);
    const chapters = services.chapters;
    try {
      const { chapter, bound } = await chapters.create({ name: ' Berlin ', timeZone: 'Europe/Berlin', bindTo: discord });
      assert.equal(chapter.name, 'Berlin');
      assert.equal(bound, 'workspace', 'the first chapter is bound to a workspace that had none');
      await assert.rejects(
        chapters.create({ name: 'BERLIN', timeZone: 'Europe/Berlin' }),
        (e: unknown) => e instanceof UserError && e.key === 'chapter.duplicate.where' && e.params.where === 'discord',
      );
      await assert.rejects(chapters.create({ name: 'Hamburg', timeZone: 'Hamburg' }), rejects('bad_timezone'));
      await assert.rejects(chapters.create({ name: '<script>', timeZone: 'UTC' }), rejects('bad_name'));
      await assert.rejects(chapters.get('Bärlin'), rejects('not_found'));
      assert.equal(await db.getRepository(Chapter).count(), 1, 'failed creates left nothing behind');

      await assert.rejects(
        chapters.create({ name: 'Hamburg', timeZone: 'Europe/Berlin', bindTo: discord }),
        (e: unknown) => e instanceof UserError && e.key === 'chapter.create.place_taken',
      );
      const second = await chapters.create({ name: 'Hamburg', timeZone: 'Europe/Berlin', bindTo: { ...discord, channel: 'C9' } });
      assert.equal(second.bound, 'channel', 'a workspace keeps the chapter it has; the new one gets the channel where it was created');
      assert.equal((await chapters.resolve({ ...discord, channel: 'C9' }))?.name, 'Hamburg', 'a channel binding wins');
      const admin = { ...discord, id: 'U1', name: 'ada' };
      await chapters.bind('hamburg', { ...discord, channel: 'C8' }, { member: admin });
      assert.equal(
        (await chapters.resolve({ ...discord, channel: 'C8' }))?.name,
        'Hamburg',
        'bound in this workspace already: no code needed',
      );
      assert.equal((await chapters.resolve({ ...discord, channel: 'C1' }))?.name, 'Berlin');
      assert.equal(await chapters.resolve({ platform: 'slack', workspace: 'T1', channel: 'C9' }), null);
      await chapters.bind('Hamburg', { ...discord, channel: '' }, { member: admin });
      assert.equal((await chapters.resolve({ ...discord, channel: 'C1' }))?.name, 'Hamburg', 'rebinding replaces');

      await chapters.setChannels('Berlin', discord, { questions: 'Q1', moderation: 'M1' });
      await chapters.setChannels('Berlin', discord, { questions: 'Q2' });
      assert.deepEqual(await chapters.channels(chapter, discord), { questions: 'Q2', moderation: 'M1' });
      assert.deepEqual(
        await chapters.channels(chapter, { platform: 'slack', workspace: 'T1' }),
        {},
        'channels are per platform and workspace',
      );
    } finally {
      await db.destroy();
    }
  }));

test('two moderators creating the same chapter at once get one chapter and one clear refusal', (t) =>
  eachDatabase(t, async ({ target }) => {
    const { db, services } = await servicesOn(target, clock);
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => services.chapters.create({ name: i % 2 ? 'Köln' : 'köln', timeZone: 'Europe/Berlin' })),
      );
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      for (const r of results)
        if (r.status === 'rejected') assert.ok(r.reason instanceof UserError && r.reason.key === 'chapter.duplicate', String(r.reason));
      assert.equal(await db.getRepository(Chapter).count(), 1);
    } finally {
      await db.destroy();
    }
  }));

test('members are remembered once, even when two commands race', (t) =>
  eachDatabase(t, async ({ target }) => {
    const { db, services } = await servicesOn(target, clock);
    try {
      const who = { platform: 'slack', workspace: 'T1', id: 'U1', name: 'Ada' };
      const rows = await Promise.all([services.members.ensure(who), services.members.ensure(who), services.members.ensure(who)]);
      assert.equal(new Set(rows.map((r) => r.id)).size, 1);
      const renamed = await services.members.ensure({ ...who, name: 'Ada L.' });
      assert.equal(renamed.displayName, 'Ada L.');
      assert.equal(renamed.id, rows[0]!.id);
    } finally {
      await db.destroy();
    }
  }));

test('a chapter’s moderator group is stored per workspace beside its channels, and is not one of them', (t) =>
  eachDatabase(t, async ({ target }) => {
    const { db, services } = await servicesOn(target, clock);
    const chapters = services.chapters;
    try {
      const { chapter } = await chapters.create({ name: 'Bristol', timeZone: 'Europe/London' });
      const slack = { platform: 'slack', workspace: 'T1' };
      assert.equal(await chapters.moderatorGroup(chapter, slack), undefined);
      await chapters.setChannels('Bristol', slack, { questions: 'CQ', 'moderator-group': 'S1' });
      await chapters.setChannels('Bristol', slack, { 'moderator-group': 'S2' });
      assert.equal(await chapters.moderatorGroup(chapter, slack), 'S2', 'setting it again replaces it');
      assert.equal(await chapters.moderatorGroup(chapter, { platform: 'slack', workspace: 'T2' }), undefined, 'per workspace');
      assert.deepEqual(await chapters.channels(chapter, slack), { questions: 'CQ' });
    } finally {
      await db.destroy();
    }
  }));
