import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CoachNote } from '../../../entities/CoachNote.js';
import { Workshop } from '../../../entities/Workshop.js';
import { WorkshopFeedback } from '../../../entities/WorkshopFeedback.js';
import { REF_ACTION_PREFIX } from '../../../src/adapters/slack/render.js';
import { eachDatabase } from '../../support/helpers.js';
import { slackBot } from '../../support/slack-bot.js';
import { interactionBody, postSigned } from '../../support/slack-requests.js';

// After the workshop on Slack, through the real Bolt app receiving signed requests: the feedback
// DM's buttons (an actions block per question, opaque references), a press that saves one answer,
// the texts in a view opened from the DM and submitted, a coach's notes the same way; a press by
// another learner does nothing.

type Element = { action_id: string; value: string; text: { text: string } };
type Block = { type: string; elements?: Element[] };
interface View {
  callback_id: string;
  private_metadata: string;
  blocks: { block_id: string; optional: boolean; element: { type: string; multiline?: boolean; initial_value?: string } }[];
}

test('Slack: the feedback DM has an actions block of opaque buttons per question; a press saves an answer, a view from the DM the texts; a coach’s notes likewise; another learner’s press does nothing', (t) =>
  eachDatabase(t, async (database) => {
    const b = await slackBot(
      database,
      { ANON_SECRET: 'f'.repeat(32) },
      { users: { UMONA: { name: 'mona', admin: true }, UADA: { name: 'ada' }, ULEA: { name: 'lea' }, ULOU: { name: 'lou' } } },
    );
    const { fake, app, clock, slash, url } = b;
    const SECRET = b.secret;
    const { press, answer, who } = b;
    /** The view a press opened (views.open with the press's trigger). */
    const viewOf = async (id: string) =>
      (await fake.until(`the view of ${id}`, () => fake.callsOf('views.open').find((c) => c.params.trigger_id === `trigger-${id}`))).params
        .view as View;
    const submit = (user: string, view: View, values: Record<string, Record<string, unknown>>) =>
      postSigned(
        url,
        interactionBody({
          type: 'view_submission',
          team: { id: 'T1', domain: 'test' },
          user: who(user),
          api_app_id: 'A1',
          token: 'deprecated',
          trigger_id: 'trigger-submit',
          view: {
            id: 'V1',
            type: 'modal',
            callback_id: view.callback_id,
            private_metadata: view.private_metadata,
            state: { values: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v }])) },
            hash: 'h',
          },
          response_urls: [],
        }),
        SECRET,
      );
    try {
      assert.match(await slash('UMONA', '/chapter', 'create name:Berlin timezone:Europe/Berlin'), /Chapter Berlin created/);
      await slash('UMONA', '/workshop', 'create chapter:Berlin title:"Python day" topic:Python date:2027-03-02 time:10:00 learners:4');
      await slash('UADA', '/coach', 'volunteer topics:Python');
      assert.match(await slash('UADA', '/workshop', 'claim 1'), /You coach workshop #1/);
      for (const l of ['ULEA', 'ULOU']) assert.match(await slash(l, '/workshop', 'join id:1 level:some'), /confirmed/);
      clock.set(new Date('2027-03-02T08:15:00Z'));
      const { checkinCode } = await app.db.manager.findOneByOrFail(Workshop, { id: 1 });
      for (const u of ['UADA', 'ULEA', 'ULOU']) assert.match(await slash(u, '/workshop', `checkin id:1 code:${checkinCode}`), /checked in/);

      // An hour after the end (12:00 UTC).
      clock.set(new Date('2027-03-02T13:00:00Z'));
      assert.equal(await app.services.feedback.askDue(), 1);
      const dmOf = (user: string, text: RegExp) =>
        fake.until(`the DM to ${user}`, () =>
          fake.callsOf('chat.postMessage').find((c) => c.params.channel === `D${user}` && text.test(JSON.stringify(c.params.blocks))),
        );
      const form = await dmOf('ULEA', /Thank you for coming to #1 Python day/);

      // An actions block per question, in order, each button an opaque reference.
      const actions = (form.params.blocks as Block[]).filter((x) => x.type === 'actions');
      assert.deepEqual(
        actions.map((x) => x.elements!.map((e) => e.text.text)),
        [
          ['too slow', 'just right', 'too fast'],
          ['Learned 1', 'Learned 2', 'Learned 3', 'Learned 4', 'Learned 5'],
          ['Coach 1', 'Coach 2', 'Coach 3', 'Coach 4', 'Coach 5'],
          ['yes', 'no'],
          ['Write a few words'],
        ],
      );
      const buttons = actions.flatMap((x) => x.elements!);
      for (const e of buttons) {
        assert.match(e.action_id, new RegExp(`^${REF_ACTION_PREFIX}\\d+$`));
        assert.match(e.value, /^[A-Za-z0-9_-]{22}$/, 'an opaque reference');
      }
      assert.equal(new Set(buttons.map((e) => e.value)).size, 16);
      assert.doesNotMatch(JSON.stringify(actions), /\/workshop|pace:|id:1/, 'no command line in the buttons');
      const button = (label: string) => buttons.find((e) => e.text.text === label)!;

      // "just right": saved under her pseudonym for this workshop.
      const saved = await answer(await press('ULEA', button('just right')));
      assert.match(saved, /Your feedback on workshop #1 is saved/);
      assert.match(saved, /Pace: just right/);
      const feedback = () => app.db.getRepository(WorkshopFeedback).find();
      const mine = app.services.feedback.pseudonym({ platform: 'slack', workspace: 'T1', id: 'ULEA' }, 1);
      assert.deepEqual(
        (await feedback()).map((r) => [r.workshopId, r.pseudonym, r.pace, r.worked]),
        [[1, mine, 'right', null]],
      );

      // The texts: a view opened from the DM with the workshop given and the two texts.
      const textsPress = await press('ULEA', button('Write a few words'));
      const view = await viewOf(textsPress);
      assert.deepEqual(
        view.blocks.map((x) => [x.block_id, x.optional, x.element.type, x.element.multiline, x.element.initial_value]),
        [
          ['id', false, 'number_input', undefined, '1'],
          ['worked', true, 'plain_text_input', true, undefined],
          ['improve', true, 'plain_text_input', true, undefined],
        ],
      );
      const submitted = await submit('ULEA', view, {
        id: { type: 'number_input', value: '1' },
        worked: { type: 'plain_text_input', value: 'The loops part' },
        improve: { type: 'plain_text_input', value: 'More breaks' },
      });
      assert.equal(submitted.status, 200);
      assert.equal(submitted.json?.response_action, undefined, 'no field errors');
      const written = await answer(textsPress);
      assert.match(written, /Your feedback on workshop #1 is saved/);
      assert.match(written, /Pace: just right/, 'the earlier answer stays');
      const rows = await feedback();
      assert.deepEqual(
        rows.map((r) => [r.pseudonym, r.pace, r.worked, r.improve]),
        [[mine, 'right', 'The loops part', 'More breaks']],
      );

      // Lou presses her buttons: not his, nothing opens or changes.
      const views = fake.callsOf('views.open').length;
      assert.match(await answer(await press('ULOU', button('too fast'))), /This button was sent to someone else/);
      assert.match(await answer(await press('ULOU', button('Write a few words'))), /sent to someone else/);
      assert.equal(fake.callsOf('views.open').length, views, 'no view for him');
      assert.deepEqual(await feedback(), rows, 'nothing changed');

      // The coach: one button, a view for the note, the note saved.
      const coachForm = await dmOf('UADA', /Thank you for coaching #1 Python day/);
      const [notes] = (coachForm.params.blocks as Block[]).filter((x) => x.type === 'actions').flatMap((x) => x.elements!);
      assert.equal(notes!.text.text, 'Write my notes');
      assert.match(notes!.value, /^[A-Za-z0-9_-]{22}$/);
      const notesPress = await press('UADA', notes!);
      const notesView = await viewOf(notesPress);
      assert.deepEqual(
        notesView.blocks.map((x) => x.block_id),
        ['id', 'taught', 'went', 'change'],
      );
      await submit('UADA', notesView, {
        id: { type: 'number_input', value: '1' },
        taught: { type: 'plain_text_input', value: 'loops, lists' },
        went: { type: 'plain_text_input', value: 'Lively' },
        change: { type: 'plain_text_input', value: null },
      });
      assert.match(await answer(notesPress), /Your notes on workshop #1 are saved/);
      const note = await app.db.getRepository(CoachNote).findOneOrFail({ where: { workshopId: 1 }, relations: { member: true } });
      assert.deepEqual(
        [note.member!.userId, note.taught, note.went, note.change, note.publish],
        ['UADA', 'loops, lists', 'Lively', null, 'anonymous'],
      );
    } finally {
      await b.stop();
    }
  }));
