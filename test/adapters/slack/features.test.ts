import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkshopSignup } from '../../../entities/WorkshopSignup.js';
import { startSlack } from '../../../src/adapters/slack/adapter.js';
import { createApp } from '../../../src/app.js';
import { loadConfig } from '../../../src/config.js';
import { ManualClock } from '../../../src/core/clock.js';
import { capturedLogger, eachDatabase, tempDir, type TestDatabase } from '../../support/helpers.js';
import { FakeSlack } from '../../support/fake-slack.js';
import { postSigned, slashCommandBody } from '../../support/slack-requests.js';

// The real features through the real Bolt app and the real app, with signed requests.
const SECRET = 'features-signing-secret-0123456789';

async function bot(database: TestDatabase) {
  const fake = await new FakeSlack().start();
  fake.users.set('UADMIN', { name: 'ada', isAdmin: true });
  fake.users.set('UASKER', { name: 'asker_q7x2k9' });
  for (let n = 0; n < 12; n++) fake.users.set(`UCOACH${n}`, { name: `coach${n}` });
  const tmp = tempDir();
  const config = loadConfig({
    DATABASE_URL: database.url,
    DATA_DIR: tmp.dir,
    SLACK_BOT_TOKEN: 'xoxb-features',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.apiUrl,
    RATE_LIMIT_MAX: '1000',
  });
  const log = capturedLogger();
  const app = await createApp(config, log.log, new ManualClock(new Date('2027-03-01T10:00:00Z')));
  const slack = await startSlack(app, config, log.log, { listen: { port: 0, host: '127.0.0.1' } });
  let n = 0;
  const slash = (user: string, command: string, text: string) =>
    postSigned(
      `http://127.0.0.1:${slack.port}/slack/events`,
      slashCommandBody({ command, text, user, responseUrl: fake.responseUrl(`r${++n}`) }),
      SECRET,
    );
  assert.match(
    String((await slash('UADMIN', '/chapter', 'create name:Berlin timezone:Europe/Berlin')).json?.text),
    /Chapter Berlin created/,
  );
  assert.match(
    String((await slash('UADMIN', '/chapter', 'set name:Berlin questions-channel:<#CQUESTIONS|questions>')).json?.text),
    /questions/,
  );
  return {
    fake,
    app,
    slash,
    logs: log.lines,
    stop: async () => {
      await slack.stop();
      await fake.stop();
      await app.close();
      tmp.remove();
    },
  };
}

test('/ask on Slack: an ephemeral answer, one chat.postMessage naming nobody with typed mentions inert, Me too updating it', (t) =>
  eachDatabase(t, async (database) => {
    const b = await bot(database);
    try {
      const answer = await b.slash('UASKER', '/ask', 'How do I start? <!channel> <!here> <@U999|eve> <!subteam^S1|@team>');
      assert.equal(answer.status, 200);
      assert.match(String(answer.json?.text), /Your question #1 is posted in/);
      assert.notEqual(answer.json?.response_type, 'in_channel');
      const posts = b.fake.callsOf('chat.postMessage');
      assert.equal(posts.length, 1);
      assert.equal(posts[0]!.params.channel, 'CQUESTIONS');
      const sent = JSON.stringify(posts[0]!.params);
      for (const who of ['UASKER', 'asker_q7x2k9']) assert.ok(!sent.includes(who), `the post names the asker (${who})`);
      for (const live of ['<!channel>', '<!here>', '<@U999', '<!subteam^']) assert.ok(!sent.includes(live), `${live} is live in the post`);
      assert.match(sent, /Anonymous question #1/);

      assert.match(String((await b.slash('UCOACH1', '/ask', 'metoo id:1')).json?.text), /People who have question #1 too: 1/);
      const update = await b.fake.until('chat.update', () => b.fake.callsOf('chat.update').at(-1));
      assert.match(JSON.stringify(update.params), /1 person has this question too/);
      assert.ok(!b.logs().join('\n').includes('asker_q7x2k9') && !b.logs().join('\n').includes('UASKER'), 'the logs name the asker');
      // The list links the post, at the workspace's address auth.test gave.
      const ts = String((await b.fake.until('the post', () => b.fake.callsOf('chat.update').at(-1))).params.ts);
      const listed = String((await b.slash('UCOACH1', '/questions', 'list')).json?.text);
      assert.ok(listed.includes(`<#CQUESTIONS> <https://test.slack.invalid/archives/CQUESTIONS/p${ts.replace('.', '')}|↗>`), listed);
    } finally {
      await b.stop();
    }
  }));

test('/workshop claim fired by many coaches at once on Slack: exactly the slots, the rest waiting', (t) =>
  eachDatabase(t, async (database) => {
    const b = await bot(database);
    try {
      assert.match(
        String(
          (
            await b.slash(
              'UADMIN',
              '/workshop',
              'create chapter:Berlin title:"Python basics" topic:python date:2027-04-10 time:18:00 learners:12 coaches:3',
            )
          ).json?.text,
        ),
        /#1/,
      );
      for (let n = 0; n < 12; n++) await b.slash(`UCOACH${n}`, '/coach', 'volunteer topics:python');
      const answers = await Promise.all(Array.from({ length: 12 }, (_, n) => b.slash(`UCOACH${n}`, '/workshop', 'claim 1')));
      assert.ok(answers.every((a) => a.status === 200));
      // A slow answer is acknowledged first and finished afterwards: wait for all twelve rows.
      let signups = await b.app.db.getRepository(WorkshopSignup).findBy({ workshopId: 1, role: 'coach' });
      for (let i = 0; i < 100 && signups.length < 12; i++) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        signups = await b.app.db.getRepository(WorkshopSignup).findBy({ workshopId: 1, role: 'coach' });
      }
      assert.equal(signups.filter((s) => s.state === 'confirmed').length, 3);
      assert.equal(signups.filter((s) => s.state === 'waiting').length, 9);
    } finally {
      await b.stop();
    }
  }));
