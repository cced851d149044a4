import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { commands } from '../../commands/index.js';
import { ConsoleAdapter } from '../../src/adapters/console/console-adapter.js';
import { ManualClock } from '../../src/core/clock.js';
import { Dispatcher } from '../../src/core/dispatcher.js';
import { RateLimiter } from '../../src/core/rate-limit.js';
import { CommandRegistry } from '../../src/core/registry.js';
import { capturedLogger, eachDatabase, servicesOn } from '../support/helpers.js';

test('/chapter set moderator-role takes a role (@&name on the console), is stored, and is not listed among the channels', (t) =>
  eachDatabase(t, async (database) => {
    const clock = new ManualClock(new Date('2027-03-01T10:00:00Z'));
    const { log } = capturedLogger();
    const { db, services } = await servicesOn(database.target, clock, log);
    try {
      const registry = new CommandRegistry(commands);
      const dispatcher = new Dispatcher({
        registry,
        services,
        log,
        rateLimiter: new RateLimiter(clock),
        rateLimit: { max: 100, windowSeconds: 60 },
      });
      const out = new PassThrough();
      let printed = '';
      out.on('data', (chunk) => (printed += String(chunk)));
      const adapter = new ConsoleAdapter({ dispatcher, out, locale: 'en', moderators: ['moderator'], clock });
      const run = async (line: string) => {
        printed = '';
        await adapter.handle(line);
        return printed;
      };

      await run('@moderator /chapter create name:Berlin timezone:Europe/Berlin');
      assert.match(
        await run('/chapter set name:Berlin moderator-role:organisers'),
        /moderator-role must name a role, like moderator-role:@&organisers/,
      );
      assert.match(
        await run('/chapter set name:Berlin moderator-role:@&organisers questions-channel:#questions'),
        /Channels of Berlin here: questions → #questions\.\nMembers with the role organisers now moderate Berlin here\./,
      );
      const berlin = await services.chapters.get('Berlin');
      assert.equal(await services.chapters.moderatorRole(berlin, { platform: 'console', workspace: 'console' }), 'organisers');
      assert.deepEqual(await services.chapters.channels(berlin, { platform: 'console', workspace: 'console' }), { questions: 'questions' });
      const shown = await run('/chapter show');
      assert.match(shown, /questions: #questions/);
      assert.doesNotMatch(shown, /organisers/);
      assert.match(await run('/help command:chapter'), /\[moderator-role:<@&role>\]/);
    } finally {
      await db.destroy();
    }
  }));
