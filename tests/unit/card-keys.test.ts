/** Card keys and vote target keys: stored text, made once per card and kept while few are in use. */
import { describe, expect, it } from 'vitest';
import {
  cardKey,
  KEPT,
  keptCardKeys,
  parseCardKey,
  proposalCardKey,
  submissionCardKey,
  taskCardKey,
} from '../../src/core/shared/card-keys.js';
import { targetKey } from '../../src/core/votes/types.js';

describe('card keys', () => {
  it('are the stored text for every kind, the same as the vote target keys', () => {
    expect(taskCardKey(7)).toBe('task:7');
    expect(submissionCardKey(12)).toBe('submission:12');
    expect(proposalCardKey(3)).toBe('proposal:3');
    expect(targetKey({ type: 'submission', id: 12 })).toBe('submission:12');
    expect(targetKey({ type: 'proposal', id: 3 })).toBe('proposal:3');
    expect(parseCardKey(submissionCardKey(12))).toEqual({ kind: 'submission', id: 12 });
  });

  it('stay right for every card while the kept keys are cleared and made again', () => {
    // More cards than are kept at once, twice over, in an order that revisits earlier ones.
    for (let round = 0; round < 2; round++)
      for (let n = 1; n <= 10_000; n += round === 0 ? 1 : 7) {
        expect(cardKey('task', n)).toBe(`task:${n}`);
        expect(cardKey('submission', n)).toBe(`submission:${n}`);
        expect(targetKey({ type: 'proposal', id: n })).toBe(`proposal:${n}`);
      }
    // Bounded: each kind keeps at most KEPT keys, however many cards were seen.
    expect(keptCardKeys()).toBeGreaterThan(0);
    expect(keptCardKeys()).toBeLessThanOrEqual(3 * KEPT);
    // Kinds do not mix: one number, three keys.
    expect(new Set([cardKey('task', 5), cardKey('submission', 5), cardKey('proposal', 5)]).size).toBe(3);
  });
});
