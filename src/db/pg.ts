/**
 * PostgreSQL: a connection pool, the migrations of `migrations-pg/` applied at start under an advisory
 * lock (two processes starting together take turns; the second finds nothing to do), and the same
 * refusal as on SQLite of a database migrated by a newer Ostrom.
 */
import { drizzle, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import * as schema from './schema.pg.js';
import type { Db } from './client.js';
import { driverError } from './errors.js';
import { StartupError } from './startup-checks.js';
import type { Settled, Storage, Work } from './storage.js';

export type PgDb = NodePgDatabase<typeof schema>;

const migrationsFolder = fileURLToPath(new URL('../../migrations-pg', import.meta.url));

/** Any constant: the key of the advisory lock every Ostrom process takes while it migrates. */
const MIGRATION_LOCK = 7_140_011;

// bigint (int8: epoch milliseconds, count(*)) and numeric (sum of bigints) as numbers, as SQLite gives
// them: every such value of Ostrom's is below 2^53. Set on the pg module, which only Ostrom uses here.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));

/** The URL without its password, to name the database in messages and logs. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    return `${u.protocol}//${u.username ? `${u.username}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return 'DATABASE_URL (not a valid URL)';
  }
}

export interface OpenPg {
  pool: pg.Pool;
  /** For scripts and tests; the core gets its handle per unit of work from `pgStorage`. */
  db: PgDb;
}

/** Opens a pool on `url`, checks the server answers, and applies pending migrations. */
export async function openPgDatabase(url: string, poolSize = 10): Promise<OpenPg> {
  const where = describeUrl(url);
  const pool = new pg.Pool({ connectionString: url, max: poolSize, connectionTimeoutMillis: 10_000 });
  // An idle connection the server dropped must not crash the process; the next unit takes a new one.
  pool.on('error', () => undefined);
  try {
    await migratePg(pool, where);
  } catch (e) {
    await pool.end().catch(() => undefined);
    if (e instanceof StartupError) throw e;
    throw new StartupError(
      `Cannot open the PostgreSQL database ${where}: ${e instanceof Error ? e.message : String(e)}. ` +
        'Check DATABASE_URL (postgres://user:password@host:port/database): the server must run and the ' +
        'database exist, and the user may create tables in it.',
    );
  }
  return { pool, db: drizzle(pool, { schema }) };
}

interface Journal {
  entries: { tag: string; when: number }[];
}

/** The migrations this build knows, applied in order; one transaction, under the advisory lock. */
export async function migratePg(pool: pg.Pool, where: string): Promise<void> {
  const migrations = readMigrationFiles({ migrationsFolder });
  const journal = JSON.parse(
    readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8'),
  ) as Journal;
  const known = new Set(journal.entries.map((e) => e.when));
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await client.query('BEGIN');
      await client.query(
        'CREATE TABLE IF NOT EXISTS "__drizzle_migrations" (id serial PRIMARY KEY, hash text NOT NULL, created_at bigint)',
      );
      const applied = (
        await client.query<{ created_at: number }>('SELECT created_at FROM "__drizzle_migrations"')
      ).rows;
      const unknown = applied.map((r) => Number(r.created_at)).filter((t) => !known.has(t));
      if (unknown.length > 0) {
        const newest = new Date(Math.max(...unknown)).toISOString();
        throw new StartupError(
          `The database ${where} was migrated by a newer Ostrom: it has ${unknown.length} migration(s) this ` +
            `build does not know (the newest from ${newest}). Run that newer Ostrom (or newer) on it, or ` +
            'restore a backup made before the upgrade. Nothing was changed.',
        );
      }
      const done = new Set(applied.map((r) => Number(r.created_at)));
      for (const m of migrations) {
        if (done.has(m.folderMillis)) continue;
        for (const statement of m.sql) if (statement.trim()) await client.query(statement);
        await client.query('INSERT INTO "__drizzle_migrations" ("hash", "created_at") VALUES ($1, $2)', [
          m.hash,
          m.folderMillis,
        ]);
      }
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    }
  } finally {
    client.release();
  }
}

/** PostgreSQL's codes for a transaction it aborted to break a deadlock or a serialization conflict. */
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_TRIES = 3;

/**
 * PostgreSQL: each unit of work takes a connection of the pool, so units of this process run in
 * parallel, as those of other processes do. A write unit is `BEGIN` (READ COMMITTED) and locks its
 * community's row first (`dialect.ts`, `lockCommunity`), so what it then reads is what the previous
 * writer of that community committed and nobody else changes it until it commits: per community,
 * units are serial. The lock order is always community row, then the rows under it (a deadline
 * is claimed with SKIP LOCKED inside its community's lock). A read unit is one REPEATABLE READ,
 * READ ONLY snapshot. A unit PostgreSQL aborts as a deadlock victim is run again (it only wrote to the
 * database, which rolled it back), at most three times.
 */
export function pgStorage(pool: pg.Pool): Storage {
  const handles = new WeakMap<pg.PoolClient, Db>();
  const clients = new WeakMap<Db, pg.PoolClient>();
  const handle = (client: pg.PoolClient): Db => {
    let db = handles.get(client);
    if (!db) {
      db = drizzle(client) as unknown as Db;
      handles.set(client, db);
      clients.set(db, client);
    }
    return db;
  };
  const once = async <T>(begin: string, work: Work<T>): Promise<T> => {
    const client = await pool.connect();
    let broken = false;
    try {
      await client.query(begin);
      try {
        const result = await work(handle(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        throw err;
      }
    } finally {
      client.release(broken);
    }
  };
  /**
   * A batch (`writeEach`): each work inside `SAVEPOINT sN … RELEASE`, one that throws rolled back to
   * its savepoint alone. A deadlock or serialization failure in any work aborts the whole batch, which
   * `unit` runs again like any other unit. The batch's caller keeps a batch to one community
   * (governance.ts, handleBatch): it locks that one community row, as a single unit does, so it cannot
   * deadlock with another process's batch over the order of several communities' locks. `finish`
   * runs after the last work, in no savepoint: when it throws, the whole transaction is rolled back.
   */
  const each =
    <T>(works: Work<T>[], finish?: Work<void>) =>
    async (db: Db): Promise<Settled<T>[]> => {
      const client = clients.get(db)!;
      const results: Settled<T>[] = [];
      for (const [i, work] of works.entries()) {
        await client.query(`SAVEPOINT s${i}`);
        try {
          const value = await work(db);
          await client.query(`RELEASE SAVEPOINT s${i}`);
          results.push({ ok: true, value });
        } catch (error) {
          const code = (driverError(error) as { code?: string }).code;
          if (code && RETRYABLE.has(code)) throw error;
          await client.query(`ROLLBACK TO SAVEPOINT s${i}`);
          await client.query(`RELEASE SAVEPOINT s${i}`);
          results.push({ ok: false, error });
        }
      }
      await finish?.(db);
      return results;
    };
  const unit = async <T>(begin: string, work: Work<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await once(begin, work);
      } catch (err) {
        // A query's error comes wrapped by drizzle: the SQLSTATE is on the driver's error under it.
        const code = (driverError(err) as { code?: string }).code;
        if (attempt >= MAX_TRIES || !code || !RETRYABLE.has(code)) throw err;
      }
    }
  };
  return {
    write: (work) => unit('BEGIN', work),
    writeEach: (works, finish) => unit('BEGIN', each(works, finish)),
    read: (work) => unit('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', work),
    close: () => pool.end(),
  };
}
