import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runConsole, startConsole, type LiveConsole } from '../helpers/console-process.js';

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
    const c = startConsole({ DATABASE_PATH: join(dir, 'pipe.db') });
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
      { DATABASE_PATH: join(dir, 'control.db') },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).not.toMatch(RAW_CONTROL);
    expect(run.stdout).toContain('(alice reacts \\x1b[2J on m1)'); // shown, escaped
    expect(run.stdout).toContain('(now in #chan\\x1b]0;owned\\x07)');
  });

  it('acts as the named default member guest before /as, and the first name given is the admin', async () => {
    const env = { DATABASE_PATH: join(dir, 'guest.db') };
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
