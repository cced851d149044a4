import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import { OutboxMessage } from '../../entities/OutboxMessage.js';
import { createDataSource } from '../../src/db/data-source.js';
import { migrations } from '../../src/db/migrations/index.js';
import { loadMessage } from '../../src/services/outbox/stored.js';
import { eachDatabase, freshDatabase, tempDir } from '../support/helpers.js';

const TABLES = [
  'anon_block',
  'attendance',
  'audit_entry',
  'chapter',
  'chapter_binding',
  'chapter_channel',
  'chapter_feed',
  'chapter_link_attempt',
  'chapter_link_code',
  'checkin_attempt',
  'coach',
  'coach_invitation',
  'coach_note',
  'direct_button',
  'disclaimer',
  'feed_event',
  'member',
  'no_show',
  'outbox_message',
  'partnership_decision',
  'partnership_proposal',
  'partnership_requirement',
  'question',
  'question_answer',
  'question_me_too',
  'question_report',
  'reminder',
  'scheduled_event',
  'seen_request',
  'share',
  'stuck_request',
  'workshop',
  'workshop_feedback',
  'workshop_group',
  'workshop_signup',
];

test('migrations build the schema the entities describe, on a fresh database', (t) =>
  eachDatabase(t, async ({ target, kind }) => {
    const db = createDataSource(target);
    await db.initialize();
    try {
      const applied = await db.runMigrations({ transaction: 'each' });
      assert.deepEqual(
        applied.map((m) => m.name),
        migrations.map((m) => new m().name),
      );
      const tables = (await db.createQueryRunner().getTables(TABLES)).map((tb) => tb.name.split('.').pop()).sort();
      assert.deepEqual(tables, TABLES);
      // What migration:generate would write: nothing, if entities and migrations agree.
      const pending = await db.driver.createSchemaBuilder().log();
      assert.deepEqual(
        pending.upQueries.map((q) => q.query),
        [],
        `${kind}: entities and migrations disagree`,
      );
      assert.deepEqual(await db.runMigrations(), [], 'running again applies nothing');
    } finally {
      await db.destroy();
    }
  }));

test('every migration can be reverted, leaving only the migrations table', (t) =>
  eachDatabase(t, async ({ target }) => {
    const db = createDataSource(target);
    await db.initialize();
    try {
      await db.runMigrations();
      for (let i = 0; i < migrations.length; i++) await db.undoLastMigration();
      assert.deepEqual(await db.createQueryRunner().getTables(TABLES), []);
    } finally {
      await db.destroy();
    }
  }));

test('a new SQLite database is private to its owner: its folder 0700, the file and its WAL 0600', async () => {
  const tmp = tempDir();
  try {
    const path = join(tmp.dir, 'data', 'bot.sqlite');
    const db = createDataSource({ kind: 'sqlite', path });
    await db.initialize();
    await db.runMigrations();
    try {
      assert.equal(statSync(join(tmp.dir, 'data')).mode & 0o777, 0o700);
      for (const file of [path, `${path}-wal`]) assert.equal(statSync(file).mode & 0o777, 0o600, file);
    } finally {
      await db.destroy();
    }
  } finally {
    tmp.remove();
  }
});

test('the SQLite file is in WAL mode, with a busy timeout', async () => {
  const { target, drop } = await freshDatabase('sqlite');
  try {
    assert.ok(target.kind === 'sqlite');
    const db = createDataSource(target);
    await db.initialize();
    const [{ journal_mode }] = await db.query('PRAGMA journal_mode');
    const [{ timeout }] = await db.query('PRAGMA busy_timeout');
    await db.destroy();
    assert.equal(journal_mode, 'wal');
    assert.equal(timeout, 5000);
    // And the mode stays with the file for any other reader.
    const raw = new Database(target.path, { readonly: true });
    assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
    raw.close();
  } finally {
    await drop();
  }
});

test('channel notices still waiting when the outbox arrives move into it, due at once, their text as a message', (t) =>
  eachDatabase(t, async ({ target, kind }) => {
    const db = createDataSource(target);
    await db.initialize();
    try {
      await db.runMigrations();
      // Back to channel_notice: the outbox's migration undone, and every one after it.
      const outbox = migrations.findIndex((m) => m.name === 'Outbox1795002200000');
      assert.ok(outbox >= 0);
      for (let i = migrations.length - 1; i >= outbox; i--) await db.undoLastMigration();
      const q = db.createQueryRunner();
      const table = (name: string) =>
        kind === 'postgres' && target.kind === 'postgres' && target.schema ? `"${target.schema}"."${name}"` : `"${name}"`;
      const at = Date.UTC(2027, 2, 1, 10);
      await q.query(
        `INSERT INTO ${table('channel_notice')} ("platform", "workspace", "channel", "text", "createdAt") VALUES ` +
          (kind === 'postgres' ? `($1, $2, $3, $4, $5)` : `(?, ?, ?, ?, ?)`),
        ['slack', 'T2', 'CMODS', 'Berlin is now bound also to slack:T2.', at],
      );
      await q.release();
      await db.runMigrations();
      const rows = await db.getRepository(OutboxMessage).find();
      assert.deepEqual(
        rows.map((r) => [r.platform, r.workspace, r.kind, r.channel, r.memberId, r.sealedTo, r.dueAt.getTime(), r.attempts]),
        [['slack', 'T2', 'notice', 'CMODS', null, null, at, 0]],
      );
      assert.deepEqual(loadMessage(rows[0]!.message), {
        body: [{ kind: 'paragraph', children: ['Berlin is now bound also to slack:T2.'] }],
      });
    } finally {
      await db.destroy();
    }
  }));
