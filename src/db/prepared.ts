/**
 * Hot queries built once per connection: drizzle renders a query's SQL on every call and the driver
 * compiles it again, which is most of the cost of a short query. `prepared(db, name, build)` builds the
 * query (with `sql.placeholder('x')` for what varies) the first time a connection runs it and keeps it
 * for that connection: SQLite's one handle, or each pooled PostgreSQL client (where it becomes a named
 * server-side prepared statement). Run it with `await q.execute({ x })` on either dialect, or in a step
 * (step.ts) with `yield* exec(q, { x })`, which runs it synchronously on SQLite (sqlite-bind.ts).
 */
import { sql, type Column } from 'drizzle-orm';
import type { Db } from './client.js';
import { isPg } from './is-pg.js';
import { sqliteQuery } from './sqlite-bind.js';
import type { Step } from './step.js';

export interface Preparable<R = unknown> {
  prepare(): Query<R>;
}

/** A prepared query: `execute` on either dialect; on SQLite also `now`, its answer at once (see `exec`). */
export interface Query<R> {
  execute(values?: Record<string, unknown>): Promise<R>;
  now?(values?: Record<string, unknown>): R;
}

/**
 * Runs a prepared query inside a step (step.ts): on SQLite synchronously, with no promise; on
 * PostgreSQL by yielding its promise to the step's runner. `const rows = yield* exec(q, { x })`.
 */
export function* exec<R>(q: Query<R>, values?: Record<string, unknown>): Step<R> {
  return q.now ? q.now(values) : ((yield q.execute(values)) as R);
}

/** What is kept per connection, by query name. */
type PerConnection = WeakMap<Db, Map<string, unknown>>;

/** Prepared queries, and the queries derived from them (`derived`). */
const queries: PerConnection = new WeakMap();
const derivedQueries: PerConnection = new WeakMap();

/** The connection's map in `caches`, made on first use. */
function cacheOf(caches: PerConnection, db: Db): Map<string, unknown> {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  return cache;
}

/** How a prepared query is planned on PostgreSQL. */
export interface PrepareOptions {
  /**
   * false: PostgreSQL plans it at every run, for the values given (an unnamed statement; its SQL is
   * still built once). A named statement gets one generic plan after five runs, made for any value: for
   * a query whose best index depends on the community's size that plan can be right for a large
   * community and wrong for a small one (the ledger: a walk back along the primary key past a larger
   * community's 85,000 newer entries, 13 ms, where its own index takes 0.05). SQLite plans a statement
   * once either way, from its statistics.
   */
  genericPlan?: boolean;
}

/** `name` must be unique per query across the code base (PostgreSQL names its statements by it). */
export function prepared<B extends Preparable>(
  db: Db,
  name: string,
  build: (db: Db) => B,
  options: PrepareOptions = {},
): ReturnType<B['prepare']> {
  const cache = cacheOf(queries, db);
  let q = cache.get(name) as ReturnType<B['prepare']> | undefined;
  if (!q) {
    const builder = build(db) as unknown as { prepare(name?: string): ReturnType<B['prepare']> };
    if (!isPg(db)) q = sqliteQuery(builder.prepare());
    else q = builder.prepare(options.genericPlan === false ? undefined : name);
    cache.set(name, q);
  }
  return q;
}

/**
 * A LIMIT written into a prepared query's SQL (`.limit(fixedLimit(1))`). drizzle binds `.limit(n)` as a
 * parameter, and SQLite built with STAT4 (better-sqlite3 is) recompiles a statement whose LIMIT is bound
 * on every run once ANALYZE has written statistics: measured 3 µs more for a one-table look-up and 35 µs
 * more for a four-table join, more than the query itself. A query that finds one row by a unique key
 * needs no LIMIT at all.
 */
export function fixedLimit(n: number): number {
  // drizzle writes a LIMIT given as SQL into the text; its type only admits numbers and placeholders.
  return sql.raw(String(Math.trunc(n))) as unknown as number;
}

/** An insert built with drizzle that can also say `RETURNING id`. */
interface IdInsert extends Preparable {
  returning(fields: { id: Column }): Preparable<{ id: number }[]>;
}

/** A query made from the prepared one named `name`, kept per connection like it. */
function derived<R>(db: Db, name: string, make: () => Query<R>): Query<R> {
  const cache = cacheOf(derivedQueries, db);
  let made = cache.get(name) as Query<R> | undefined;
  if (!made) cache.set(name, (made = make()));
  return made;
}

/** `from`'s result read by `read`: at once on SQLite (see `exec`), after its promise on PostgreSQL. */
function reading<T, R>(from: Query<T>, read: (result: T) => R): Query<R> {
  const now = from.now;
  if (!now) return { execute: async (values) => read(await from.execute(values)) };
  const answer = (values?: Record<string, unknown>) => read(now(values));
  return { now: answer, execute: async (values) => answer(values) };
}

/**
 * A prepared insert that may make no row (`ON CONFLICT DO NOTHING`); it gives the id of the row it
 * made, or undefined. On SQLite from the statement's own result (rows changed, last rowid): with
 * `RETURNING` SQLite buffers the returned rows and better-sqlite3 builds them, 4.8 µs where the insert
 * alone takes 2.5 (measured on the bench's vote marks). On PostgreSQL, `RETURNING`.
 */
export function preparedInsertId(
  db: Db,
  name: string,
  id: Column,
  build: (db: Db) => IdInsert,
): Query<number | undefined> {
  return derived(db, name, () => {
    if (isPg(db))
      return reading(
        prepared(db, name, (d) => build(d).returning({ id })),
        (rows) => rows[0]?.id,
      );
    const q = prepared(db, name, build) as Query<{ changes: number; lastInsertRowid: number | bigint }>;
    return reading(q, (r) => (r.changes === 1 ? Number(r.lastInsertRowid) : undefined));
  });
}

/** A prepared update or delete that gives how many rows it changed (no row is returned), on either dialect. */
export function preparedChanges(db: Db, name: string, build: (db: Db) => Preparable): Query<number> {
  return derived(db, name, () => {
    // SQLite's run() result says `changes`; node-postgres's result `rowCount`.
    const q = prepared(db, name, build) as Query<{ changes?: number; rowCount?: number | null }>;
    return reading(q, (r) => r.changes ?? r.rowCount ?? 0);
  });
}
