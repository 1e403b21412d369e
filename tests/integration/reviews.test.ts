import { describe, expect, it } from 'vitest';
import { makeCore, submittedTask } from '../helpers/core.js';

const SUB = 'submission:1';

function ledgerRows(h: ReturnType<typeof makeCore>) {
  return h.query<{ contributors: string; reviewers: string; link: string; license: string }>(
    'select contributors, reviewers, link, license from ledger order by id',
  );
}

describe('peer review by emoji', () => {
  it("a claimant's own approval is not counted; two peers accept the work into the ledger", async () => {
    const h = makeCore();
    await submittedTask(h);
    await h.react('bob', SUB, '✅');
    await h.react('carol', SUB, '✅');
    expect(await ledgerRows(h)).toHaveLength(0);
    const out = await h.react('dave', SUB, '👍');
    expect(h.texts([out])[0]).toMatch(
      /Task #1 "Write the guide" accepted\. Contributors: bob\. Reviewers: carol, dave\./,
    );
    const [row] = await ledgerRows(h);
    expect(JSON.parse(row!.contributors).map((p: { name: string }) => p.name)).toEqual(['bob']);
    expect(JSON.parse(row!.reviewers).map((p: { name: string }) => p.name)).toEqual(['carol', 'dave']);
    expect(row).toMatchObject({ link: 'https://example.org/pr/1', license: 'CC-BY-SA-4.0' });
    expect((await h.ok('alice', '/task show 1')).reply?.view?.fields[0]).toMatchObject({ value: 'done ✅' });
  });

  it("a member's vote is their latest voting reaction still on the message", async () => {
    const h = makeCore();
    await submittedTask(h);
    await h.react('carol', SUB, '✅');
    await h.react('carol', SUB, '❌'); // now an objection
    const card = async () => (await h.ok('alice', '/task show 1')).reply?.view?.fields.at(-1)?.value;
    expect(await card()).toMatch(/approvals 0\/2 \(none\) · objections 1 \(carol\)/);
    await h.unreact('carol', SUB, '❌'); // falls back to the ✅ still there
    expect(await card()).toMatch(/approvals 1\/2 \(carol\) · objections 0/);
    await h.unreact('carol', SUB, '✅'); // no vote
    expect(await card()).toMatch(/approvals 0\/2 \(none\)/);
    await h.react('carol', SUB, '✅'); // re-added counts again
    expect(await card()).toMatch(/approvals 1\/2 \(carol\)/);
  });

  it('an objection blocks acceptance while review.objectionsBlock is on, until it is withdrawn', async () => {
    const h = makeCore();
    await submittedTask(h);
    await h.react('erin', SUB, '👎');
    await h.react('carol', SUB, '✅');
    await h.react('dave', SUB, '✅');
    expect(await ledgerRows(h)).toHaveLength(0);
    const out = await h.unreact('erin', SUB, '👎');
    expect(h.texts([out])[0]).toMatch(/accepted/);
    expect(await ledgerRows(h)).toHaveLength(1);
  });

  it('with review.objectionsBlock off, approvals accept despite an objection', async () => {
    const h = makeCore();
    await h.ok('alice', '/commons setup review.objectionsBlock=false');
    await submittedTask(h);
    await h.react('erin', SUB, '❌');
    await h.react('carol', SUB, '✅');
    await h.react('dave', SUB, '✅');
    expect(await ledgerRows(h)).toHaveLength(1);
  });

  it('/review and a reaction are the same vote', async () => {
    const h = makeCore();
    await submittedTask(h);
    await h.react('carol', SUB, '✅');
    await h.ok('carol', '/review 1 approve');
    expect(await ledgerRows(h)).toHaveLength(0); // still one approver
    expect((await h.cmd('bob', '/review 1 approve')).error?.code).toBe('review.ownTask');
    await h.ok('dave', '/review 1 approve reason:"looks good"');
    expect(await ledgerRows(h)).toHaveLength(1);
    expect((await h.cmd('erin', '/review 1 object')).error?.code).toBe('review.final');
  });

  it('reactions from bots and from members not yet eligible do not count', async () => {
    const h = makeCore();
    await h.ok('alice', '/commons setup votes.minMemberDays=7');
    const old = h.clock.t - h.days(30);
    await submittedTask(h);
    await h.react('robot', SUB, '✅', true, { isBot: true });
    await h.react('newbie', SUB, '✅', true, { joinedAt: h.clock.t - h.days(1) });
    await h.react('carol', SUB, '✅', true, { joinedAt: old });
    expect(await ledgerRows(h)).toHaveLength(0);
    expect((await h.counts()).members).toBe(4); // alice, bob, newbie, carol — never the bot
    await h.react('dave', SUB, '✅', true, { joinedAt: old });
    expect(await ledgerRows(h)).toHaveLength(1);
    expect(JSON.parse((await ledgerRows(h))[0]!.reviewers).map((p: { name: string }) => p.name)).toEqual([
      'carol',
      'dave',
    ]);
  });

  it('a repeated platform event never counts twice', async () => {
    const h = makeCore();
    await submittedTask(h);
    await h.react('carol', SUB, '✅');
    const before = await h.dump();
    await h.react('carol', SUB, '✅'); // the same reaction again
    expect(await h.dump()).toBe(before);
    await h.ok('alice', '/task post Y', { eventId: 'evt-1' });
    const again = await h.cmd('alice', '/task post Y', { eventId: 'evt-1' });
    expect(again.duplicate).toBe(true);
    expect((await h.counts()).tasks).toBe(2);
  });

  it('a new submission supersedes the open one, whose card stops taking votes', async () => {
    const h = makeCore();
    await submittedTask(h);
    await h.react('carol', SUB, '❌');
    await h.ok('bob', '/task submit 1 link:https://example.org/pr/2');
    await h.react('carol', SUB, '✅'); // on the superseded card: ignored
    await h.react('dave', 'submission:2', '✅');
    await h.react('erin', 'submission:2', '✅');
    expect((await ledgerRows(h))[0]).toMatchObject({ link: 'https://example.org/pr/2' });
  });

  it('acceptance is recorded in the audit chain, which /commons verify checks', async () => {
    const h = makeCore();
    await submittedTask(h);
    await h.react('carol', SUB, '✅');
    await h.react('dave', SUB, '✅');
    const hash = (await h.one<{ h: string }>('select audit_hash as h from ledger'))!.h;
    const audit = (await h.one<{ hash: string }>(
      "select hash from audit where type = 'contribution.accepted'",
    ))!;
    expect(hash).toBe(audit.hash);
    expect((await h.ok('alice', '/commons verify')).reply?.text).toMatch(
      /intact: \d+ events, head #\d+ [0-9a-f]{64}/,
    );
    await h.exec("update audit set data = replace(data, 'bob', 'mallory') where seq = 3");
    expect((await h.ok('alice', '/commons verify')).reply?.text).toMatch(
      /BROKEN at event #3: content does not match/,
    );
  });
});
