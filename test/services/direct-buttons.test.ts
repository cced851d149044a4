import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Chapter } from '../../entities/Chapter.js';
import { OutboxMessage } from '../../entities/OutboxMessage.js';
import { DirectButton } from '../../entities/DirectButton.js';
import { Member } from '../../entities/Member.js';
import { ManualClock } from '../../src/core/clock.js';
import { UserError } from '../../src/core/errors.js';
import { message, type Message } from '../../src/core/reply.js';
import { DIRECT_BUTTON_TTL_MS } from '../../src/services/direct-buttons.js';
import type { Services } from '../../src/services/index.js';
import { eachDatabase, servicesOn } from '../support/helpers.js';

const GUILD = '222222222222222222';
const ADA = { platform: 'discord', workspace: GUILD, id: '500000000000000001', name: 'ada' };
const DAY = 24 * 3_600_000;

/** Real services on each database, with Ada's member row and a chapter Berlin. */
function scenario(body: (x: { services: Services; clock: ManualClock; ada: Member; chapter: Chapter }) => Promise<void>) {
  return (t: Parameters<typeof eachDatabase>[0]) =>
    eachDatabase(t, async ({ target }) => {
      const clock = new ManualClock(new Date('2027-03-01T10:00:00Z'));
      const { db, services } = await servicesOn(target, clock);
      try {
        const { chapter } = await services.chapters.create({ name: 'Berlin', timeZone: 'Europe/Berlin' });
        const ada = await services.members.ensure(ADA);
        await body({ services, clock, ada, chapter });
      } finally {
        await db.destroy();
      }
    });
}

/** The key of the UserError `work` is refused with. */
async function refusal(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (err) {
    if (err instanceof UserError) return err.key;
    throw err;
  }
  return 'not refused';
}

test(
  'a button issued to a member opens, for her only, to its workspace, chapter and command; its token is random and says nothing',
  scenario(async ({ services, ada, chapter }) => {
    const b = services.directButtons;
    const token = await b.issue(ada, chapter.id, '/workshop leave id:4');
    assert.match(token, /^[A-Za-z0-9_-]{22}$/);
    assert.notEqual(await b.issue(ada, chapter.id, '/workshop leave id:4'), token, 'each button its own token');
    assert.deepEqual(await b.open(token, 'discord', ADA.id), { workspace: GUILD, chapterId: chapter.id, command: '/workshop leave id:4' });
    assert.equal(await refusal(b.open(token, 'discord', '500000000000000002')), 'button.not_yours', 'another member');
    assert.equal(await refusal(b.open(token, 'slack', ADA.id)), 'button.not_yours', 'the same id on another platform');
    // A button about no chapter.
    const none = await b.issue(ada, null, '/help');
    assert.deepEqual(await b.open(none, 'discord', ADA.id), { workspace: GUILD, chapterId: null, command: '/help' });
  }),
);

test(
  'a button works for 14 days (or the lifetime it was given), then is stale',
  scenario(async ({ services, clock, ada }) => {
    const b = services.directButtons;
    const token = await b.issue(ada, null, '/help');
    const short = await b.issue(ada, null, '/progress', 60_000);
    assert.equal(DIRECT_BUTTON_TTL_MS, 14 * DAY);
    clock.advance(59_000);
    assert.equal((await b.open(short, 'discord', ADA.id)).command, '/progress');
    clock.advance(1_000);
    assert.equal(await refusal(b.open(short, 'discord', ADA.id)), 'button.stale');
    clock.set(new Date(new Date('2027-03-01T10:00:00Z').getTime() + 14 * DAY - 1));
    assert.equal((await b.open(token, 'discord', ADA.id)).command, '/help');
    clock.advance(1);
    assert.equal(await refusal(b.open(token, 'discord', ADA.id)), 'button.stale');
    assert.equal(await refusal(b.open(token, 'discord', '500000000000000002')), 'button.stale', 'an expired button is stale for anyone');
  }),
);

test(
  'a forged, altered or malformed token is stale, the same answer as an expired one',
  scenario(async ({ services, ada }) => {
    const b = services.directButtons;
    const token = await b.issue(ada, null, '/help');
    const altered = (token[0] === 'A' ? 'B' : 'A') + token.slice(1);
    for (const forged of [altered, 'AAAAAAAAAAAAAAAAAAAAAA', '', 'x', `${token}x`, "' OR 1=1 --", '/help'])
      assert.equal(await refusal(b.open(forged, 'discord', ADA.id)), 'button.stale', JSON.stringify(forged));
  }),
);

