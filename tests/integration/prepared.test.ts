/** Prepared hot queries: built once per connection, with placeholders, on both dialects. */
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { kv } from '../../src/db/schema.js';
import { isPg } from '../../src/db/is-pg.js';
import { prepared } from '../../src/db/prepared.js';
import { testDb } from '../helpers/test-db.js';

describe('prepared queries', () => {
  it('run on a handle whose dialect is told apart without loading the other dialect', async () => {
    const t = testDb();
    expect(await t.storage.read(async (db) => isPg(db))).toBe(t.dialect === 'pg');
    await t.storage.close();
  });

  it('run with their placeholders, again and again, in read and write units alike', async () => {
    const t = testDb();
    await t.exec("insert into kv (key, value) values ('a', '1'), ('b', '2')");
    let builds = 0;
    const byKey = (db: Parameters<typeof prepared>[0]) =>
      prepared(db, 'test.kvByKey', (d) => {
        builds++;
        return d
          .select()
          .from(kv)
          .where(eq(kv.key, sql.placeholder('key')));
      });
    for (const key of ['a', 'b', 'a', 'missing']) {
      const rows = await t.storage.read(async (db) => await byKey(db).execute({ key }));
      expect(rows).toEqual(key === 'missing' ? [] : [{ key, value: key === 'a' ? '1' : '2' }]);
    }
    const written = await t.storage.write(async (db) => {
      await db.insert(kv).values({ key: 'c', value: '3' });
      return await byKey(db).execute({ key: 'c' });
    });
    expect(written).toEqual([{ key: 'c', value: '3' }]);
    // Built once per connection: SQLite has one; the PostgreSQL pool opens a few at most.
    expect(builds).toBeGreaterThanOrEqual(1);
    expect(builds).toBeLessThanOrEqual(t.dialect === 'pg' ? 4 : 1);
    await t.storage.close();
  });
});
