import { PassThrough } from 'node:stream';
import { ChapterBinding } from '../../entities/ChapterBinding.js';
import { ConsoleAdapter } from '../../src/adapters/console/console-adapter.js';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { ManualClock } from '../../src/core/clock.js';
import { capturedLogger, tempDir, type TestDatabase } from '../helpers.js';

/**
 * The real app on a test database, driven through the console adapter in this process: `run`
 * types lines (`@name@workspace /command ...`) and returns what they printed. CONSOLE_MODERATORS
 * defaults to `mona,hanna`, the clock to 2027-01-10 12:00 UTC.
 */
export async function consoleBot(database: TestDatabase, env: Record<string, string> = {}, start = new Date('2027-01-10T12:00:00Z')) {
  const tmp = tempDir();
  const config = loadConfig({ DATA_DIR: tmp.dir, DATABASE_URL: database.url, ANON_SECRET: 'o'.repeat(32), RATE_LIMIT_MAX: '1000', CONSOLE_MODERATORS: 'mona,hanna', ...env });
  const clock = new ManualClock(start);
  const app = await createApp(config, capturedLogger().log, clock);
  const out = new PassThrough();
  let printed = '';
  out.on('data', (chunk) => (printed += String(chunk)));
  const adapter = new ConsoleAdapter({ dispatcher: app.dispatcher, out, locale: 'en', moderators: config.consoleModerators, clock });
  app.services.notifier.register('console', () => adapter.outboxForNotifications);
  return {
    app,
    clock,
    dir: tmp.dir,
    run: async (...lines: string[]) => {
      printed = '';
      for (const line of lines) await adapter.handle(line);
      return printed;
    },
    /** Every binding as `Chapter@workspace` or `Chapter@workspace#channel`, in the order made. */
    bindings: async () =>
      (await app.db.getRepository(ChapterBinding).find({ relations: { chapter: true }, order: { id: 'ASC' } })).map((b) => `${b.chapter!.name}@${b.workspace}${b.channel ? `#${b.channel}` : ''}`),
    close: async () => {
      await app.close();
      tmp.remove();
    },
  };
}
