/**
 * Hot queries built once per connection: drizzle renders a query's SQL on every call and the driver
 * compiles it again, which is most of the cost of a short query. `prepared(db, name, build)` builds the
 * query (with `sql.placeholder('x')` for what varies) the first time a connection runs it and keeps it
 * for that connection: SQLite's one handle, or each pooled PostgreSQL client (where it becomes a named
 * server-side prepared statement). Run it with `await q.execute({ x })` on either dialect, or in a step
 * (step.ts) with `yield* exec(q, { x })`, which runs it synchronously on SQLite.
 */
import { Column, is, noopDecoder, noopEncoder, Param, Placeholder, SQL, sql } from 'drizzle-orm';
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
    if (!isPg(db)) q = synchronous(bound(builder.prepare()));
    else q = builder.prepare(options.genericPlan === false ? undefined : name);
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
 * statement alone takes 1.05 µs (a reaction runs four). Here each query gets its own small function,
 * written once from its parameters and fields (`compiled`): it reads each placeholder's value by name,
 * encodes it if its column does, passes them to the statement as arguments, and builds each row of a
 * flat selection as an object literal, decoding only the fields whose decoder changes anything. A
 * query of any other shape (nested objects, a custom mapper) keeps drizzle's `execute`.
 */
function bound<Q>(query: Q): Q {
  const q = query as unknown as SqlitePrepared;
  const { stmt, executeMethod: method, fields } = q;
  if (!stmt || !q.query || q.customResultMapper) return query;
  if (method !== 'run' && method !== 'all') return query;
  // Each parameter: a placeholder's name (with the column's encoder, if any), or a value fixed in the query.
  const params = q.query.params.map((p): Param1 => {
    if (is(p, Placeholder)) return { name: p.name as string };
    if (is(p, Param) && is(p.value, Placeholder))
      return { name: (p.value as Placeholder).name as string, encoder: p.encoder as Encoder };
    return { value: p };
  });
  let columns: Column1[] | undefined;
  if (method === 'all' && fields) {
    // Rows of a flat selection (`{ id: t.id, n: sql… }`, a whole table): each value through its decoder,
    // as drizzle's mapper does; nested objects (joins) keep drizzle's, which also nulls a left join's misses.
    const found = fields.map((f): Column1 | undefined => {
      if (f.path.length !== 1) return undefined;
      const field = f.field as { decoder?: Decoder; sql?: { decoder?: Decoder } };
      const decoder = is(f.field, Column)
        ? (f.field as Decoder)
        : is(f.field, SQL)
          ? field.decoder
          : field.sql?.decoder;
      return decoder && { key: f.path[0]!, decoder };
    });
    // A key written into an object literal: `__proto__` there would set the row's prototype instead.
    if (found.some((c) => c === undefined || c.key === '__proto__')) return query;
    columns = found as Column1[];
    // drizzle reads a selection with fields in raw mode (arrays) too, in all its methods: set once here.
    stmt.raw(true);
  }
  const now = compiled(stmt, method, params, columns);
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
}

/** A parameter of a prepared query: a placeholder's name (and its column's encoder), or a fixed value. */
interface Param1 {
  name?: string;
  encoder?: Encoder;
  value?: unknown;
}

/** A field of a flat selection: its key in the row object and its decoder. */
interface Column1 {
  key: string;
  decoder: Decoder;
}

/** An encoder or decoder that gives back what it is given: the base column's, and drizzle's no-ops. */
const passes = (d: Decoder | Encoder, method: 'mapFromDriverValue' | 'mapToDriverValue'): boolean => {
  const f = (d as unknown as Record<string, unknown>)[method];
  return (
    f === Column.prototype[method] ||
    f === noopDecoder.mapFromDriverValue ||
    f === noopEncoder.mapToDriverValue
  );
};

/**
 * The query's `now`, written for it: `(values) => stmt.run(values["a"], enc[1].mapToDriverValue(values["b"]), …)`
 * and for a flat selection `rows.map` into `{ "id": r[0], "value": dec[1].mapFromDriverValue(r[1]) … }`.
 * A generic loop over the parameters costs a keyed look-up and a branch per value and a spread call per
 * run; the written function has one property load per value, each site seeing one shape of object, and
 * rows that all share one hidden class. Names and keys come from the code's own queries and go in as
 * JSON string literals: nothing from outside is ever written into it.
 */
function compiled(
  stmt: NonNullable<SqlitePrepared['stmt']>,
  method: 'run' | 'all',
  params: Param1[],
  columns: Column1[] | undefined,
): (values?: Record<string, unknown>) => unknown {
  const lit = (s: string) => JSON.stringify(s);
  const names = [...new Set(params.flatMap((p) => (p.name === undefined ? [] : [p.name])))];
  const local = (name: string) => `v${names.indexOf(name)}`;
  const read = names.map(
    (name, i) =>
      `const v${i} = values[${lit(name)}];\n` +
      `if (v${i} === undefined && !(${lit(name)} in values)) missing(${lit(name)});`,
  );
  const args = params.map((p, i) => {
    if (p.name === undefined) return `fixed[${i}]`;
    if (!p.encoder || passes(p.encoder, 'mapToDriverValue')) return local(p.name);
    return `enc[${i}].mapToDriverValue(${local(p.name)})`;
  });
  const call = `stmt.${method}(${args.join(', ')})`;
  const row = columns
    ? '({' +
      columns
        .map(({ key, decoder }, i) =>
          passes(decoder, 'mapFromDriverValue')
            ? `${lit(key)}: r[${i}]`
            : `${lit(key)}: r[${i}] === null ? null : dec[${i}].mapFromDriverValue(r[${i}])`,
        )
        .join(', ') +
      '})'
    : undefined;
  const body = row
    ? `const rows = ${call}; const out = new Array(rows.length);\n` +
      `for (let k = 0; k < rows.length; k++) { const r = rows[k]; out[k] = ${row}; }\n` +
      'return out;'
    : `return ${call};`;
  const make = new Function(
    'stmt',
    'fixed',
    'enc',
    'dec',
    'missing',
    `return function now(values = {}) {\n${read.join('\n')}\n${body}\n};`,
  ) as (...a: unknown[]) => (values?: Record<string, unknown>) => unknown;
  return make(
    stmt,
    params.map((p) => p.value),
    params.map((p) => p.encoder),
    columns?.map((c) => c.decoder),
    (name: string) => {
      throw new Error(`No value for placeholder "${name}" was provided`);
    },
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
