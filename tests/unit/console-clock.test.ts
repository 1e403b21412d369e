import { describe, expect, it } from 'vitest';
import { ConsoleClock } from '../../adapters/console/clock.js';
import { openDatabase } from '../../src/db/client.js';
import { settingsStore } from '../../src/db/kv.js';

describe('the console clock', () => {
  it('two consoles on one database both see every step either takes', () => {
    const settings = settingsStore(openDatabase(':memory:'));
    const base = () => 1_000;
    const one = new ConsoleClock(settings, base);
    const two = new ConsoleClock(settings, base);
    one.advance(3_600_000);
    two.advance(60_000);
    expect(one.now()).toBe(1_000 + 3_660_000);
    expect(two.now()).toBe(1_000 + 3_660_000);
  });
});
