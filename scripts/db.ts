// npm run db:migrate | db:backup | db:copy -- --from <url> --to <url>
import { ConfigError, configFromEnvironment } from '../src/config.js';
import { createDataSource, databaseTarget, migrate } from '../src/db/data-source.js';
import { backup, copyDatabase } from '../src/db/operations.js';

async function main(argv: string[]): Promise<number> {
  const config = configFromEnvironment();
  if (!config) return 1;
  const [verb] = argv;
  if (verb === 'migrate') {
    const db = createDataSource(config.database);
    await db.initialize();
    const applied = await migrate(db);
    await db.destroy();
    console.log(applied.length ? `Applied: ${applied.map((m) => m.name).join(', ')}` : 'The database is up to date.');
    return 0;
  }
  if (verb === 'backup') {
    const result = await backup(config.database, new Date());
    console.log(result.file ? `Backup written to ${result.file}` : `PostgreSQL is backed up with its own tool; run:\n  ${result.command}`);
    return 0;
  }
  if (verb === 'copy') {
    const arg = (name: string) => argv[argv.indexOf(name) + 1];
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
  console.error('Usage: db.ts migrate | backup | copy --from <url> --to <url>');
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : `Failed: ${(err as Error).message}`);
    process.exitCode = 1;
  },
);
