/**
 * Hot queries built once per connection: drizzle renders a query's SQL on every call and the driver
 * compiles it again, which is most of the cost of a short query. `prepared(db, name, build)` builds the
 * query (with `sql.placeholder('x')` for what varies) the first time a connection runs it and keeps it
 * for that connection: SQLite's one handle, or each pooled PostgreSQL client (where it becomes a named
 * server-side prepared statement). Run it with `await q.execute({ x })` on either dialect, or in a step
 * (step.ts) with `yield* exec(q, { x })`, which runs it synchronously on SQLite.
 */
import { Column, is, Param, Placeholder, SQL, sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { isPg } from './is-pg.js';
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

/** `name` must be unique per query across the code base (PostgreSQL names its statements by it). */
export function prepared<B extends Preparable>(
  db: Db,
  name: string,
  build: (db: Db) => B,
): ReturnType<B['prepare']> {
  const cache = cacheOf(queries, db);
  let q = cache.get(name) as ReturnType<B['prepare']> | undefined;
  if (!q) {
    const builder = build(db) as unknown as { prepare(name?: string): ReturnType<B['prepare']> };
    q = isPg(db) ? builder.prepare(name) : synchronous(bound(builder.prepare()));
    cache.set(name, q);
  }
  return q;
}

/**
 * A SQLite query answers at once: `now` gives what `execute` would resolve to. drizzle's own (a query
 * `bound` leaves alone) by the method its `execute` calls, which is synchronous on better-sqlite3.
 */
function synchronous<Q>(query: Q): Q {
  const q = query as unknown as SqlitePrepared & Record<string, unknown>;
  if (!q.now) {
    const method = q[q.executeMethod ?? 'all'] as (values?: Record<string, unknown>) => unknown;
    q.now = (values) => method.call(q, values);
  }
  return query;
}

interface Encoder {
  mapToDriverValue(value: unknown): unknown;
}

interface Decoder {
  mapFromDriverValue(value: unknown): unknown;
}

/** What drizzle's better-sqlite3 prepared query holds (drizzle-orm/better-sqlite3/session.js). */
interface SqlitePrepared {
  stmt?: {
    run(...args: unknown[]): unknown;
    all(...args: unknown[]): unknown[];
    raw(on?: boolean): { all(...args: unknown[]): unknown[][] };
  };
  query?: { params: unknown[] };
  executeMethod?: string;
  fields?: { path: string[]; field: unknown }[];
  joinsNotNullableMap?: unknown;
  customResultMapper?: unknown;
  execute(values?: Record<string, unknown>): Promise<unknown>;
  now?(values?: Record<string, unknown>): unknown;
}

/**
 * On SQLite, `execute` binds the statement itself: drizzle's own fills its placeholders by testing the
 * class of every parameter and maps each row through a generic mapper on every call, 2.3 µs where the
 * statement alone takes 1.05 µs (a reaction runs four). Here the parameters' order and encoders are
 * worked out once, and the rows of a flat selection are mapped by their fields' decoders, as drizzle
 * does; a query of any other shape (nested objects, a custom mapper) keeps drizzle's `execute`.
 */
function bound<Q>(query: Q): Q {
  const q = query as unknown as SqlitePrepared;
  const { stmt, executeMethod: method, fields } = q;
  if (!stmt || !q.query || q.customResultMapper) return query;
  // Each parameter: a placeholder's name (with the column's encoder, if any), or a value fixed in the query.
  const params = q.query.params.map((p): { name?: string; encoder?: Encoder; value?: unknown } => {
    if (is(p, Placeholder)) return { name: p.name as string };
    if (is(p, Param) && is(p.value, Placeholder))
      return { name: (p.value as Placeholder).name as string, encoder: p.encoder as Encoder };
    return { value: p };
  });
  const args = (values: Record<string, unknown> = {}): unknown[] => {
    const out = new Array<unknown>(params.length);
    for (let i = 0; i < params.length; i++) {
      const { name, encoder, value } = params[i]!;
      if (name === undefined) {
        out[i] = value;
        continue;
      }
      const v = values[name];
      if (v === undefined && !(name in values))
        throw new Error(`No value for placeholder "${name}" was provided`);
      out[i] = encoder ? encoder.mapToDriverValue(v) : v;
    }
    return out;
  };
  const answer = (now: (values?: Record<string, unknown>) => unknown): Q => {
    q.now = now;
    // As drizzle's: what the statement throws comes back as a rejection, never thrown at the caller.
    q.execute = (values) => {
      try {
        return Promise.resolve(now(values));
      } catch (error) {
        return Promise.reject(error as Error);
      }
    };
    return query;
  };
  if (method === 'run') return answer((values) => stmt.run(...args(values)));
  if (method !== 'all') return query;
  if (!fields) return answer((values) => stmt.all(...args(values)));
  // Rows of a flat selection (`{ id: t.id, n: sql… }`, a whole table): each value through its decoder, as
  // drizzle's mapper does; nested objects (joins) keep drizzle's, which also nulls a left join's misses.
  const decoders = fields.map((f) => {
    if (f.path.length !== 1) return undefined;
    const field = f.field as { decoder?: Decoder; sql?: { decoder?: Decoder } };
    const decoder = is(f.field, Column)
      ? (f.field as Decoder)
      : is(f.field, SQL)
        ? field.decoder
        : field.sql?.decoder;
    return decoder && { key: f.path[0]!, decoder };
  });
  if (decoders.some((d) => d === undefined)) return query;
  const columns = decoders as { key: string; decoder: Decoder }[];
  return answer((values) =>
    stmt
      .raw(true)
      .all(...args(values))
      .map((row) => {
        const out: Record<string, unknown> = {};
        columns.forEach(({ key, decoder }, i) => {
          const v = row[i];
          out[key] = v === null ? null : decoder.mapFromDriverValue(v);
        });
        return out;
      }),
  );
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
