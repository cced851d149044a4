import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuditEntry } from '../../entities/AuditEntry.js';
import { PartnershipProposal } from '../../entities/PartnershipProposal.js';
import { eachDatabase } from '../support/helpers.js';
import { consoleBot } from '../support/console-bot.js';

// What the one authorization rule means beyond refusals (the permission matrix covers those):
// blocks, audit entries and registers belong to a chapter, wherever its moderators act from.

/** Berlin bound to the workspace `console` (mona administers it), Hamburg to `hamburg` (hanna), each with a questions channel. */
const TWO_CHAPTERS = [
  '@mona /chapter create name:Berlin timezone:Europe/Berlin',
  '/chapter set name:Berlin questions-channel:#fragen moderation-channel:#mods',
  '@hanna@hamburg /chapter create name:Hamburg timezone:Europe/Berlin',
  '/chapter set name:Hamburg questions-channel:#fragen moderation-channel:#mods',
];

test('a block applies in the chapter where it was set, and /mod blocks lists only that chapter’s', (t) =>
  eachDatabase(t, async (database) => {
    const c = await consoleBot(database);
    try {
      await c.run(...TWO_CHAPTERS);
      assert.match(await c.run('@troll /ask text:"Spam spam spam spam spam"'), /question #1/);
      assert.match(await c.run('@mona /mod block question:1 reason:"Flooding the channel" days:3'), /Block #1/);
      assert.match(await c.run('@troll /ask text:"More spam in Berlin here"'), /You cannot post anonymously until/);
      assert.match(await c.run('@troll@hamburg /ask text:"A real question for Hamburg"'), /question #2/, 'Hamburg did not block them');
      assert.match(await c.run('@mona /mod blocks'), /#1/);
      assert.match(await c.run('@hanna@hamburg /mod blocks'), /No active blocks|no active blocks/i);
    } finally {
      await c.close();
    }
  }));

test('an audit entry is filed under the chapter of what was touched, so its moderators see it wherever it was done from', (t) =>
  eachDatabase(t, async (database) => {
    const c = await consoleBot(database);
    try {
      await c.run(...TWO_CHAPTERS);
      // Berlin is bound in a second workspace too; its administrator there moderates Berlin.
      const code = /Link code for Berlin: (\S+)\./.exec(await c.run('@mona /chapter link name:Berlin'))![1];
      assert.match(await c.run(`@hanna@second /chapter use name:Berlin code:${code}`), /now belongs to chapter Berlin/);
      await c.run('@ada /ask text:"How do I start with Python?"');
      assert.match(await c.run('@hanna@second /mod hide id:1 reason:"Off topic here"'), /hidden/i);
      const entry = await c.app.db.getRepository(AuditEntry).findOneByOrFail({ action: 'mod hide' });
      assert.equal(entry.chapterId, (await c.app.services.chapters.get('Berlin')).id);
      assert.match(
        await c.run('@mona /mod audit'),
        /\*\*hanna\*\*: \/mod hide → question:1/,
        'Berlin’s moderators in the first workspace see it',
      );
      assert.doesNotMatch(await c.run('@hanna@hamburg /mod audit'), /mod hide/, 'Hamburg’s trail does not show Berlin’s');
    } finally {
      await c.close();
    }
  }));

test('/questions list shows every question not closed by default, answered ones waiting for the asker included', (t) =>
  eachDatabase(t, async (database) => {
    const c = await consoleBot(database);
    try {
      await c.run(...TWO_CHAPTERS);
      await c.run(
        '@ada /ask text:"How do I start with Python?"',
        '@ada /ask text:"What is a closure, really?"',
        '@ada /ask text:"Why is git so hard to learn?"',
      );
      await c.run('@bob /ask answer id:1 text:"Try the tutorial"', '@ada /ask close id:3');
      const listed = await c.run('@ada /questions list');
      assert.match(listed, /#1/, 'answered, waiting for the asker');
      assert.match(listed, /#2/);
      assert.doesNotMatch(listed, /#3/, 'closed');
      assert.match(await c.run('/questions list status:all'), /#3/);
    } finally {
      await c.close();
    }
  }));

test('a decision on a proposal whose proposer erased their data claims to notify nobody; its chapter’s moderators may withdraw such a proposal', (t) =>
  eachDatabase(t, async (database) => {
    const c = await consoleBot(database);
    try {
      await c.run(...TWO_CHAPTERS);
      const propose = (event: string) =>
        `@alice /partner propose partner:"Code Club" event:"${event}" chapter:Berlin date:2027-03-14 contributions:coaches`;
      await c.run(propose('Python Day'), propose('Rust Night'));
      assert.match(await c.run('@alice /privacy delete confirm:true'), /erased/);
      const decided = await c.run('@mona /partner decide id:1 decision:decline reason:"Entry costs money"');
      assert.match(decided, /Proposal #1 \(Python Day\) is declined\. The proposer has erased their data, so nobody is notified\./);
      assert.doesNotMatch(decided, /\[dm →/);
      assert.match(
        await c.run('@hanna@hamburg /partner withdraw id:2'),
        /Only the member who proposed it/,
        'a moderator of another chapter may not',
      );
      assert.match(await c.run('@bob /partner withdraw id:2'), /Only the member who proposed it/, 'a member may not');
      assert.match(await c.run('@mona /partner withdraw id:2'), /Proposal #2 \(Rust Night\) is withdrawn/);
      assert.equal((await c.app.db.getRepository(PartnershipProposal).findOneByOrFail({ id: 2 })).status, 'withdrawn');
    } finally {
      await c.close();
    }
  }));
