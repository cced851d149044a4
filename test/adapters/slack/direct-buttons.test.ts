import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkshopSignup } from '../../../entities/WorkshopSignup.js';
import { startSlack } from '../../../src/adapters/slack/adapter.js';
import { REF_ACTION_PREFIX } from '../../../src/adapters/slack/render.js';
import { createApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { ManualClock } from '../../../src/core/clock.js';
import { p } from '../../../src/core/reply.js';
import { capturedLogger, eachDatabase, tempDir, type TestDatabase } from '../../support/helpers.js';
import { FakeSlack } from '../../support/fake-slack.js';
import { interactionBody, postSigned, slashCommandBody } from '../../support/slack-requests.js';

// Buttons in the app's direct messages on Slack: the real Bolt app with signed requests, the real
// app on each database. A DM's button carries only a reference; a press runs the stored command
// as typed in the row's workspace, for the member it was sent to only.
const SECRET = 'dm-buttons-signing-secret-0123456789';

async function bot(database: TestDatabase) {
  const fake = await new FakeSlack().start();
  fake.users.set('UADMIN', { name: 'ada', isAdmin: true });
  fake.users.set('UALICE', { name: 'alice' });
  fake.users.set('UROLF', { name: 'rolf', locale: 'de-DE' });
  const tmp = tempDir();
  const config = loadConfig({
    DATABASE_URL: database.url,
    DATA_DIR: tmp.dir,
    SLACK_BOT_TOKEN: 'xoxb-dm-buttons',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.apiUrl,
    RATE_LIMIT_MAX: '1000',
  });
  const clock = new ManualClock(new Date('2027-03-01T10:00:00Z'));
  const app = await createApp(config, capturedLogger().log, clock);
  const slack = await startSlack(app, config, capturedLogger().log, { listen: { port: 0, host: '127.0.0.1' } });
  const url = `http://127.0.0.1:${slack.port}/slack/events`;
  let n = 0;
  const slash = async (user: string, command: string, text: string) =>
    String((await postSigned(url, slashCommandBody({ command, text, user, responseUrl: fake.responseUrl(`r${++n}`) }), SECRET)).json?.text);
  /** A press of a button of a message in `channel` by `user`; resolves with the answer posted to its response URL. */
  const press = async (user: string, channel: string, ts: string, button: { action_id: string; value: string }) => {
    const id = `press-${++n}`;
    const sent = await postSigned(
      url,
      interactionBody({
        type: 'block_actions',
        team: { id: 'T1', domain: 'test' },
        user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: 'T1' },
        api_app_id: 'A1',
        token: 'deprecated',
        container: { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: false },
        trigger_id: `trigger-${id}`,
        channel: { id: channel, name: 'directmessage' },
        message: { type: 'message', ts, text: 'Your workshop' },
        response_url: fake.responseUrl(id),
        actions: [{ type: 'button', block_id: 'b1', text: { type: 'plain_text', text: 'x' }, action_ts: '1700000001.000000', ...button }],
      }),
      SECRET,
    );
    assert.equal(sent.status, 200);
    return (await fake.until(`the answer to ${id}`, () => fake.responses.find((r) => r.id === id))).body;
  };
  return {
    fake,
    app,
    clock,
    slash,
    press,
    stop: async () => {
      await slack.stop();
      await fake.stop();
      await app.close();
      tmp.remove();
    },
  };
}

test('a Slack DM’s buttons carry only a reference; the recipient’s press runs the command in the row’s workspace, the policy deciding; anyone else’s, a forged one or a stale one runs nothing', (t) =>
  eachDatabase(t, async (database) => {
    const b = await bot(database);
    try {
      assert.match(await b.slash('UADMIN', '/chapter', 'create name:Berlin timezone:Europe/Berlin'), /Chapter Berlin created/);
      assert.match(
        await b.slash('UADMIN', '/workshop', 'create chapter:Berlin title:"Git basics" topic:git date:2027-04-10 time:18:00 learners:4'),
        /#1/,
      );
      const berlin = await b.app.services.chapters.get('Berlin');
      const alice = await b.app.services.members.ensure({ platform: 'slack', workspace: 'T1', id: 'UALICE', name: 'alice' });
      const buttons = [
        { label: 'Join', command: '/workshop join id:1' },
        { label: 'Roster', command: '/workshop roster id:1' },
      ];
      await b.app.services.dms.send(alice, () => ({ body: [p('Your workshop')], buttons }), { chapterId: berlin.id });

      const dm = b.fake.callsOf('chat.postMessage').find((c) => c.params.channel === 'DUALICE')!;
      assert.ok(dm, 'the DM went to the app’s DM with her');
      const [join, roster] = (dm.params.blocks as { type: string; elements?: { action_id: string; value: string }[] }[]).find(
        (x) => x.type === 'actions',
      )!.elements! as [{ action_id: string; value: string }, { action_id: string; value: string }];
      for (const button of [join, roster]) {
        assert.match(button.action_id, new RegExp(`^${REF_ACTION_PREFIX}\\d+$`));
        assert.match(button.value, /^[A-Za-z0-9_-]{22}$/);
      }
      assert.doesNotMatch(JSON.stringify(dm.params), /\/workshop|id:1/, 'no command line in the DM');
      const ts = '1700000000.000001';

      const joined = await b.press('UALICE', 'DUALICE', ts, join);
      assert.match(String(joined.text), /#1/);
      assert.equal(joined.response_type, 'ephemeral');
      const signup = await b.app.db.getRepository(WorkshopSignup).findOneOrFail({ where: { workshopId: 1 }, relations: { member: true } });
      assert.deepEqual([signup.member!.workspace, signup.member!.userId], ['T1', 'UALICE']);

      // The policy decides from what Slack says of her: not an admin, then (a minute later, past the cache) one.
      assert.match(
        String((await b.press('UALICE', 'DUALICE', ts, roster)).text),
        /Only the coaches of workshop #1 and the moderators of Berlin/,
      );
      b.fake.users.set('UALICE', { name: 'alice', isAdmin: true });
      b.clock.advance(61_000);
      assert.match(String((await b.press('UALICE', 'DUALICE', ts, roster)).text), /Roster of #1 Git basics/);

      // Someone else (in German, his Slack's language), a forged reference: refused, ephemeral, nothing run.
      const signups = await b.app.db.getRepository(WorkshopSignup).count();
      const other = await b.press('UROLF', 'DUROLF', ts, join);
      assert.match(String(other.text), /Dieser Button wurde jemand anderem geschickt/);
      assert.equal(other.response_type, 'ephemeral');
      const forged = await b.press('UALICE', 'DUALICE', ts, { action_id: `${REF_ACTION_PREFIX}0`, value: 'AAAAAAAAAAAAAAAAAAAAAA' });
      assert.match(String(forged.text), /This button has expired or is no longer valid/);
      const typed = await b.press('UALICE', 'DUALICE', ts, { action_id: `${REF_ACTION_PREFIX}0`, value: '/workshop leave id:1' });
      assert.match(String(typed.text), /expired or is no longer valid/, 'a command line where a reference belongs');
      b.clock.advance(14 * 24 * 3_600_000);
      assert.match(String((await b.press('UALICE', 'DUALICE', ts, join)).text), /expired or is no longer valid/);
      assert.equal(await b.app.db.getRepository(WorkshopSignup).count(), signups, 'nothing ran');
    } finally {
      await b.stop();
    }
  }));
