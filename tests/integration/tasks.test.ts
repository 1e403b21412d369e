import { describe, expect, it } from 'vitest';
import { makeCore } from '../helpers/core.js';

describe('tasks and claims', () => {
  it('numbers tasks per community and posts a card to the channel of the command', () => {
    const h = makeCore();
    const other = makeCore({ community: { platform: 'console', id: 'other' } });
    const a = h.ok('alice', '/task post First');
    h.ok('alice', '/task post Second');
    expect(a.reply?.text).toBe('Posted task #1: First');
    expect(a.effects).toMatchObject([{ type: 'post', channelId: 'general', cardKey: 'task:1' }]);
    expect(other.ok('zed', '/task post Elsewhere').reply?.text).toBe('Posted task #1: Elsewhere');
    expect(h.ok('alice', '/task list status:all').reply?.text).toMatch(/#1 First[\s\S]*#2 Second/);
  });

  it('lets co-claimants fill the slots and refuses one more', () => {
    const h = makeCore();
    h.ok('alice', '/task post Pair work slots:2');
    expect(h.ok('bob', '/task claim 1').reply?.text).toMatch(/bob claimed task #1 \(1\/2\)/);
    expect(h.ok('carol', '/task claim 1').reply?.text).toMatch(/\(2\/2\)/);
    const out = h.cmd('dave', '/task claim 1');
    expect(out.error?.code).toBe('task.full');
    expect(h.cmd('bob', '/task claim 1').error?.code).toBe('task.alreadyClaimed');
  });

  it('enforces claims.maxOpen and frees a slot on unclaim', () => {
    const h = makeCore();
    for (let i = 1; i <= 4; i++) h.ok('alice', `/task post Task ${i}`);
    for (let i = 1; i <= 3; i++) h.ok('bob', `/task claim ${i}`);
    const before = h.dump();
    expect(h.cmd('bob', '/task claim 4').error?.message).toMatch(/3 open claims.*\(3\)/);
    expect(h.dump()).toBe(before);
    h.ok('bob', '/task unclaim 1');
    h.ok('bob', '/task claim 4');
    expect(h.ok('bob', '/task list mine:yes').reply?.text).toMatch(/#2[\s\S]*#3[\s\S]*#4/);
  });

  it("refuses to unclaim someone else's claim and changes nothing", () => {
    const h = makeCore();
    h.ok('alice', '/task post X');
    h.ok('bob', '/task claim 1');
    const before = h.dump();
    expect(h.cmd('carol', '/task unclaim 1').error?.code).toBe('task.notClaimant');
    expect(h.dump()).toBe(before);
  });

  it('lets only the poster cancel, and only while unclaimed', () => {
    const h = makeCore();
    h.ok('alice', '/task post X');
    expect(h.cmd('bob', '/task cancel 1').error?.code).toBe('task.notPoster');
    h.ok('bob', '/task claim 1');
    expect(h.cmd('alice', '/task cancel 1').error?.code).toBe('task.hasClaims');
    h.ok('bob', '/task unclaim 1');
    expect(h.ok('alice', '/task cancel 1 reason:duplicate').reply?.text).toBe('Task #1 is cancelled.');
    expect(h.cmd('carol', '/task claim 1').error?.code).toBe('task.notOpen');
  });

  it('filters the list by skill and status', () => {
    const h = makeCore();
    h.ok('alice', '/task post Docs skills:docs');
    h.ok('alice', '/task post Code skills:rust,ci');
    h.ok('bob', '/task claim 2');
    const docs = h.ok('bob', '/task list skill:docs').reply?.text ?? '';
    expect(docs).toMatch(/#1 Docs/);
    expect(docs).not.toMatch(/#2/);
    expect(h.ok('bob', '/task list status:claimed').reply?.text).toMatch(
      /#2 Code — claimed · 1\/1 claimed · rust, ci/,
    );
  });

  it('uses the channels and license of setup, once setup ran', () => {
    const h = makeCore();
    expect(h.cmd('bob', '/commons setup').error?.code).toBe('setup.notAdmin');
    h.ok('alice', '/commons setup tasks:#work license:MIT review.approvals=1');
    const out = h.ok('bob', '/task post X', { channelId: 'random' });
    expect(out.effects[0]).toMatchObject({ type: 'post', channelId: 'work' });
    expect(h.ok('bob', '/task show 1').reply?.view?.fields).toContainEqual(
      expect.objectContaining({ name: 'License', value: 'MIT' }),
    );
    expect(h.cmd('alice', '/commons setup').error?.code).toBe('rule.onlyByProposal');
    expect(h.ok('bob', '/commons config').reply?.text).toMatch(/review\.approvals = 1 {2}\(setup/);
  });

  it('refuses a rule value out of bounds at setup, naming the range', () => {
    const h = makeCore();
    const before = h.dump();
    expect(h.cmd('alice', '/commons setup review.approvals=0').error?.message).toMatch(/from 1 to 50/);
    expect(h.cmd('alice', '/commons setup bogus.key=1').error?.message).toMatch(/Unknown rule `bogus.key`/);
    expect(h.dump()).toBe(before);
  });
});
