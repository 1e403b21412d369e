/**
 * The storage port: the core runs every unit of work through it and awaits it. On SQLite one
 * connection serves the process, so units run one at a time behind an in-process queue, each as
 * `BEGIN IMMEDIATE … COMMIT` (`ROLLBACK` when it throws). IMMEDIATE takes the write lock up front,
 * so a second process on the same file waits for it (busy_timeout) instead of failing half-way.
 * PostgreSQL's implementation is `pgStorage` (pg.ts).
 * Not drizzle's `db.transaction(async …)`: on better-sqlite3 it commits before the callback's awaits
 * finish (drizzle-orm #2275, #1472, #5063).
 */
import type Database from 'better-sqlite3';
import { Serial } from '../serial.js';
import type { Db, SqliteDb } from './client.js';

/**
 * A unit's work: its value, or a promise of it. The core's write path gives its value at once on
 * SQLite (its queries are synchronous there, step.ts), and a unit then spends no promise on it.
 */
export type Work<T> = (db: Db) => T | Promise<T>;

/** What one work of a batch came to: its value, or what it threw (it was rolled back alone). */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** Where a write unit stands in the database's history (`Storage.continuity`). */
export interface Continuity {
  /** This storage's write units so far, committed or not, this one included. */
  unit: number;
  /** Changes whenever another connection commits. */
  version: number;
}

export interface Storage {
  /** Runs `work` as one write transaction; units never interleave. */
  write<T>(work: Work<T>): Promise<T>;
  /**
   * Runs `works` in order in ONE write transaction, each inside its own savepoint: a work that throws is
   * rolled back alone (its result says what it threw) and the others go on; one commit at the end. The
   * promise rejects, and nothing of any work is kept, when the transaction itself fails (its commit,
   * or an error that aborted the whole transaction). Callers act on the results only after it resolves.
   * `finish`, when given, runs after the last work, in the same transaction but in no savepoint: when
   * it throws, nothing of any work is kept either.
   */
  writeEach<T>(works: Work<T>[], finish?: Work<void>): Promise<Settled<T>[]>;
  /**
   * Called inside a write unit: where the unit stands in the database's history, so that what a unit
   * read can be kept for the next one (governance.ts carries a reaction's scope): `unit` counts this
   * storage's write units (committed or not), `version` changes whenever another connection commits.
   * When the next unit finds `unit` one more and `version` the same, nothing but the earlier unit has
   * written since. Undefined where nothing may be carried (PostgreSQL: other processes write any time).
   */
  continuity?(): Continuity;
  /** Runs `work` as one read transaction, in the same queue (a consistent snapshot, no write lock). */
  read<T>(work: Work<T>): Promise<T>;
  /** Waits for queued units, then closes the connection. */
  close(): Promise<void>;
}

/** A promise, or anything that acts like one (a drizzle query awaits as one). */
function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

export function sqliteStorage(db: SqliteDb): Storage {
  const sqlite = db.$client;
  // Prepared once: `exec` parses and compiles the statement on every call, a third of a short unit's
  // SQL time (what better-sqlite3's own transaction() avoids the same way).
  const statements = new Map<string, Database.Statement>();
  const run1 = (text: string) => {
    let st = statements.get(text);
    if (!st) statements.set(text, (st = sqlite.prepare(text)));
    st.run();
  };
  // PRAGMA data_version: changes when another connection (another process) commits.
  const dataVersion = sqlite.prepare('PRAGMA data_version').pluck();
  let writeUnits = 0;
  const queue = new Serial();
  const rollback = () => {
    if (sqlite.inTransaction) run1('ROLLBACK');
  };
  const commit = <T>(result: T): T => {
    try {
      run1('COMMIT');
    } catch (err) {
      rollback();
      throw err;
    }
    return result;
  };
  const unit = <T>(begin: string, work: Work<T>): Promise<T> =>
    queue.run(() => {
      if (begin !== 'BEGIN') writeUnits++;
      run1(begin);
      let result: T | Promise<T>;
      try {
        result = work(db);
        // A work that gave its value at once (step.ts) commits now: no promise waits on it.
        if (!isThenable(result)) return Promise.resolve(commit(result));
      } catch (err) {
        rollback();
        return Promise.reject(err as Error);
      }
      return Promise.resolve(result).then(commit, (err: unknown) => {
        rollback();
        throw err;
      });
    });
  // One savepoint name serves every work: each is released (or rolled back) before the next. Held
  // here, not looked up by their text: a batch runs the two for every event.
  const savepoint = sqlite.prepare('SAVEPOINT work');
  const release = sqlite.prepare('RELEASE work');
  const each = async <T>(db: Db, works: Work<T>[], finish?: Work<void>): Promise<Settled<T>[]> => {
    const results: Settled<T>[] = [];
    for (const work of works) {
      savepoint.run();
      try {
        const done = work(db);
        const value = isThenable(done) ? await done : done;
        release.run();
        results.push({ ok: true, value });
      } catch (error) {
        // Some errors (SQLITE_FULL, an interrupt …) roll back the whole transaction: then the works
        // before this one are lost too, and the batch fails as a whole.
        if (!sqlite.inTransaction) throw error;
        run1('ROLLBACK TO work');
        release.run();
        results.push({ ok: false, error });
      }
    }
    await finish?.(db);
    return results;
  };
  return {
    write: (work) => unit('BEGIN IMMEDIATE', work),
    writeEach: (works, finish) => unit('BEGIN IMMEDIATE', (db) => each(db, works, finish)),
    read: (work) => unit('BEGIN', work),
    continuity: () => ({ unit: writeUnits, version: dataVersion.get() as number }),
    close: async () => {
      await queue.settled();
      sqlite.close();
    },
  };
}
