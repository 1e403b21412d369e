/** Prepared hot queries: built once per connection, with placeholders, on both dialects. */
import { eq, sql } from 'drizzle-orm';
import { sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import { communities, kv } from '../../src/db/schema.js';
import { isPg } from '../../src/db/is-pg.js';
import { exec, prepared, preparedChanges, preparedInsertId } from '../../src/db/prepared.js';
import { run } from '../../src/db/step.js';
import { testDb, testDialect } from '../helpers/test-db.js';
import type { Db } from '../../src/db/client.js';

/** `kv` seen with its value as JSON: a column whose values drizzle encodes and decodes. */
const kvJson = sqliteTable('kv', { key: text('key').primaryKey(), value: text('value', { mode: 'json' }) });

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

  // SQLite binds prepared statements itself (src/db/prepared.ts `bound`): the same results as drizzle.
  it.skipIf(testDialect !== 'sqlite')(
    'give what drizzle gives: encoded values, decoded fields, nested rows, errors as rejections',
    async () => {
      const t = testDb();
      const results = await t.storage.write(async (db: Db) => {
        const put = prepared(db, 'test.kvJsonPut', (d) =>
          d.insert(kvJson).values({ key: sql.placeholder('key'), value: sql.placeholder('value') }),
        );
        const put1 = await put.execute({ key: 'a', value: { n: 1, s: 'x' } });
        await put.execute({ key: 'b', value: [1, 2] });
        const flatQuery = (d: Db) =>
          d
            .select({
              key: kvJson.key,
              value: kvJson.value,
              size: sql<number>`length(${kvJson.value})`.mapWith(String),
            })
            .from(kvJson)
            .orderBy(kvJson.key);
        const flat = prepared(db, 'test.kvJsonFlat', flatQuery);
        const nested = prepared(db, 'test.kvJsonNested', (d) =>
          d
            .select({ row: kvJson, key: kvJson.key })
            .from(kvJson)
            .where(eq(kvJson.key, sql.placeholder('key'))),
        );
        const gone = prepared(db, 'test.kvJsonDelete', (d) =>
          d
            .delete(kvJson)
            .where(eq(kvJson.key, sql.placeholder('key')))
            .returning({ value: kvJson.value }),
        );
        const missing = await nested.execute({}).then(
          () => 'resolved',
          (e: Error) => e.message,
        );
        return {
          put1,
          flat: await flat.execute(),
          drizzleFlat: await flatQuery(db),
          nested: await nested.execute({ key: 'a' }),
          gone: await gone.execute({ key: 'b' }),
          missing,
          stored: await db.select({ key: kvJson.key, value: sql<string>`${kvJson.value}` }).from(kvJson),
        };
      });
      expect(results.put1).toMatchObject({ changes: 1 });
      expect(results.flat).toEqual([
        { key: 'a', value: { n: 1, s: 'x' }, size: '15' },
        { key: 'b', value: [1, 2], size: '5' },
      ]);
      expect(results.flat).toEqual(results.drizzleFlat);
      expect(results.nested).toEqual([{ row: { key: 'a', value: { n: 1, s: 'x' } }, key: 'a' }]);
      expect(results.gone).toEqual([{ value: [1, 2] }]);
      expect(results.missing).toBe('No value for placeholder "key" was provided');
      expect(results.stored).toEqual([{ key: 'a', value: '{"n":1,"s":"x"}' }]);
      await t.storage.close();
    },
  );

  it('say which row an insert made and how many rows a write changed, in a step or awaited alike', async () => {
    const t = testDb();
    await t.exec("insert into kv (key, value) values ('a', '1'), ('b', '2')");
    const out = await t.storage.write((db: Db) => {
      const insert = preparedInsertId(db, 'test.communityInsert', communities.id, (d) =>
        d
          .insert(communities)
          .values({ platform: 'test', externalId: sql.placeholder('ext'), createdAt: 1 })
          .onConflictDoNothing(),
      );
      const drop = preparedChanges(db, 'test.kvDrop', (d) =>
        d.delete(kv).where(eq(kv.key, sql.placeholder('key'))),
      );
      return run(
        (function* () {
          const made = yield* exec(insert, { ext: 'x' });
          const again = yield* exec(insert, { ext: 'x' }); // the same key: no row made
          const other = yield* exec(insert, { ext: 'y' });
          return {
            made,
            again,
            other,
            dropped: yield* exec(drop, { key: 'a' }),
            none: yield* exec(drop, { key: 'a' }),
          };
        })(),
      );
    });
    const ids = await t.query<{ id: number }>(
      "select id from communities where platform = 'test' order by id",
    );
    expect(out).toEqual({
      made: Number(ids[0]!.id),
      again: undefined,
      other: Number(ids[1]!.id),
      dropped: 1,
      none: 0,
    });
    const awaited = await t.storage.write(async (db: Db) => ({
      dropped: await preparedChanges(db, 'test.kvDrop', (d) =>
        d.delete(kv).where(eq(kv.key, sql.placeholder('key'))),
      ).execute({ key: 'b' }),
    }));
    expect(awaited).toEqual({ dropped: 1 });
    await t.storage.close();
  });
});
