/**
 * The storage port's batch write (`writeEach`), on both dialects: one transaction, each work in its own
 * savepoint, a work that throws rolled back alone, one commit; a failed commit keeps nothing.
 */
import { sql, type SQL } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.js';
import { kv } from '../../src/db/schema.js';
import { conflictOnKvInsert, testDb, testDialect, type TestDb } from '../helpers/test-db.js';

const open: TestDb[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) await t.storage.close();
});

function db(): TestDb {
  const t = testDb();
  open.push(t);
  return t;
}

/** A statement the core's `Db` type does not offer (the test's own table), on either dialect. */
async function raw(d: Db, q: SQL): Promise<void> {
  const any = d as unknown as { run?: (q: SQL) => unknown; execute?: (q: SQL) => Promise<unknown> };
  if (any.execute) await any.execute(q);
  else any.run!(q);
}

const put = (key: string) => async (d: Db) => {
  await d.insert(kv).values({ key, value: key });
  return key;
};

async function keys(t: TestDb): Promise<string[]> {
  return (await t.query<{ key: string }>('select key from kv order by key')).map((r) => r.key);
}

describe('writeEach', () => {
  it('rolls back a work that throws alone; the works before and after it commit', async () => {
    const t = db();
    const boom = new Error('boom');
    const results = await t.storage.writeEach([
      put('a'),
      put('b'),
      async (d) => {
        await d.insert(kv).values({ key: 'bad', value: 'x' });
        throw boom;
      },
      put('c'),
    ]);
    expect(results).toEqual([
      { ok: true, value: 'a' },
      { ok: true, value: 'b' },
      { ok: false, error: boom },
      { ok: true, value: 'c' },
    ]);
    expect(await keys(t)).toEqual(['a', 'b', 'c']);
  });

  it('goes on after a statement the database refused (PostgreSQL aborts the transaction until ROLLBACK TO)', async () => {
    const t = db();
    const results = await t.storage.writeEach([put('a'), put('a'), put('b')]);
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(await keys(t)).toEqual(['a', 'b']);
  });

  it('lets a later work see what the earlier ones wrote, not what a rolled-back one wrote', async () => {
    const t = db();
    const seen = async (d: Db) => (await d.select({ key: kv.key }).from(kv)).map((r) => r.key).sort();
    const results = await t.storage.writeEach<unknown>([
      put('a'),
      async (d) => {
        await d.insert(kv).values({ key: 'gone', value: '' });
        throw new Error('boom');
      },
      seen,
    ]);
    expect(results[2]).toEqual({ ok: true, value: ['a'] });
  });

  it('keeps nothing when the commit fails, and the storage runs the next unit', async () => {
    const t = db();
    // A foreign key checked at commit: the batch's one bad row fails the COMMIT itself.
    await t.exec(
      'create table deferred_ref (id integer primary key, ref integer references deferred_ref(id) deferrable initially deferred)',
    );
    const batch = t.storage.writeEach<unknown>([
      put('a'),
      async (d) => raw(d, sql`insert into deferred_ref (id, ref) values (1, 999)`),
      put('b'),
    ]);
    await expect(batch).rejects.toThrow(/foreign key/i);
    expect(await keys(t)).toEqual([]);
    expect(await t.query('select id from deferred_ref')).toEqual([]);
    expect(await t.storage.writeEach([put('c')])).toEqual([{ ok: true, value: 'c' }]);
    expect(await keys(t)).toEqual(['c']);
  });

  it('takes no transaction apart from other units: a write queued meanwhile runs after the batch', async () => {
    const t = db();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const batch = t.storage.writeEach([
      async (d) => {
        await gate;
        return put('a')(d);
      },
      put('b'),
    ]);
    const single = t.storage.write(put('c'));
    release();
    await batch;
    await single;
    expect(await keys(t)).toEqual(['a', 'b', 'c']);
  });

  it('runs finish after the last work in the same transaction; when it throws, nothing is kept', async () => {
    const t = db();
    const results = await t.storage.writeEach([put('a'), put('b')], async (d) => {
      await put('c')(d);
    });
    expect(results).toEqual([
      { ok: true, value: 'a' },
      { ok: true, value: 'b' },
    ]);
    expect(await keys(t)).toEqual(['a', 'b', 'c']);
    const broken = new Error('a bug at the end');
    await expect(
      t.storage.writeEach([put('d')], async (d) => {
        await put('e')(d);
        throw broken;
      }),
    ).rejects.toBe(broken);
    expect(await keys(t)).toEqual(['a', 'b', 'c']);
  });

  it('commits an empty batch', async () => {
    const t = db();
    expect(await t.storage.writeEach([])).toEqual([]);
  });

  it.skipIf(testDialect !== 'pg')(
    'runs the whole batch again when PostgreSQL aborts one of its works as a serialization conflict',
    async () => {
      const t = db();
      await conflictOnKvInsert(t, 2);
      let firstRuns = 0;
      const results = await t.storage.writeEach([
        async (d) => {
          firstRuns++;
          return put('a')(d);
        },
        put('b'),
      ]);
      expect(results).toEqual([
        { ok: true, value: 'a' },
        { ok: true, value: 'b' },
      ]);
      expect(firstRuns).toBe(2);
      expect(await keys(t)).toEqual(['a', 'b']);
    },
  );
});
