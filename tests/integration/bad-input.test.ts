import { describe, expect, it } from 'vitest';
import { makeCore } from '../helpers/core.js';

/** Runs a line as a member; returns the coded error, from the grammar or from a rule: one value. */
async function errorCode(
  h: ReturnType<typeof makeCore>,
  user: string,
  line: string,
): Promise<string | undefined> {
  const out = await h.cmd(user, line);
  expect(out.reply).toEqual({ private: true, text: out.error?.message });
  return out.error?.code;
}

describe('bad input gets a clear error and changes nothing', async () => {
  const h = makeCore();
  await h.ok('alice', '/task post One');
  await h.ok('alice', '/task post Two');
  await h.ok('alice', '/task post Three');
  await h.ok('alice', '/task post Four');
  for (const n of [1, 2, 3]) await h.ok('bob', `/task claim ${n}`);

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
  ])('%s: %s → %s', async (user, line, code) => {
    const before = await h.dump();
    expect(await errorCode(h, user, line)).toBe(code);
    expect(await h.dump()).toBe(before);
  });

  it('a first command that fails does not even create the member or community', async () => {
    const fresh = makeCore();
    const before = await fresh.counts();
    expect((await fresh.cmd('zoe', '/task claim 1')).error?.code).toBe('task.notFound');
    expect(await fresh.counts()).toEqual(before);
    expect(before.members).toBe(0);
  });
});
