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
  const s = sqlite as unknown as Record<'transaction' | 'exec', (...a: unknown[]) => unknown>;
  const orig = { transaction: s.transaction, exec: s.exec };

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
  // Prepared BEGIN/COMMIT statements, also those prepared before the timer started (the storage
  // prepares its own once): every statement of the connection shares better-sqlite3's prototype.
  type Stmt = { run: (...a: unknown[]) => unknown; source: string; database: unknown };
  const proto = Object.getPrototypeOf(sqlite.prepare('SELECT 1')) as Stmt;
  const origRun = proto.run;
  proto.run = function (this: Stmt, ...a: unknown[]) {
    const mine = this.database === sqlite;
    if (mine && BEGIN.test(this.source)) begin();
    const r = origRun.apply(this, a);
    if (mine && END.test(this.source)) end();
    return r;
  };
  return {
    stop() {
      // The wrappers are own properties of this connection; removing them uncovers the originals.
      for (const k of Object.keys(orig)) delete (s as Record<string, unknown>)[k];
      proto.run = origRun;
      return durations;
    },
  };
}
