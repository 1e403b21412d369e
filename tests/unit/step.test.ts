/** src/db/step.ts: a step runs synchronously until it must wait, then resumes with what it awaited. */
import { describe, expect, it } from 'vitest';
import { run, wait, type Step } from '../../src/db/step.js';

/** A step that calls another (of nothing to sum) and never waits. */
function* twice(n: number): Step<number> {
  return n * 2 + (yield* sumOf([]));
}

function* sumOf(values: (number | Promise<number>)[]): Step<number> {
  let sum = 0;
  for (const v of values) sum += typeof v === 'number' ? (yield* twice(v)) / 2 : yield* wait(v);
  return sum;
}

describe('run', () => {
  it('gives the value itself when the step never waits', () => {
    expect(run(sumOf([1, 2, 3]))).toBe(6);
  });

  it('gives a promise once the step waits, and hands each awaited value back to it', async () => {
    const r = run(sumOf([1, Promise.resolve(2), 3, Promise.resolve(4)]));
    expect(r).toBeInstanceOf(Promise);
    await expect(r).resolves.toBe(10);
  });

  it('throws a rejection into the step, where its own try/catch sees it', async () => {
    function* guarded(): Step<string> {
      try {
        yield* wait(Promise.reject(new Error('the disk is full')));
        return 'went on';
      } catch (e) {
        return `caught: ${(e as Error).message}`;
      }
    }
    await expect(run(guarded())).resolves.toBe('caught: the disk is full');
    await expect(run(sumOf([1, Promise.reject(new Error('gone'))]))).rejects.toThrow('gone');
  });

  it('throws at once what a step throws before it waits; after, its promise rejects', async () => {
    function* failing(wait1: boolean): Step<void> {
      if (wait1) yield* wait(Promise.resolve());
      throw new Error('bad row');
    }
    expect(() => run(failing(false))).toThrow('bad row');
    await expect(run(failing(true))).rejects.toThrow('bad row');
  });
});
