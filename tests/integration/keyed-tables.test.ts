/**
 * The hot tables keyed by a composite key are WITHOUT ROWID on SQLite (migration 0012; issue 12): one
 * b-tree per table instead of a rowid table plus its key's index, one WAL page fewer per write.
 * drizzle-kit cannot express it, so a migration it generates later that rebuilds one of them would
 * drop it silently: this test says so. The audit table, appended to at the end of each chain, is a
 * rowid table keyed by `chain_key` (migration 0013, src/db/audit-key.ts) with no other index.
 */
import { describe, expect, it } from 'vitest';
import { chainKey } from '../../src/db/audit-key.js';
import { testDb, testDialect } from '../helpers/test-db.js';

const KEYED = ['vote_tallies', 'processed_events', 'proposal_voters', 'open_task_skills', 'task_skills'];

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

  it('keep the audit as a rowid table keyed by chain_key, with no other index and its key checked', async () => {
    const t = testDb();
    const [table] = await t.query<{ wr: number }>(
      `select wr from pragma_table_list where schema = 'main' and name = 'audit'`,
    );
    expect(table?.wr).toBe(0);
    const key = await t.query<{ name: string; pk: number; type: string }>(
      `select name, pk, type from pragma_table_info('audit') where pk > 0`,
    );
    // INTEGER PRIMARY KEY, alone: the rowid itself.
    expect(key).toEqual([{ name: 'chain_key', pk: 1, type: 'INTEGER' }]);
    expect(await t.query(`select name from pragma_index_list('audit')`)).toEqual([]);
    await t.query(
      `insert into communities (platform, external_id, name, created_at) values ('console', 'keyed', 'keyed', 0)`,
    );
    const [c] = await t.query<{ id: number }>(`select id from communities where external_id = 'keyed'`);
    const row = (k: number, seq: number) =>
      t.query(
        `insert into audit (chain_key, community_id, seq, at, actor, type, data, prev_hash, hash) values (?, ?, ?, 0, null, 't', '{}', '', '')`,
        k,
        c!.id,
        seq,
      );
    await row(chainKey(c!.id, 1), 1);
    const [got] = await t.query<{ r: number; k: number }>(
      `select rowid as r, chain_key as k from audit where seq = 1`,
    );
    expect(got).toEqual({ r: chainKey(c!.id, 1), k: chainKey(c!.id, 1) });
    await expect(row(chainKey(c!.id, 3), 2)).rejects.toThrow(/CHECK constraint failed/);
  });
});
