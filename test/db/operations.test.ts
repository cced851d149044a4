import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { ConsoleAdapter } from '../../src/adapters/console/console-adapter.js';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { ManualClock } from '../../src/core/clock.js';
import { createDataSource } from '../../src/db/data-source.js';
import { backup, byPrimaryKey, copyDatabase, copyOrder, maskPasswords } from '../../src/db/operations.js';
import { capturedLogger, freshDatabase, postgresUnavailable, tempDir } from '../support/helpers.js';

const SCRIPT = `
@moderator /chapter create name:Berlin timezone:Europe/Berlin
/chapter set name:Berlin questions-channel:#questions moderation-channel:#moderation
@moderator@frankfurt /chapter create name:"Frankfurt am Main" timezone:Europe/Berlin city:Frankfurt
@alice /ask text:"How do I open a file, with \\"quotes\\", commas, and a newline?" topic:python
@bob /ask metoo id:1
@dave /ask answer id:1 text:"with open(path) as f:"
@eve /ask report id:1 reason:"just testing reports"
@moderator /mod block question:1 reason:"test" days:3
@carla /coach volunteer topics:"python, html"
@moderator /workshop create chapter:Berlin title:"Python for beginners" topic:python date:2027-04-10 time:18:00 learners:8
@carla /workshop claim id:1
@zoe /workshop join id:1
`;

/** A database with rows in most tables, made by the real app from console commands. */
async function populated(url: string, dir: string) {
  const clock = new ManualClock(new Date('2027-03-01T10:00:00Z'));
  const app = await createApp(loadConfig({ DATABASE_URL: url, DATA_DIR: dir }), capturedLogger().log, clock);
  const adapter = new ConsoleAdapter({
    dispatcher: app.dispatcher,
    out: new PassThrough().resume(),
    locale: 'en',
    moderators: ['moderator'],
    clock,
  });
  app.services.notifier.register('console', () => adapter.outboxForNotifications);
  for (const line of SCRIPT.split('\n')) await adapter.handle(line);
  await app.close();
}

async function dump(target: Parameters<typeof createDataSource>[0]) {
  const db = createDataSource(target);
  await db.initialize();
  const out: Record<string, unknown[]> = {};
  for (const meta of copyOrder(db)) out[meta.tableName] = await db.getRepository(meta.target).find({ order: byPrimaryKey(meta) });
  await db.destroy();
  return out;
}

test('db:copy moves every row of every table from SQLite to PostgreSQL, equal in count and content', async (t) => {
  const reason = await postgresUnavailable();
  if (reason) return t.skip(reason);
  const tmp = tempDir();
  const from = await freshDatabase('sqlite');
  const to = await freshDatabase('postgres');
  try {
    await populated(from.url, tmp.dir);
    const counts = await copyDatabase(from.target, to.target);
    const [before, after] = [await dump(from.target), await dump(to.target)];
    assert.ok(Object.values(counts).reduce((a, b) => a + b, 0) > 10, JSON.stringify(counts));
    for (const table of ['chapter', 'question', 'question_me_too', 'workshop', 'workshop_signup', 'audit_entry'])
      assert.ok(counts[table]! > 0, `${table} has rows to copy`);
    assert.deepEqual(Object.keys(after).sort(), Object.keys(before).sort());
    for (const table of Object.keys(before)) {
      assert.equal(after[table]!.length, before[table]!.length, table);
      assert.deepEqual(JSON.parse(JSON.stringify(after[table])), JSON.parse(JSON.stringify(before[table])), `${table} content`);
    }
    // New rows get new ids after the copied ones, and a second copy is refused.
    const db = createDataSource(to.target);
    await db.initialize();
    const [{ id }] = await db.query(
      `INSERT INTO "${(to.target as { schema: string }).schema}"."chapter" ("name", "nameKey", "timeZone", "createdAt") VALUES ('Köln', 'köln', 'Europe/Berlin', 0) RETURNING id`,
    );
    await db.destroy();
    assert.equal(id, counts.chapter! + 1);
    await assert.rejects(copyDatabase(from.target, to.target), /already has rows/);
  } finally {
    await from.drop();
    await to.drop();
    tmp.remove();
  }
});

