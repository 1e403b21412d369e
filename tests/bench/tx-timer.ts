/**
 * How long each transaction on one better-sqlite3 connection stays open, from BEGIN to COMMIT or
 * ROLLBACK, whichever way it is opened: `db.transaction(fn)` (any of its variants; better-sqlite3 runs
 * BEGIN, fn and COMMIT inside that one synchronous call), `exec('BEGIN …')`, or prepared BEGIN/COMMIT
 * statements. Only outermost transactions count (savepoints inside one are part of it). While a
 * transaction is open, SQLite keeps its snapshot (a read) or its lock (a write): this is the time other
 * work may wait behind it, or the WAL may not be checkpointed past it.
 */
import type Database from 'better-sqlite3';
import { performance } from 'node:perf_hooks';

const BEGIN = /^\s*BEGIN\b/i;
const END = /^\s*(COMMIT|END|ROLLBACK)\b(?!\s+TO\b)/i;

type Tx = ((...args: unknown[]) => unknown) &
  Record<'deferred' | 'immediate' | 'exclusive', (...a: unknown[]) => unknown>;

export function timeTransactions(sqlite: Database.Database): { stop(): number[] } {
  const durations: number[] = [];
  let openedAt: number | undefined;
  const begin = () => {
    if (!sqlite.inTransaction) openedAt = performance.now();
  };
  const end = () => {
    if (openedAt !== undefined && !sqlite.inTransaction) {
      durations.push(performance.now() - openedAt);
      openedAt = undefined;
    }
  };
  const s = sqlite as unknown as Record<'transaction' | 'exec' | 'prepare', (...a: unknown[]) => unknown>;
  const orig = { transaction: s.transaction, exec: s.exec, prepare: s.prepare };

  const timed =
    (f: (...a: unknown[]) => unknown) =>
    (...args: unknown[]) => {
      begin();
      try {
        return f(...args);
      } finally {
        end();
      }
    };
  s.transaction = (fn: unknown) => {
    const tx = orig.transaction.call(sqlite, fn) as Tx;
    const wrapped = timed(tx) as Tx;
    for (const v of ['deferred', 'immediate', 'exclusive'] as const) wrapped[v] = timed(tx[v]);
    return wrapped;
  };
  s.exec = (sql: unknown) => {
    if (typeof sql === 'string' && BEGIN.test(sql)) begin();
    const r = orig.exec.call(sqlite, sql);
    if (typeof sql === 'string' && END.test(sql)) end();
    return r;
  };
  s.prepare = (sql: unknown) => {
    const stmt = orig.prepare.call(sqlite, sql) as { run: (...a: unknown[]) => unknown };
    if (typeof sql === 'string' && (BEGIN.test(sql) || END.test(sql))) {
      const run = stmt.run.bind(stmt);
      stmt.run = (...a: unknown[]) => {
        if (BEGIN.test(sql)) begin();
        const r = run(...a);
        if (END.test(sql)) end();
        return r;
      };
    }
    return stmt;
  };
  return {
    stop() {
      // The wrappers are own properties of this connection; removing them uncovers the originals.
      for (const k of Object.keys(orig)) delete (s as Record<string, unknown>)[k];
      return durations;
    },
  };
}
