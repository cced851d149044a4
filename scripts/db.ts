// npm run db:migrate | db:backup [-- --out <folder>] | db:copy -- --from <url> --to <url>
import { resolve } from 'node:path';
import { ConfigError, configFromEnvironment } from '../src/config.js';
import { databaseTarget } from '../src/config.js';
import { createDataSource, migrate } from '../src/db/data-source.js';
import { backup, copyDatabase, maskPasswords } from '../src/db/operations.js';

/** Where backups go unless `--out` says otherwise: `backups/` at the project root, outside the data folder (and so away from anon-secret). */
export const DEFAULT_BACKUP_DIR = resolve(import.meta.dirname, '..', 'backups');

async function main(argv: string[]): Promise<number> {
  const config = configFromEnvironment();
  if (!config) return 1;
  const [verb] = argv;
  const arg = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  if (verb === 'migrate') {
    const db = createDataSource(config.database);
    await db.initialize();
    const applied = await migrate(db);
    await db.destroy();
    console.log(applied.length ? `Applied: ${applied.map((m) => m.name).join(', ')}` : 'The database is up to date.');
    return 0;
  }
  if (verb === 'backup') {
    const out = arg('--out');
    if (argv.includes('--out') && !out) {
      console.error('Usage: npm run db:backup -- --out <folder outside the data folder>');
      return 2;
    }
    const result = await backup(config.database, new Date(), { dir: out ?? DEFAULT_BACKUP_DIR, dataDir: config.dataDir });
    if (result.file) console.log(`Backup written to ${result.file}`);
    else {
      console.log(`PostgreSQL is backed up with its own tool; run:\n  ${result.command}`);
      if (result.passwordLeftOut) console.log('The password is left out: pg_dump reads it from PGPASSWORD or ~/.pgpass.');
    }
    return 0;
  }
  if (verb === 'copy') {
    const from = argv.includes('--from') ? databaseTarget(arg('--from'), config.dataDir) : config.database;
    const to = argv.includes('--to') ? databaseTarget(arg('--to'), config.dataDir) : undefined;
    if (!to || 'error' in to || 'error' in from) {
      console.error('Usage: npm run db:copy -- --from sqlite:data/bot.sqlite --to postgres://user@host:5432/db');
      return 2;
    }
    const counts = await copyDatabase(from, to);
    for (const [table, n] of Object.entries(counts)) console.log(`${table}: ${n} rows`);
    console.log('Copied. Point DATABASE_URL at the new database and start the bot.');
    return 0;
  }
  console.error('Usage: db.ts migrate | backup [--out <folder>] | copy --from <url> --to <url>');
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    // A driver's message may quote the connection URL: never its password.
    console.error(maskPasswords(err instanceof ConfigError ? err.message : `Failed: ${(err as Error).message}`));
    process.exitCode = 1;
  },
);