test('db:backup writes a timestamped private SQLite copy to the folder given, and names the pg_dump command for PostgreSQL', async () => {
  const tmp = tempDir();
  try {
    const path = join(tmp.dir, 'data', 'bot.sqlite');
    await populated(`sqlite:${path}`, join(tmp.dir, 'data'));
    const dir = join(tmp.dir, 'backups');
    const result = await backup({ kind: 'sqlite', path }, new Date('2027-03-01T10:20:30Z'), { dir, dataDir: join(tmp.dir, 'data') });
    assert.equal(result.file, join(dir, 'bot-20270301-102030.sqlite'));
    assert.deepEqual(await dump({ kind: 'sqlite', path: result.file! }), await dump({ kind: 'sqlite', path }));
    assert.equal(statSync(dir).mode & 0o777, 0o700, 'the backup folder is private');
    assert.equal(statSync(result.file!).mode & 0o777, 0o600, 'the backup file is private');
    const pg = await backup({ kind: 'postgres', url: 'postgres://bot@db:5432/ots', schema: 'berlin' }, new Date('2027-03-01T10:20:30Z'), {
      dir,
      dataDir: join(tmp.dir, 'data'),
    });
    assert.equal(
      pg.command,
      `pg_dump --format=custom --file=${join(dir, 'bot-20270301-102030.dump')} --schema=berlin 'postgres://bot@db:5432/ots'`,
    );
  } finally {
    tmp.remove();
  }
});

test('db:backup refuses a folder inside the data folder, where anon-secret lives', async () => {
  const tmp = tempDir();
  try {
    const data = join(tmp.dir, 'data');
    const path = join(data, 'bot.sqlite');
    for (const dir of [data, join(data, 'backups')]) {
      await assert.rejects(backup({ kind: 'sqlite', path }, new Date(), { dir, dataDir: data }), /inside the data folder .*--out <folder>/);
    }
    assert.equal(existsSync(join(data, 'backups')), false, 'nothing was written');
  } finally {
    tmp.remove();
  }
});

test('npm run db:backup never prints a PostgreSQL password, and writes to --out (default: backups/ at the project root)', async () => {
  const tmp = tempDir();
  const run = promisify(execFile);
  const cwd = join(import.meta.dirname, '..', '..');
  const base = { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/tmp', DATA_DIR: join(tmp.dir, 'data') };
  try {
    const password = 'pa55-w0rd-not-to-print';
    const pg = await run('npm', ['run', '--silent', 'db:backup'], {
      cwd,
      env: { ...base, DATABASE_URL: `postgres://bot:${password}@db.invalid:5432/ots?schema=berlin` },
    });
    assert.ok(!(pg.stdout + pg.stderr).includes(password), pg.stdout + pg.stderr);
    assert.match(
      pg.stdout,
      /pg_dump --format=custom --file=\S+\/backups\/bot-\d{8}-\d{6}\.dump --schema=berlin 'postgres:\/\/bot@db\.invalid:5432\/ots'/,
    );
    assert.match(pg.stdout, /PGPASSWORD or ~\/\.pgpass/);
    assert.ok(pg.stdout.includes(join(cwd, 'backups')), 'the default folder is backups/ at the project root');

    const sqlite = await run('npm', ['run', '--silent', 'db:backup', '--', '--out', join(tmp.dir, 'copies')], {
      cwd,
      env: { ...base, DATABASE_URL: `sqlite:${join(tmp.dir, 'data', 'bot.sqlite')}` },
    });
    assert.match(sqlite.stdout, /^Backup written to .*\/copies\/bot-\d{8}-\d{6}\.sqlite\n$/);
    assert.equal(readdirSync(join(tmp.dir, 'data')).filter((f) => f.startsWith('bot-')).length, 0, 'nothing beside the data');

    // A driver error quoting the URL is printed with the password masked.
    assert.equal(
      maskPasswords(`connect to postgres://bot:${password}@db:5432/ots failed`),
      'connect to postgres://bot:****@db:5432/ots failed',
    );
  } finally {
    tmp.remove();
  }
});

test('npm run db:migrate applies migrations and then says the database is up to date', async () => {
  const tmp = tempDir();
  const run = promisify(execFile);
  const env = {
    PATH: process.env.PATH!,
    HOME: process.env.HOME ?? '/tmp',
    DATABASE_URL: `sqlite:${join(tmp.dir, 'm.sqlite')}`,
    DATA_DIR: tmp.dir,
  };
  const cwd = join(import.meta.dirname, '..', '..');
  try {
    assert.match((await run('npm', ['run', '--silent', 'db:migrate'], { cwd, env })).stdout, /^Applied: Foundation1795000000000, /);
    assert.equal((await run('npm', ['run', '--silent', 'db:migrate'], { cwd, env })).stdout, 'The database is up to date.\n');
  } finally {
    tmp.remove();
  }
});
