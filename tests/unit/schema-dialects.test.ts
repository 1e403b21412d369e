/** The SQLite and PostgreSQL schemas describe the same tables: one cannot change without the other. */
import { getTableConfig as pgConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { is, SQL, StringChunk, type Column } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as sqliteSchema from '../../src/db/schema.js';
import * as pgSchema from '../../src/db/schema.pg.js';

type Config = ReturnType<typeof sqliteConfig> | ReturnType<typeof pgConfig>;

/** A column's name, or an index expression written out with its columns' names. */
function columnName(c: unknown): string {
  if (is(c, SQL))
    return c.queryChunks
      .map((chunk) => (is(chunk, StringChunk) ? chunk.value.join('') : columnName(chunk)))
      .join('');
  return (c as Column).name;
}

/** What must match on both sides, in a dialect-free shape (sorted, so order of declaration is free). */
function describeTable(config: Config) {
  const byName = <T extends { name: string }>(xs: T[]) => xs.sort((a, b) => a.name.localeCompare(b.name));
  return {
    name: config.name,
    columns: byName(
      (config.columns as Column[]).map((c) => ({
        name: c.name,
        notNull: c.notNull,
        /** The JS type drizzle reads and writes: 'number', 'string', … */
        dataType: c.dataType,
        primary: c.primary,
        default: c.default as unknown,
        enumValues: c.enumValues ?? null,
      })),
    ),
    primaryKeys: byName(
      config.primaryKeys.map((pk) => ({ name: pk.getName(), columns: pk.columns.map((c) => c.name) })),
    ),
    indexes: byName(
      config.indexes.map((i) => ({
        name: i.config.name ?? '(unnamed)',
        columns: i.config.columns.map(columnName),
        unique: i.config.unique,
      })),
    ),
    uniqueConstraints: byName(
      config.uniqueConstraints.map((u) => ({
        name: u.getName() ?? '',
        columns: u.columns.map((c) => c.name),
      })),
    ),
    foreignKeys: byName(
      config.foreignKeys.map((fk) => {
        const r = fk.reference();
        const target = is(r.foreignTable, PgTable)
          ? pgConfig(r.foreignTable).name
          : sqliteConfig(r.foreignTable as SQLiteTable).name;
        return {
          name: `${r.columns.map((c) => c.name).join(',')} -> ${target}(${r.foreignColumns.map((c) => c.name).join(',')})`,
          onDelete: fk.onDelete ?? 'no action',
          onUpdate: fk.onUpdate ?? 'no action',
        };
      }),
    ),
  };
}

function describeSchemas() {
  const sqlite = Object.entries(sqliteSchema)
    .filter(([, v]) => is(v, SQLiteTable))
    .map(([k, v]) => [k, describeTable(sqliteConfig(v as SQLiteTable))] as const);
  const pg = Object.entries(pgSchema)
    .filter(([, v]) => is(v, PgTable))
    .map(([k, v]) => [k, describeTable(pgConfig(v as PgTable))] as const);
  return { sqlite: new Map(sqlite), pg: new Map(pg) };
}

describe('schema.ts (SQLite) and schema.pg.ts (PostgreSQL)', () => {
  const { sqlite, pg } = describeSchemas();

  it('export the same names, and every export is a table on both sides', () => {
    expect(Object.keys(pgSchema).sort()).toEqual(Object.keys(sqliteSchema).sort());
    expect([...pg.keys()].sort()).toEqual(Object.keys(pgSchema).sort());
    expect(sqlite.size).toBeGreaterThan(10);
  });

  it.each([...sqlite.keys()])('%s: same table, columns, keys, indexes and foreign keys', (name) => {
    expect(pg.get(name)).toEqual(sqlite.get(name));
  });

  it('every epoch-ms column is bigint on PostgreSQL, every id an identity column', () => {
    for (const table of Object.values(pgSchema)) {
      for (const c of pgConfig(table).columns) {
        if (/(_at|^at)$/.test(c.name) && c.dataType === 'number')
          expect(c.getSQLType(), c.name).toBe('bigint');
        if (c.name === 'id' && c.dataType === 'number')
          expect(c.generatedIdentity?.type, c.name).toBe('byDefault');
      }
    }
  });
});
