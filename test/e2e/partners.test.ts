import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { Disclaimer } from '../../entities/Disclaimer.js';
import { PartnershipDecision } from '../../entities/PartnershipDecision.js';
import { PartnershipProposal } from '../../entities/PartnershipProposal.js';
import { createDataSource } from '../../src/db/data-source.js';
import { eachDatabase, tempDir } from '../support/helpers.js';
import { npmStart } from '../support/npm-start.js';

// On the console every name in CONSOLE_MODERATORS administers each console workspace, and so
// moderates the chapters bound in the workspace where they act. "A moderator of another
// chapter" is therefore hanna in the workspace `hamburg`, bound to Hamburg: there she moderates
// Hamburg, not Berlin, where the event is.
const SCRIPT = `
@moderator /chapter create name:Berlin timezone:Europe/Berlin
@hanna@hamburg /chapter create name:Hamburg timezone:Europe/Berlin
@moderator /chapter set name:Berlin announcements-channel:#announcements disclaimers-channel:#disclaimers

@alice /partner propose partner:"Code Club" event:"Python Day with Open Tech School" chapter:Berlin date:2027-03-14 contributions:coaches,materials co-organised:true url:https://opentechschool.org/berlin
/partner confirm id:1 requirement:free-promotion
/partner confirm id:1 requirement:open-materials
/partner confirm id:1 requirement:supporter
/partner confirm id:1 requirement:values
/partner confirm id:1 requirement:media
/partner confirm id:1 requirement:name
/partner show id:1

@bob /partner decide id:1 decision:approve reason:"I like it"
@hanna@hamburg /chapter use name:Hamburg
/partner decide id:1 decision:approve reason:"Looks fine to us"
/chapter use name:Hamburg scope:channel
@moderator /partner decide id:1 decision:approve reason:"Fits our values"
/partner decide id:1 decision:decline reason:"Second thoughts"

@alice /partner propose partner:"Rust Friends" event:"Rust Night" chapter:Berlin date:2027-02-30 contributions:promotion
/partner propose partner:"Rust Friends" event:"Rust Night" chapter:Atlantis date:2027-05-01 contributions:promotion
/partner propose partner:"Rust Friends" event:"Rust Night" chapter:Berlin date:2027-05-01 contributions:promotion,pizza
/partner propose partner:"Rust Friends" event:"Rust Night" chapter:Berlin date:2027-05-01 contributions:promotion
/partner withdraw id:2
@moderator /partner decide id:2 decision:decline reason:"Not for us"
/partner export chapter:Berlin

@carol /disclaimer log event:"Rails Night" date:2027-04-01 organiser:"Ruby Friends" role:coach
/disclaimer text event:"Rails Night"
@moderator /disclaimer list event:rails
/mod audit action:partner
`;

