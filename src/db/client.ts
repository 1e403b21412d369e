import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as schema from './schema.js';
import { checkDatabaseFile, checkMigrations, StartupError } from './startup-checks.js';

export { StartupError } from './startup-checks.js';

/** The drizzle handle every core module takes. */
export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url));

/**
 * Opens (creating if needed) the SQLite file, sets the pragmas, and applies pending migrations.
 * Refuses, with a StartupError that names the file and changes nothing, what it cannot trust: a
 * directory, a file that is not SQLite, a place it may not write, a database of a newer Ostrom.
 */
export function openDatabase(path: string): Db {
  const file = path === ':memory:' ? undefined : checkDatabaseFile(path);
  if (file?.createDir) mkdirSync(file.createDir, { recursive: true });
  let sqlite: Database.Database | undefined;
  try {
    sqlite = new Database(file?.path ?? path);
    // Before any pragma: WAL mode and migrations would change the file.
    checkMigrations(sqlite, migrationsFolder, file?.path ?? path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('synchronous = NORMAL');
    const db = drizzle(sqlite, { schema }) as Db;
    migrate(db, { migrationsFolder });
    return db;
  } catch (e) {
    sqlite?.close();
    if (e instanceof StartupError) throw e;
    throw new StartupError(
      `Cannot open the database ${file?.path ?? path}: ${e instanceof Error ? e.message : String(e)}. ` +
        'Check DATABASE_PATH: it must name an SQLite file that Ostrom may read and write.',
    );
  }
}
