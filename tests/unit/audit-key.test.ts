import { describe, expect, it } from 'vitest';
import { chainKey, chainKeys, SEQ_SPAN } from '../../src/db/audit-key.js';

describe('the audit key (community × 2^32 + seq)', () => {
  it('orders each community’s events in one run of keys, after every key of the communities before it', () => {
    expect(chainKey(1, 1)).toBe(SEQ_SPAN + 1);
    expect(chainKey(1, SEQ_SPAN - 1)).toBeLessThan(chainKey(2, 0));
    expect(chainKeys(3)).toEqual({ from: 3 * SEQ_SPAN + 1, to: 4 * SEQ_SPAN - 1 });
    expect(chainKeys(3, 10, 20)).toEqual({ from: 3 * SEQ_SPAN + 11, to: 3 * SEQ_SPAN + 20 });
  });

  it('stays an exact JavaScript number, and says so when a community or seq is out of its range', () => {
    expect(Number.isSafeInteger(chainKey(2 ** 21 - 1, SEQ_SPAN - 1))).toBe(true);
    expect(() => chainKey(2 ** 21, 1)).toThrow(/community id 2097152 is outside the audit key's range/);
    expect(() => chainKey(1, SEQ_SPAN)).toThrow(/audit seq 4294967296 of community 1/);
    expect(() => chainKey(1, -1)).toThrow(/outside/);
    expect(() => chainKey(1.5, 1)).toThrow(/outside/);
  });
});
