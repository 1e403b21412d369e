import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/core/index.js';
import { makeCore } from '../helpers/core.js';

/** Runs a line as a member; returns the coded error, from the grammar or from the core. */
function errorCode(h: ReturnType<typeof makeCore>, user: string, line: string): string | undefined {
  try {
    return h.cmd(user, line).error?.code;
  } catch (e) {
    if (e instanceof UserError) return e.code;
    throw e;
  }
}

describe('bad input gets a clear error and changes nothing', () => {
  const h = makeCore();
  h.ok('alice', '/task post One');
  h.ok('alice', '/task post Two');
  h.ok('alice', '/task post Three');
  h.ok('alice', '/task post Four');
  for (const n of [1, 2, 3]) h.ok('bob', `/task claim ${n}`);

  it.each([
    ['carol', '/frobnicate', 'command.unknown'],
    ['carol', '/task post Hi colour:red', 'option.unknown'],
    ['carol', '/task claim abc', 'option.invalid'],
    ['carol', '/task claim 999', 'task.notFound'],
    ['carol', `/task post ${'x'.repeat(10_000)}`, 'option.invalid'],
    ['bob', '/task claim 4', 'claims.maxOpen'],
    ['carol', '/task unclaim 1', 'task.notClaimant'],
    ['carol', '/task submit 1', 'task.notClaimant'],
    ['carol', '/review 1 approve', 'review.noSubmission'],
    ['carol', '/task cancel 4', 'task.notPoster'],
    ['carol', '/commons ledger nobody', 'member.notFound'],
    ['carol', '/task submit 1 link:ftp://x', 'option.invalid'],
  ])('%s: %s → %s', (user, line, code) => {
    const before = h.dump();
    expect(errorCode(h, user, line)).toBe(code);
    expect(h.dump()).toBe(before);
  });

  it('a first command that fails does not even create the member or community', () => {
    const fresh = makeCore();
    const before = fresh.counts();
    expect(fresh.cmd('zoe', '/task claim 1').error?.code).toBe('task.notFound');
    expect(fresh.counts()).toEqual(before);
    expect(before.members).toBe(0);
  });
});
