import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import type { DataSource, EntityMetadata } from 'typeorm';
import type { DatabaseTarget } from '../config.js';
import { createDataSource, migrate } from './data-source.js';
import { makeFilePrivate, makePrivateDir, makePrivateFile } from '../private-files.js';

/** A file name stamp like 20270301-100000 (UTC). */
export function stamp(at: Date): string {
  return at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/** Every password of a URL in `text` masked (for error messages that may quote one). */
export function maskPasswords(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)[^@/?#\s]+@/gi, '$1****@');
}

export interface BackupOptions {
  /** The folder for the copy (created 0700); `db:backup` gives `backups/` at the project root unless told otherwise. */
  readonly dir: string;
  /** The data folder (DATA_DIR), where `anon-secret` may live: a backup folder inside it is refused. */
  readonly dataDir: string;
}

/**
 * A consistent copy of the database. SQLite: `VACUUM INTO` a timestamped file (mode 0600) in
 * the backup folder (safe while the bot runs). PostgreSQL: the `pg_dump` command to run, since
 * a dump belongs to the database server's tools and credentials, not to the bot; the command
 * never carries the password (pg_dump reads it from `PGPASSWORD` or `~/.pgpass`).
 *
 * Backups are kept out of the data folder: a copy of the database next to the generated
 * `anon-secret` is everything needed to test who asked which anonymous question.
 */
export async function backup(
  target: DatabaseTarget,
  at: Date,
  options: BackupOptions,
): Promise<{ file?: string; command?: string; passwordLeftOut?: boolean }> {
  const dir = resolve(options.dir);
  const data = resolve(options.dataDir);
  const rel = relative(data, dir);
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) {
    throw new Error(
      `the backup folder ${dir} is inside the data folder (DATA_DIR=${options.dataDir}), next to anon-secret; give a folder outside it with --out <folder>`,
    );
  }
  if (target.kind === 'postgres') {
    const url = new URL(target.url);
    const passwordLeftOut = Boolean(url.password);
    url.password = '';
    const schema = target.schema ? ` --schema=${target.schema}` : '';
    return {
      command: `pg_dump --format=custom --file=${join(dir, `bot-${stamp(at)}.dump`)}${schema} '${url.toString()}'`,
      passwordLeftOut,
    };
  }
  makePrivateDir(dir);
  const file = join(dir, `${basename(target.path, '.sqlite')}-${stamp(at)}.sqlite`);
  const db = createDataSource(target);
  await db.initialize();
  try {
    // An empty 0600 file first: VACUUM INTO fills it (it refuses only a file that has content).
    makePrivateFile(file);
    await db.query('VACUUM INTO ?', [file]);
    makeFilePrivate(file);
  } finally {
    await db.destroy();
  }
  return { file };
}

/** A find order by the table's primary key (`id` almost everywhere), so copies list rows alike. */
export function byPrimaryKey(meta: EntityMetadata): Record<string, 'ASC'> {
  return Object.fromEntries(meta.primaryColumns.map((c) => [c.propertyName, 'ASC' as const]));
}

/** Tables in an order where every row's foreign keys point at rows already copied. */
export function copyOrder(db: DataSource): EntityMetadata[] {
  const remaining = [...db.entityMetadatas];
  const ordered: EntityMetadata[] = [];
  while (remaining.length) {
    const next = remaining.findIndex((m) =>
      m.foreignKeys.every((fk) => fk.referencedEntityMetadata === m || ordered.includes(fk.referencedEntityMetadata)),
    );
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
      if (await target.getRepository(meta.target).count())
        throw new Error(`the target already has rows in ${meta.tableName}; copy into an empty database`);
    }
    const counts: Record<string, number> = {};
    await target.transaction(async (em) => {
      for (const meta of tables) {
        const rows = await source.getRepository(meta.target).find({ order: byPrimaryKey(meta) });
        for (let i = 0; i < rows.length; i += chunk) await em.insert(meta.target, rows.slice(i, i + chunk));
        counts[meta.tableName] = rows.length;
        // Ids were copied as they were: move each id sequence past them.
        if (target.options.type === 'postgres' && meta.primaryColumns.some((c) => c.generationStrategy === 'increment')) {
          const table = target
            .getMetadata(meta.target)
            .tablePath.split('.')
            .map((part) => `"${part}"`)
            .join('.');
          await em.query(
            `SELECT setval(pg_get_serial_sequence($1, 'id'), GREATEST((SELECT MAX(id) FROM ${table}), 1), (SELECT COUNT(*) > 0 FROM ${table}))`,
            [table],
          );
        }
      }
    });
    return counts;
  } finally {
    await source.destroy();
    await target.destroy();
  }
}
