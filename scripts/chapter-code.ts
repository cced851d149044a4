// npm run chapter:code -- <chapter name>
// A one-time link code for a chapter, made by whoever runs the bot: the only way to bind a chapter
// that is bound nowhere (from data older than chapter ownership, or after its last unlink). It
// works like a code from /chapter link: once, for 24 hours, with /chapter use name:<name> code:<code>.
import { resolveAnonSecret } from '../src/anon-secret.js';
import { ConfigError, configFromEnvironment } from '../src/config.js';
import { systemClock } from '../src/core/clock.js';
import { createDataSource, migrate } from '../src/db/data-source.js';
import { createLogger } from '../src/logger.js';
import { createServices } from '../src/services/index.js';

async function main(argv: string[]): Promise<number> {
  const name = argv.join(' ').trim();
  if (!name) {
    console.error('Usage: npm run chapter:code -- <chapter name>');
    return 2;
  }
  const config = configFromEnvironment();
  if (!config) return 1;
  const log = createLogger('warn');
  const db = createDataSource(config.database);
  await db.initialize();
  try {
    await migrate(db);
    const services = createServices({
      config,
      db,
      clock: systemClock,
      log,
      anonSecret: resolveAnonSecret(config.anonSecret, config.dataDir, log),
    });
    const chapter = await services.chapters.get(name).catch(() => null);
    if (!chapter) {
      console.error(`There is no chapter named “${name}”.`);
      return 1;
    }
    const places = await services.chapters.places(chapter);
    const { code, expiresAt } = await services.chapters.makeLinkCode(chapter, 'operator');
    console.log(`Link code for ${chapter.name}: ${code}`);
    console.log(
      `It works once, until ${expiresAt.toISOString()}: an administrator runs /chapter use name:${chapter.name.includes(' ') ? `"${chapter.name}"` : chapter.name} code:${code}`,
    );
    if (places.length)
      console.log(
        `${chapter.name} is bound already (${places.map((p) => `${p.platform}:${p.workspace}`).join(', ')}): its moderators can make codes with /chapter link.`,
      );
    return 0;
  } finally {
    await db.destroy();
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : `Failed: ${(err as Error).message}`);
    process.exitCode = 1;
  },
);
