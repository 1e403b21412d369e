import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  checkpointDefaults,
  startCheckpointer,
  type Checkpointer,
  type CheckpointOptions,
} from './checkpoint.js';
import * as schema from './schema.js';
import { checkDatabaseFile, checkMigrations, StartupError } from './startup-checks.js';

export { StartupError } from './startup-checks.js';

/** An open SQLite database: drizzle over one better-sqlite3 connection. */
export type SqliteDb = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

/**
 * What the core may use of a database, on either dialect: drizzle's query builders, awaited. The core's
 * queries are written once against `schema.ts`'s tables; drizzle renders them in the dialect of the
 * database they run on (quoting and placeholders come from the dialect, the tables give only names),
 * and both schemas hold only integer and text columns, so values read and write the same way
 * (`pg.ts` parses PostgreSQL's bigint and numeric as numbers). No `.get/.all/.run` (SQLite's) and no
 * `.execute` (PostgreSQL's): what only one dialect can do lives in `dialect.ts`.
 */
export type Db = Pick<
  BetterSQLite3Database<typeof schema>,
  'select' | 'selectDistinct' | 'insert' | 'update' | 'delete'
>;

const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url));

/**
 * drizzle's migrator, in one BEGIN IMMEDIATE transaction: drizzle reads the last applied migration
 * before its (deferred) BEGIN, so two processes starting on a new file both ran every migration, and
 * the second failed ("table already exists"). Same table, same rows, so either can follow the other.
 */
function migrate(sqlite: Database.Database): void {
  const migrations = readMigrationFiles({ migrationsFolder });
  sqlite
    .transaction(() => {
      sqlite.exec(
        'CREATE TABLE IF NOT EXISTS "__drizzle_migrations" (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at numeric)',
      );
      const last = sqlite
        .prepare('SELECT created_at FROM "__drizzle_migrations" ORDER BY created_at DESC LIMIT 1')
        .get() as { created_at: number } | undefined;
      for (const m of migrations) {
        if (last && Number(last.created_at) >= m.folderMillis) continue;
        for (const statement of m.sql) sqlite.exec(statement);
        sqlite
          .prepare('INSERT INTO "__drizzle_migrations" ("hash", "created_at") VALUES (?, ?)')
          .run(m.hash, m.folderMillis);
      }
    })
    .immediate();
}

/**
 * Switches a new file to WAL. The switch needs an exclusive lock and does not wait on busy_timeout,
 * so when a second process opens the same new file at the same moment it is retried for a while.
 */
function useWal(sqlite: Database.Database): void {
  const until = Date.now() + 5000;
  for (;;) {
    try {
      sqlite.pragma('journal_mode = WAL');
      return;
    } catch (e) {
      if ((e as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > until) throw e;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10); // start-up only: a short sync pause
    }
  }
}

const checkpointers = new WeakMap<Database.Database, Checkpointer>();

/** The checkpointer of a connection `openDatabase` opened on a file (tests). */
export const checkpointerOf = (sqlite: Database.Database) => checkpointers.get(sqlite);

/**
 * Moves WAL checkpoints off this connection (see checkpoint.ts): a worker thread checkpoints, and a
 * COMMIT only does when the WAL reaches the backstop. Closing the connection stops the worker, then
 * checkpoints what is left (PASSIVE: never waits on another process; the last connection to close
 * removes the WAL).
 */
function checkpointElsewhere(sqlite: Database.Database, path: string, options: CheckpointOptions = {}): void {
  const backstop = options.backstopPages ?? checkpointDefaults.backstopPages;
  sqlite.pragma(`wal_autocheckpoint = ${Math.max(1, Math.floor(backstop))}`);
  const checkpointer = startCheckpointer(path, options);
  checkpointers.set(sqlite, checkpointer);
  const close = sqlite.close.bind(sqlite);
  sqlite.close = () => {
    checkpointer.stop();
    if (sqlite.open && !sqlite.inTransaction) {
      try {
        sqlite.pragma('wal_checkpoint(PASSIVE)');
      } catch {
        // Another connection is checkpointing: it copies the WAL instead.
      }
    }
    return close();
  };
}

/**
 * Opens (creating if needed) the SQLite file, sets the pragmas, and applies pending migrations.
 * Refuses, with a StartupError that names the file and changes nothing, what it cannot trust: a
 * directory, a file that is not SQLite, a place it may not write, a database of a newer Ostrom.
 * A file's WAL is checkpointed by a worker thread, not by the commits of this connection.
 */
export function openDatabase(path: string, options: { checkpoint?: CheckpointOptions } = {}): SqliteDb {
  const file = path === ':memory:' ? undefined : checkDatabaseFile(path);
  if (file?.createDir) mkdirSync(file.createDir, { recursive: true });
  let sqlite: Database.Database | undefined;
  try {
    sqlite = new Database(file?.path ?? path);
    // First, so every step below waits for another process instead of failing at once.
    sqlite.pragma('busy_timeout = 5000');
    // Before the other pragmas: WAL mode and migrations would change the file.
    checkMigrations(sqlite, migrationsFolder, file?.path ?? path);
    useWal(sqlite);
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('synchronous = NORMAL');
    migrate(sqlite);
    // Statistics for the planner (issue 12): SQLite's advice for a long-lived connection, at open. It
    // analyzes only tables whose statistics are missing or stale, each from a sample (analysis_limit),
    // so a large file costs milliseconds; without statistics a few plans pick the wrong index.
    sqlite.pragma('analysis_limit = 1000');
    sqlite.pragma('optimize = 0x10002');
    if (file) checkpointElsewhere(sqlite, file.path, options.checkpoint);
    return drizzle(sqlite, { schema }) as SqliteDb;
  } catch (e) {
    sqlite?.close();
    if (e instanceof StartupError) throw e;
    throw new StartupError(
      `Cannot open the database ${file?.path ?? path}: ${e instanceof Error ? e.message : String(e)}. ` +
        'Check DATABASE_PATH: it must name an SQLite file that Ostrom may read and write.',
    );
  }
}
