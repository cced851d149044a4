import assert from 'node:assert/strict';
import { createServer, type Server, Socket } from 'node:net';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { ConsoleAdapter } from '../../src/adapters/console/console-adapter.js';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { ManualClock } from '../../src/core/clock.js';
import { capturedLogger, freePort, freshDatabase, postgresUnavailable, TEST_POSTGRES_URL } from '../support/helpers.js';

/**
 * A TCP proxy in front of PostgreSQL, at the network edge: closing it is the database going
 * away (open connections cut, new ones refused); opening it again is the database coming back.
 */
class Outage {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  constructor(
    readonly port: number,
    private readonly upstream: { host: string; port: number },
  ) {}

  async up(): Promise<void> {
    this.server = createServer((client) => {
      const db = new Socket();
      db.connect(this.upstream.port, this.upstream.host);
      for (const s of [client, db]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(db).pipe(client);
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
  }

  async down(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}

test('while PostgreSQL is away commands get “try again in a moment”, and the bot recovers by itself', async (t) => {
  const reason = await postgresUnavailable();
  if (reason) return t.skip(reason);
  const db = await freshDatabase('postgres');
  const upstream = new URL(TEST_POSTGRES_URL);
  const outage = new Outage(await freePort(), { host: upstream.hostname, port: Number(upstream.port || 5432) });
  await outage.up();
  const viaProxy = new URL(db.url);
  viaProxy.host = `127.0.0.1:${outage.port}`;
  const captured = capturedLogger();
  const clock = new ManualClock(new Date('2027-03-01T10:00:00Z'));
  const app = await createApp(loadConfig({ DATABASE_URL: viaProxy.toString(), DATABASE_POOL_SIZE: '2' }), captured.log, clock);
  let printed = '';
  const out = new PassThrough();
  out.on('data', (d) => (printed += String(d)));
  const adapter = new ConsoleAdapter({ dispatcher: app.dispatcher, out, locale: 'en', moderators: ['moderator'], clock });
  const run = async (line: string) => {
    printed = '';
    await adapter.handle(line);
    return printed;
  };
  try {
    assert.match(await run('@moderator /chapter create name:Berlin timezone:Europe/Berlin'), /Chapter Berlin created/);

    await outage.down();
    for (const line of ['/chapter list', '/chapter create name:Hamburg timezone:Europe/Berlin']) {
      const answer = await run(line);
      assert.match(answer, /cannot reach its database right now. Please try again in a moment/, answer);
      assert.doesNotMatch(answer, /incident/);
    }

    await outage.up();
    // The pool drops broken connections and opens new ones: no restart needed.
    let answer = '';
    for (let attempt = 0; attempt < 5 && !/Berlin/.test(answer); attempt++) answer = await run('/chapter list');
    assert.match(answer, /\*\*Berlin\*\*/);
    assert.match(await run('/chapter create name:Hamburg timezone:Europe/Berlin'), /Chapter Hamburg created/);
    assert.ok(!captured.lines().some((l) => JSON.parse(l).level >= 50), 'an outage is not logged as an incident');
  } finally {
    await app.close().catch(() => undefined);
    await outage.down().catch(() => undefined);
    await db.drop();
  }
});

test('a statement that runs past DATABASE_STATEMENT_TIMEOUT_MS is cancelled by PostgreSQL', async (t) => {
  const reason = await postgresUnavailable();
  if (reason) return t.skip(reason);
  const db = await freshDatabase('postgres');
  // Migrate first with the default timeout: on a busy machine a CREATE TABLE may take longer than 200 ms.
  await (await createApp(loadConfig({ DATABASE_URL: db.url }), capturedLogger().log, new ManualClock(new Date()))).close();
  const app = await createApp(
    loadConfig({ DATABASE_URL: db.url, DATABASE_STATEMENT_TIMEOUT_MS: '200', DB_MIGRATE_ON_START: 'false' }),
    capturedLogger().log,
    new ManualClock(new Date()),
  );
  try {
    await assert.rejects(app.db.query('SELECT pg_sleep(2)'), /statement timeout/);
  } finally {
    await app.close();
    await db.drop();
  }
});
