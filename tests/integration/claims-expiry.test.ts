import { describe, expect, it } from 'vitest';
import { makeCore } from '../helpers/core.js';

describe('claim expiry on the injected clock', () => {
  it('reminds two days before and expires after claims.expiryDays, each once', async () => {
    const h = makeCore();
    await h.ok('alice', '/task post X');
    await h.ok('bob', '/task claim 1');
    expect(h.texts(await h.advance(h.days(11)))).toEqual([]);
    const reminder = h.texts(await h.advance(h.days(1)));
    expect(reminder).toEqual([
      expect.stringMatching(/^Reminder: your claim on task #1 "X" expires in 2 days/),
    ]);
    expect(h.texts(await h.advance(h.days(1)))).toEqual([]);
    const expiry = h.texts(await h.advance(h.days(1)));
    expect(expiry).toEqual([expect.stringMatching(/expired without a submission; the slot is free/)]);
    expect(await h.core.runDue()).toEqual([]);
    expect((await h.ok('carol', '/task claim 1')).reply?.text).toMatch(/carol claimed task #1/);
  });

  it('after a jump past both, the expiry runs once and the stale reminder says nothing', async () => {
    const h = makeCore();
    await h.ok('alice', '/task post X');
    await h.ok('bob', '/task claim 1');
    const texts = h.texts(await h.advance(h.days(30)));
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(/expired/);
    expect((await h.counts()).deadlines).toBe(2);
  });

  it('a submission stops the expiry; an unclaim cancels it', async () => {
    const h = makeCore();
    await h.ok('alice', '/task post X');
    await h.ok('alice', '/task post Y');
    await h.ok('bob', '/task claim 1');
    await h.ok('carol', '/task claim 2');
    await h.ok('bob', '/task submit 1');
    await h.ok('carol', '/task unclaim 2');
    expect(h.texts(await h.advance(h.days(20)))).toEqual([]);
  });

  it('follows claims.expiryDays set at setup', async () => {
    const h = makeCore();
    await h.ok('alice', '/commons setup claims.expiryDays=3');
    await h.ok('alice', '/task post X');
    await h.ok('bob', '/task claim 1');
    expect(h.texts(await h.advance(h.days(1) + 1))).toEqual([expect.stringMatching(/expires in 2 days/)]);
    expect(h.texts(await h.advance(h.days(2)))).toEqual([expect.stringMatching(/expired/)]);
  });
});
