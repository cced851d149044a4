import assert from 'node:assert/strict';
import { test } from 'node:test';
import { commands } from '../../commands/index.js';
import { AuditEntry } from '../../entities/AuditEntry.js';
import { PartnershipDecision } from '../../entities/PartnershipDecision.js';
import { translator } from '../../src/core/i18n.js';
import { optionsOf } from '../../src/core/registry.js';
import { consoleBot } from '../support/console-bot.js';

/** The real app on a fresh SQLite file, driven through the console adapter in this process; notices off until `notices()`. */
const consoleApp = (env: Record<string, string> = {}, locale = 'en') =>
  consoleBot(undefined, { ANON_SECRET: 'x'.repeat(32), CONSOLE_MODERATORS: 'moderator', ...env }, { locale, notices: false });

test('descriptions of /partner, /disclaimer and /mod fit Discord’s 100 characters in every language', () => {
  for (const locale of ['en', 'de']) {
    const t = translator(locale);
    for (const c of commands.filter((x) => ['partner', 'disclaimer', 'mod'].includes(x.name))) {
      for (const [sub, a] of Object.entries(c.subcommands ?? {})) {
        assert.ok(t(a.description!).length <= 100, `${locale} /${c.name} ${sub}`);
        for (const [name, spec] of Object.entries(optionsOf(a)))
          assert.ok(t(spec.description).length <= 100, `${locale} /${c.name} ${sub} ${name}`);
      }
    }
  }
});

test('the name check and the checklist follow COMMUNITY_NAME', async () => {
  const c = await consoleApp({ COMMUNITY_NAME: 'Rails Girls' });
  try {
    const out = await c.run(
      '@moderator /chapter create name:Berlin timezone:Europe/Berlin',
      '@alice /partner propose partner:"Ruby Club" event:"RailsGirls Summer" chapter:Berlin date:2027-06-01 contributions:coaches co-organised:yes details:"With OpenTechSchool friends"',
    );
    assert.match(out, /- Event 1:1: “RailsGirls” → \*\*Rails Girls\*\*/);
    assert.doesNotMatch(out, /OpenTechSchool”? →/, 'another community’s name is left alone');
    assert.match(out, /The name is reproduced exactly: “Rails Girls”/);
    assert.match(await c.run('/partner namecheck text:"rails-girls and Rails Girls"'), /1:1: “rails-girls” → \*\*Rails Girls\*\*/);
    assert.match(
      await c.run('/partner namecheck text:"Rails Girls at https://railsgirls.com"'),
      /^\[ephemeral → alice\]\nNo misspelling of “Rails Girls” found\.\n/,
    );
  } finally {
    await c.close();
  }
});

test('in German the name check names the field in German and counts its findings in German', async () => {
  const c = await consoleApp({ COMMUNITY_NAME: 'Rails Girls' }, 'de');
  try {
    const out = await c.run(
      '@moderator /chapter create name:Berlin timezone:Europe/Berlin',
      '@alice /partner propose partner:"Ruby Club" event:"RailsGirls Summer" chapter:Berlin date:2027-06-01 contributions:coaches details:"Mit railsgirls"',
    );
    assert.match(out, /2 Stellen zu korrigieren:/);
    assert.match(out, /- Veranstaltung 1:1: „RailsGirls“ → \*\*Rails Girls\*\*/);
    assert.match(out, /- Details 1:5: „railsgirls“ → \*\*Rails Girls\*\*/);
    assert.match(await c.run('/partner namecheck text:"rails-girls"'), /1 Stelle zu korrigieren:\n- Zeile:Spalte 1:1: „rails-girls“/);
  } finally {
    await c.close();
  }
});

