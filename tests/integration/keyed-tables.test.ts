/**
 * The hot tables keyed by a composite key are WITHOUT ROWID on SQLite (migrations 0011, 0012; issue 12):
 * one b-tree per table instead of a rowid table plus its key's index, one WAL page fewer per write.
 * drizzle-kit cannot express it, so a migration it generates later that rebuilds one of them would
 * drop it silently: this test says so.
 */
import { describe, expect, it } from 'vitest';
import { testDb, testDialect } from '../helpers/test-db.js';

const KEYED = [
  'audit',
  'vote_tallies',
  'processed_events',
  'proposal_voters',
  'open_task_skills',
  'task_skills',
];

describe.skipIf(testDialect !== 'sqlite')('tables keyed by a composite key (SQLite)', () => {
  it('are WITHOUT ROWID after the migrations', async () => {
    const t = testDb();
    const rows = await t.query<{ name: string; wr: number }>(
      `select name, wr from pragma_table_list where schema = 'main' and name in (${KEYED.map(() => '?').join(', ')})`,
      ...KEYED,
    );
    expect(Object.fromEntries(rows.map((r) => [r.name, r.wr]))).toEqual(
      Object.fromEntries(KEYED.map((name) => [name, 1])),
    );
  });
});
