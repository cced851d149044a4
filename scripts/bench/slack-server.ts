/**
 * One side of the Slack benchmark, in a process of its own (so the load generator and the
 * server do not share a thread): `ours` is the bot as `npm start` runs it with Slack in HTTP
 * mode (createApp, startSlack, the scheduler), `bare` a Bolt app that only acknowledges.
 * Both listen on 127.0.0.1 only, print `ready <port>` and stop on SIGTERM.
 * Configuration comes from the environment the benchmark sets (SLACK_*, DATABASE_URL, ...).
 */
import { App, LogLevel } from '@slack/bolt';
import type { Server } from 'node:http';
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

async function bare(): Promise<{ port: number; stop: () => Promise<void> }> {
  const bolt = new App({
    token: process.env.SLACK_BOT_TOKEN,
    signingSecret: process.env.SLACK_SIGNING_SECRET,
    endpoints: '/slack/events',
    tokenVerificationEnabled: false,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
  });
  bolt.command(/^\/.+/, async ({ ack }) => {
    await ack();
  });
  const server = (await bolt.start(listen)) as Server;
  return { port: (server.address() as AddressInfo).port, stop: () => bolt.stop() as Promise<void> };
}

const side = process.argv[2] === 'bare' ? await bare() : await ours();
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
