/**
 * The PostgreSQL migrations (migrations-pg/) build the same database as the SQLite ones (migrations/):
 * the same tables, columns (nullability, integer or text), primary keys, indexes and foreign keys, read
 * from each engine's catalog after its own migrations ran. So the two folders cannot drift apart.
 */
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import * as schema from '../../src/db/schema.pg.js';
import { databaseNameFor, pgAvailable, startPgCluster, type PgCluster } from '../helpers/pg-cluster.js';

const migrationsFolder = fileURLToPath(new URL('../../migrations-pg', import.meta.url));

interface Shape {
  /** table → column → "integer|text [not null]" */
  columns: Record<string, Record<string, string>>;
  /** table → primary key columns, in order */
  primaryKeys: Record<string, string[]>;
  /** index name → "table(columns) [unique]" (indexes declared in the schema, not those of primary keys) */
  indexes: Record<string, string>;
  /** "table(columns) -> table(columns)", sorted */
  foreignKeys: string[];
}

function sortedObject<T>(entries: [string, T][]): Record<string, T> {
  return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
}

/** The shape of a freshly migrated SQLite database, from sqlite_master and the pragmas. */
function sqliteShape(): Shape {
  const db = openDatabase(':memory:').$client;
  try {
    const tables = (
      db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__drizzle_migrations'",
        )
        .all() as { name: string }[]
    ).map((t) => t.name);
    const columns: Shape['columns'] = {};
    const primaryKeys: Shape['primaryKeys'] = {};
    const indexes: [string, string][] = [];
    const foreignKeys: string[] = [];
    for (const table of tables) {
      const info = db.pragma(`table_info("${table}")`) as {
        name: string;
        type: string;
        notnull: number;
        pk: number;
      }[];
      columns[table] = sortedObject(
        info.map((c) => [c.name, `${c.type.toLowerCase()}${c.notnull ? ' not null' : ''}`]),
      );
      primaryKeys[table] = info
        .filter((c) => c.pk > 0)
        .sort((a, b) => a.pk - b.pk)
        .map((c) => c.name);
      for (const i of db.pragma(`index_list("${table}")`) as {
        name: string;
        unique: number;
        origin: string;
      }[]) {
        if (i.origin !== 'c') continue; // 'pk' and 'u' are SQLite's own indexes for keys
        const cols = (db.pragma(`index_info("${i.name}")`) as { seqno: number; name: string | null }[])
          .sort((a, b) => a.seqno - b.seqno)
          .map((c) => c.name ?? '<expr>'); // an expression's text differs by dialect: its place is compared
        indexes.push([i.name, `${table}(${cols.join(',')})${i.unique ? ' unique' : ''}`]);
      }
      const fks = db.pragma(`foreign_key_list("${table}")`) as {
        id: number;
        seq: number;
        table: string;
        from: string;
        to: string;
      }[];
      for (const id of new Set(fks.map((f) => f.id))) {
        const parts = fks.filter((f) => f.id === id).sort((a, b) => a.seq - b.seq);
        foreignKeys.push(
          `${table}(${parts.map((p) => p.from).join(',')}) -> ${parts[0]!.table}(${parts.map((p) => p.to).join(',')})`,
        );
      }
    }
    return {
      columns: sortedObject(Object.entries(columns)),
      primaryKeys: sortedObject(Object.entries(primaryKeys)),
      indexes: sortedObject(indexes),
      foreignKeys: foreignKeys.sort(),
    };
  } finally {
    db.close();
  }
}

/** PostgreSQL's column types, as SQLite's migration names them: epoch-ms bigint is SQLite's integer. */
const SQLITE_TYPE: Record<string, string> = { integer: 'integer', bigint: 'integer', text: 'text' };

