import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runConsole, startConsole, type LiveConsole } from '../helpers/console-process.js';
import { testDatabaseEnv, testDb, testDialect } from '../helpers/test-db.js';

const dir = mkdtempSync(join(tmpdir(), 'ostrom-console-f-'));
const live: LiveConsole[] = [];
afterEach(() => {
  for (const c of live.splice(0)) c.kill();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// eslint-disable-next-line no-control-regex -- finding raw control characters is the point
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('the console under faults', () => {
  it('ends quietly when its output goes away (npm start | head -1)', async () => {
    const c = startConsole(await testDatabaseEnv(join(dir, 'pipe.db')));
    live.push(c);
    await c.waitFor(/^Ostrom console/m);
    c.child.stdout.destroy(); // the reader is gone, as when `head -1` exits
    c.send(Array.from({ length: 50 }, () => '/help'));
    const run = await c.end();
    expect(run.stderr).not.toMatch(/EPIPE|Error|\n\s+at /);
    expect(run.code).toBe(0);
  });

  it('never prints raw control characters, whatever was typed', async () => {
    const run = await runConsole(
      [
        '/as alice',
        '/task post Hello \x1b[31mred\x07 \u202eevil\x00',
        '/in #chan\x1b]0;owned\x07',
        '/react m1 \x1b[2J',
        '/as \x1b[1mbob',
      ],
      await testDatabaseEnv(join(dir, 'control.db')),
    );
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(RAW_CONTROL);
    expect(run.stdout).toContain('(alice reacts \\x1b[2J on m1)'); // shown, escaped
    expect(run.stdout).toContain('(now in #chan\\x1b]0;owned\\x07)');
  });

  it('acts as the named default member guest before /as, and the first name given is the admin', async () => {
    const env = await testDatabaseEnv(join(dir, 'guest.db'));
    const first = await runConsole(
      ['/task post Hello', '/task show 1', '/commons setup', '/as alice', '/commons setup'],
      env,
    );
    expect(first.stdout).toMatch(/^Ostrom console\. You are guest until you pick a name with \/as <name>/);
    expect(first.stdout).toMatch(/the first name you pick is the admin \(guest never is\)/);
    expect(first.stdout).toMatch(/\(you are guest, not an admin; pick a name with \/as <name>\)/);
    expect(first.stdout).toMatch(/Posted by: guest/);
    expect(first.stdout).toMatch(/\(only guest sees this\) Only a platform admin/);
    expect(first.stdout).toMatch(/\(you are now alice \(admin\)\)/);
    expect(first.stdout).toMatch(/Ostrom is set up/);

    const second = await runConsole(['/as bob'], env);
    expect(second.stdout).toMatch(/^Ostrom console\. You are guest .*; the admin is alice\./);
    expect(second.stdout).toMatch(/\(you are now bob\)/);
  });
});

/** A loopback port nobody listens on (it was free a moment ago). */
function deadPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const PASSWORD = 's3cret-pw';

/** `url` with a password; the test cluster's trust auth accepts and ignores it. */
function withPassword(url: string): string {
  const u = new URL(url);
  u.password = PASSWORD;
  return u.toString();
}

/** How Ostrom names a database in its messages: the URL without its password. */
function named(url: string): string {
  const u = new URL(url);
  return `postgres://${u.username}@${u.host}${u.pathname}`;
}

/**
 * PostgreSQL's start-up faults. SQLite's (a directory, a read-only file, a file that is not SQLite,
 * a newer Ostrom's file) are in startup.test.ts, which only the `sqlite` project runs: they are about
 * SQLite files.
 */
describe.runIf(testDialect === 'pg')('start-up on PostgreSQL', () => {
  const refusedRun = async (url: string) => {
    const run = await runConsole(['/as alice', '/task post never'], { DATABASE_URL: url });
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^Ostrom failed to start: /);
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
    return run;
  };

  it('a server that is not there: exit 1, naming the database without its password', async () => {
    const url = `postgres://ostrom:${PASSWORD}@127.0.0.1:${await deadPort()}/ostrom`;
    const run = await refusedRun(url);
    expect(run.stderr).toContain(`Cannot open the PostgreSQL database ${named(url)}: `);
    expect(run.stderr).toMatch(/ECONNREFUSED/);
    expect(run.stderr).toMatch(/Check DATABASE_URL/);
  });

  it('a database that does not exist on a running server: exit 1, naming it without the password', async () => {
    const url = new URL(withPassword((await testDatabaseEnv('')).DATABASE_URL!));
    url.pathname = '/no_such_database';
    const run = await refusedRun(url.toString());
    expect(run.stderr).toContain(`Cannot open the PostgreSQL database ${named(url.toString())}: `);
    expect(run.stderr).toContain('database "no_such_database" does not exist');
  });

  it('a database migrated by a newer Ostrom is refused, and nothing is changed', async () => {
    const url = withPassword((await testDatabaseEnv('')).DATABASE_URL!);
    expect((await runConsole(['/as alice', '/task post Kept'], { DATABASE_URL: url })).code).toBe(0);
    const db = testDb({ at: url });
    try {
      await db.query(
        'insert into "__drizzle_migrations" (hash, created_at) values (?, ?)',
        'f'.repeat(64),
        Date.UTC(2099, 0, 1),
      );
      const state = async () => ({
        tasks: await db.query('select number, title from tasks order by number'),
        audit: await db.query('select seq, hash from audit order by seq'),
        kv: await db.query('select key, value from kv order by key'),
        members: await db.query('select user_id from members order by id'),
      });
      const before = await state();
      const run = await refusedRun(url);
      expect(run.stderr).toContain(`The database ${named(url)} was migrated by a newer Ostrom`);
      expect(run.stderr).toContain(
        '1 migration(s) this build does not know (the newest from 2099-01-01T00:00:00.000Z)',
      );
      expect(run.stderr).toMatch(/Nothing was changed\./);
      expect(await state()).toEqual(before);
      expect(before.tasks).toEqual([{ number: 1, title: 'Kept' }]);
    } finally {
      await db.storage.close();
    }
  });

  it('a DATABASE_URL with a password: a whole run logging at debug never prints it', async () => {
    const url = withPassword((await testDatabaseEnv('')).DATABASE_URL!);
    const run = await runConsole(
      ['/as alice', '/task post Hello', '/task claim 1', '/clock +20d', '/commons audit', '/commons verify'],
      { DATABASE_URL: url, LOG_LEVEL: 'debug' },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Posted task #1: Hello/);
    expect(run.stdout).toMatch(/expired without a submission/);
    expect(run.stdout).toMatch(/Audit chain intact/);
    expect(run.stderr).toContain(named(url)); // the log names the database it opened
    expect(run.stdout + run.stderr).not.toContain(PASSWORD);
  });
});
