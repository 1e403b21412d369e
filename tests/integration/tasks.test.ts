import { describe, expect, it } from 'vitest';
import { makeCore } from '../helpers/core.js';

describe('tasks and claims', () => {
  it('numbers tasks per community and posts a card to the channel of the command', async () => {
    const h = makeCore();
    const other = makeCore({ community: { platform: 'console', id: 'other' } });
    const a = await h.ok('alice', '/task post First');
    await h.ok('alice', '/task post Second');
    expect(a.reply?.text).toBe('Posted task #1: First');
    expect(a.effects).toMatchObject([{ type: 'post', channelId: 'general', cardKey: 'task:1' }]);
    expect((await other.ok('zed', '/task post Elsewhere')).reply?.text).toBe('Posted task #1: Elsewhere');
    expect((await h.ok('alice', '/task list status:all')).reply?.text).toMatch(/#1 First[\s\S]*#2 Second/);
  });

  it('lets co-claimants fill the slots and refuses one more', async () => {
    const h = makeCore();
    await h.ok('alice', '/task post Pair work slots:2');
    expect((await h.ok('bob', '/task claim 1')).reply?.text).toMatch(/bob claimed task #1 \(1\/2\)/);
    expect((await h.ok('carol', '/task claim 1')).reply?.text).toMatch(/\(2\/2\)/);
    const out = await h.cmd('dave', '/task claim 1');
    expect(out.error?.code).toBe('task.full');
    expect((await h.cmd('bob', '/task claim 1')).error?.code).toBe('task.alreadyClaimed');
  });

  it('enforces claims.maxOpen and frees a slot on unclaim', async () => {
    const h = makeCore();
    for (let i = 1; i <= 4; i++) await h.ok('alice', `/task post Task ${i}`);
    for (let i = 1; i <= 3; i++) await h.ok('bob', `/task claim ${i}`);
    const before = await h.dump();
    expect((await h.cmd('bob', '/task claim 4')).error?.message).toMatch(/3 open claims.*\(3\)/);
    expect(await h.dump()).toBe(before);
    await h.ok('bob', '/task unclaim 1');
    await h.ok('bob', '/task claim 4');
    expect((await h.ok('bob', '/task list mine:yes')).reply?.text).toMatch(/#2[\s\S]*#3[\s\S]*#4/);
  });

  it("refuses to unclaim someone else's claim and changes nothing", async () => {
    const h = makeCore();
    await h.ok('alice', '/task post X');
    await h.ok('bob', '/task claim 1');
    const before = await h.dump();
    expect((await h.cmd('carol', '/task unclaim 1')).error?.code).toBe('task.notClaimant');
    expect(await h.dump()).toBe(before);
  });

  it('lets only the poster cancel, and only while unclaimed', async () => {
    const h = makeCore();
    await h.ok('alice', '/task post X');
    expect((await h.cmd('bob', '/task cancel 1')).error?.code).toBe('task.notPoster');
    await h.ok('bob', '/task claim 1');
    expect((await h.cmd('alice', '/task cancel 1')).error?.code).toBe('task.hasClaims');
    await h.ok('bob', '/task unclaim 1');
    expect((await h.ok('alice', '/task cancel 1 reason:duplicate')).reply?.text).toBe(
      'Task #1 is cancelled.',
    );
    expect((await h.cmd('carol', '/task claim 1')).error?.code).toBe('task.notOpen');
  });

  it('filters the list by skill and status', async () => {
    const h = makeCore();
    await h.ok('alice', '/task post Docs skills:docs');
    await h.ok('alice', '/task post Code skills:rust,ci');
    await h.ok('bob', '/task claim 2');
    const docs = (await h.ok('bob', '/task list skill:docs')).reply?.text ?? '';
    expect(docs).toMatch(/#1 Docs/);
    expect(docs).not.toMatch(/#2/);
    expect((await h.ok('bob', '/task list status:claimed')).reply?.text).toMatch(
      /#2 Code — claimed · 1\/1 claimed · rust, ci/,
    );
  });

  it('uses the channels and license of setup, once setup ran', async () => {
    const h = makeCore();
    expect((await h.cmd('bob', '/commons setup')).error?.code).toBe('setup.notAdmin');
    await h.ok('alice', '/commons setup tasks:#work license:MIT review.approvals=1');
    const out = await h.ok('bob', '/task post X', { channelId: 'random' });
    expect(out.effects[0]).toMatchObject({ type: 'post', channelId: 'work' });
    expect((await h.ok('bob', '/task show 1')).reply?.view?.fields).toContainEqual(
      expect.objectContaining({ name: 'License', value: 'MIT' }),
    );
    expect((await h.cmd('alice', '/commons setup')).error?.code).toBe('rule.onlyByProposal');
    expect((await h.ok('bob', '/commons config')).reply?.text).toMatch(/review\.approvals = 1 {2}\(setup/);
  });

  it('refuses a rule value out of bounds at setup, naming the range', async () => {
    const h = makeCore();
    const before = await h.dump();
    expect((await h.cmd('alice', '/commons setup review.approvals=0')).error?.message).toMatch(
      /from 1 to 50/,
    );
    expect((await h.cmd('alice', '/commons setup bogus.key=1')).error?.message).toMatch(
      /Unknown rule `bogus.key`/,
    );
    expect(await h.dump()).toBe(before);
  });
});
