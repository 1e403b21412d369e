import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConsoleAdapter } from '../../adapters/console/console-adapter.js';
import { ConsoleClock } from '../../adapters/console/clock.js';
import { Governance } from '../../src/core/index.js';
import { openDatabase } from '../../src/db/client.js';
import { settingsStore } from '../../src/db/kv.js';
import { T0 } from '../helpers/core.js';

/** A console on `core` fed `lines`; resolves with what it printed. */
async function consoleRun(core: Governance, clock: ConsoleClock, lines: string[]): Promise<string> {
  const input = new PassThrough();
  const output = new PassThrough();
  let printed = '';
  output.on('data', (d: Buffer) => (printed += d.toString()));
  const adapter = new ConsoleAdapter({ core, clock, input, output, runDue: async () => 0 });
  await adapter.start();
  input.end(lines.join('\n') + '\n');
  await adapter.finished();
  return printed;
}

describe('two consoles on one database', () => {
  it('commands typed in both at the same instant are both carried out, never taken for repeats', async () => {
    const db = openDatabase(':memory:');
    const clock = new ConsoleClock(settingsStore(db), () => T0); // the same instant for both
    const one = new Governance(db, clock);
    const two = new Governance(db, clock);
    const [a, b] = await Promise.all([
      consoleRun(one, clock, ['/as alice', '/task post From one']),
      consoleRun(two, clock, ['/as bob', '/task post From two']),
    ]);
    expect(a + b).toMatch(/Posted task #\d: From one/);
    expect(a + b).toMatch(/Posted task #\d: From two/);
  });
});