test(
  'purge deletes the buttons past their time and keeps the others; a member deleted takes her buttons with her',
  scenario(async ({ services, clock, ada }) => {
    const b = services.directButtons;
    const m = services.store.manager;
    const old = await b.issue(ada, null, '/help', DAY);
    const fresh = await b.issue(ada, null, '/progress');
    clock.advance(DAY);
    assert.equal(await b.purge(), 1);
    assert.equal(await b.purge(), 0);
    assert.deepEqual(
      (await m.find(DirectButton, { order: { id: 'ASC' } })).map((r) => r.token),
      [fresh],
    );
    assert.equal(await refusal(b.open(old, 'discord', ADA.id)), 'button.stale');
    assert.equal((await b.open(fresh, 'discord', ADA.id)).command, '/progress');

    // ON DELETE CASCADE, as the migration made it on this database.
    await services.store.transaction((em) => em.delete(Member, { id: ada.id }));
    assert.equal(await m.count(DirectButton), 0);
    assert.equal(await refusal(b.open(fresh, 'discord', ADA.id)), 'button.stale');
  }),
);

test(
  'a chapter deleted takes the buttons about it with it',
  scenario(async ({ services, ada, chapter }) => {
    const about = await services.directButtons.issue(ada, chapter.id, '/workshop list');
    const general = await services.directButtons.issue(ada, null, '/help');
    await services.store.transaction((em) => em.delete(Chapter, { id: chapter.id }));
    assert.equal(await refusal(services.directButtons.open(about, 'discord', ADA.id)), 'button.stale');
    assert.equal((await services.directButtons.open(general, 'discord', ADA.id)).command, '/help');
  }),
);

test(
  'DirectMessages.send stores each button of a DM for its recipient and sends only the references; a DM without buttons stores none',
  scenario(async ({ services, ada, chapter }) => {
    const posted: Message[] = [];
    services.notifier.register('discord', () => ({
      post: async (m) => (posted.push(m), { channel: 'dm', messageId: String(posted.length) }),
      edit: async () => undefined,
    }));
    await services.dms.send(
      ada,
      (t) => ({
        ...message(t('button.not_yours')),
        buttons: [
          { label: 'Leave', command: '/workshop leave id:4', style: 'danger' },
          { label: 'Help', command: '/help' },
        ],
      }),
      { chapterId: chapter.id },
    );
    const [dm] = posted;
    assert.deepEqual(dm!.visibility, { kind: 'dm', to: { id: ADA.id, name: 'ada' } });
    const buttons = dm!.buttons ?? [];
    assert.deepEqual(
      buttons.map((x) => [x.label, x.command, x.style]),
      [
        ['Leave', '/workshop leave id:4', 'danger'],
        ['Help', '/help', undefined],
      ],
    );
    const opened = await Promise.all(buttons.map((x) => services.directButtons.open(x.ref ?? '', 'discord', ADA.id)));
    assert.deepEqual(opened, [
      { workspace: GUILD, chapterId: chapter.id, command: '/workshop leave id:4' },
      { workspace: GUILD, chapterId: chapter.id, command: '/help' },
    ]);

    await services.dms.send(ada, (t) => message(t('button.stale')));
    assert.equal(posted[1]!.buttons, undefined);
    assert.equal(await services.store.manager.count(DirectButton), 2, 'no row for a DM without buttons');

    // Slack runs in another process: the DM waits in the outbox for it, its button stored with it.
    const bob = await services.members.ensure({ platform: 'slack', workspace: 'T1', id: 'UBOB', name: 'bob' });
    await services.dms.send(bob, () => ({ body: [], buttons: [{ label: 'Help', command: '/help' }] }));
    assert.equal(posted.length, 2, 'not sent here');
    assert.equal(await services.store.manager.count(DirectButton), 3);
    assert.deepEqual(
      (await services.store.manager.find(OutboxMessage)).map((o) => [o.platform, o.memberId, o.attempts]),
      [['slack', bob.id, 0]],
    );
  }),
);
