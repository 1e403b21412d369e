import { describe, expect, it } from 'vitest';
import { ConsoleClock } from '../../adapters/console/clock.js';
import { settingsStore } from '../../src/db/kv.js';
import { testDb } from '../helpers/test-db.js';

describe('the console clock', () => {
  it('two consoles on one database both see every step either takes', async () => {
    const settings = settingsStore(testDb().storage);
    const base = () => 1_000;
    const one = new ConsoleClock(settings, base);
    const two = new ConsoleClock(settings, base);
    await one.advance(3_600_000);
    await two.advance(60_000);
    // A step returns the shared sum; the other console reads it when it syncs (before each line it runs).
    expect(two.now()).toBe(1_000 + 3_660_000);
    await one.sync();
    expect(one.now()).toBe(1_000 + 3_660_000);
  });

  it('starts from the offset a console stored before', async () => {
    const settings = settingsStore(testDb().storage);
    await new ConsoleClock(settings, () => 0).advance(90_000);
    const later = new ConsoleClock(settings, () => 0);
    await later.sync();
    expect(later.now()).toBe(90_000);
  });
});