test('a decision stands when the proposer cannot be reached; an administrator where the chapter is not bound is refused', async () => {
  const c = await consoleApp();
  try {
    // No outbox registered for the console: as when the proposer's platform adapter runs in another process.
    await c.run(
      '@moderator /chapter create name:Berlin timezone:Europe/Berlin',
      '@alice /partner propose partner:"Code Club" event:"Python Day" chapter:Berlin date:2027-03-14 contributions:coaches',
    );
    const out = await c.run('@moderator /partner decide id:1 decision:decline reason:"Entry costs money"');
    assert.match(out, /Proposal #1 \(Python Day\) is declined\./);
    assert.doesNotMatch(out, /\[dm →/);
    assert.equal(await c.app.db.getRepository(PartnershipDecision).count(), 1);
  } finally {
    await c.close();
  }

  const unbound = await consoleApp();
  try {
    // A chapter exists, but none is bound to this workspace: created elsewhere, e.g. from Slack.
    await unbound.app.services.chapters.create({ name: 'Berlin', timeZone: 'Europe/Berlin' });
    await unbound.run(
      '@alice /partner propose partner:"Code Club" event:"Python Day" chapter:Berlin date:2027-03-14 contributions:coaches',
    );
    // The administrators here moderate no chapter: Berlin is bound nowhere they act.
    assert.match(
      await unbound.run('@moderator /partner decide id:1 decision:approve reason:"Fine by us" force:true'),
      /Only the moderators of Berlin can run \/partner decide/,
    );
    assert.equal(await unbound.app.db.getRepository(PartnershipDecision).count(), 0);
  } finally {
    await unbound.close();
  }
});

test('an unofficial decision tells the proposer, in their language, how members can still help', async () => {
  const c = await consoleApp({}, 'de');
  c.notices();
  try {
    await c.run(
      '@moderator /chapter create name:Berlin timezone:Europe/Berlin',
      '@alice /partner propose partner:"Code Club" event:"Python Day" chapter:Berlin date:2027-03-14 contributions:coaches',
    );
    const out = await c.run('@moderator /partner decide id:1 decision:unofficial reason:"Eintritt kostet Geld"');
    assert.match(
      out,
      /\[dm → alice\]\nOpenTechSchool unterstützt deinen Vorschlag #1 \(Python Day\) nicht offiziell\. Grund: Eintritt kostet Geld\nMitglieder können trotzdem privat helfen\. Wer das tut, vermerkt es mit \/disclaimer log event:"Python Day" date:2027-03-14/,
    );
    assert.match(await c.run('/partner show id:1'), /\*\*Nicht offiziell unterstützt\*\* — moderator: Eintritt kostet Geld/);
  } finally {
    await c.close();
  }
});

test('/mod audit is for moderators, checks its limit, and reading it writes no entry', async () => {
  const c = await consoleApp();
  try {
    await c.run('@moderator /chapter create name:Berlin timezone:Europe/Berlin');
    assert.match(await c.run('@alice /mod audit'), /Only the moderators of Berlin can run \/mod audit/);
    assert.match(await c.run('@moderator /mod audit limit:101'), /limit must be between 1 and 100 \(you gave 101\)/);
    assert.match(await c.run('/mod audit action:partner'), /No entries for \/partner here\./);
    assert.match(
      await c.run('/mod audit limit:1'),
      /\*\*Audit trail: the last entry\*\*\n- .* — \*\*moderator\*\*: \/chapter create → chapter:Berlin/,
    );
    assert.equal(await c.app.db.getRepository(AuditEntry).count(), 1, 'only /chapter create');
  } finally {
    await c.close();
  }
});

test('disclaimers: withdrawn only by their author, and kept in the register marked withdrawn', async () => {
  const c = await consoleApp();
  try {
    await c.run(
      '@moderator /chapter create name:Berlin timezone:Europe/Berlin',
      '@carol /disclaimer log event:"Rails Night" date:2027-04-01',
    );
    assert.match(await c.run('@dave /disclaimer withdraw id:1'), /You can only withdraw your own disclaimers\./);
    assert.match(await c.run('@carol /disclaimer withdraw id:1'), /Disclaimer #1 \(Rails Night\) is withdrawn/);
    assert.match(await c.run('/disclaimer withdraw id:1'), /already withdrawn/);
    assert.match(await c.run('/disclaimer mine'), /\*\*#1\*\* Rails Night, 2027-04-01 — helper — withdrawn/);
    assert.match(
      await c.run('@moderator /disclaimer list member:@carol'),
      /\*\*#1\*\* Rails Night, 2027-04-01 — helper, carol — withdrawn/,
    );
    assert.match(await c.run('/disclaimer list member:@dave'), /No disclaimers match\./);
  } finally {
    await c.close();
  }
});

test('/mod audit in German shows what was done in German, and an old entry written as English text as it is', async () => {
  const c = await consoleApp({}, 'de');
  try {
    await c.run('@moderator /chapter create name:Berlin timezone:Europe/Berlin');
    const first = await c.run('@moderator /mod audit');
    assert.match(first, /\*\*Protokoll: der letzte Eintrag\*\*/);
    assert.match(first, /\/chapter create → chapter:Berlin \(Zeitzone Europe\/Berlin, an diesen Workspace gebunden\)/);
    const entry = await c.app.db.getRepository(AuditEntry).findOneByOrFail({ action: 'chapter create' });
    await c.app.db.getRepository(AuditEntry).insert({ ...entry, id: undefined, details: 'feed synced' });
    const both = await c.run('@moderator /mod audit');
    assert.match(both, /\*\*Protokoll: die letzten 2 Einträge\*\*/);
    assert.match(both, /\(feed synced\)/, 'plain text from before details were data');
  } finally {
    await c.close();
  }
});
