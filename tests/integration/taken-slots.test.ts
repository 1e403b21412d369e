/**
 * `tasks.taken` (the claims holding a task, kept by the claim code instead of counted per query, issue
 * 12) equals the count of active and done claims after every way a claim begins or ends, and the open
 * list and the digest follow it.
 */
import { describe, expect, it } from 'vitest';
import { makeCore, type Harness } from '../helpers/core.js';

/** Tasks whose `taken` differs from their claims: none, whatever happened. */
async function drift(h: Harness) {
  return h.query(
    `select t.number, t.taken, (select count(*) from claims c where c.task_id = t.id and c.status in ('active', 'done')) as counted
       from tasks t
      where t.taken <> (select count(*) from claims c where c.task_id = t.id and c.status in ('active', 'done'))`,
  );
}

const listed = async (h: Harness) => (await h.ok('alice', '/task list')).reply?.text ?? '';

describe('tasks.taken', () => {
  it('follows claims, co-claims, unclaims, expiry, withdrawal and acceptance', async () => {
    const h = makeCore();
    await h.ok('alice', '/task post Write the guide slots:2');
    await h.ok('alice', '/task post Fix the footer');
    await h.ok('bob', '/task claim 1');
    await h.ok('carol', '/task claim 1');
    expect(await drift(h)).toEqual([]);
    expect(await listed(h)).not.toMatch(/#1 /); // both slots taken: not open to claim
    await h.ok('carol', '/task unclaim 1');
    expect(await drift(h)).toEqual([]);
    expect(await listed(h)).toMatch(/#1 /);

    // Submitted, then withdrawn by the last claimant's unclaim: the task reopens with a free slot.
    await h.ok('dave', '/task claim 2');
    await h.ok('dave', '/task submit 2 link:https://example.org/pr/2');
    await h.ok('dave', '/task unclaim 2');
    expect(await drift(h)).toEqual([]);
    expect(await listed(h)).toMatch(/#2 /);

    // Accepted: the claim is done and still holds its slot.
    await h.ok('erin', '/task claim 2');
    await h.ok('erin', '/task submit 2 link:https://example.org/pr/2b');
    await h.react('carol', 'submission:2', '✅');
    await h.react('frank', 'submission:2', '✅');
    expect((await h.one<{ status: string }>('select status from tasks where number = 2'))!.status).toBe(
      'done',
    );
    expect(await drift(h)).toEqual([]);

    // Expired: bob's claim on task 1 ends by the clock.
    await h.advance(h.days(20));
    expect((await h.one<{ status: string }>('select status from claims where id = 1'))!.status).toBe(
      'expired',
    );
    expect(await drift(h)).toEqual([]);
    expect((await h.one<{ taken: number }>('select taken from tasks where number = 1'))!.taken).toBe(0);
  });
});
