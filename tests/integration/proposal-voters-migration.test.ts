/**
 * The migrations that bring `proposal_voters` (issue 12) fill it for the votes that exist: run on a
 * database migrated up to the one before, holding marks, they copy each member's latest mark on each
 * proposal with the member's `joined_at`, and nothing of review votes or earlier marks.
 */
import Database from 'better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { testDialect } from '../helpers/test-db.js';

const folder = (name: string) => fileURLToPath(new URL(`../../${name}`, import.meta.url));

/** The statements of the migrations before the one creating proposal_voters, and of it and after. */
function statements(name: string) {
  const all = readMigrationFiles({ migrationsFolder: folder(name) });
  const at = all.findIndex(
    (m) =>
      m.sql.join('\n').includes('CREATE TABLE "proposal_voters"') ||
      m.sql.join('\n').includes('CREATE TABLE `proposal_voters`'),
  );
  expect(at).toBeGreaterThan(0);
  return { before: all.slice(0, at).flatMap((m) => m.sql), after: all.slice(at).flatMap((m) => m.sql) };
}

const SEED = [
  "INSERT INTO communities (platform, external_id, created_at) VALUES ('console', 'c', 1)",
  "INSERT INTO members (community_id, user_id, display_name, joined_at, created_at) VALUES (1, 'a', 'a', 1000, 1), (1, 'b', 'b', 2000, 1)",
  `INSERT INTO vote_marks (community_id, target_type, target_id, member_id, source, value, created_at, latest)
   VALUES (1, 'proposal', 1, 1, 'command', 'yes', 1, 1), (1, 'proposal', 1, 2, '✅', 'yes', 1, 0),
          (1, 'proposal', 1, 2, '❌', 'no', 2, 1), (1, 'submission', 1, 1, '✅', 'yes', 3, 1),
          (1, 'proposal', 9, 2, '➖', 'abstain', 4, 1)`,
];
const WANT = [
  { proposal_id: 1, member_id: 1, value: 'yes', joined_at: 1000 },
  { proposal_id: 1, member_id: 2, value: 'no', joined_at: 2000 },
  { proposal_id: 9, member_id: 2, value: 'abstain', joined_at: 2000 },
];
const READ =
  'SELECT proposal_id, member_id, value, joined_at FROM proposal_voters ORDER BY proposal_id, member_id';

describe('proposal_voters migrations', () => {
  it.runIf(testDialect === 'sqlite')('SQLite: filled from the latest proposal marks and members', () => {
    const { before, after } = statements('migrations');
    const db = new Database(':memory:');
    for (const s of before) db.exec(s);
    for (const s of SEED) db.exec(s);
    db.transaction(() => {
      for (const s of after) db.exec(s);
    })();
    expect(db.prepare(READ).all()).toEqual(WANT);
    db.close();
  });

  it.runIf(testDialect === 'pg')(
    'PostgreSQL: filled from the latest proposal marks and members',
    async () => {
      const { before, after } = statements('migrations-pg');
      const adminUrl = inject('pgAdminUrl')!;
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      const name = `mig_proposal_voters_${process.pid}`;
      await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
      await admin.query(`CREATE DATABASE "${name}" TEMPLATE template0`);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const db = new pg.Client({ connectionString: url.toString() });
      await db.connect();
      try {
        for (const s of before) await db.query(s);
        for (const s of SEED) await db.query(s);
        await db.query('BEGIN');
        for (const s of after) await db.query(s);
        await db.query('COMMIT');
        const rows = (await db.query(READ)).rows.map((r: Record<string, unknown>) => ({
          ...r,
          joined_at: Number(r.joined_at),
        }));
        expect(rows).toEqual(WANT);
      } finally {
        await db.end();
        await admin.query(`DROP DATABASE IF EXISTS "${name}"`);
        await admin.end();
      }
    },
  );
});
