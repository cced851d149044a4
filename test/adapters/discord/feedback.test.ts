import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoachNote } from '../../../entities/CoachNote.js';
import { Workshop } from '../../../entities/Workshop.js';
import { WorkshopFeedback } from '../../../entities/WorkshopFeedback.js';
import { REF_FORM_PREFIX } from '../../../src/adapters/discord/forms.js';
import { REF_PREFIX } from '../../../src/adapters/discord/render.js';
import { eachDatabase } from '../../support/helpers.js';
import { DAY_PEOPLE, discordBot, workshopDay } from '../../support/discord-bot.js';
import type { FakeMessage, FakeUser } from '../../support/fake-discord.js';

// After the workshop on Discord, through the real discord.js client against the loopback fake:
// the feedback DM's buttons (a row per question, opaque references), a press that saves one
// answer, the texts in a modal opened from the DM, a coach's notes the same way; a press by
// another learner does nothing.

const { ada, lea, lou } = DAY_PEOPLE;

type Row = { type: number; components: { type: number; custom_id: string; label: string }[] };
interface Modal {
  type: number;
  data: { custom_id: string; components: { type: number; component: { custom_id: string; required?: boolean } }[] };
}

test('Discord: the feedback DM has a row of opaque buttons per question; a press saves an answer, a modal from the DM the texts; a coach’s notes likewise; another learner’s press does nothing', (t) =>
  eachDatabase(t, async (database) => {
    const b = await discordBot(database, { ANON_SECRET: 'f'.repeat(32) }, { guilds: 1 });
    try {
      const replies = await workshopDay(b, { checkIn: true });
      for (const r of replies.slice(6)) assert.match(r, /checked in/);
      const { endsAt } = await b.app.db.manager.findOneByOrFail(Workshop, { id: 1 });
      assert.equal(endsAt.toISOString(), '2027-03-02T12:00:00.000Z');

      b.clock.set(new Date('2027-03-02T13:00:00Z'));
      assert.equal(await b.app.services.feedback.askDue(), 1);
      const dmOf = (u: FakeUser, text: RegExp) =>
        b.fake.waitFor(
          () => b.fake.posts(b.fake.dmChannelOf(u.id) ?? '').find((m) => text.test(JSON.stringify(m.embeds))),
          `the DM to ${u.username}`,
        );
      const form = await dmOf(lea, /Thank you for coming to #1 Python day/);

      // A row per question, in order: pace (3), learned (5), coach (5), again (2), the texts (1).
      const rows = form.components as Row[];
      assert.deepEqual(
        rows.map((r) => [r.type, r.components.map((c) => c.label)]),
        [
          [1, ['too slow', 'just right', 'too fast']],
          [1, ['Learned 1', 'Learned 2', 'Learned 3', 'Learned 4', 'Learned 5']],
          [1, ['Coach 1', 'Coach 2', 'Coach 3', 'Coach 4', 'Coach 5']],
          [1, ['yes', 'no']],
          [1, ['Write a few words']],
        ],
      );
      const ids = rows.flatMap((r) => r.components.map((c) => c.custom_id));
      for (const id of ids) assert.match(id, new RegExp(`^${REF_PREFIX}[A-Za-z0-9_-]{22}$`), 'an opaque reference');
      assert.equal(new Set(ids).size, 16);
      assert.doesNotMatch(JSON.stringify(form.components), /\/workshop|feedback|pace:|id:1/, 'no command line in the buttons');
      const button = (m: FakeMessage, label: string) =>
        (m.components as Row[]).flatMap((r) => r.components).find((c) => c.label === label)!.custom_id;

      // "just right": saved under her pseudonym for this workshop, with nothing of her in the row.
      const saved = await b.reply(b.fake.clickInDm(lea, form, button(form, 'just right')));
      assert.match(saved, /Your feedback on workshop #1 is saved/);
      assert.match(saved, /Pace: just right/);
      const feedback = () => b.app.db.getRepository(WorkshopFeedback).find();
      let rowsSaved = await feedback();
      assert.equal(rowsSaved.length, 1);
      const mine = b.app.services.feedback.pseudonym({ platform: 'discord', workspace: b.fake.guilds[0]!.id, id: lea.id }, 1);
      assert.deepEqual(
        { ...rowsSaved[0]!, id: 0 },
        {
          id: 0,
          workshopId: 1,
          pseudonym: mine,
          pace: 'right',
          learned: null,
          coachSupport: null,
          again: null,
          worked: null,
          improve: null,
        },
      );
      // As stored, column by column: no column for a member, and no value of hers.
      const [stored] = (await b.app.db.getRepository(WorkshopFeedback).createQueryBuilder('f').getRawMany()) as Record<string, unknown>[];
      assert.deepEqual(
        Object.keys(stored!).sort(),
        ['f_again', 'f_coachSupport', 'f_id', 'f_improve', 'f_learned', 'f_pace', 'f_pseudonym', 'f_worked', 'f_workshopId'].sort(),
      );
      const values = JSON.stringify(Object.values(stored!));
      for (const personal of [lea.id, lea.username]) assert.ok(!values.includes(personal), 'no id or name of hers in the row');

      // The texts: a modal from the DM with her two texts, under the button's reference.
      const texts = button(form, 'Write a few words');
      const opened = JSON.parse(await b.callback(b.fake.clickInDm(lea, form, texts))) as Modal;
      assert.equal(opened.type, 9, 'a modal');
      assert.equal(opened.data.custom_id, REF_FORM_PREFIX + texts.slice(REF_PREFIX.length));
      assert.ok(opened.data.components.length <= 5);
      assert.deepEqual(
        opened.data.components.map((c) => [c.type, c.component.custom_id, c.component.required]),
        [
          [18, 'worked', false],
          [18, 'improve', false],
        ],
        'the two texts, each optional; the workshop is in the reference',
      );
      const written = await b.reply(
        b.fake.submitInDm(lea, form.channel_id, opened.data.custom_id, { worked: 'The loops part', improve: 'More breaks' }),
      );
      assert.match(written, /Your feedback on workshop #1 is saved/);
      assert.match(written, /Pace: just right/, 'the earlier answer stays');
      rowsSaved = await feedback();
      assert.equal(rowsSaved.length, 1);
      assert.deepEqual([rowsSaved[0]!.pseudonym, rowsSaved[0]!.worked, rowsSaved[0]!.improve], [mine, 'The loops part', 'More breaks']);

      // Lou presses her buttons, or submits her modal: not his, nothing changes.
      assert.match(await b.reply(b.fake.clickInDm(lou, form, button(form, 'too fast'))), /This button was sent to someone else/);
      assert.match(
        await b.reply(b.fake.submitInDm(lou, form.channel_id, opened.data.custom_id, { worked: 'Nothing', improve: 'All' })),
        /sent to someone else/,
      );
      assert.deepEqual(await feedback(), rowsSaved, 'nothing changed');

      // The coach: one button, a modal for the note, the note saved.
      const coachForm = await dmOf(ada, /Thank you for coaching #1 Python day/);
      const [notes] = (coachForm.components as Row[]).flatMap((r) => r.components);
      assert.equal(notes!.label, 'Write my notes');
      assert.match(notes!.custom_id, new RegExp(`^${REF_PREFIX}[A-Za-z0-9_-]{22}$`));
      const notesModal = JSON.parse(await b.callback(b.fake.clickInDm(ada, coachForm, notes!.custom_id))) as Modal;
      assert.equal(notesModal.type, 9);
      assert.equal(notesModal.data.custom_id, REF_FORM_PREFIX + notes!.custom_id.slice(REF_PREFIX.length));
      assert.deepEqual(
        notesModal.data.components.map((c) => c.component.custom_id),
        ['taught', 'went', 'change'],
      );
      const noted = await b.reply(
        b.fake.submitInDm(ada, coachForm.channel_id, notesModal.data.custom_id, {
          taught: 'loops, lists',
          went: 'Lively',
          change: 'More time for lists',
        }),
      );
      assert.match(noted, /Your notes on workshop #1 are saved/);
      const note = await b.app.db.getRepository(CoachNote).findOneOrFail({ where: { workshopId: 1 }, relations: { member: true } });
      assert.deepEqual(
        [note.member!.userId, note.taught, note.went, note.change, note.publish],
        [ada.id, 'loops, lists', 'Lively', 'More time for lists', 'anonymous'],
      );
    } finally {
      await b.stop();
    }
  }));
