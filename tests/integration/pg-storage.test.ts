import { describe, expect, it } from 'vitest';
import { kv } from '../../src/db/schema.js';
import { conflictOnKvInsert, testDb, testDialect } from '../helpers/test-db.js';

// PostgreSQL's storage only: SQLite's runs one unit at a time and is never a deadlock victim.
describe.skipIf(testDialect !== 'pg')('the PostgreSQL storage port', () => {
  it('runs a unit again when PostgreSQL aborts one of its queries as a serialization conflict', async () => {
    const t = testDb();
    await conflictOnKvInsert(t, 1);
    let runs = 0;
    await t.storage.write(async (db) => {
      runs++;
      await db.insert(kv).values({ key: 'k', value: 'v' });
    });
    expect(runs).toBe(2);
    expect(await t.query('select key, value from kv')).toEqual([{ key: 'k', value: 'v' }]);
    await t.storage.close();
  });
});
