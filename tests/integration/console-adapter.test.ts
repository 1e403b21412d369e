import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConsoleAdapter } from '../../adapters/console/console-adapter.js';
import { ConsoleClock } from '../../adapters/console/clock.js';
import { Governance } from '../../src/core/index.js';
import { settingsStore, type Settings } from '../../src/db/kv.js';
import { T0 } from '../helpers/core.js';
import { testDb } from '../helpers/test-db.js';

/** A console on `core` fed `lines`; resolves with what it printed. */
async function consoleRun(
  core: Governance,
  settings: Settings,
  clock: ConsoleClock,
  lines: string[],
): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (d: Buffer) => (printed += d.toString()));
  const adapter = new ConsoleAdapter({ core, settings, clock, input, output, runDue: async () => 0 });
  await adapter.start();
  input.end(lines.join('\n') + '\n');
  await adapter.finished();
  return printed;
}

describe('two consoles on one database', () => {
  it('commands typed in both at the same instant are both carried out, never taken for repeats', async () => {
    const { storage } = testDb();
    const settings = settingsStore(storage);
    const clock = new ConsoleClock(settings, () => T0); // the same instant for both
    // One storage for both: their commands interleave as two processes' would (on SQLite one queue of
    // units; on PostgreSQL a pool, units side by side).
    const one = new Governance(storage, clock);
    const two = new Governance(storage, clock);
    const [a, b] = await Promise.all([
      consoleRun(one, settings, clock, ['/as alice', '/task post From one']),
      consoleRun(two, settings, clock, ['/as bob', '/task post From two']),
    ]);
    expect(a + b).toMatch(/Posted task #\d: From one/);
    expect(a + b).toMatch(/Posted task #\d: From two/);
  });

  it('says so when a line is not a command, or a /react names no message', async () => {
    const { storage } = testDb();
    const settings = settingsStore(storage);
    const clock = new ConsoleClock(settings, () => T0);
    const core = new Governance(storage, clock);
    const printed = await consoleRun(core, settings, clock, [
      '/as alice',
      'hello there',
      '/task post Hello',
      '/react m999 ✅',
    ]);
    expect(printed).toContain('Commands start with / (this console has no chat). Try /help.');
    expect(printed).not.toContain('Unknown command `/hello`');
    expect(printed).toMatch(/There is no message m999 \(the latest is m\d+\)\./);
    expect(printed).not.toContain('(alice reacts ✅ on m999)');
  });
});
