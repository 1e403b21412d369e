/**
 * The bench measures Ostrom as `npm start` runs it: the same Node options (tsx as the loader, and the
 * young generation's size, which decides how often a burst's pending events are copied by the
 * garbage collector), and the tests' spawned processes use them too.
 */
import { describe, expect, it } from 'vitest';
import { nodeOptionsOf, ostromCommand } from '../helpers/console-process.js';

describe('Node options', () => {
  it('are the same for npm start, the bench and the processes the tests start', () => {
    const start = nodeOptionsOf('start');
    expect(start).toEqual(expect.arrayContaining(['--import', 'tsx']));
    expect(start.some((o) => o.startsWith('--max-semi-space-size='))).toBe(true);
    expect(nodeOptionsOf('bench')).toEqual(start);
    expect(ostromCommand()).toEqual([process.execPath, [...start, 'src/main.ts']]);
  });
});
