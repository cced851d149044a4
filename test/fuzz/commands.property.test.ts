import { test } from 'node:test';
import type { App } from '../../src/app.js';
import { freshDatabase, postgresUnavailable } from '../support/helpers.js';
import {
  type ActorName,
  consoleLine,
  dispatchCollecting,
  type FuzzPath,
  fuzzApp,
  fuzzEveryCommand,
  PG_RUNS,
  RUNS,
  setUp,
  type TypedCommand,
  typedFor,
  type World,
} from './fuzz.js';

// The console path: lines typed at the console go through the command-line grammar into the
// dispatcher. The values and the checks are in fuzz.ts (which also lists what runs where).

/** The console is one workspace; members and channels are named as typed. */
const CONSOLE: World = {
  platform: 'console',
  workspace: 'console',
  here: 'general',
  users: { moderator: 'moderator', alice: 'alice', coach_de: 'coach_de' },
  channels: {
    general: 'general',
    questions: 'questions',
    moderation: 'moderation',
    announcements: 'announcements',
    disclaimers: 'disclaimers',
  },
};

const NAME = /^[A-Za-z0-9._-]{1,32}$/;
/** The console adapter's own resolution: any well-formed name is a member, channel or role. */
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

const consolePath = (app: App): FuzzPath<TypedCommand> => ({
  caseFor: (leaf) => typedFor(leaf),
  run: (c, who: ActorName) => dispatchCollecting(app, CONSOLE, who, { kind: 'line', text: consoleLine(c) }, resolvers),
  show: (c) => JSON.stringify(consoleLine(c)),
});

for (const kind of ['sqlite', 'postgres'] as const) {
  const runs = kind === 'sqlite' ? RUNS : PG_RUNS;
  test(
    `every command answers any typed input exactly once with an answer or a clear error, and the database stays consistent (console, ${kind}, ${runs} cases per command)`,
    { timeout: 600_000 },
    async (t) => {
      if (kind === 'postgres') {
        const reason = await postgresUnavailable();
        if (reason) return t.skip(reason);
      }
      const db = await freshDatabase(kind);
      const bot = await fuzzApp(db);
      try {
        await setUp(bot.app, CONSOLE);
        await fuzzEveryCommand(t, bot.app, consolePath(bot.app), runs, bot.lines);
      } finally {
        await bot.close();
        await db.drop();
      }
    },
  );
}
