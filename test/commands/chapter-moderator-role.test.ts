import assert from 'node:assert/strict';
import { test } from 'node:test';
import { consoleBot } from '../support/console-bot.js';
import { eachDatabase } from '../support/helpers.js';

test('/chapter set moderator-role takes a role (@&name on the console), is stored, and is not listed among the channels', (t) =>
  eachDatabase(t, async (database) => {
    const bot = await consoleBot(database, { CONSOLE_MODERATORS: 'moderator' }, { start: new Date('2027-03-01T10:00:00Z') });
    const { run } = bot;
    const { services } = bot.app;
    try {
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
      await bot.close();
    }
  }));
