/**
 * The database a test runs on: SQLite (an in-memory or named file), or, in the `pg` vitest project
 * (OSTROM_TEST_DB=pg), a new PostgreSQL database of the run's throwaway cluster, created from the
 * migrated template. Tests read and change rows through `query`/`exec`, which take `?` placeholders on
 * both dialects, so one test checks the same thing on both.
 */
import pg from 'pg';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, inject } from 'vitest';
import { openDatabase, type SqliteDb } from '../../src/db/client.js';
import { pgStorage } from '../../src/db/pg.js';
import { sqliteStorage, type Storage } from '../../src/db/storage.js';

export type Dialect = 'sqlite' | 'pg';

/** The dialect of this vitest project. */
export const testDialect: Dialect = process.env.OSTROM_TEST_DB === 'pg' ? 'pg' : 'sqlite';

export interface TestDb {
  dialect: Dialect;
  storage: Storage;
  /** Rows of one statement (none for a statement that returns none); `?` placeholders on both dialects. */
  query<T = Record<string, unknown>>(text: string, ...params: unknown[]): Promise<T[]>;
  /** The first row, or undefined. */
  one<T = Record<string, unknown>>(text: string, ...params: unknown[]): Promise<T | undefined>;
  /** Statements without results (DDL; several separated by `;`). */
  exec(text: string): Promise<void>;
  /** The tables Ostrom made (not the migrations' bookkeeping). */
  tables(): Promise<string[]>;
  /** The SQLite handle, for the few tests of SQLite itself; undefined on PostgreSQL. */
  sqlite?: SqliteDb;
  /**
   * Where the database is: the SQLite path, or the PostgreSQL URL. Another `testDb({ at })` (a restart, a
   * second process) opens the same database.
   */
  location(): Promise<string>;
}

let created = 0;
let admin: pg.Pool | undefined;

/** A new empty database of the run's cluster, migrated (a copy of the template); its URL. */
export async function newPgDatabase(): Promise<string> {
  const adminUrl = inject('pgAdminUrl');
  if (!adminUrl) throw new Error('no PostgreSQL cluster: run this test in the `pg` vitest project');
  admin ??= new pg.Pool({ connectionString: adminUrl, max: 1 });
  const name = `t_${process.pid}_${++created}`;
  await admin.query(`CREATE DATABASE "${name}" TEMPLATE ostrom_template`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

function numbered(text: string): string {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}

function sqliteTestDb(path: string): TestDb {
  const db = openDatabase(path);
  const client = db.$client;
  return {
    dialect: 'sqlite',
    location: async () => path,
    storage: sqliteStorage(db),
    sqlite: db,
    query: async <T>(text: string, ...params: unknown[]) => {
      const statement = client.prepare(text);
      if (statement.reader) return statement.all(...params) as T[];
      statement.run(...params); // an insert, update or delete without `returning`
      return [];
    },
    one: async <T>(text: string, ...params: unknown[]) => {
      const statement = client.prepare(text);
      if (statement.reader) return statement.get(...params) as T | undefined;
      statement.run(...params);
      return undefined;
    },
    exec: async (text) => {
      client.exec(text);
    },
    tables: async () =>
      (
        client
          .prepare(
            "select name from sqlite_master where type='table' and name not like 'sqlite_%' and name <> '__drizzle_migrations' order by name",
          )
          .all() as { name: string }[]
      ).map((r) => r.name),
  };
}

function pgTestDb(at?: string): TestDb {
  // Made on first use, so a harness can be built synchronously.
  let opened: Promise<{ pool: pg.Pool; storage: Storage; url: string }> | undefined;
  const open = () =>
    (opened ??= (at ? Promise.resolve(at) : newPgDatabase()).then((url) => {
      const pool = new pg.Pool({ connectionString: url, max: 4 });
      pool.on('error', () => undefined);
      return { pool, storage: pgStorage(pool), url };
    }));
  const t: TestDb = {
    dialect: 'pg',
    location: async () => (await open()).url,
    storage: {
      write: async (work) => (await open()).storage.write(work),
      writeEach: async (works, finish) => (await open()).storage.writeEach(works, finish),
      read: async (work) => (await open()).storage.read(work),
      close: async () => {
        if (opened) await (await opened).storage.close();
      },
    },
    query: async <T>(text: string, ...params: unknown[]) =>
      (await (await open()).pool.query(numbered(text), params)).rows as T[],
    one: async <T>(text: string, ...params: unknown[]) => (await t.query<T>(text, ...params))[0],
    exec: async (text) => {
      await (await open()).pool.query(text);
    },
    tables: async () =>
      (
        await t.query<{ name: string }>(
          "select table_name as name from information_schema.tables where table_schema = 'public' and table_name <> '__drizzle_migrations' order by table_name",
        )
      ).map((r) => r.name),
  };
  return t;
}

/**
 * A fresh, migrated database of this project's dialect, or the one at `at` (an SQLite path, which is
 * made when new; a PostgreSQL URL from `location()`). `path` names the SQLite file when the test needs
 * one (two processes, restarts); on PostgreSQL it is ignored and a new database is made.
 */
export function testDb(opts: { path?: string; at?: string } = {}): TestDb {
  if (testDialect === 'pg') return pgTestDb(opts.at);
  return sqliteTestDb(opts.at ?? opts.path ?? ':memory:');
}

/**
 * The environment that points an Ostrom process (`npm start`) at a fresh database of this project's
 * dialect: `DATABASE_PATH` = `sqlitePath` (a file in the test's temporary directory), or in the `pg`
 * project `DATABASE_URL` of a new migrated database (DATABASE_PATH is then ignored by Ostrom).
 */
export async function testDatabaseEnv(sqlitePath: string): Promise<Record<string, string>> {
  if (testDialect === 'pg') return { DATABASE_URL: await newPgDatabase() };
  return { DATABASE_PATH: sqlitePath };
}

/**
 * PostgreSQL only: the `nth` insert into kv fails with SQLSTATE 40001, as a serialization conflict
 * would (a sequence is not rolled back, so it fails once only and a retry passes).
 */
export async function conflictOnKvInsert(t: TestDb, nth: number): Promise<void> {
  await t.exec(`create sequence tries;
    create function conflict_once() returns trigger language plpgsql as $$
    begin
      if nextval('tries') = ${nth} then raise exception 'could not serialize access' using errcode = '40001'; end if;
      return new;
    end $$;
    create trigger conflict_once before insert on kv for each row execute function conflict_once()`);
}

/**
 * Paths of SQLite files in temporary folders, each removed after the test that asked for it: call at a
 * test file's top level (it registers the cleanup), then `path()` in a test.
 */
export function tempDbPaths(prefix: string): () => string {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return join(dir, 'ostrom.db');
  };
}
