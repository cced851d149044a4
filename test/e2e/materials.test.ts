import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tempDir } from '../support/helpers.js';
import { npmStart } from '../support/npm-start.js';

const SCRIPT = `
@moderator /chapter create name:Berlin timezone:Europe/Berlin
/workshop create chapter:Berlin title:"Python for beginners" topic:Python date:2029-03-25 time:10:00 learners:8
@lea /materials add title:Loops url:https://e.org/loops topic:Python language:en
@ada /coach volunteer topics:Python public:true
/materials add title:"Loops <b>explained</b>" url:https://learn.example.org/loops topic:Python language:en level:beginner description:"for <script>x</script> starters"
/materials add title:Closed url:https://e.org/closed topic:Python language:en license:CC-BY-NC-ND-4.0
/materials add title:Evil url:javascript:alert(1) topic:Python language:en
/materials add title:Again url:https://learn.example.org/loops#top topic:Python language:en
/materials translate id:1 language:de url:https://learn.example.org/de/schleifen
/materials search text:loops
/materials show 1
@lea /workshop materials id:1 add:1
@ada /workshop claim 1
@ada /workshop materials id:1 add:1
/workshop show 1
@lea /materials remove 1
@moderator /materials remove 1
/materials show 1
@moderator /mod audit limit:1
`;

test('the console, end to end: a coach shares open materials, refusals explain why, a workshop links them, a moderator removes one', async () => {
  const tmp = tempDir();
  try {
    const run = await npmStart(SCRIPT, { DATA_DIR: tmp.dir });
    assert.equal(run.code, 0, run.stderr);
    const texts = run.blocks.map((b) => `${b.header}\n${b.text}`);
    const at = (i: number) => texts[i] ?? '';
    assert.match(at(2), /coach/i, 'a learner who is not a coach may not add');
    assert.match(at(4), /Material #1 is in the directory/);
    assert.match(at(4), /License: CC-BY-SA-4\.0/, 'the default license');
    assert.match(
      at(5),
      /CC-BY-NC-ND-4\.0 is non-commercial \(NC\) and allows no derivatives \(ND\): it is not open for the community’s purpose/,
    );
    assert.match(at(6), /Only http and https links/);
    assert.match(at(7), /already in the directory as material #1 “Loops <b>explained<\/b>”: see \/materials show id:1/);
    assert.match(at(8), /Translation \(de\) linked to material #1/);
    assert.match(at(9), /1 found/);
    assert.match(at(10), /Translations: de/);
    assert.match(at(11), /Only the coaches of workshop #1 and the moderators of Berlin can run \/workshop materials/);
    assert.match(at(13), /Materials of workshop #1\*\*\n#1 Loops <b>explained<\/b> \(https:\/\/learn\.example\.org\/loops\)/);
    assert.match(at(14), /Materials: #1 Loops/);
    assert.match(at(15), /moderator/i, 'a coach may not remove');
    assert.match(at(16), /Material #1 “Loops <b>explained<\/b>” is removed/);
    assert.match(at(17), /There is no material #1/);
    assert.match(
      at(18),
      /materials remove.*material:1 \(Loops <b>explained<\/b> <https:\/\/learn\.example\.org\/loops>\)/s,
      'the details as data, shown in full',
    );
  } finally {
    tmp.remove();
  }
});
