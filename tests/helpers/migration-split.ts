/**
 * A database migrated up to the migration before a given one, for tests of what that migration does to
 * rows that exist: the statements before it, then (after seeding) the statements of it and after.
 */
import Database from 'better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { expect, inject } from 'vitest';

const folder = (name: string) => fileURLToPath(new URL(`../../${name}`, import.meta.url));

/** The statements of `dialect`'s migrations before the first whose SQL contains one of `marks`, and the rest. */
export function splitMigrations(dialect: 'sqlite' | 'pg', marks: string[]) {
  const all = readMigrationFiles({
    migrationsFolder: folder(dialect === 'sqlite' ? 'migrations' : 'migrations-pg'),
  });
  const at = all.findIndex((m) => marks.some((mark) => m.sql.join('\n').includes(mark)));
  expect(at).toBeGreaterThan(0);
  return { before: all.slice(0, at).flatMap((m) => m.sql), after: all.slice(at).flatMap((m) => m.sql) };
}

/** Runs `seed` between the two halves on a new in-memory SQLite database; then `check` reads it. */
export function sqliteAcross<T>(
  split: { before: string[]; after: string[] },
  seed: (db: Database.Database) => void,
  check: (db: Database.Database) => T,
): T {
  const db = new Database(':memory:');
  try {
    for (const s of split.before) db.exec(s);
    seed(db);
    db.transaction(() => {
      for (const s of split.after) db.exec(s);
    })();
    return check(db);
  } finally {
    db.close();
  }
}

/** The same on a new PostgreSQL database of the test cluster (dropped afterwards). */
export async function pgAcross<T>(
  name: string,
  split: { before: string[]; after: string[] },
  seed: (db: pg.Client) => Promise<void>,
  check: (db: pg.Client) => Promise<T>,
): Promise<T> {
  const adminUrl = inject('pgAdminUrl')!;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  const database = `${name}_${process.pid}`;
  await admin.query(`DROP DATABASE IF EXISTS "${database}"`);
  await admin.query(`CREATE DATABASE "${database}" TEMPLATE template0`);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const db = new pg.Client({ connectionString: url.toString() });
  await db.connect();
  try {
    for (const s of split.before) await db.query(s);
    await seed(db);
    await db.query('BEGIN');
    for (const s of split.after) await db.query(s);
    await db.query('COMMIT');
    return await check(db);
  } finally {
    await db.end();
    await admin.query(`DROP DATABASE IF EXISTS "${database}"`);
    await admin.end();
  }
}
