/**
 * WAL checkpoints off the event loop (src/db/checkpoint.ts): the app's connection never checkpoints
 * inside a COMMIT; a worker thread does, the WAL stays bounded, closing checkpoints and stops the worker.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, openSync, readSync, closeSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkpointDefaults } from '../../src/db/checkpoint.js';
import { checkpointerOf, openDatabase } from '../../src/db/client.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ostrom-ckpt-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const walBytes = (file: string) => (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0);

/** [frames in the WAL, frames copied into the database] from the -shm file's WAL index header. */
function walIndex(file: string): [number, number] {
  const fd = openSync(`${file}-shm`, 'r');
  try {
    const b = Buffer.alloc(100);
    readSync(fd, b, 0, 100, 0);
    return [b.readUInt32LE(16), b.readUInt32LE(96)];
  } finally {
    closeSync(fd);
  }
}

/** One transaction of ~`pages` new 4 KiB pages. */
function writePages(sqlite: Database.Database, pages: number): void {
  sqlite.exec('create table if not exists blob (id integer primary key, v blob)');
  const insert = sqlite.prepare('insert into blob (v) values (randomblob(4000))');
  sqlite.transaction(() => {
    for (let i = 0; i < pages; i++) insert.run();
  })();
}

describe('WAL checkpoints off the event loop', () => {
  it('moves auto-checkpoint to the backstop on the app connection and runs a checkpointer for a file only', () => {
    const file = join(dir, 'a.db');
    const db = openDatabase(file);
    expect(db.$client.pragma('wal_autocheckpoint', { simple: true })).toBe(checkpointDefaults.backstopPages);
    expect(checkpointerOf(db.$client)).toBeDefined();
    db.$client.close();
    const mem = openDatabase(':memory:');
    expect(checkpointerOf(mem.$client)).toBeUndefined();
    mem.$client.close();
  });

  it('keeps the WAL bounded under a stream of writes, from the worker', async () => {
    const file = join(dir, 'stream.db');
    const db = openDatabase(file, { checkpoint: { startDelayMs: 0, intervalMs: 5, restartPages: 200 } });
    let most = 0;
    // 6,000 pages (24 MB) in commits of 20 pages, with the event loop free between them.
    for (let i = 0; i < 300; i++) {
      writePages(db.$client, 20);
      most = Math.max(most, walBytes(file));
      await sleep(2);
    }
    // Without checkpoints the WAL would hold all 6,000 pages; it is reset long before.
    expect(most).toBeLessThan(2000 * 4096);
    expect(walIndex(file)[0]).toBeLessThan(2000);
    db.$client.close();
  });

  it('never holds the app off the write lock once a checkpoint copied the whole WAL', async () => {
    const file = join(dir, 'idle-large.db');
    const db = openDatabase(file, { checkpoint: { startDelayMs: 0, intervalMs: 1, restartPages: 50 } });
    writePages(db.$client, 200); // past restartPages; nothing is written after it
    // Wait until the worker's checkpoint has copied it all: the WAL stays at its size until a write.
    for (let i = 0; i < 500; i++) {
      const [frames, copied] = walIndex(file);
      if (frames > 0 && copied === frames) break;
      await sleep(2);
    }
    expect(walIndex(file)[1]).toBe(walIndex(file)[0]);
    // Many ticks later, the worker has not taken the write lock for a RESTART: the next write starts
    // the WAL again by itself (and a RESTART would hold it off meanwhile).
    await sleep(100);
    expect(checkpointerOf(db.$client)!.restarts).toBe(0);
    // Still a RESTART when writes keep each PASSIVE checkpoint short of the whole WAL.
    const until = Date.now() + 10_000;
    while (checkpointerOf(db.$client)!.restarts === 0 && Date.now() < until) {
      for (let i = 0; i < 20; i++) writePages(db.$client, 1);
      await new Promise((r) => setImmediate(r));
    }
    expect(checkpointerOf(db.$client)!.restarts).toBeGreaterThan(0);
    db.$client.close();
  });

  it('keeps the WAL bounded when a steady stream never lets the worker complete (the backstop)', async () => {
    const file = join(dir, 'steady.db');
    const db = openDatabase(file, {
      checkpoint: { startDelayMs: 0, intervalMs: 5, restartPages: 500, backstopPages: 1000 },
    });
    let most = 0;
    let pages = 0;
    // Small commits back to back (16,000 pages, 64 MB), the event loop only let through between bursts.
    const until = Date.now() + 15_000;
    while (pages < 16_000 && Date.now() < until) {
      for (let i = 0; i < 20; i++) writePages(db.$client, 1);
      pages += 20;
      most = Math.max(most, walBytes(file));
      await new Promise((r) => setImmediate(r));
    }
    expect(pages).toBe(16_000);
    // Bounded: the worker's RESTART when it gets the write lock, the backstop when the worker's own
    // checkpoint does not hold it off. On a loaded 2-core machine the peak varies (4–45 MB seen);
    // without a bound the WAL holds all 16,000 pages and more (tree pages are rewritten too).
    expect(most).toBeLessThan(12_000 * 4096);
    db.$client.close();
  }, 30_000);

  it('shrinks a large idle WAL (TRUNCATE)', async () => {
    const file = join(dir, 'idle.db');
    const db = openDatabase(file, {
      checkpoint: { startDelayMs: 0, intervalMs: 5, truncateBytes: 1024 * 1024 },
    });
    writePages(db.$client, 1000); // one commit: a 4 MB WAL
    expect(walBytes(file)).toBeGreaterThan(1024 * 1024);
    const until = Date.now() + 5000;
    while (walBytes(file) > 1024 * 1024 && Date.now() < until) await sleep(10);
    expect(walBytes(file)).toBeLessThanOrEqual(1024 * 1024);
    db.$client.close();
  });

  it('checkpoints at close, also while another connection keeps the file open', () => {
    const file = join(dir, 'close.db');
    // A worker that never ticks: whatever is copied at close was copied by close.
    const db = openDatabase(file, { checkpoint: { startDelayMs: 0, intervalMs: 1e9 } });
    const other = new Database(file);
    other.pragma('wal_autocheckpoint = 0');
    other.prepare('select count(*) from sqlite_master').get(); // it holds the WAL index open from here
    writePages(db.$client, 100);
    const [frames, copied] = walIndex(file);
    expect(frames).toBeGreaterThanOrEqual(100);
    expect(copied).toBe(0);
    db.$client.close();
    expect(walIndex(file)).toEqual([frames, frames]);
    other.close();
  });

  it('the last connection closing leaves no WAL behind', () => {
    const file = join(dir, 'last.db');
    const db = openDatabase(file);
    writePages(db.$client, 50);
    db.$client.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('stops the worker when the database closes, even right after it opened', async () => {
    const file = join(dir, 'stop.db');
    for (const wait of [0, 200]) {
      const db = openDatabase(file, { checkpoint: { startDelayMs: 0, intervalMs: 5 } });
      const worker = checkpointerOf(db.$client)!.worker!;
      const exited = once(worker, 'exit');
      await sleep(wait);
      db.$client.close();
      await expect(Promise.race([exited, sleep(3000).then(() => 'still running')])).resolves.not.toBe(
        'still running',
      );
    }
  });

  it('starts the worker a moment after opening, and not at all when closed before', async () => {
    const file = join(dir, 'later.db');
    const db = openDatabase(file, { checkpoint: { startDelayMs: 100 } });
    const checkpointer = checkpointerOf(db.$client)!;
    expect(checkpointer.worker).toBeUndefined();
    await sleep(150);
    expect(checkpointer.worker).toBeDefined();
    db.$client.close();
    const early = openDatabase(file, { checkpoint: { startDelayMs: 100 } });
    early.$client.close();
    await sleep(150);
    expect(checkpointerOf(early.$client)!.worker).toBeUndefined();
  });

  it('serves several connections on one file, each with its checkpointer', async () => {
    const file = join(dir, 'shared.db');
    const a = openDatabase(file, { checkpoint: { startDelayMs: 0, intervalMs: 5, restartPages: 200 } });
    const b = openDatabase(file, { checkpoint: { startDelayMs: 0, intervalMs: 5, restartPages: 200 } });
    let most = 0;
    for (let i = 0; i < 300; i++) {
      writePages((i % 2 ? a : b).$client, 20);
      most = Math.max(most, walBytes(file));
      await sleep(2);
    }
    expect(most).toBeLessThan(2000 * 4096);
    expect(a.$client.prepare('select count(*) n from blob').pluck().get()).toBe(6000);
    a.$client.close();
    b.$client.close();
    expect(existsSync(`${file}-wal`)).toBe(false);
  });
});
