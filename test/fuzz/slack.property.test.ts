import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { startSlack } from '../../src/adapters/slack/adapter.js';
import { slashInvocation } from '../../src/adapters/slack/text.js';
import type { App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { freshDatabase, postgresUnavailable } from '../support/helpers.js';
import { FakeSlack } from '../support/fake-slack.js';
import { postSigned, slashCommandBody } from '../support/slack-requests.js';
import {
  ADAPTER_RUNS,
  anything,
  dispatchCollecting,
  type SubTest,
  E2E_RUNS,
  type FuzzPath,
  fuzzApp,
  fuzzEveryCommand,
  PG_RUNS,
  setUp,
  type Typed,
  typedArguments,
  typedFor,
  type World,
} from './fuzz.js';

// The Slack path: the same random values, sent as Slack sends a slash command's text (escaped,
// with members, channels and links the member picked written as Slack's own entities), through
// the adapter's conversion into the dispatcher; then a sample end to end through the real Bolt
// app receiving signed HTTP requests, with the fake Slack behind its Web API. See fuzz.ts for
// what runs where.

const SLACK: World = {
  platform: 'slack',
  workspace: 'T1',
  here: 'CGENERAL',
  users: { moderator: 'UMOD', alice: 'UALICE', coach_de: 'UCOACH' },
  channels: { general: 'CGENERAL', questions: 'CQUEST', moderation: 'CMOD', announcements: 'CANN', disclaimers: 'CDISC' },
};
const PREFIX = 'ots-';
const SECRET = 'fuzz-signing-secret-0123456789abcdef';

/**
 * Entities Slack writes into a command's text itself (never escaped): members and channels
 * with and without their names, unknown and external ones, user groups, broadcasts, dates,
 * links, mail and phone links, and malformed ones.
 */
const SLACK_ENTITIES = [
  '<@UALICE>',
  '<@UALICE|alice>',
  '<@UCOACH|coach_de>',
  '<@W0EXTERNAL|guest>',
  '<@U0NOBODY>',
  '<@UALICE|>',
  '<@UALICE|ali ce>',
  '<@UALICE|a|b>',
  '<@>',
  '<#CQUEST>',
  '<#CQUEST|questions>',
  '<#C0UNKNOWN|secret>',
  '<#G0PRIVATE|private-group>',
  '<#CQUEST|>',
  '<#>',
  '<!subteam^SORGA|@orga>',
  '<!subteam^SORGA>',
  '<!subteam^>',
  '<!here>',
  '<!channel>',
  '<!everyone>',
  '<!here|@here>',
  '<!>',
  '<>',
  '<!date^1392734382^{date_num}|2014-02-18>',
  '<mailto:bob@example.org|bob@example.org>',
  '<https://example.org|label with spaces>',
  '<https://example.org>',
  '<http://a.example/?q=1&amp;r=2>',
  '<tel:+491234|+49 1234>',
  '&amp;lt;',
  '&amp;amp;',
  '&lt;@UALICE&gt;',
  '&',
  '&lt',
  '&gt;&gt;&gt;',
].map((slack) => ({ slack }));

/** Bad values on Slack: anything a member types, or an entity Slack put there. */
const slackBad: fc.Arbitrary<Typed> = fc.oneof(
  { weight: 4, arbitrary: anything },
  { weight: 1, arbitrary: fc.constantFrom(...SLACK_ENTITIES) },
);

/**
 * What Slack makes of typed text in a command declared with "escape channels, users and links":
 * `& < >` escaped, a member or channel picked from the list as `<@U…|name>` / `<#C…|name>` (the
 * name part is left out by newer clients), `@here` and friends as `<!here>`, links as `<url>`.
 */
function asSlackSends(typed: string, withNames: boolean): string {
  return typed.replace(
    /@(here|channel|everyone)\b|@([A-Za-z0-9._-]+)|#([a-z0-9_-]+)|https?:\/\/[^\s<>"')|]+|[&<>]/g,
    (all, broadcast?: string, user?: string, channel?: string) => {
      if (broadcast) return `<!${broadcast}>`;
      if (user) {
        const id = (SLACK.users as Record<string, string>)[user];
        return id ? `<@${id}${withNames ? `|${user}` : ''}>` : all;
      }
      if (channel) {
        const id = (SLACK.channels as Record<string, string>)[channel];
        return id ? `<#${id}${withNames ? `|${channel}` : ''}>` : all;
      }
      if (all === '&') return '&amp;';
      if (all === '<') return '&lt;';
      if (all === '>') return '&gt;';
      return `<${all}>`;
    },
  );
}

/** A slash command as Slack posts it: the command (with the app's prefix) and its text. */
interface SlackCase {
  readonly command: string;
  readonly text: string;
}

const caseFor = (leaf: Parameters<FuzzPath<SlackCase>['caseFor']>[0]): fc.Arbitrary<SlackCase> =>
  fc.tuple(typedFor(leaf, slackBad), fc.boolean()).map(([c, withNames]) => ({
    command: `/${PREFIX}${leaf.path[0]}`,
    text: typedArguments(c, (typed) => asSlackSends(typed, withNames)).join(' '),
  }));
const show = (c: SlackCase): string => JSON.stringify(`${c.command} ${c.text}`);

/** Through the adapter's conversion (`slashInvocation`: prefix, `fromSlackText`, resolvers) into the dispatcher. */
function adapterPath(app: App): FuzzPath<SlackCase> {
  const names = new Set(app.registry.commands.map((c) => c.name));
  return {
    caseFor,
    show,
    run: (c, who) => {
      const { invocation, resolvers } = slashInvocation(c, PREFIX, names);
      return dispatchCollecting(app, SLACK, who, invocation, resolvers);
    },
  };
}

/**
 * End to end: each case is a signed HTTP request to the real Bolt app. Its answer is the
 * acknowledgement's body, a message to its response URL (after a deferral), or a form opened
 * with its trigger id: exactly one of them, counted again once the adapter has stopped.
 */
async function endToEnd(t: SubTest, app: App, lines: () => string[]): Promise<void> {
  const fake = await new FakeSlack().start();
  fake.users.set('UMOD', { name: 'moderator', isAdmin: true });
  fake.users.set('UALICE', { name: 'alice' });
  fake.users.set('UCOACH', { name: 'coach_de', locale: 'de-DE' });
  const config = loadConfig({
    ANON_SECRET: 'f'.repeat(32),
    SLACK_BOT_TOKEN: 'xoxb-fuzz',
    SLACK_SIGNING_SECRET: SECRET,
    SLACK_API_URL: fake.apiUrl,
    SLACK_COMMAND_PREFIX: PREFIX,
  });
  const slack = await startSlack(app, config, app.services.log, { listen: { port: 0, host: '127.0.0.1' } });
  const url = `http://127.0.0.1:${slack.port}/slack/events`;
  const acks = new Map<string, string>();
  const answersTo = (id: string): string[] => [
    ...(acks.get(id) ? [acks.get(id)!] : []),
    ...fake.responses.filter((r) => r.id === id).map((r) => JSON.stringify(r.body)),
    ...fake
      .callsOf('views.open')
      .filter((c) => c.params.trigger_id === `trigger-${id}`)
      .map((c) => JSON.stringify(c.params.view)),
  ];
  let n = 0;
  const path: FuzzPath<SlackCase> = {
    caseFor,
    show,
    run: async (c, who) => {
      const id = `fuzz-${++n}`;
      const body = slashCommandBody({
        command: c.command,
        text: c.text,
        user: SLACK.users[who],
        userName: who,
        responseUrl: fake.responseUrl(id),
        triggerId: `trigger-${id}`,
      });
      const ack = await postSigned(url, body, SECRET);
      assert.equal(ack.status, 200, `HTTP ${ack.status} for ${show(c)}`);
      acks.set(id, ack.text);
      if (!ack.text) await fake.until(`the answer to ${show(c)}`, () => answersTo(id).length > 0);
      return { answers: answersTo(id) };
    },
  };
  try {
    await fuzzEveryCommand(t, app, path, E2E_RUNS, lines);
  } finally {
    await slack.stop();
    await fake.stop();
  }
  // Stopped: every handler has finished, so a late second answer would be counted by now.
  for (const id of acks.keys()) assert.equal(answersTo(id).length, 1, `request ${id} answered ${answersTo(id).length} times`);
}

for (const kind of ['sqlite', 'postgres'] as const) {
  const runs = kind === 'sqlite' ? ADAPTER_RUNS : PG_RUNS;
  const e2e = kind === 'sqlite' ? `, then ${E2E_RUNS} per command end to end through the Bolt app` : '';
  test(
    `every command answers anything sent from Slack exactly once with an answer or a clear error, and the database stays consistent (${kind}, ${runs} cases per command${e2e})`,
    { timeout: 600_000 },
    async (t) => {
      if (kind === 'postgres') {
        const reason = await postgresUnavailable();
        if (reason) return t.skip(reason);
      }
      const db = await freshDatabase(kind);
      const bot = await fuzzApp(db);
      try {
        await setUp(bot.app, SLACK);
        await t.test('through the adapter’s conversion', (sub) => fuzzEveryCommand(sub, bot.app, adapterPath(bot.app), runs, bot.lines));
        if (kind === 'sqlite') await t.test('end to end through the Bolt app', (sub) => endToEnd(sub, bot.app, bot.lines));
      } finally {
        await bot.close();
        await db.drop();
      }
    },
  );
}
