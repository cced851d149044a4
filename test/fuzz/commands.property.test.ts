import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { ChapterBinding } from '../../entities/ChapterBinding.js';
import { PartnershipDecision, PartnershipProposal } from '../../entities/Partnership.js';
import { Question } from '../../entities/Question.js';
import { Workshop } from '../../entities/Workshop.js';
import { WorkshopSignup } from '../../entities/WorkshopSignup.js';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Actor } from '../../src/core/command.js';
import { ManualClock } from '../../src/core/clock.js';
import type { Outbox, Outcome, Responder } from '../../src/core/dispatcher.js';
import type { Leaf } from '../../src/core/registry.js';
import { optionsOf } from '../../src/core/registry.js';
import type { OptionSpec } from '../../src/core/options.js';
import type { Message, PostedRef } from '../../src/core/reply.js';
import { capturedLogger, tempDir } from '../helpers.js';

/**
 * Cases per top-level command (spread over its subcommands). 2,000 in CI; FUZZ_RUNS sets
 * another number (e.g. 200 while working on a command).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);

/** Values a member could type that have broken bots before: every one must get a clear answer. */
const NASTY = [
  '', ' ', '   ', 'a'.repeat(5000), 'ü'.repeat(1501), '𝔘'.repeat(300),
  '\u202Eevil\u202C', 'שלום עולם', 'مرحبا', '\u200B', '\u200B\u200C\u200D\uFEFF', 'a\u2060b', '👩‍💻🏳️‍🌈🇩🇪', '🙂'.repeat(80), 'e\u0301\u0301\u0301\u0301', 'Z̴̡̛̤̈́a̷̢̛l̶̨̛g̸̛o̷',
  '\u0000', '\u0007\u0008', '\u001b[31mred\u001b[0m', 'line\nbreak', 'tab\tbed', 'cr\rlf', '\u2028\u2029', '\uD800', '\uDFFF',
  '@everyone', '@here', '<@123456789012345678>', '<@!123>', '<@&987>', '<#555>', '<t:0:F>', '||spoiler||', '```js\nx\n```', '**bold**', '[link](https://evil.example)', '> quote',
  '<!channel>', '<!here|here>', '<!everyone>', '<@U012ABC|bob>', '<#C012|general>', '<https://evil.example|innocent>', '<!subteam^S012>', '<!date^0^{date}|x>', '*bold* _it_ ~s~',
  "'; DROP TABLE chapter; --", '" OR 1=1 --', "Robert'); DELETE FROM member;--", '%', '_', '%_\\', '\\', '\\"', '"', '“quoted”', "'", '`', '$1', '${x}', '{id}', '{{x}}',
  '../../etc/passwd', '..\\..\\windows\\win.ini', '/dev/null', 'C:\\', 'file:///etc/passwd', 'NUL', 'CON',
  '2027-02-30', '2027-02-29', '2028-02-29', '2027-13-01', '2027-00-10', '0000-00-00', '9999-12-31', '1970-01-01', '2027-1-1', '31.12.2027', '2027-02-30T10:00', 'tomorrow',
  '24:00', '25:61', '02:30', '23:59', '-01:00', '7pm', '12:00:00',
  '-1', '0', '1', '2', '3', '99999999999999999999', '1e3', 'NaN', 'Infinity', '0x10', '1.5', '+1', '٣',
  'true', 'false', 'yes', 'ja', 'nein', 'maybe',
  'Berlin', 'berlin', 'BERLIN ', 'Europe/Berlin', 'CET', 'Mars/Olympus', 'UTC',
  '#questions', '#moderation', '#general', '#', '#a b', '@moderator', '@alice', '@', '@&orga', '@&', 'python', 'Python, Git', 'coach', 'learner',
];