test('the partnership flow on the console: propose, confirm, refusals, the local decision, one decision only, export, disclaimers, audit', (t) =>
  eachDatabase(t, async ({ url, target }) => {
    const tmp = tempDir();
    try {
      const run = await npmStart(SCRIPT, { DATA_DIR: tmp.dir, DATABASE_URL: url, CONSOLE_MODERATORS: 'moderator,hanna' });
      assert.equal(run.code, 0, run.stderr);
      const b = run.blocks;
      const at = (i: number, header: string, text: RegExp) => {
        assert.equal(b[i]?.header, header, `block ${i}: ${run.stdout}`);
        assert.match(b[i]!.text, text, `block ${i}`);
      };

      // The proposal: checklist of six requirements, the misspelt name flagged (not the URL).
      at(
        3,
        '[ephemeral → alice]',
        /^\*\*Proposal #1: Python Day with Open Tech School\*\*\nProposal #1 from Code Club is recorded for chapter Berlin \(2027-03-14\)/,
      );
      assert.equal(b[3]!.text.match(/^- \[ \] /gm)?.length, 6);
      assert.match(b[3]!.text, /- Event 1:17: “Open Tech School” → \*\*OpenTechSchool\*\*/);
      assert.doesNotMatch(b[3]!.text, /- url /);
      at(
        4,
        '[ephemeral → alice]',
        /Requirement free-promotion of proposal #1 is confirmed\.\nStill open: open-materials, supporter, values, media, name\./,
      );
      at(9, '[ephemeral → alice]', /All requirements are confirmed/);
      assert.equal(b[10]!.text.match(/^- \[x\] .*\(confirmed by alice\)$/gm)?.length, 6);

      // Refusals: a member who moderates nothing, a moderator of another chapter.
      at(11, '[ephemeral → bob]', /^Only the moderators of Berlin can run \/partner decide on this/);
      at(12, '[ephemeral → hanna]', /now belongs to chapter Hamburg/);
      at(13, '[ephemeral → hanna]', /^Only the moderators of Berlin can run \/partner decide on this/);
      at(14, '[ephemeral → hanna]', /This channel now belongs to chapter Hamburg/);

      // The right moderator approves: the proposer is told, the chapter hears of it, and a second decision is refused.
      at(15, '[dm → alice]', /the Berlin team approved your proposal #1 \(Python Day with Open Tech School\)\. Fits our values/);
      at(
        16,
        '[#announcements msg:2]',
        /New partnership in Berlin: Code Club — “Python Day with Open Tech School” on 2027-03-14\. OpenTechSchool contributes coaches, materials\./,
      );
      at(
        17,
        '[ephemeral → moderator]',
        /Proposal #1 \(Python Day with Open Tech School\) is approved\.[\s\S]*Announced in #announcements\./,
      );
      assert.doesNotMatch(b[17]!.text, /requirements open/, 'nothing was forced');
      at(18, '[ephemeral → moderator]', /^This proposal can no longer be changed: it is approved\.$/);

      // Bad input: clear errors.
      at(19, '[ephemeral → alice]', /date must be a real date written YYYY-MM-DD, like 2027-03-14 \(you gave “2027-02-30”\)/);
      at(20, '[ephemeral → alice]', /There is no chapter named “Atlantis”/);
      at(
        21,
        '[ephemeral → alice]',
        /“pizza” is not something the community contributes\. Choose from: coaches, materials, organisational-help, diversity, promotion\./,
      );
      at(22, '[ephemeral → alice]', /^\*\*Proposal #2: Rust Night\*\*/);
      at(23, '[ephemeral → alice]', /Proposal #2 \(Rust Night\) is withdrawn\./);
      at(24, '[ephemeral → moderator]', /it is withdrawn\./);

      // The export is the CSV of Berlin's proposals with their decisions.
      at(
        25,
        '[ephemeral → moderator]',
        /^2 proposals, with their decisions\.\n\[attachment: partnerships-berlin\.csv \(text\/csv, \d+ bytes\)\]\n/,
      );
      const rows = parse(b[25]!.text.split('\n').slice(2).join('\n'), { columns: true }) as Record<string, string>[];
      assert.deepEqual(
        rows.map((r) => [r.id, r.status, r.decision, r.reason, r.decided_by, r.open]),
        [
          ['2', 'withdrawn', '', '', '', 'free-promotion open-materials supporter'],
          ['1', 'approved', 'approve', 'Fits our values', 'moderator', ''],
        ],
      );

      // Disclaimers: the note in the disclaimers channel, the text to paste, the register.
      at(
        26,
        '[#disclaimers msg:3]',
        /^carol helps at “Rails Night” \(2027-04-01\) as coach, as an individual: not on behalf of OpenTechSchool\. \(disclaimer #1\)$/,
      );
      at(
        27,
        '[ephemeral → carol]',
        /Disclaimer #1 is recorded[\s\S]*I am helping at “Rails Night” on 2027-04-01 as an individual\. “Rails Night” is not an official OpenTechSchool event, and I do not represent OpenTechSchool there\. The event is organised by Ruby Friends\./,
      );
      at(28, '[ephemeral → carol]', /^```\nI am helping at “Rails Night” as an individual\./);
      at(29, '[ephemeral → moderator]', /\*\*#1\*\* Rails Night, 2027-04-01 — coach, carol \(Ruby Friends\)/);

      // The audit trail shows the one decision, by whom, on what.
      at(
        30,
        '[ephemeral → moderator]',
        /^\*\*Audit trail: the last entry\*\*\n- .* — \*\*moderator\*\*: \/partner decide → partnership:1 \(approve: Python Day with Open Tech School\)$/,
      );
      assert.equal(b.length, 31, run.stdout);

      // Nothing the refused commands tried was written.
      const db = createDataSource(target);
      await db.initialize();
      try {
        assert.equal(await db.getRepository(PartnershipProposal).count(), 2);
        assert.equal(await db.getRepository(PartnershipDecision).count(), 1);
        assert.equal(await db.getRepository(Disclaimer).count(), 1);
      } finally {
        await db.destroy();
      }
    } finally {
      tmp.remove();
    }
  }));
