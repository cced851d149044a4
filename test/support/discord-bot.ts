import { startDiscord } from '../../src/adapters/discord/adapter.js';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { ManualClock } from '../../src/core/clock.js';
import { capturedLogger, tempDir, type TestDatabase } from './helpers.js';
import { FakeDiscord, int, str, sub } from './fake-discord.js';

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

/** A subcommand with its options, and options of each type, as Discord sends them (kept here for the tests that import them from here). */
export { int, str, sub };

/** The members of a workshop day in the tests: a moderator, a coach and two learners. */
export const DAY_PEOPLE = {
  mona: { id: '555555555555555500', username: 'mona' },
  ada: { id: '555555555555555501', username: 'ada' },
  lea: { id: '555555555555555502', username: 'lea' },
  lou: { id: '555555555555555503', username: 'lou' },
} as const;

/**
 * Through the real client, in the fake's first guild: mona creates the chapter Berlin and workshop
 * #1 (Tuesday 2 March 2027, 10:00-13:00 in Berlin, 09:00-12:00 UTC) with 4 seats; ada volunteers and
 * claims a slot; lea and lou join. With `checkIn`, the clock moves to 08:15 UTC and all three check
 * in with the code. Returns the replies' texts, in order, so a test can check them.
 */
export async function workshopDay(b: Awaited<ReturnType<typeof discordBot>>, options: { checkIn?: boolean } = {}): Promise<string[]> {
  const { mona, ada, lea, lou } = DAY_PEOPLE;
  const at = { guild: b.fake.guilds[0]!.id };
  const moderator = { ...at, moderator: true };
  const create = [
    str('chapter', 'Berlin'),
    str('title', 'Python day'),
    str('topic', 'Python'),
    str('date', '2027-03-02'),
    str('time', '10:00'),
    int('learners', 4),
  ];
  const replies = [
    await b.reply(b.fake.slash(mona, 'chapter', sub('create', [str('name', 'Berlin'), str('timezone', 'Europe/Berlin')]), moderator)),
    await b.reply(b.fake.slash(mona, 'workshop', sub('create', create), moderator)),
    await b.reply(b.fake.slash(ada, 'coach', sub('volunteer', [str('topics', 'Python')]), at)),
    await b.reply(b.fake.slash(ada, 'workshop', sub('claim', [int('id', 1)]), at)),
  ];
  for (const l of [lea, lou])
    replies.push(await b.reply(b.fake.slash(l, 'workshop', sub('join', [int('id', 1), str('level', 'new')]), at)));
  if (options.checkIn) {
    b.clock.set(new Date('2027-03-02T08:15:00Z'));
    const { code } = await b.app.services.workshopDay.code(1);
    for (const u of [ada, lea, lou])
      replies.push(await b.reply(b.fake.slash(u, 'workshop', sub('checkin', [int('id', 1), str('code', code)]), at)));
  }
  return replies;
}
