import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { refOf, runConsole } from '../helpers/console-process.js';
import { testDatabaseEnv } from '../helpers/test-db.js';

const dir = mkdtempSync(join(tmpdir(), 'ostrom-console-p-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('proposals in the console', () => {
  it('a lazy proposal lowering the review bar passes, and the next submission needs one approval', async () => {
    const env = await testDatabaseEnv(join(dir, 'lazy.db'));
    const run = await runConsole(
      [
        '/as alice',
        '/commons setup',
        '/propose Lower the review bar change:review.approvals=1 rule:lazy hours:24',
        '/clock +25h',
        '/task post Fix the typo',
        '/as bob',
        '/task claim 1',
        '/task submit 1',
        '/as carol',
        '/review 1 approve',
      ],
      env,
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/↳ thread of m\d+ · ✅ P1 "Lower the review bar" passed/);
    expect(run.stdout).toMatch(/review\.approvals changed: 2 → 1/);
    expect(run.stdout).toMatch(/Task #1 "Fix the typo" accepted\. Contributors: bob\. Reviewers: carol\./);
  });

  it('a consent proposal with one ❌ is rejected at its deadline, naming the objection', async () => {
    const env = await testDatabaseEnv(join(dir, 'consent.db'));
    const first = await runConsole(
      ['/as alice', '/propose Adopt a code of conduct rule:consent hours:48'],
      env,
    );
    const card = refOf(first.stdout, /P1 · Adopt a code of conduct/);
    const second = await runConsole(
      [
        '/as bob',
        `/react ${card} ✅`,
        '/as carol',
        `/react ${card} ❌`,
        '/as dave',
        `/vote P1 yes`,
        '/clock +49h',
      ],
      env,
    );
    expect(second.stdout).toMatch(/P1 "Adopt a code of conduct" was rejected: objection by carol/);
    // A restart after the close posts nothing more.
    const third = await runConsole(['/as alice', '/proposal show P1'], env);
    expect(third.stdout).not.toMatch(/thread of/);
    expect(third.stdout).toMatch(/rejected/);
  });
});
