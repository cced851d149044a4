import { startSlack } from '../../src/adapters/slack/adapter.js';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { ManualClock } from '../../src/core/clock.js';
import { FakeSlack } from './fake-slack.js';
import { capturedLogger, tempDir, type TestDatabase } from './helpers.js';
import { interactionBody, postSigned, slashCommandBody } from './slack-requests.js';

export interface SlackBotOptions {
  /** Members of the fake workspace T1 by user id; `admin` marks workspace admins. */
  readonly users?: Readonly<Record<string, { readonly name: string; readonly admin?: boolean }>>;
  /** The clock's start; default 2027-03-01 10:00 UTC. */
  readonly start?: Date;
}

/**
 * The real app and Bolt app (HTTP mode) on a test database, against the fake Slack: `slash` sends a
 * signed slash command from a member and returns the text of its answer; `url` is where signed
 * requests go (button presses, view submissions). `stop` ends everything.
 */
export async function slackBot(database: TestDatabase, env: Record<string, string> = {}, options: SlackBotOptions = {}) {
  const secret = 'slack-bot-signing-secret-0123456789';
  const fake = await new FakeSlack().start();
  for (const [id, u] of Object.entries(options.users ?? {})) fake.users.set(id, { name: u.name, ...(u.admin ? { isAdmin: true } : {}) });
  const tmp = tempDir();
  const config = loadConfig({
    DATABASE_URL: database.url,
    DATA_DIR: tmp.dir,
    SLACK_BOT_TOKEN: 'xoxb-test',
    SLACK_SIGNING_SECRET: secret,
    SLACK_API_URL: fake.apiUrl,
    RATE_LIMIT_MAX: '1000',
    ...env,
  });
  const clock = new ManualClock(options.start ?? new Date('2027-03-01T10:00:00Z'));
  const log = capturedLogger();
  const app = await createApp(config, log.log, clock);
  const slack = await startSlack(app, config, log.log, { listen: { port: 0, host: '127.0.0.1' } });
  const url = `http://127.0.0.1:${slack.port}/slack/events`;
  let n = 0;
  const who = (user: string) => ({ id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: 'T1' });
  return {
    fake,
    app,
    clock,
    url,
    secret,
    logs: log.lines,
    slash: async (user: string, command: string, text: string) =>
      String(
        (await postSigned(url, slashCommandBody({ command, text, user, responseUrl: fake.responseUrl(`r${++n}`) }), secret)).json?.text,
      ),
    /** A member's press of a button of a DM from the app (`block_actions` in their DM); returns the press's id, for `answer`. */
    press: async (user: string, button: { action_id: string; value: string }) => {
      const id = `press-${++n}`;
      const ts = '1700000000.000001';
      const sent = await postSigned(
        url,
        interactionBody({
          type: 'block_actions',
          team: { id: 'T1', domain: 'test' },
          user: who(user),
          api_app_id: 'A1',
          token: 'deprecated',
          container: { type: 'message', message_ts: ts, channel_id: `D${user}`, is_ephemeral: false },
          trigger_id: `trigger-${id}`,
          channel: { id: `D${user}`, name: 'directmessage' },
          message: { type: 'message', ts, text: 'a message from the app' },
          response_url: fake.responseUrl(id),
          actions: [{ type: 'button', block_id: 'b1', action_ts: '1700000001.000000', ...button }],
        }),
        secret,
      );
      if (sent.status !== 200) throw new Error(`the press was answered ${sent.status}`);
      return id;
    },
    /** The text of the answer to a press (posted to its response URL). */
    answer: async (id: string) =>
      String((await fake.until(`the answer to ${id}`, () => fake.responses.find((r) => r.id === id))).body.text),
    who,
    stop: async () => {
      await slack.stop();
      await fake.stop();
      await app.close();
      tmp.remove();
    },
  };
}
