import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkName, nameWords } from '../../src/core/namecheck.js';

const OTS = 'OpenTechSchool';
/** [text, the flagged spellings as `line:column found`]. */
const CASES: [string, string[]][] = [
  ['Join OpenTechSchool today', []],
  ['Open Tech School', ['1:1 Open Tech School']],
  ['We love Opentechschool!', ['1:9 Opentechschool']],
  ['OpenTech School and Open-Tech-School', ['1:1 OpenTech School', '1:21 Open-Tech-School']],
  ['with open tech-school', ['1:6 open tech-school']],
  ['OPENTECHSCHOOL, open_tech_school, Open.Tech.School', ['1:1 OPENTECHSCHOOL', '1:17 open_tech_school', '1:35 Open.Tech.School']],
  ['Open Tech.School and Open.Tech School', ['1:1 Open Tech.School', '1:22 Open.Tech School']],
  ['Open Tech Schools are great, OpenTechSchools too', ['1:1 Open Tech Schools', '1:30 OpenTechSchools']],
  ["OpenTechSchool's coaches and Open Tech School's", ['1:30 Open Tech School']],
  ['The venue is open. Tech school students welcome', []],
  ['Come in, it is open! Tech School rocks? Open; Tech School', []],
  ['opentechschool.berlin, berlin.opentechschool.org, open-tech-school.example/x and open.tech.school', []],
  ['follow @opentechschool or @OpenTechSchool, and ping @open_tech_school', []],
  ['first line\n  Über Open Tech School', ['2:8 Open Tech School']],
  ['Grüße 👋 von Open Tech School', ['1:13 Open Tech School']],
  ['https://www.opentechschool.org/berlin and http://opentech-school.example/x', []],
  ['see opentechschool.org or www.opentechschool.org', []],
  ['mail hello@opentechschool.org', []],
  ['run `open tech school --help` or\n```\nopentechschool = 1\n```', []],
  ['#OpenTechSchoolBerlin and MyOpentechschoolFan', []],
  ['Open Source Tech School', []],
];

test('the name checker flags variants of the name with their positions, and leaves the exact form, URLs, code and longer words alone', () => {
  for (const [text, expected] of CASES) {
    const found = checkName(text, OTS).map((f) => `${f.line}:${f.column} ${f.found}`);
    assert.deepEqual(found, expected, JSON.stringify(text));
  }
  assert.ok(checkName('Open Tech School', OTS).every((f) => f.expected === OTS));
});

test('the variants come from the words of the configured name', () => {
  assert.deepEqual(nameWords('OpenTechSchool'), ['Open', 'Tech', 'School']);
  assert.deepEqual(nameWords('Rails Girls'), ['Rails', 'Girls']);
  assert.deepEqual(nameWords('CoderDojo42'), ['Coder', 'Dojo', '42']);
  assert.deepEqual(
    checkName('Rails Girls and RailsGirls and rails-girls', 'Rails Girls').map((f) => f.found),
    ['RailsGirls', 'rails-girls'],
  );
  assert.deepEqual(checkName('Open Tech School', 'Rails Girls'), [], 'another community’s name is not ours to correct');
});
