import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase } from '../../src/db/client.js';
import { sqliteStorage } from '../../src/db/storage.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function kv(db: ReturnType<typeof openDatabase>) {
  return db.$client.prepare('select value from kv where key = ?');
}

describe('the SQLite storage port', () => {
  it('runs units one at a time, even when each awaits between its statements', async () => {
    const db = openDatabase(':memory:');
    const s = sqliteStorage(db);
    db.$client.exec("insert into kv(key, value) values ('n', '0')");
    // Each unit runs on the port's one connection: `db.$client` is what its handle writes through.
    const bump = () =>
      s.write(async () => {
        const n = Number((kv(db).get('n') as { value: string }).value);
        await new Promise((r) => setTimeout(r, 1));
        db.$client.prepare("update kv set value = ? where key = 'n'").run(String(n + 1));
      });
    await Promise.all(Array.from({ length: 20 }, bump));
    expect(kv(db).get('n')).toEqual({ value: '20' });
    await s.close();
  });

  it('rolls a unit back whole when it throws, and the next unit still runs', async () => {
    const db = openDatabase(':memory:');
    const s = sqliteStorage(db);
    const failing = s.write(async () => {
      db.$client.exec("insert into kv(key, value) values ('a', '1')");
      await Promise.resolve();
      throw new Error('boom');
    });
    await expect(failing).rejects.toThrow('boom');
    await s.write(async () => void db.$client.exec("insert into kv(key, value) values ('b', '2')"));
    expect(kv(db).get('a')).toBeUndefined();
    expect(kv(db).get('b')).toEqual({ value: '2' });
    await s.close();
  });

  it('commits a work that gives its value at once; one that throws, or whose commit fails, leaves nothing', async () => {
    const db = openDatabase(':memory:');
    const s = sqliteStorage(db);
    const put = (key: string) => db.$client.prepare("insert into kv(key, value) values (?, 'v')").run(key);
    // Synchronous works (the core's steps on SQLite): no promise between BEGIN and COMMIT.
    expect(await s.write(() => (put('a'), 'done'))).toBe('done');
    await expect(
      s.write(() => {
        put('b');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    // A deferred foreign key fails at COMMIT, which leaves SQLite's transaction open: rolled back.
    db.$client.pragma('foreign_keys = ON');
    db.$client.exec(`create table parent (id integer primary key);
      create table child (parent integer references parent (id) deferrable initially deferred)`);
    await expect(
      s.write(() => {
        put('c');
        db.$client.exec('insert into child (parent) values (99)');
      }),
    ).rejects.toThrow(/FOREIGN KEY/);
    expect(db.$client.inTransaction).toBe(false);
    await expect(
      s.write(async () => {
        await Promise.resolve();
        put('e');
        db.$client.exec('insert into child (parent) values (99)');
      }),
    ).rejects.toThrow(/FOREIGN KEY/);
    expect(db.$client.inTransaction).toBe(false);
    await s.write(() => put('d'));
    const kept = ['a', 'b', 'c', 'd', 'e'].map((k) => kv(db).get(k) !== undefined);
    expect(kept).toEqual([true, false, false, true, false]);
    await s.close();
  });

  it('takes the write lock at BEGIN, so another connection waits instead of failing mid-unit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ostrom-storage-'));
    dirs.push(dir);
    const path = join(dir, 'db.sqlite');
    const db = openDatabase(path);
    const s = sqliteStorage(db);
    const other = new Database(path);
    other.pragma('busy_timeout = 0');
    let sawLock = false;
    await s.write(async () => {
      // Inside the unit, before any write: another writer is already locked out.
      try {
        other.exec("insert into kv(key, value) values ('x', '1')");
      } catch (e) {
        sawLock = /locked|busy/i.test(String(e));
      }
    });
    expect(sawLock).toBe(true);
    other.close();
    await s.close();
  });
});