/** The shape of the migrated PostgreSQL database's public schema, from information_schema and pg_catalog. */
async function pgShape(client: pg.Client): Promise<Shape> {
  const cols = await client.query<{
    table_name: string;
    column_name: string;
    data_type: string;
    is_nullable: string;
  }>(
    `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
      WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`,
  );
  const columns: Record<string, [string, string][]> = {};
  for (const c of cols.rows) {
    const type = SQLITE_TYPE[c.data_type] ?? `(pg ${c.data_type})`;
    (columns[c.table_name] ??= []).push([
      c.column_name,
      `${type}${c.is_nullable === 'NO' ? ' not null' : ''}`,
    ]);
  }
  const idx = await client.query<{
    table: string;
    index: string;
    unique: boolean;
    primary: boolean;
    columns: string[];
  }>(
    `SELECT t.relname AS "table", i.relname AS "index", x.indisunique AS "unique", x.indisprimary AS "primary",
            array(SELECT coalesce(a.attname::text, '<expr>') FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord)
                  LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord) AS columns
       FROM pg_index x
       JOIN pg_class i ON i.oid = x.indexrelid
       JOIN pg_class t ON t.oid = x.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = 'public'`,
  );
  const fk = await client.query<{ def: string }>(
    `SELECT t.relname || '(' || array_to_string(array(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY AS k(n, o)
              JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o), ',') || ') -> ' ||
            f.relname || '(' || array_to_string(array(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY AS k(n, o)
              JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.o), ',') || ')' AS def
       FROM pg_constraint c
       JOIN pg_class t ON t.oid = c.conrelid
       JOIN pg_class f ON f.oid = c.confrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE c.contype = 'f' AND n.nspname = 'public'`,
  );
  const primaryKeys = idx.rows.filter((i) => i.primary).map((i): [string, string[]] => [i.table, i.columns]);
  for (const table of Object.keys(columns))
    if (!primaryKeys.some(([t]) => t === table)) primaryKeys.push([table, []]);
  return {
    columns: sortedObject(Object.entries(columns).map(([t, cs]) => [t, sortedObject(cs)])),
    primaryKeys: sortedObject(primaryKeys),
    indexes: sortedObject(
      idx.rows
        .filter((i) => !i.primary)
        .map((i) => [i.index, `${i.table}(${i.columns.join(',')})${i.unique ? ' unique' : ''}`]),
    ),
    foreignKeys: fk.rows.map((r) => r.def).sort(),
  };
}

describe.skipIf(!pgAvailable())('PostgreSQL migrations (real server)', () => {
  let cluster: PgCluster | undefined;
  let client: pg.Client | undefined;

  beforeAll(async () => {
    cluster = await startPgCluster();
    const url = await cluster.createDatabase(databaseNameFor(import.meta.filename));
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    try {
      await migrate(drizzle(pool), { migrationsFolder });
    } finally {
      await pool.end();
    }
    client = new pg.Client({ connectionString: url });
    await client.connect();
  }, 60_000);

  afterAll(async () => {
    await client?.end();
    await cluster?.stop();
  }, 30_000);

  it('build the same tables, columns, keys, indexes and foreign keys as the SQLite migrations', async () => {
    const sqlite = sqliteShape();
    const postgres = await pgShape(client!);
    expect(Object.keys(sqlite.columns).length).toBeGreaterThan(10);
    expect(Object.keys(sqlite.indexes).length).toBeGreaterThan(10);
    expect(postgres.columns).toEqual(sqlite.columns);
    expect(postgres.primaryKeys).toEqual(sqlite.primaryKeys);
    expect(postgres.indexes).toEqual(sqlite.indexes);
    expect(postgres.foreignKeys).toEqual(sqlite.foreignKeys);
  });

  it('keep epoch milliseconds past 2^31, and drizzle reads them back as numbers', async () => {
    const db = drizzle(client!, { schema });
    const at = Date.UTC(2026, 0, 5, 12);
    await client!.query('BEGIN');
    try {
      const [row] = await db
        .insert(schema.communities)
        .values({ platform: 'console', externalId: 'x', setupAt: at, createdAt: at })
        .returning();
      expect(row).toMatchObject({ id: 1, setupAt: at, createdAt: at, nextTaskNo: 1 });
      expect(typeof row!.createdAt).toBe('number');
    } finally {
      await client!.query('ROLLBACK');
    }
  });
});
