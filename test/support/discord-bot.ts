import { startDiscord } from '../../src/adapters/discord/adapter.js';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { ManualClock } from '../../src/core/clock.js';
import { capturedLogger, tempDir, type TestDatabase } from './helpers.js';
import { type CommandOption, FakeDiscord } from './fake-discord.js';

export interface DiscordBotOptions {
  /** Guilds the fake Discord has; default 2. */
  readonly guilds?: number;
  /** The clock; default a manual clock at 2027-03-01 10:00 UTC. */
  readonly clock?: ManualClock;
  /** A fake Discord another bot already uses (a second process of the same bot); `guilds` is then ignored, and stop() leaves it running. */
  readonly fake?: FakeDiscord;
}

/**
 * The real app and discord.js client on a test database, against a fake Discord (two guilds
 * unless told otherwise). `reply` waits for an interaction's answer: its callback, or the edit of
 * a deferred one; `callback` for its first response, whatever it is. `log` is what the app logged.
 */
export async function discordBot(database: TestDatabase, env: Record<string, string> = {}, options: DiscordBotOptions = {}) {
  const fake = options.fake ?? (await FakeDiscord.start({ guilds: options.guilds ?? 2 }));
  const tmp = tempDir();
  const config = loadConfig({
    DATABASE_URL: database.url,
    DATA_DIR: tmp.dir,
    DISCORD_TOKEN: 'fake-token',
    DISCORD_APPLICATION_ID: fake.applicationId,
    DISCORD_API_URL: fake.apiUrl,
    RATE_LIMIT_MAX: '1000',
    ...env,
  });
  const log = capturedLogger();
  const clock = options.clock ?? new ManualClock(new Date('2027-03-01T10:00:00Z'));
  const app = await createApp(config, log.log, clock);
  const adapter = await startDiscord({ ...app, log: log.log, config: config.discord!, locale: 'en' });
  const reply = async (i: { id: string; token: string }) =>
    JSON.stringify(
      (await fake.waitFor(() => fake.responses(i).find((r) => (r.body as { type?: number } | undefined)?.type !== 5), 'the answer')).body,
    );
  const callback = async (i: { id: string; token: string }) =>
    JSON.stringify((await fake.waitFor(() => fake.responses(i)[0], 'the callback')).body);
  return {
    fake,
    app,
    adapter,
    clock,
    log,
    reply,
    callback,
    stop: async () => {
      await adapter.stop();
      if (!options.fake) await fake.close();
      await app.close();
      tmp.remove();
    },
  };
}

/** A subcommand with its options, and options of each type, as Discord sends them. */
export const sub = (name: string, options: CommandOption[] = []): CommandOption[] => [{ name, type: 1, options }];
export const str = (name: string, value: string): CommandOption => ({ name, type: 3, value });
export const int = (name: string, value: number): CommandOption => ({ name, type: 4, value });
