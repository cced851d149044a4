import { PassThrough } from 'node:stream';
import { ChapterBinding } from '../../entities/ChapterBinding.js';
import { ConsoleAdapter } from '../../src/adapters/console/console-adapter.js';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { ManualClock } from '../../src/core/clock.js';
import { join } from 'node:path';
import { capturedLogger, tempDir, type TestDatabase } from './helpers.js';

export interface ConsoleBotOptions {
  /** The clock's start; default 2027-01-10 12:00 UTC. */
  readonly start?: Date;
  /** The console's language; default English. */
  readonly locale?: string;
  /** Whether the console's outbox delivers notices (DMs, reminders); off: as when the platform runs in another process. Default on. */
  readonly notices?: boolean;
}

/**
 * The real app on a test database (a fresh SQLite file when none is given), driven through the
 * console adapter in this process: `run` types lines (`@name@workspace /command ...`) and returns
 * what they printed. CONSOLE_MODERATORS defaults to `mona,hanna`.
 */
export async function consoleBot(database?: TestDatabase, env: Record<string, string> = {}, options: ConsoleBotOptions = {}) {
  const tmp = tempDir();
  const url = database?.url ?? `sqlite:${join(tmp.dir, 'bot.sqlite')}`;
  const config = loadConfig({
    DATA_DIR: tmp.dir,
    DATABASE_URL: url,
    ANON_SECRET: 'o'.repeat(32),
    RATE_LIMIT_MAX: '1000',
    CONSOLE_MODERATORS: 'mona,hanna',
    ...env,
  });
  const clock = new ManualClock(options.start ?? new Date('2027-01-10T12:00:00Z'));
  const logger = capturedLogger();
  const app = await createApp(config, logger.log, clock);
  const out = new PassThrough();
  let printed = '';
  out.on('data', (chunk) => (printed += String(chunk)));
  const adapter = new ConsoleAdapter({
    dispatcher: app.dispatcher,
    out,
    locale: options.locale ?? 'en',
    moderators: config.consoleModerators,
    clock,
  });
  const notices = () => app.services.notifier.register('console', () => adapter.outboxForNotifications);
  if (options.notices ?? true) notices();
  return {
    app,
    adapter,
    clock,
    /** What the app logged, a line each (debug and up). */
    logs: logger.lines,
    /** Turns notices on (see `ConsoleBotOptions.notices`). */
    notices,
    dir: tmp.dir,
    run: async (...lines: string[]) => {
      printed = '';
      for (const line of lines) await adapter.handle(line);
      return printed;
    },
    /** What was printed since the last `run` or `printed` without a command (DMs the scheduler sent), and forgets it. */
    printed: () => {
      const out = printed;
      printed = '';
      return out;
    },
    /** Every binding as `Chapter@workspace` or `Chapter@workspace#channel`, in the order made. */
    bindings: async () =>
      (await app.db.getRepository(ChapterBinding).find({ relations: { chapter: true }, order: { id: 'ASC' } })).map(
        (b) => `${b.chapter!.name}@${b.workspace}${b.channel ? `#${b.channel}` : ''}`,
      ),
    close: async () => {
      await app.close();
      tmp.remove();
    },
  };
}
