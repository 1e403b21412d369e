/**
 * A drizzle query prepared on SQLite, made to answer at once and bound cheaply (prepared.ts keeps one
 * per connection and name): `now` gives what `execute` would resolve to, and the placeholders and rows
 * go through a small function written for the query instead of drizzle's generic binding and mapping.
 */
import { Column, is, noopDecoder, noopEncoder, Param, Placeholder, SQL } from 'drizzle-orm';

/** `query` (drizzle's prepared SQLite query) with `now`, and `execute` bound by `bound` where it can be. */
export function sqliteQuery<Q>(query: Q): Q {
  return synchronous(bound(query));
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
