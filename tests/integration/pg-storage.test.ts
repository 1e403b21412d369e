import { describe, expect, it } from 'vitest';
import { kv } from '../../src/db/schema.js';
import { testDb, testDialect } from '../helpers/test-db.js';

// PostgreSQL's storage only: SQLite's runs one unit at a time and is never a deadlock victim.
describe.skipIf(testDialect !== 'pg')('the PostgreSQL storage port', () => {
  it('runs a unit again when PostgreSQL aborts one of its queries as a serialization conflict', async () => {
    const t = testDb();
    // The first insert into kv fails with SQLSTATE 40001; a sequence is not rolled back, so the retry passes.
    await t.exec(`create sequence tries;
      create function conflict_once() returns trigger language plpgsql as $$
      begin
        if nextval('tries') = 1 then raise exception 'could not serialize access' using errcode = '40001'; end if;
        return new;
      end $$;
      create trigger conflict_once before insert on kv for each row execute function conflict_once()`);
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
