import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runConsole, type Run, type SpawnOptions } from '../helpers/console-process.js';

/*
 * SQLite only (the `pg` project does not include this file): each case is about the SQLite file that
 * DATABASE_PATH names. PostgreSQL's start-up faults (no server, no database, a newer Ostrom's
 * database, the password kept out of every message) are in console-faults.test.ts.
 */
const dir = mkdtempSync(join(tmpdir(), 'ostrom-start-'));
chmodSync(dir, 0o755); // a test run as root starts one process as `nobody`, who must reach it
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every file under `root` with its bytes' hash and mode: what "changed nothing" compares. */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(root, { recursive: true }) as string[]) {
    const path = join(root, name);
    const st = statSync(path);
    out[name] = st.isFile()
      ? `${st.mode}:${createHash('sha256').update(readFileSync(path)).digest('hex')}`
      : `${st.mode}:dir`;
  }
  return out;
}

function place(name: string): string {
  const p = join(dir, name);
  mkdirSync(p, { mode: 0o755 });
  return p;
}

/** Runs `npm start`, expecting it to refuse; returns the run after checking nothing changed under `root`. */
async function refused(root: string, env: Record<string, string>, opts?: SpawnOptions): Promise<Run> {
  const before = snapshot(root);
  const run = await runConsole(['/as alice', '/task post never'], env, opts);
  expect(run.code).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr).toMatch(/^Ostrom failed to start: /);
  expect(run.stderr).toMatch(/Nothing was changed\./);
  expect(snapshot(root)).toEqual(before);
  return run;
}

describe('start-up refuses what it cannot trust, and changes nothing', () => {
  it('a file that is not SQLite', async () => {
    const root = place('diary');
    const path = join(root, 'ostrom.db');
    writeFileSync(path, 'Dear diary, today I pointed DATABASE_PATH at the wrong file.\n');
    const run = await refused(root, { DATABASE_PATH: path });
    expect(run.stderr).toContain(`DATABASE_PATH ${path} is not an SQLite database`);
  });

  it('a directory', async () => {
    const root = place('folder');
    const run = await refused(root, { DATABASE_PATH: root });
    expect(run.stderr).toContain(`DATABASE_PATH ${root} is a directory, not a database file`);
    expect(run.stderr).toContain(`e.g. ${join(root, 'ostrom.db')}`);
  });

  it('a read-only place: an existing database, or a new one in a directory it may not write', async () => {
    const root = place('readonly');
    const path = join(root, 'ostrom.db');
    expect((await runConsole(['/as alice', '/task post Kept'], { DATABASE_PATH: path })).code).toBe(0);
    // As root, permissions do not bind: run as `nobody`, to whom root's files are read-only.
    const asUser: SpawnOptions | undefined =
      process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : undefined;
    if (!asUser) {
      chmodSync(path, 0o444);
      chmodSync(root, 0o555);
    }
    try {
      const run = await refused(root, { DATABASE_PATH: path, HOME: root }, asUser);
      expect(run.stderr).toContain(`The database ${path} is read-only for this user`);
      const fresh = await refused(root, { DATABASE_PATH: join(root, 'sub', 'new.db'), HOME: root }, asUser);
      expect(fresh.stderr).toContain(
        `Cannot create the database ${join(root, 'sub', 'new.db')}: ${root} is read-only`,
      );
    } finally {
      chmodSync(root, 0o755);
      chmodSync(path, 0o644);
    }
  });

  it('a database migrated by a newer Ostrom', async () => {
    const root = place('newer');
    const path = join(root, 'ostrom.db');
    expect((await runConsole(['/as alice', '/task post Kept'], { DATABASE_PATH: path })).code).toBe(0);
    const db = new Database(path);
    const future = Date.UTC(2099, 0, 1);
    db.prepare('insert into __drizzle_migrations (hash, created_at) values (?, ?)').run(
      'f'.repeat(64),
      future,
    );
    db.close();
    const run = await refused(root, { DATABASE_PATH: path });
    expect(run.stderr).toContain(`The database ${path} was migrated by a newer Ostrom`);
    expect(run.stderr).toContain(
      '1 migration(s) this build does not know (the newest from 2099-01-01T00:00:00.000Z)',
    );
  });

  it('a platform configured in part (DISCORD_TOKEN without DISCORD_APP_ID) does not silently run the console', async () => {
    const root = place('half');
    const path = join(root, 'ostrom.db');
    const run = await runConsole(['/as alice', '/task post never'], {
      DATABASE_PATH: path,
      DISCORD_TOKEN: 'a-secret-token',
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/DISCORD_TOKEN is set, but not DISCORD_APP_ID/);
    expect(run.stderr).not.toContain('a-secret-token');
    expect(readdirSync(root)).toEqual([]);
  });
});
