/**
 * `node --import tsx scripts/bench/slack-ab.ts <other checkout> [rounds] [seconds]`: our Slack `/ask`
 * in this checkout (B) against another (A: a worktree or an exported commit with node_modules),
 * with the same-job Bolt app of this checkout beside them, loaded in turn as `npm run bench` loads
 * them, A and B swapping places every round. Prints the CPU time per request of each run and the
 * medians: steadier than requests per second on a shared machine (see BENCHMARKS.md).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FakeSlack } from '../../test/support/fake-slack.js';
import { postSigned, slashCommandBody } from '../../test/support/slack-requests.js';
import { tempDir } from '../../test/support/helpers.js';
import { BENCH_LIMITS } from './dispatch.js';
import { ROOT } from './production.js';
import { load, startSide } from './slack.js';
import { median } from './stats.js';

const [other, rounds = '6', seconds = '4'] = process.argv.slice(2);
if (!other) throw new Error('usage: slack-ab.ts <other checkout> [rounds] [seconds]');
const say = (line: string) => process.stderr.write(`${line}\n`);

const fake = await new FakeSlack().start();
fake.users.set('UADMIN', { name: 'ada', isAdmin: true });
for (let i = 0; i < 1000; i++) fake.users.set(`U${i}`, { name: `member${i}` });
const secret = randomBytes(24).toString('hex');
const tmp = tempDir('bot-slack-ab-');
const plan = [
  { name: 'A (ours)', root: resolve(other), kind: 'ours' as const },
  { name: 'B (ours)', root: ROOT, kind: 'ours' as const },
  { name: 'same job', root: ROOT, kind: 'same-job' as const },
];
const sides = [];
try {
  for (const [i, p] of plan.entries()) {
    const build = (await import(pathToFileURL(join(p.root, 'scripts/build.mjs')).href)) as { buildDist(extra: string[]): Promise<unknown> };
    await build.buildDist(['scripts/bench/slack-server.ts']);
    const dataDir = join(tmp.dir, String(i));
    mkdirSync(dataDir);
    const side = await startSide(
      p.kind,
      {
        SLACK_BOT_TOKEN: 'xoxb-bench',
        SLACK_SIGNING_SECRET: secret,
        SLACK_API_URL: fake.apiUrl,
        DATABASE_URL: `sqlite:${join(dataDir, 'slack.sqlite')}`,
        DATA_DIR: dataDir,
        ANON_SECRET: randomBytes(32).toString('hex'),
        SAME_JOB_CHANNEL: 'CSAMEJOB',
        LOG_LEVEL: 'warn',
        ...BENCH_LIMITS,
      },
      p.root,
    );
    sides.push({ ...p, side, cpu: [] as number[] });
    if (p.kind !== 'ours') continue;
    for (const text of ['create name:Berlin timezone:Europe/Berlin', 'set name:Berlin questions-channel:<#CQUESTIONS|questions>']) {
      const r = await postSigned(
        side.url,
        slashCommandBody({ command: '/chapter', text, user: 'UADMIN', responseUrl: fake.responseUrl('setup') }),
        secret,
      );
      if (r.status !== 200 || !/Berlin/.test(r.text)) throw new Error(`slack-ab: setup of ${p.name} failed (${r.status}): ${r.text}`);
    }
  }
  for (let round = 0; round < Number(rounds); round++) {
    const [a, b, same] = sides;
    for (const s of round % 2 ? [b!, a!, same!] : [a!, b!, same!]) {
      const before = await s.side.memory();
      const run = await load(s.side.url, secret, fake.responseUrl('load'), Number(seconds), 10);
      const after = await s.side.memory();
      s.cpu.push((after.cpuMs - before.cpuMs) / run.served);
      say(
        `round ${round + 1}, ${s.name}: ${s.cpu.at(-1)!.toFixed(3)} ms of CPU per request, ${Math.round(run.perSecond)}/s, ${run.failed} failed`,
      );
    }
  }
  for (const s of sides) process.stdout.write(`${s.name}: median ${median(s.cpu).toFixed(3)} ms of CPU per request\n`);
} finally {
  for (const s of sides) await s.side.stop();
  await fake.stop();
  tmp.remove();
}