/** A well-formed value for one option (usually accepted), so that the paths behind validation run too. */
function validFor(name: string, spec: OptionSpec): fc.Arbitrary<string> {
  switch (spec.type) {
    case 'integer': {
      // Around the lower limit (ids 1, 2, 3 exist), and at the upper one.
      const lo = spec.min ?? 0;
      return fc.oneof(fc.integer({ min: lo, max: lo + 4 }), fc.constant(spec.max ?? lo + 1)).map(String);
    }
    case 'choice':
      return fc.constantFrom(...spec.choices);
    case 'boolean':
      return fc.constantFrom('true', 'false', 'yes', 'nein');
    case 'date':
      return fc.tuple(fc.integer({ min: 2026, max: 2030 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 })).map(([y, m, d]) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`);
    case 'time':
      return fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    case 'user':
      return fc.constantFrom('@alice', '@moderator', '@coach_de', '@alice @coach_de');
    case 'channel':
      return fc.constantFrom('#questions', '#moderation', '#general');
    case 'role':
      return fc.constantFrom('@&orga', '@&coaches');
    default: {
      const min = spec.minLength ?? 1;
      const max = Math.max(min, Math.min(spec.maxLength ?? 80, 80));
      const words = fc.string({ unit: 'grapheme', minLength: min, maxLength: max }).filter((x) => x.trim().length >= min);
      if (['chapter', 'name'].includes(name)) return fc.oneof(fc.constantFrom('Berlin', 'berlin', 'Hamburg'), words);
      if (name === 'timezone') return fc.constantFrom('Europe/Berlin', 'America/New_York', 'CET', 'Mars/Olympus');
      if (name === 'topics' || name === 'topic') return fc.constantFrom('Python', 'Python, Git', 'HTML');
      if (name === 'contributions') return fc.constantFrom('coaches', 'coaches,materials', 'pizza');
      if (name === 'requirement') return fc.constantFrom('free-promotion', 'values', 'name');
      return words;
    }
  }
}

/** Anything at all: nasty strings, random ones in every unicode plane, mixtures. */
const anything: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...NASTY) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.array(fc.constantFrom(...NASTY), { minLength: 2, maxLength: 4 }).map((parts) => parts.join(' ')) },
);

/** The console's quoting: `name:"value"` with `\"` and `\\` escaped. */
const quote = (value: string): string => `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
const written = (name: string, value: string, raw: boolean): string => `${name}:${raw && /^\S+$/.test(value) ? value : quote(value)}`;

/**
 * A line for a leaf. Most lines are well-formed except for one option with a bad value (so the
 * command gets past the parser and its service sees the value); some are wild throughout,
 * with broken syntax tacked on.
 */
function lineFor(leaf: Leaf): fc.Arbitrary<string> {
  const specs = Object.entries(optionsOf(leaf.action));
  const head = '/' + leaf.path.join(' ');
  const oneBad = fc
    .tuple(
      fc.tuple(...specs.map(([name, spec]) => fc.tuple(validFor(name, spec), spec.required ? fc.constant(true) : fc.boolean(), fc.boolean()))),
      fc.nat(specs.length),
      anything,
    )
    .map(([values, bad, nasty]) => [head, ...specs.flatMap(([name], i) => {
      const [value, given, raw] = values[i]!;
      if (i === bad) return [written(name, nasty, raw)];
      return given ? [written(name, value, raw)] : [];
    })].join(' '));
  const wild = fc
    .tuple(
      fc.tuple(...specs.map(([name, spec]) => fc.option(fc.tuple(fc.oneof(anything, validFor(name, spec)), fc.boolean()).map(([v, raw]) => written(name, v, raw)), { freq: 3 }))),
      fc.oneof({ weight: 2, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.oneof(anything, fc.constantFrom('unknown:1', 'x:"unclosed', ':', '::', '"', '-- --', '3')) }),
    )
    .map(([parts, tail]) => [head, ...parts.filter((x): x is string => x !== null), ...(tail ? [tail] : [])].join(' '));
  return fc.oneof({ weight: 3, arbitrary: oneBad }, { weight: 1, arbitrary: wild });
}

const NAME = /^[A-Za-z0-9._-]{1,32}$/;
const resolvers = {
  user: (raw: string) => {
    const name = raw.replace(/^@/, '');
    return NAME.test(name) ? { id: name, name } : undefined;
  },
  channel: (raw: string) => {
    const name = raw.replace(/^#/, '');
    return /^[a-z0-9_-]{1,64}$/i.test(name) ? { id: name.toLowerCase(), name: name.toLowerCase() } : undefined;
  },
  role: (raw: string) => {
    const name = /^@&(.+)$/.exec(raw)?.[1];
    return name && NAME.test(name) ? { id: name, name } : undefined;
  },
};

let messageIds = 1;
const outbox: Outbox = {
  post: async (m: Message): Promise<PostedRef> => ({ channel: m.visibility.kind === 'channel' || m.visibility.kind === 'thread' ? m.visibility.channel : 'dm', messageId: String(messageIds++) }),
  edit: async () => undefined,
};

/** Runs one line as the actor; returns the outcome and every answer it got. */
async function run(app: App, who: Actor, text: string): Promise<{ outcome: Outcome; answers: Message[] }> {
  const answers: Message[] = [];
  let deferred = 0;
  const responder: Responder = {
    reply: async (m) => void answers.push(m),
    editReply: async (m) => void answers.push(m),
    followUp: async (m) => void answers.push(m),
    defer: async () => void deferred++,
  };
  const outcome = await app.dispatcher.dispatch({ actor: who, channel: 'general', locale: who.id.endsWith('_de') ? 'de' : 'en', invocation: { kind: 'line', text }, responder, outbox, resolvers });
  assert.ok(deferred <= 1);
  return { outcome, answers };
}

const actor = (id: string, isModerator: boolean): Actor => ({ platform: 'console', workspace: 'console', id, name: id, isModerator });
const ACTORS = [actor('moderator', true), actor('alice', false), actor('coach_de', false)];

/** What must hold after any sequence of commands. */
async function assertConsistent(app: App): Promise<void> {
  const m = app.services.db.manager;
  for (const w of await m.find(Workshop)) {
    const confirmed = (role: 'coach' | 'learner') => m.countBy(WorkshopSignup, { workshopId: w.id, role, state: 'confirmed' });
    assert.equal(w.coachesClaimed, await confirmed('coach'), `workshop ${w.id}: coach counter`);
    assert.equal(w.learnersConfirmed, await confirmed('learner'), `workshop ${w.id}: learner counter`);
    assert.ok(w.coachesClaimed <= w.coachSlots && w.learnersConfirmed <= w.learnerCapacity, `workshop ${w.id} over capacity`);
  }
  for (const d of await m.find(PartnershipDecision)) {
    const p = await m.findOneByOrFail(PartnershipProposal, { id: d.proposalId });
    assert.notEqual(p.status, 'proposed', `proposal ${p.id} decided but still proposed`);
  }
  assert.ok((await m.count(ChapterBinding)) >= 1, 'the workspace stays bound');
  for (const q of await m.find(Question)) assert.ok(q.pseudonym.length === 64, `question ${q.id} has its pseudonym`);
}

test('every command answers any typed input exactly once with an answer or a clear error, and the database stays consistent (SQLite)', { timeout: 600_000 }, async (t) => {
  const tmp = tempDir();
  const { log, lines } = capturedLogger();
  const config = loadConfig({
    DATA_DIR: tmp.dir, DATABASE_URL: `sqlite:${join(tmp.dir, 'bot.sqlite')}`, ANON_SECRET: 'f'.repeat(32),
    RATE_LIMIT_MAX: '10000', ANON_RATE_LIMIT_MAX: '1000',
  });
  const clock = new ManualClock(new Date('2027-01-10T12:00:00Z'));
  const app = await createApp(config, log, clock);
  app.services.notifier.register('console', () => outbox);
  try {
    const mod = ACTORS[0]!;
    for (const line of [
      '/chapter create name:Berlin timezone:Europe/Berlin',
      '/chapter set name:Berlin questions-channel:#questions moderation-channel:#moderation announcements-channel:#announcements disclaimers-channel:#disclaimers',
      '/workshop create chapter:Berlin title:"Python basics" topic:Python date:2027-03-01 time:18:00 learners:4',
      '/workshop create chapter:Berlin title:"Git together" topic:Git date:2027-02-01 time:18:00 learners:2',
      '/workshop create chapter:Berlin title:"HTML" topic:HTML date:2027-04-01 time:10:00 learners:8',
    ]) assert.equal((await run(app, mod, line)).outcome, 'ok', line);
    const [, alice, coach] = ACTORS as [Actor, Actor, Actor];
    for (const [who, line] of [
      [coach, '/coach volunteer topics:Python'],
      [coach, '/workshop claim 1'],
      [alice, '/ask text:"How do I start with Python?"'],
      [alice, '/ask text:"What is a closure, and when do I need one?"'],
      [coach, '/ask text:"How do I explain git rebase to learners?"'],
      [alice, '/partner propose partner:"Code Club" event:"Python Day" chapter:Berlin date:2027-03-14 contributions:coaches'],
      [alice, '/disclaimer log event:"PyCon" date:2027-04-01'],
    ] as const) assert.equal((await run(app, who, line)).outcome, 'ok', line);

    for (const command of app.registry.commands) {
      const leaves = app.registry.leaves.filter((l) => l.command === command);
      await t.test(`/${command.name}`, async (sub) => {
        const seen = { ok: 0, 'user-error': 0, incident: 0 };
        const samples: string[] = [];
        await fc.assert(
          fc.asyncProperty(fc.constantFrom(...leaves).chain((leaf) => lineFor(leaf)), fc.constantFrom(...ACTORS), async (text, who) => {
            const { outcome, answers } = await run(app, who, text);
            seen[outcome]++;
            if (outcome === 'user-error' && samples.length < 5) samples.push(JSON.stringify(answers[0]?.body).slice(0, 200));
            assert.notEqual(outcome, 'incident', `incident for ${JSON.stringify(text)}: ${lines().filter((l) => l.includes('command failed')).at(-1)}`);
            assert.equal(answers.length, 1, `${answers.length} answers to ${JSON.stringify(text)}`);
            const answer = JSON.stringify(answers[0]);
            assert.doesNotMatch(answer, /Sorry, something went wrong|Vorfallsnummer/);
          }),
          { numRuns: RUNS },
        );
        await assertConsistent(app);
        sub.diagnostic(`${seen.ok} answered, ${seen['user-error']} refused with a clear error`);
        if (process.env.FUZZ_SAMPLES) for (const s of samples) sub.diagnostic(s);
      });
    }
    assert.deepEqual(lines().filter((l) => /"level":50/.test(l)), [], 'nothing was logged as an error');
  } finally {
    await app.close();
    tmp.remove();
  }
});
