/**
 * `npm run db:copy -- --from ./data/ostrom.db --to postgres://user:password@host/db`: moves an Ostrom
 * SQLite database into an empty PostgreSQL one. The SQLite file is opened read-only (one snapshot);
 * the target is migrated like at start-up, then every table of the schema is copied, parents before
 * children, in one PostgreSQL transaction, in batches, so a large file streams through without being
 * held in memory. Ids are kept, so every reference and audit event still points where it did, and the
 * identity sequences are moved past them. Before it commits, the copy checks the row count of every
 * table and the audit chain head of every community on both sides; any difference rolls it back.
 */
import Database from 'better-sqlite3';
import { between, desc, is } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { drizzle as pgDrizzle } from 'drizzle-orm/node-postgres';
import { getTableConfig as pgConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type pg from 'pg';
import { chainKeys } from './audit-key.js';
import type { Db } from './client.js';
import { describeUrl, openPgDatabase } from './pg.js';
import * as sqliteSchema from './schema.js';
import * as pgSchema from './schema.pg.js';
import { checkMigrations, isSqliteFile, StartupError } from './startup-checks.js';

/** The copy cannot go on; the message says why and what was (not) changed. */
export class CopyError extends Error {}

export const USAGE =
  'Usage: npm run db:copy -- --from <SQLite file> --to <postgres://user:password@host:port/db>';

const NOTHING_CHANGED = 'Nothing was changed.';
const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url));

/** One table to copy: its name, its columns (the same on both sides), and what PostgreSQL numbers itself. */
interface TablePlan {
  name: string;
  columns: string[];
  /** Order of reading (the primary key), so ids arrive in order. */
  orderBy: string[];
  identity: { column: string; always: boolean }[];
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Every table of schema.ts, with its columns from both schemas (tests/unit/schema-dialects.test.ts
 * holds them equal; a difference here stops the copy before it starts), parents before children.
 */
export function copyPlan(): TablePlan[] {
  const plans = new Map<string, TablePlan & { parents: string[] }>();
  for (const [key, value] of Object.entries(sqliteSchema)) {
    if (!is(value, SQLiteTable)) continue;
    const lite = sqliteConfig(value);
    const twin = (pgSchema as Record<string, unknown>)[key];
    if (!is(twin, PgTable)) throw new Error(`schema.pg.ts has no table ${key} (schema.ts has)`);
    const pgc = pgConfig(twin);
    const columns = lite.columns.map((c) => c.name);
    const pgColumns = pgc.columns.map((c) => c.name);
    if (pgc.name !== lite.name || [...columns].sort().join() !== [...pgColumns].sort().join())
      throw new Error(
        `schema.ts and schema.pg.ts differ in table ${lite.name}: run tests/unit/schema-dialects.test.ts`,
      );
    const primary = lite.columns.filter((c) => c.primary).map((c) => c.name);
    plans.set(lite.name, {
      name: lite.name,
      columns,
      orderBy: primary.length > 0 ? primary : (lite.primaryKeys[0]?.columns.map((c) => c.name) ?? ['rowid']),
      identity: pgc.columns
        .filter((c) => c.generatedIdentity)
        .map((c) => ({ column: c.name, always: c.generatedIdentity?.type === 'always' })),
      parents: pgc.foreignKeys
        .map((fk) => pgConfig(fk.reference().foreignTable).name)
        .filter((parent) => parent !== lite.name),
    });
  }
  // Parents first: a table goes once everything it references has gone (declaration order otherwise).
  const ordered: TablePlan[] = [];
  const placed = new Set<string>();
  while (placed.size < plans.size) {
    const next = [...plans.values()].find(
      (p) => !placed.has(p.name) && p.parents.every((x) => placed.has(x)),
    );
    if (!next) throw new Error('the schema has a cycle of foreign keys: no table can be copied first');
    placed.add(next.name);
    const { parents: _parents, ...plan } = next;
    ordered.push(plan);
  }
  return ordered;
}

/** The SQLite file, read-only: it must exist, be SQLite, and be migrated by exactly this build. */
function openSource(path: string): Database.Database {
  const abs = resolve(path);
  let st;
  try {
    st = statSync(abs);
  } catch {
    throw new CopyError(
      `The source ${abs} does not exist. Give --from the SQLite file Ostrom ran on. ${NOTHING_CHANGED}`,
    );
  }
  if (!st.isFile()) throw new CopyError(`The source ${abs} is not a file. ${NOTHING_CHANGED}`);
  if (!isSqliteFile(abs))
    throw new CopyError(
      `The source ${abs} is not an SQLite database (it does not start with the SQLite header). ${NOTHING_CHANGED}`,
    );
  let sqlite: Database.Database | undefined;
  try {
    sqlite = new Database(abs, { readonly: true, fileMustExist: true });
    sqlite.pragma('busy_timeout = 5000');
    checkMigrations(sqlite, migrationsFolder, abs); // migrated by a newer Ostrom
    const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
      entries: { when: number }[];
    };
    const hasTable = sqlite
      .prepare("select 1 from sqlite_master where type = 'table' and name = '__drizzle_migrations'")
      .get();
    if (!hasTable)
      throw new CopyError(
        `The source ${abs} is not an Ostrom database (it has no table of applied migrations). ${NOTHING_CHANGED}`,
      );
    const applied = new Set(
      (sqlite.prepare('select created_at from __drizzle_migrations').all() as { created_at: number }[]).map(
        (r) => Number(r.created_at),
      ),
    );
    const missing = journal.entries.filter((e) => !applied.has(e.when)).length;
    if (missing > 0)
      throw new CopyError(
        `The source ${abs} was migrated by an older Ostrom: ${missing} migration(s) of this build are not ` +
          'applied to it. Start this build of Ostrom on it once (it migrates at start-up), stop it, then copy. ' +
          NOTHING_CHANGED,
      );
    return sqlite;
  } catch (e) {
    sqlite?.close();
    if (e instanceof CopyError) throw e;
    if (e instanceof StartupError) throw new CopyError(e.message);
    throw new CopyError(
      `Cannot read the source ${abs}: ${e instanceof Error ? e.message : String(e)}. ${NOTHING_CHANGED}`,
    );
  }
}

