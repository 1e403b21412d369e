/**
 * The migrations that bring `proposal_voters` (issue 12) fill it for the votes that exist: run on a
 * database migrated up to the one before, holding marks, they copy each member's latest mark on each
 * proposal with the member's `joined_at`, and nothing of review votes or earlier marks.
 */
import { describe, expect, it } from 'vitest';
import { pgAcross, splitMigrations, sqliteAcross } from '../helpers/migration-split.js';
import { testDialect } from '../helpers/test-db.js';

const CREATES = ['CREATE TABLE "proposal_voters"', 'CREATE TABLE `proposal_voters`'];

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
    const rows = sqliteAcross(
      splitMigrations('sqlite', CREATES),
      (db) => SEED.forEach((s) => db.exec(s)),
      (db) => db.prepare(READ).all(),
    );
    expect(rows).toEqual(WANT);
  });

  it.runIf(testDialect === 'pg')(
    'PostgreSQL: filled from the latest proposal marks and members',
    async () => {
      const rows = await pgAcross(
        'mig_proposal_voters',
        splitMigrations('pg', CREATES),
        async (db) => {
          for (const s of SEED) await db.query(s);
        },
        async (db) =>
          (await db.query(READ)).rows.map((r: Record<string, unknown>) => ({
            ...r,
            joined_at: Number(r.joined_at),
          })),
      );
      expect(rows).toEqual(WANT);
    },
  );
});
