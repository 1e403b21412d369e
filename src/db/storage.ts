/**
 * The storage port: the core runs every unit of work through it and awaits it. On SQLite one
 * connection serves the process, so units run one at a time behind an in-process queue, each as
 * `BEGIN IMMEDIATE … COMMIT` (`ROLLBACK` when it throws). IMMEDIATE takes the write lock up front,
 * so a second process on the same file waits for it (busy_timeout) instead of failing half-way.
 * PostgreSQL's implementation is `pgStorage` (pg.ts).
 * Not drizzle's `db.transaction(async …)`: on better-sqlite3 it commits before the callback's awaits
 * finish (drizzle-orm #2275, #1472, #5063).
 */
import type { Db, SqliteDb } from './client.js';

export interface Storage {
  /** Runs `work` as one write transaction; units never interleave. */
  write<T>(work: (db: Db) => Promise<T>): Promise<T>;
  /** Runs `work` as one read transaction, in the same queue (a consistent snapshot, no write lock). */
  read<T>(work: (db: Db) => Promise<T>): Promise<T>;
  /** Waits for queued units, then closes the connection. */
  close(): Promise<void>;
}

export function sqliteStorage(db: SqliteDb): Storage {
  const sqlite = db.$client;
  let tail: Promise<unknown> = Promise.resolve();
  const unit = <T>(begin: string, work: (db: Db) => Promise<T>): Promise<T> => {
    const run = async (): Promise<T> => {
      sqlite.exec(begin);
      try {
        const result = await work(db);
        sqlite.exec('COMMIT');
        return result;
      } catch (err) {
        if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
        throw err;
      }
    };
    const next = tail.then(run, run);
    tail = next.catch(() => undefined);
    return next;
  };
  return {
    write: (work) => unit('BEGIN IMMEDIATE', work),
    read: (work) => unit('BEGIN', work),
    close: async () => {
      await tail;
      sqlite.close();
    },
  };
}