export interface ChainHead {
  /** `platform:external id` of the community. */
  community: string;
  /** The last event's seq and hash; 0 and '' when the community has no events. */
  seq: number;
  hash: string;
}

/** The audit chain head of every community, read with the core's dialect-neutral query builders. */
async function chainHeads(db: Db): Promise<ChainHead[]> {
  const { communities, audit } = sqliteSchema;
  const heads: ChainHead[] = [];
  const rows = await db
    .select({ id: communities.id, platform: communities.platform, externalId: communities.externalId })
    .from(communities)
    .orderBy(communities.id);
  for (const c of rows) {
    const keys = chainKeys(c.id);
    const [last] = await db
      .select({ seq: audit.seq, hash: audit.hash })
      .from(audit)
      .where(between(audit.chainKey, keys.from, keys.to))
      .orderBy(desc(audit.chainKey))
      .limit(1);
    heads.push({ community: `${c.platform}:${c.externalId}`, seq: last?.seq ?? 0, hash: last?.hash ?? '' });
  }
  return heads;
}

const showHead = (h: ChainHead) => (h.seq === 0 ? 'no events' : `#${h.seq} ${h.hash}`);

export interface CopyOptions {
  /** The SQLite file. */
  from: string;
  /** The PostgreSQL URL. */
  to: string;
  /** Rows per INSERT. */
  batchSize?: number;
  /** Progress and summary lines. */
  log?: (line: string) => void;
}

export interface CopyReport {
  tables: { table: string; rows: number }[];
  heads: ChainHead[];
}

