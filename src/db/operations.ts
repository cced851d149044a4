import { basename, dirname, join } from 'node:path';
import type { DataSource, EntityMetadata } from 'typeorm';
import type { DatabaseTarget } from './data-source.js';
import { createDataSource, migrate } from './data-source.js';

/** A file name stamp like 20270301-100000 (UTC). */
export function stamp(at: Date): string {
  return at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/**
 * A consistent copy of the database. SQLite: `VACUUM INTO` a timestamped file beside it
 * (safe while the bot runs). PostgreSQL: the `pg_dump` command to run, since a dump belongs
 * to the database server's tools and credentials, not to the bot.
 */
export async function backup(target: DatabaseTarget, at: Date): Promise<{ file?: string; command?: string }> {
  if (target.kind === 'postgres') {
    const schema = target.schema ? ` --schema=${target.schema}` : '';
    return { command: `pg_dump --format=custom --file=bot-${stamp(at)}.dump${schema} '${target.url}'` };
  }
  const file = join(dirname(target.path), `${basename(target.path, '.sqlite')}-${stamp(at)}.sqlite`);
  const db = createDataSource(target);
  await db.initialize();
  try {
    await db.query('VACUUM INTO ?', [file]);
  } finally {
    await db.destroy();
  }
  return { file };
}

/** Tables in an order where every row's foreign keys point at rows already copied. */
export function copyOrder(db: DataSource): EntityMetadata[] {
  const remaining = [...db.entityMetadatas];
  const ordered: EntityMetadata[] = [];
  while (remaining.length) {
    const next = remaining.findIndex((m) => m.foreignKeys.every((fk) => fk.referencedEntityMetadata === m || ordered.includes(fk.referencedEntityMetadata)));
    if (next < 0) throw new Error(`circular foreign keys among ${remaining.map((m) => m.tableName).join(', ')}`);
    ordered.push(...remaining.splice(next, 1));
  }
  return ordered;
}

/**
 * Copies every row of every table from one database to another (SQLite → PostgreSQL, say),
 * keeping ids. The target is migrated first and must be empty; the copy is one transaction,
 * so it either lands whole or not at all. Returns the row count per table.
 */
export async function copyDatabase(from: DatabaseTarget, to: DatabaseTarget, chunk = 500): Promise<Record<string, number>> {
  const source = createDataSource(from);
  const target = createDataSource(to);
  await source.initialize();
  await target.initialize();
  try {
    await migrate(source);
    await migrate(target);
    const tables = copyOrder(source);
    for (const meta of tables) {
      if (await target.getRepository(meta.target).count()) throw new Error(`the target already has rows in ${meta.tableName}; copy into an empty database`);
    }
    const counts: Record<string, number> = {};
    await target.transaction(async (em) => {
      for (const meta of tables) {
        const rows = await source.getRepository(meta.target).find({ order: { id: 'ASC' } as never });
        for (let i = 0; i < rows.length; i += chunk) await em.insert(meta.target, rows.slice(i, i + chunk));
        counts[meta.tableName] = rows.length;
        // Ids were copied as they were: move each id sequence past them.
        if (target.options.type === 'postgres' && meta.primaryColumns.some((c) => c.generationStrategy === 'increment')) {
          const table = target.getMetadata(meta.target).tablePath.split('.').map((part) => `"${part}"`).join('.');
          await em.query(`SELECT setval(pg_get_serial_sequence($1, 'id'), GREATEST((SELECT MAX(id) FROM ${table}), 1), (SELECT COUNT(*) > 0 FROM ${table}))`, [table]);
        }
      }
    });
    return counts;
  } finally {
    await source.destroy();
    await target.destroy();
  }
}
