/**
 * Hot queries built once per connection: drizzle renders a query's SQL on every call and the driver
 * compiles it again, which is most of the cost of a short query. `prepared(db, name, build)` builds the
 * query (with `sql.placeholder('x')` for what varies) the first time a connection runs it and keeps it
 * for that connection: SQLite's one handle, or each pooled PostgreSQL client (where it becomes a named
 * server-side prepared statement). Run it with `await q.execute({ x })` on either dialect.
 */
import { sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { isPg } from './is-pg.js';

export interface Preparable<R = unknown> {
  prepare(): { execute(values?: Record<string, unknown>): Promise<R> };
}

const caches = new WeakMap<Db, Map<string, unknown>>();

/** `name` must be unique per query across the code base (PostgreSQL names its statements by it). */
export function prepared<B extends Preparable>(
  db: Db,
  name: string,
  build: (db: Db) => B,
): ReturnType<B['prepare']> {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  let q = cache.get(name) as ReturnType<B['prepare']> | undefined;
  if (!q) {
    const builder = build(db) as unknown as { prepare(name?: string): ReturnType<B['prepare']> };
    q = isPg(db) ? builder.prepare(name) : builder.prepare();
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
