import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { eachDatabase, tempDir } from '../support/helpers.js';
import { npmStart } from '../support/npm-start.js';

const SCRIPT = `
# A newcomer's first minutes, as a piped script.
/help
@moderator /chapter create name:Berlin timezone:Europe/Berlin city:Berlin
/chapter create name:berlin timezone:Europe/Berlin
/chapter create name:Hamburg timezone:CET
/chapter set name:Berlin questions-channel:#questions moderation-channel:#moderation
/chapter show name:Berlin

@alice /chapter list
@moderator /chapter use name:Berlin scope:channel
@alice
/chapter create name:Köln timezone:Europe/Berlin
@alice /chapter show name:"Berlin
/chapter show name:Atlantis
@alice /ask text:"Is it OK to ask beginner questions here?"
/quit
/help
`;

test('npm start runs the console: a scripted session prints the expected blocks and exits 0', (t) =>
  eachDatabase(t, async ({ url, kind }) => {
    const tmp = tempDir();
    try {
      const run = await npmStart(SCRIPT, { DATA_DIR: tmp.dir, DATABASE_URL: url });
      assert.equal(run.code, 0, run.stderr);
      const b = run.blocks;
      assert.equal(b.length, 13, run.stdout + '\n(the /help after /quit must not run)');

      assert.equal(b[0]!.header, '[ephemeral → you]');
      assert.match(b[0]!.text, /\*\*Commands you can run\*\*/);
      assert.match(b[0]!.text, /- \*\*\/chapter list\*\* — List the chapters/);
      assert.doesNotMatch(b[0]!.text, /chapter create/, 'members are not shown moderator commands');

      assert.equal(b[1]!.header, '[ephemeral → moderator]');
      assert.match(b[1]!.text, /^Chapter Berlin created, time zone Europe\/Berlin\.\nIt is now this workspace’s chapter/);
      assert.match(b[2]!.text, /A chapter named Berlin already exists \(console\)\. Names are shared/);
      assert.match(b[3]!.text, /“CET” is not an IANA time zone/);
      assert.equal(b[4]!.text, 'Channels of Berlin here: questions → #questions, moderation → #moderation.');
      assert.match(
        b[5]!.text,
        /^\*\*Berlin\*\*\nCity: Berlin\nTime zone: Europe\/Berlin\nLocal time now: \w{3}, \d+ \w{3} \d{4}, \d\d:\d\d CES?T\nBound here: this workspace\nChannels here: questions: #questions, moderation: #moderation\nBound in: console:console$/,
      );

      assert.equal(b[6]!.header, '[ephemeral → alice]');
      assert.equal(b[6]!.text, '**Chapters**\n- **Berlin** — Europe/Berlin (bound here)');
      assert.deepEqual(b[7], { header: '[ephemeral → moderator]', text: 'This channel now belongs to chapter Berlin.' });
      assert.equal(b[8]!.header, '[ephemeral → alice]', 'a bare @alice line switches the actor');
      assert.equal(b[8]!.text, 'Only the administrators of this server or workspace can run /chapter create.');
      assert.match(b[9]!.text, /^Column 27: the quote opened here is never closed/);
      assert.match(b[9]!.text, /Expected: \/command \[subcommand\] option:value/);
      assert.match(b[10]!.text, /There is no chapter named “Atlantis”/);
      assert.equal(b[11]!.header, '[#questions msg:1]');
      assert.equal(
        b[11]!.text,
        '**Anonymous question #1**\nIs it OK to ask beginner questions here?\nStatus: Open\n[button: /ask metoo id:1]\n[button: /ask answer id:1]\n[button: /ask report id:1]',
      );
      assert.equal(b[12]!.header, '[ephemeral → alice]');
      assert.match(b[12]!.text, /^Your question #1 is posted in #questions\.\nNobody can see that you asked it/);

      // The secret was generated privately, the migration logged, and nothing else complained.
      assert.equal(statSync(join(tmp.dir, 'anon-secret')).mode & 0o777, 0o600);
      const logs = run.stderr
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l));
      assert.ok(
        logs.some((l) => l.msg === 'database migrated'),
        `${kind}: ${run.stderr}`,
      );
      assert.deepEqual(
        logs.filter((l) => l.level >= 50),
        [],
      );
    } finally {
      tmp.remove();
    }
  }));

test('the console speaks German with --locale de', async () => {
  const tmp = tempDir();
  try {
    const run = await npmStart('/chapter list\n/chapter zeige\n/help chapter\n', { DATA_DIR: tmp.dir }, ['--locale', 'de']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.blocks[0]!.text, /Es gibt noch keine Chapter/);
    assert.match(run.blocks[1]!.text, /\/chapter kennt „zeige“ nicht/);
    assert.match(run.blocks[2]!.text, /`\/chapter show \[name:<Name>\]` — Ein Chapter mit Zeitzone und Kanälen zeigen/);
  } finally {
    tmp.remove();
  }
});

test('a bad configuration stops start-up with one clear line and exit code 1', async () => {
  const tmp = tempDir();
  try {
    const run = await npmStart('/help\n', { DATA_DIR: tmp.dir, ANON_SECRET: 'too-short-secret' });
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    const lines = run.stderr.split('\n').filter((l) => l && !l.startsWith('npm '));
    assert.deepEqual(lines, ['Configuration error: ANON_SECRET must be at least 32 bytes long; generate one with: openssl rand -hex 32']);
  } finally {
    tmp.remove();
  }
});
