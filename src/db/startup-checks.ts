/** What start-up refuses to open, before it changes anything: each refusal names the file and what to do. */
import type Database from 'better-sqlite3';
import { accessSync, closeSync, constants, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Start-up cannot go on; the message is for the person who started Ostrom. */
export class StartupError extends Error {}

const NOTHING_CHANGED = 'Nothing was changed.';
const SQLITE_HEADER = 'SQLite format 3\0';

function writable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function header(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(SQLITE_HEADER.length);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n).toString('latin1');
  } finally {
    closeSync(fd);
  }
}

/** Whether the file at `path` starts with the SQLite header (an empty file does not). */
export function isSqliteFile(path: string): boolean {
  return header(path) === SQLITE_HEADER;
}

/** The nearest directory on the way to `path` that exists. */
function existingAncestor(path: string): string {
  let dir = dirname(path);
  for (;;) {
    try {
      if (statSync(dir).isDirectory()) return dir;
      throw new StartupError(
        `DATABASE_PATH ${path} cannot be created: ${dir} is a file, not a directory. ` +
          `Set DATABASE_PATH to a file in a directory. ${NOTHING_CHANGED}`,
      );
    } catch (e) {
      if (e instanceof StartupError) throw e;
      const parent = dirname(dir);
      if (parent === dir) return dir;
      dir = parent;
    }
  }
}

/** A new database: the directory it goes in must be creatable, or exist and be writable. */
function checkNewFile(abs: string): { path: string; createDir: string } {
  const base = existingAncestor(abs);
  if (!writable(base))
    throw new StartupError(
      `Cannot create the database ${abs}: ${base} is read-only for this user. ` +
        `Set DATABASE_PATH to a writable place, or make ${base} writable. ${NOTHING_CHANGED}`,
    );
  return { path: abs, createDir: dirname(abs) };
}

/** An existing file: writable with its directory (for the -wal and -shm files), and an SQLite database. */
function checkExistingFile(abs: string, size: number): void {
  const dir = dirname(abs);
  if (!writable(abs) || !writable(dir))
    throw new StartupError(
      `The database ${abs} is read-only for this user${writable(abs) ? ` (its directory ${dir} is)` : ''}: ` +
        'Ostrom writes to it and keeps its -wal and -shm files next to it. ' +
        `Make the file and its directory writable, or set DATABASE_PATH elsewhere. ${NOTHING_CHANGED}`,
    );
  if (size > 0 && header(abs) !== SQLITE_HEADER)
    throw new StartupError(
      `DATABASE_PATH ${abs} is not an SQLite database (it does not start with the SQLite header). ` +
        'Ostrom does not touch it: set DATABASE_PATH to an Ostrom database, or to a new file name ' +
        `to start a new one. ${NOTHING_CHANGED}`,
    );
}

/**
 * Checks the database file before it is opened. Returns its absolute path, and the directory to
 * create when the file is new.
 */
export function checkDatabaseFile(path: string): { path: string; createDir?: string } {
  const abs = resolve(path);
  let st;
  try {
    st = statSync(abs);
  } catch {
    st = undefined; // a new database
  }
  if (st?.isDirectory())
    throw new StartupError(
      `DATABASE_PATH ${abs} is a directory, not a database file. ` +
        `Set DATABASE_PATH to a file, e.g. ${join(abs, 'ostrom.db')}. ${NOTHING_CHANGED}`,
    );
  if (st && !st.isFile())
    throw new StartupError(`DATABASE_PATH ${abs} is not a regular file. ${NOTHING_CHANGED}`);
  if (!st) return checkNewFile(abs);
  checkExistingFile(abs, st.size);
  return { path: abs };
}

interface Journal {
  entries: { tag: string; when: number }[];
}

/**
 * Refuses a database migrated by a newer Ostrom: one with a migration this build's journal does
 * not list. (drizzle's migrator compares only the newest timestamp, so it would silently run this
 * older code on a schema it does not know.) Reads only.
 */
export function checkMigrations(sqlite: Database.Database, migrationsFolder: string, path: string): void {
  const table = sqlite
    .prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'")
    .get();
  if (!table) return;
  const journal = JSON.parse(
    readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8'),
  ) as Journal;
  const known = new Set(journal.entries.map((e) => e.when));
  const applied = sqlite.prepare('select created_at from __drizzle_migrations').all() as {
    created_at: number;
  }[];
  const unknown = applied.map((r) => Number(r.created_at)).filter((t) => !known.has(t));
  if (unknown.length === 0) return;
  const newest = new Date(Math.max(...unknown)).toISOString();
  throw new StartupError(
    `The database ${path} was migrated by a newer Ostrom: it has ${unknown.length} migration(s) this ` +
      `build does not know (the newest from ${newest}). Run that newer Ostrom (or newer) on it, or ` +
      `restore a backup made before the upgrade. ${NOTHING_CHANGED}`,
  );
}
