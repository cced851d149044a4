import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';

/**
 * Creates a folder only its owner may enter (0700), with any missing parents. A folder that
 * already exists keeps its mode: whoever made it chose it.
 *
 * The data folder holds the SQLite file and the generated `anon-secret`; together they can test
 * who asked what, so nobody else on the machine should read either.
 */
export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

/**
 * Creates an empty file only its owner may read and write (0600), unless it exists already.
 * SQLite then opens it as a new database, and gives its `-wal` and `-shm` files the same mode.
 */
export function makePrivateFile(path: string): void {
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/** Narrows a file the bot wrote to its owner (0600), for files another tool created (SQLite's `VACUUM INTO`). */
export function makeFilePrivate(path: string): void {
  chmodSync(path, 0o600);
}