/** Copies while `client` holds the transaction; throws (and the caller rolls back) on any difference. */
async function copyTables(
  source: Database.Database,
  client: pg.PoolClient,
  where: string,
  plan: TablePlan[],
  rowsPerBatch: number,
  log: (line: string) => void,
): Promise<CopyReport> {
  // Nobody else writes to these tables until the copy commits or rolls back.
  await client.query(`LOCK TABLE ${plan.map((t) => q(t.name)).join(', ')} IN EXCLUSIVE MODE`);
  for (const t of plan) {
    const { rowCount } = await client.query(`SELECT 1 FROM ${q(t.name)} LIMIT 1`);
    if (rowCount)
      throw new CopyError(
        `The target ${where} is not empty: table ${t.name} has rows. db:copy copies only into an empty ` +
          `database (a new one, or one whose Ostrom tables are empty). ${NOTHING_CHANGED}`,
      );
  }
  const tables: CopyReport['tables'] = [];
  for (const t of plan) {
    // PostgreSQL takes at most 65,535 parameters per statement: wide tables get smaller batches.
    const batchSize = Math.max(1, Math.min(rowsPerBatch, Math.floor(65_535 / t.columns.length)));
    const expected = (source.prepare(`SELECT count(*) AS n FROM ${q(t.name)}`).get() as { n: number }).n;
    const cols = t.columns.map(q).join(', ');
    const overriding = t.identity.some((i) => i.always) ? ' OVERRIDING SYSTEM VALUE' : '';
    const insertText = (rows: number) => {
      const tuples: string[] = [];
      for (let r = 0; r < rows; r++)
        tuples.push(`(${t.columns.map((_, c) => `$${r * t.columns.length + c + 1}`).join(', ')})`);
      return `INSERT INTO ${q(t.name)} (${cols})${overriding} VALUES ${tuples.join(', ')}`;
    };
    // A full batch is always the same statement: prepared once on the connection.
    const full = { name: `ostrom_copy_${t.name}`, text: insertText(batchSize) };
    const select = source
      .prepare(`SELECT ${cols} FROM ${q(t.name)} ORDER BY ${t.orderBy.map(q).join(', ')}`)
      .raw(true);
    let copied = 0;
    let batch: unknown[][] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const values = batch.flat();
      try {
        if (batch.length === batchSize) await client.query({ ...full, values });
        else await client.query(insertText(batch.length), values);
      } catch (e) {
        throw new CopyError(
          `Copying table ${t.name} failed (rows ${copied + 1}–${copied + batch.length}): ` +
            `${e instanceof Error ? e.message : String(e)}. The transaction was rolled back: nothing was copied.`,
        );
      }
      copied += batch.length;
      if (copied % 100_000 < batch.length) log(`  ${t.name}: ${copied} of ${expected} rows…`);
      batch = [];
    };
    for (const row of select.iterate() as IterableIterator<unknown[]>) {
      batch.push(row);
      if (batch.length === batchSize) await flush();
    }
    await flush();
    for (const { column } of t.identity)
      await client.query(
        `SELECT setval(pg_get_serial_sequence($1, $2), coalesce(max(${q(column)}), 1), max(${q(column)}) IS NOT NULL) FROM ${q(t.name)}`,
        [q(t.name), column],
      );
    const landed = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${q(t.name)}`)).rows[0]!
      .n;
    if (landed !== expected || copied !== expected)
      throw new CopyError(
        `Table ${t.name}: ${expected} rows in the source, ${copied} copied, ${landed} in the target. ` +
          'The transaction was rolled back: nothing was copied.',
      );
    tables.push({ table: t.name, rows: landed });
    log(`${t.name}: ${landed}`);
  }
  const before = await chainHeads(drizzle(source, { schema: sqliteSchema }) as unknown as Db);
  const after = await chainHeads(pgDrizzle(client) as unknown as Db);
  log('Audit chain heads (SQLite → PostgreSQL):');
  const differ: string[] = [];
  for (const [i, b] of before.entries()) {
    const a = after[i];
    const same = a !== undefined && a.community === b.community && a.seq === b.seq && a.hash === b.hash;
    log(`  ${b.community}: ${showHead(b)} → ${a ? showHead(a) : 'missing'}${same ? '' : '  DIFFERENT'}`);
    if (!same) differ.push(b.community);
  }
  if (after.length !== before.length || differ.length > 0)
    throw new CopyError(
      `The audit chain heads differ after the copy (${differ.join(', ') || `${before.length} vs ${after.length} communities`}). ` +
        'The transaction was rolled back: nothing was copied.',
    );
  return { tables, heads: before };
}

/**
 * Copies the SQLite database `from` into the empty PostgreSQL database `to` (migrated first). Throws a
 * CopyError (or the StartupError of `openPgDatabase`) that says why and that nothing was copied.
 */
export async function copySqliteToPg(opts: CopyOptions): Promise<CopyReport> {
  const log = opts.log ?? (() => undefined);
  const batchSize = opts.batchSize ?? 1000;
  const where = describeUrl(opts.to);
  const plan = copyPlan();
  const source = openSource(opts.from);
  try {
    const { pool } = await openPgDatabase(opts.to, 1);
    try {
      log(`Copying ${resolve(opts.from)} into ${where}`);
      const client = await pool.connect();
      let broken = false;
      try {
        // One snapshot of the source for the whole copy (a running Ostrom's later writes are not in it).
        source.exec('BEGIN');
        await client.query('BEGIN');
        try {
          const report = await copyTables(source, client, where, plan, batchSize, log);
          await client.query('COMMIT');
          const rows = report.tables.reduce((n, t) => n + t.rows, 0);
          log(`Committed: ${report.tables.length} tables, ${rows} rows.`);
          // Fresh statistics: without them PostgreSQL plans the first queries on the copied tables as
          // if they were empty (a digest over 10,000 tasks took a minute until autovacuum analysed).
          await client.query('ANALYZE');
          log('Analysed the copied tables.');
          return report;
        } catch (e) {
          await client.query('ROLLBACK').catch(() => {
            broken = true;
          });
          throw e;
        } finally {
          if (source.inTransaction) source.exec('COMMIT');
        }
      } finally {
        client.release(broken);
      }
    } finally {
      await pool.end();
    }
  } finally {
    source.close();
  }
}

/** The command line: exit 0 copied, 1 refused or failed (nothing copied), 2 wrong arguments. */
export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { from: { type: 'string' }, to: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n${USAGE}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (!values.from || !values.to) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  try {
    await copySqliteToPg({
      from: values.from,
      to: values.to,
      log: (line) => process.stdout.write(`${line}\n`),
    });
    return 0;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    process.stderr.write(
      e instanceof CopyError || e instanceof StartupError
        ? `${message}\n`
        : `db:copy failed: ${message}. The transaction was rolled back: nothing was copied.\n`,
    );
    return 1;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
