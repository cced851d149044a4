/**
 * One side of the Slack benchmark, in a process of its own (so the load generator and the
 * server do not share a thread): `ours` is the bot as `npm start` runs it with Slack in HTTP
 * mode (createApp, startSlack, the scheduler), `bare` a Bolt app that only acknowledges,
 * `same-job` a minimal Bolt app doing the job of our `/ask` with no code of ours (see `sameJob`).
 * All listen on 127.0.0.1 only, print `ready <port>` and stop on SIGTERM.
 * Configuration comes from the environment the benchmark sets (SLACK_*, DATABASE_URL, ...).
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { App } from '@slack/bolt';
import type { AddressInfo } from 'node:net';
import { startSlack } from '../../src/adapters/slack/adapter.js';
import { createApp, startScheduler } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { systemClock } from '../../src/core/clock.js';
import { createLogger } from '../../src/logger.js';

const listen = { port: 0, host: '127.0.0.1' };

async function ours(): Promise<{ port: number; stop: () => Promise<void> }> {
  const config = loadConfig(process.env);
  const log = createLogger(config.logLevel);
  const app = await createApp(config, log, systemClock);
  const slack = await startSlack(app, config, log, { listen });
  const scheduler = startScheduler(app, log);
  return {
    port: slack.port!,
    stop: async () => {
      await slack.stop();
      await scheduler.stop();
      await app.close();
    },
  };
}

/** A Bolt app on its stock settings, against the fake Slack. */
async function stockBolt(): Promise<App> {
  // Bolt's index, imported here: our side loads only what our adapter loads (its parts of Bolt, not the index).
  const { App, LogLevel } = await import('@slack/bolt');
  return new App({
    token: process.env.SLACK_BOT_TOKEN,
    signingSecret: process.env.SLACK_SIGNING_SECRET,
    endpoints: '/slack/events',
    tokenVerificationEnabled: false,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
  });
}

async function bare(): Promise<{ port: number; stop: () => Promise<void> }> {
  const bolt = await stockBolt();
  bolt.command(/^\/.+/, async ({ ack }) => {
    await ack();
  });
  const server = (await bolt.start(listen)) as Server;
  return { port: (server.address() as AddressInfo).port, stop: () => bolt.stop() as Promise<void> };
}

/**
 * The job of our `/ask`, as one would write it with the libraries alone, on their stock settings:
 * Bolt verifies the signature; the question goes into a table of its own SQLite file with
 * better-sqlite3 (WAL, as our bot runs SQLite; one prepared INSERT); `chat.postMessage` posts it
 * to a questions channel on the same (fake) Slack Web API; the member is answered ephemerally
 * in the acknowledgement, once the post is out, as our bot answers.
 */
async function sameJob(): Promise<{ port: number; stop: () => Promise<void> }> {
  const db = new Database(join(process.env.DATA_DIR!, 'same-job.sqlite'));
  db.pragma('journal_mode = WAL');
  db.exec(
    'CREATE TABLE IF NOT EXISTS question (id INTEGER PRIMARY KEY, team TEXT NOT NULL, user TEXT NOT NULL, ' +
      'channel TEXT NOT NULL, text TEXT NOT NULL, created_at INTEGER NOT NULL)',
  );
  // Its own questions channel (SAME_JOB_CHANNEL, set by the benchmark), so that its posts can be told from ours.
  const channel = process.env.SAME_JOB_CHANNEL ?? 'CSAMEJOB';
  const insert = db.prepare('INSERT INTO question (team, user, channel, text, created_at) VALUES (?, ?, ?, ?, ?)');
  const bolt = await stockBolt();
  bolt.command('/ask', async ({ command, ack, client }) => {
    const id = insert.run(command.team_id, command.user_id, command.channel_id, command.text, Date.now()).lastInsertRowid;
    await client.chat.postMessage({ channel, text: `Question #${id}: ${command.text}` });
    await ack({ response_type: 'ephemeral', text: `Your question #${id} was posted anonymously.` });
  });
  const server = (await bolt.start(listen)) as Server;
  return {
    port: (server.address() as AddressInfo).port,
    stop: async () => {
      await bolt.stop();
      db.close();
    },
  };
}

const kind = process.argv[2];
const side = kind === 'bare' ? await bare() : kind === 'same-job' ? await sameJob() : await ours();
process.stdout.write(`ready ${side.port}\n`);
process.once('SIGTERM', () => {
  void side.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
// SIGUSR2: memory now, and after a full garbage collection (the process runs with --expose-gc),
// so the benchmark can tell garbage V8 has not collected yet from memory that is really held;
// and the CPU time the process has used so far (user + system), for the CPU time per request.
process.on('SIGUSR2', () => {
  const mb = (n: number) => Math.round(n / 2 ** 20);
  const before = process.memoryUsage();
  const cpu = process.cpuUsage();
  (globalThis as { gc?: () => void }).gc?.();
  const after = process.memoryUsage();
  const report = {
    rss: mb(before.rss),
    heap: mb(before.heapUsed),
    rssAfterGc: mb(after.rss),
    heapAfterGc: mb(after.heapUsed),
    cpuMs: (cpu.user + cpu.system) / 1000,
  };
  process.stdout.write(`memory ${JSON.stringify(report)}\n`);
});
