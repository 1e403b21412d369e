import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { refOf, runConsole } from '../helpers/console-process.js';
import { testDatabaseEnv, testDb } from '../helpers/test-db.js';

const dir = mkdtempSync(join(tmpdir(), 'ostrom-console-'));
// One database for the whole file: later runs continue on what earlier ones left (SQLite or PostgreSQL).
const env = await testDatabaseEnv(join(dir, 'ostrom.db'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the console through a pipe', () => {
  it('runs the whole task lifecycle, and a second run continues on the same database', async () => {
    const first = await runConsole(
      [
        '/as alice',
        '/task post Write the contributor guide skills:docs',
        '/as bob',
        '/task claim 1',
        '/task submit 1 link:https://example.org/pr/1',
      ],
      env,
    );
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/Posted task #1: Write the contributor guide/);
    expect(first.stdout).toMatch(/bob claimed task #1 \(1\/1\)/);
    const card = refOf(first.stdout, /Review · Task #1/);

    const second = await runConsole(
      [
        `/as bob`,
        `/react ${card} ✅`,
        '/as carol',
        `/react ${card} ✅`,
        '/as dave',
        `/react ${card} 👍`,
        '/commons ledger',
      ],
      env,
    );
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/Approvals: 1 of 2: carol \|/); // bob's own ✅ did not count
    expect(second.stdout).toMatch(
      /Task #1 "Write the contributor guide" accepted\. Contributors: bob\. Reviewers: carol, dave\./,
    );
    expect(second.stdout).toMatch(
      /#1 Write the contributor guide — by bob; reviewed by carol, dave; CC-BY-SA-4\.0/,
    );

    const third = await runConsole(['/as alice', '/task show 1'], env);
    expect(third.stdout).toMatch(/Status: done ✅/);
    expect(third.stderr).toBe('');

    // It was this project's database the runs wrote (PostgreSQL in the `pg` project), not a default file.
    const db = testDb({ at: env.DATABASE_URL ?? env.DATABASE_PATH });
    try {
      expect(await db.query('select number, title, status from tasks')).toEqual([
        { number: 1, title: 'Write the contributor guide', status: 'done' },
      ]);
    } finally {
      await db.storage.close();
    }
  });

  it('answers bad input with a clear private error and exits cleanly at /quit', async () => {
    const run = await runConsole(
      ['/as erin', '/task claim abc', '/task claim 999', '/nope', '/quit', '/task post never'],
      env,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /\(only erin sees this\) Invalid `task` for `\/task claim`: must be a whole number/,
    );
    expect(run.stdout).toMatch(/There is no task #999\./);
    expect(run.stdout).toMatch(/Unknown command `\/nope`/);
    expect(run.stdout).not.toMatch(/never/);
  });

  it('moves its clock with /clock and runs what fell due once', async () => {
    const run = await runConsole(
      ['/as frank', '/task post Later', '/task claim 2', '/clock +13d', '/clock +2d', '/clock +2d'],
      env,
    );
    expect(run.stdout.match(/Reminder: your claim on task #2/g)).toHaveLength(1);
    expect(run.stdout.match(/expired without a submission/g)).toHaveLength(1);
  });
});
