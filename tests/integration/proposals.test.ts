import { describe, expect, it } from 'vitest';
import { makeCore, T0, type Harness } from '../helpers/core.js';
import { HOUR_MS } from '../../src/core/shared/model.js';
import type { Outcome } from '../../src/core/index.js';

const CARD = 'proposal:1';

async function row(h: Harness, number = 1) {
  return (await h.one<{
    id: number;
    status: string;
    outcome: string | null;
    rule: string;
    quorum: number;
    min_member_days: number;
    closes_at: number;
    closed_at: number | null;
    change_key: string | null;
    change_value: string | null;
  }>('select * from proposals where number = ?', number))!;
}

/** A field of the private `/proposal show` view. */
async function field(h: Harness, name: string, number = 1): Promise<string | undefined> {
  return (await h.ok('alice', `/proposal show P${number}`)).reply?.view?.fields.find((f) => f.name === name)
    ?.value;
}

function threadPosts(outs: Outcome[]) {
  return outs.flatMap((o) => o.effects.filter((e) => e.type === 'thread'));
}

async function rule(h: Harness, key: string): Promise<unknown> {
  const r = await h.one<{ value: string; set_by: string }>(
    'select value, set_by from rules where key = ?',
    key,
  );
  return r && { value: JSON.parse(r.value), setBy: r.set_by };
}

async function auditTypes(h: Harness, type: string) {
  return (await h.query<{ data: string }>('select data from audit where type = ? order by seq', type)).map(
    (r) => JSON.parse(r.data) as Record<string, unknown>,
  );
}

describe('opening a proposal', () => {
  it('posts a card with a thread, numbered per community, with rule, quorum and deadline frozen', async () => {
    const h = makeCore();
    const out = await h.ok(
      'alice',
      '/propose Adopt CC-BY-SA-4.0 for docs rule:consent hours:48 body:"Docs have no license"',
    );
    expect(out.reply?.text).toMatch(/^Opened P1: Adopt CC-BY-SA-4\.0 for docs\./);
    const post = out.effects.find((e) => e.type === 'post');
    expect(post).toMatchObject({
      type: 'post',
      channelId: 'general',
      cardKey: CARD,
      thread: { name: 'P1 · Adopt CC-BY-SA-4.0 for docs' },
    });
    const view = post!.type === 'post' ? post!.view : undefined;
    expect(view?.title).toBe('P1 · Adopt CC-BY-SA-4.0 for docs');
    expect(view?.description).toBe('Docs have no license');
    expect(view?.buttons?.map((b) => b.id)).toEqual(['vote.yes:1', 'vote.no:1', 'vote.abstain:1']);
    expect(view?.fields.find((f) => f.name === 'Deadline')?.value).toBe('2026-01-07 12:00 UTC');
    expect(view?.fields.find((f) => f.name === 'Rule')?.value).toMatch(
      /^consent: passes if no one votes no and at least 3 members vote/,
    );
    expect(await row(h)).toMatchObject({
      status: 'open',
      rule: 'consent',
      quorum: 3,
      min_member_days: 0,
      closes_at: T0 + 48 * HOUR_MS,
    });
    const deadline = await h.one("select kind, due_at, status from deadlines where key = 'proposal:1:close'");
    expect(deadline).toEqual({ kind: 'proposal.close', due_at: T0 + 48 * HOUR_MS, status: 'pending' });
    expect((await auditTypes(h, 'proposal.opened'))[0]).toMatchObject({
      proposal: 1,
      rule: 'consent',
      quorum: 3,
    });
    expect((await h.ok('bob', '/propose Second')).reply?.text).toMatch(/^Opened P2: Second/);
  });

  it('takes rule and hours from the community rules when not given', async () => {
    const h = makeCore();
    await h.ok('alice', '/commons setup proposal.defaultRule=majority proposal.hours=10 proposal.quorum=2');
    await h.ok('alice', '/propose Defaults');
    expect(await row(h)).toMatchObject({ rule: 'majority', quorum: 2, closes_at: T0 + 10 * HOUR_MS });
  });

  it('shows the proposed change as old → new', async () => {
    const h = makeCore();
    const out = await h.ok('alice', '/propose Lower the bar change:review.approvals=1');
    const view = out.effects.find((e) => e.type === 'post');
    expect(view?.type === 'post' && view.view.fields.find((f) => f.name === 'Change')?.value).toBe(
      'review.approvals: 2 → 1',
    );
    expect(await row(h)).toMatchObject({ change_key: 'review.approvals', change_value: '1' });
  });

  it.each([
    ['change:nope.key=1', /Unknown rule `nope\.key`\. Rules: review\.approvals, /],
    [
      'change:review.approvals=0',
      /Invalid value `0` for `review\.approvals`: must be a whole number from 1 to 50\./,
    ],
    [
      'change:proposal.hours=9999',
      /Invalid value `9999` for `proposal\.hours`: must be a whole number from 1 to 720\./,
    ],
    ['change:review.objectionsBlock=maybe', /must be true or false/],
    ['change:review.approvals', /is not a rule assignment; write key=value/],
  ])('a bad %s is refused with what is valid, and changes nothing', async (opt, message) => {
    const h = makeCore();
    await h.ok('alice', '/propose Warm up');
    const before = await h.dump();
    const out = await h.cmd('alice', `/propose Bad ${opt}`);
    expect(out.error?.message).toMatch(message);
    expect(out.effects).toEqual([]);
    expect(await h.dump()).toBe(before);
    expect((await h.ok('alice', '/propose Next')).reply?.text).toMatch(/^Opened P2:/);
  });

  it('a channel change takes the channel id from a mention', async () => {
    const h = makeCore();
    await h.ok('alice', '/propose Move change:channels.proposals=<#C42|decisions>');
    expect(await row(h)).toMatchObject({ change_key: 'channels.proposals', change_value: 'C42' });
  });
});

describe('each rule at its deadline', () => {
  const cases: [string, string, [string, string][], string, RegExp][] = [
    ['lazy passes on silence', 'lazy', [], 'passed', /no objection \(0 yes, 0 no, 0 abstain\)/],
    [
      'lazy fails on one objection',
      'lazy',
      [
        ['bob', '✅'],
        ['carol', '❌'],
      ],
      'rejected',
      /objection by carol/,
    ],
    [
      'consent fails one short of quorum',
      'consent',
      [
        ['bob', '✅'],
        ['carol', '✅'],
      ],
      'rejected',
      /quorum 3 not met: 2 participants/,
    ],
    [
      'consent passes at quorum, an abstention counting',
      'consent',
      [
        ['bob', '✅'],
        ['carol', '✅'],
        ['dave', '➖'],
      ],
      'passed',
      /no objection, 3 participants/,
    ],
    [
      'consent fails on an objection at quorum',
      'consent',
      [
        ['bob', '✅'],
        ['carol', '✅'],
        ['dave', '👎'],
      ],
      'rejected',
      /objection by dave/,
    ],
    [
      'majority fails on a tie',
      'majority',
      [
        ['bob', '✅'],
        ['carol', '✅'],
        ['dave', '❌'],
        ['erin', '❌'],
      ],
      'rejected',
      /2 yes, 2 no, 0 abstain: yes must outnumber no/,
    ],
    [
      'majority passes with yes = no + 1',
      'majority',
      [
        ['bob', '✅'],
        ['carol', '👍'],
        ['dave', '❌'],
      ],
      'passed',
      /2 yes, 1 no, 0 abstain/,
    ],
    [
      'supermajority passes at exactly 2/3',
      'supermajority',
      [
        ['bob', '✅'],
        ['carol', '✅'],
        ['dave', '❌'],
      ],
      'passed',
      /2 yes, 1 no/,
    ],
    [
      'supermajority fails at 60%',
      'supermajority',
      [
        ['b', '✅'],
        ['c', '✅'],
        ['d', '✅'],
        ['e', '❌'],
        ['f', '❌'],
      ],
      'rejected',
      /3 yes, 2 no, 0 abstain: yes must be at least 2\/3/,
    ],
  ];
  it.each(cases)('%s', async (_name, ruleName, votes, status, reason) => {
    const h = makeCore();
    await h.ok('alice', `/propose Decide it rule:${ruleName}`);
    for (const [who, emoji] of votes) await h.react(who, CARD, emoji);
    expect(await h.advance(71 * HOUR_MS)).toEqual([]);
    expect((await row(h)).status).toBe('open');
    const outs = await h.advance(HOUR_MS);
    expect(await row(h)).toMatchObject({ status, closed_at: T0 + 72 * HOUR_MS });
    expect((await row(h)).outcome).toMatch(reason);
    const posts = threadPosts(outs);
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ cardKey: CARD });
    expect(posts[0]!.type === 'thread' && posts[0]!.text).toMatch(
      status === 'passed' ? /^✅ P1 "Decide it" passed: / : /^❌ P1 "Decide it" was rejected: /,
    );
    const update = outs[0]!.effects.find((e) => e.type === 'update');
    expect(update?.type === 'update' && update.view.tone).toBe(status);
    expect(update?.type === 'update' && update.view.buttons).toEqual([]);
  });
});

describe('votes', () => {
  it('a vote is the latest reaction still on the card: changed, removed, re-added', async () => {
    const h = makeCore();
    await h.ok('alice', '/propose Decide it');
    await h.react('carol', CARD, '✅');
    expect(await field(h, 'Yes')).toBe('carol');
    const out = await h.react('carol', CARD, '❌');
    const update = out.effects.find((e) => e.type === 'update');
    expect(update?.type === 'update' && update.view.fields.find((f) => f.name === 'Tally')?.value).toBe(
      '0 yes, 1 no, 0 abstain · 1 participant of quorum 3',
    );
    expect(await field(h, 'No')).toBe('carol');
    await h.unreact('carol', CARD, '❌');
    expect(await field(h, 'Tally')).toMatch(/^1 yes, 0 no, 0 abstain/);
    await h.unreact('carol', CARD, '✅');
    expect(await field(h, 'Tally')).toBe('0 yes, 0 no, 0 abstain · 0 participants of quorum 3');
    await h.react('carol', CARD, '➖');
    expect(await field(h, 'Abstain')).toBe('carol');
  });

  it('/vote and a reaction are the same vote: one participant', async () => {
    const h = makeCore();
    await h.ok('alice', '/propose Decide it rule:majority');
    await h.react('bob', CARD, '❌');
    const out = await h.ok('bob', '/vote P1 yes reason:"changed my mind"');
    expect(out.reply?.text).toMatch(/^You voted yes on P1\. Now 1 yes, 0 no, 0 abstain;/);
    expect(await field(h, 'Tally')).toBe('1 yes, 0 no, 0 abstain · 1 participant of quorum 3');
    expect(await field(h, 'Reasons')).toBe('bob (yes): changed my mind');
    await h.react('bob', CARD, '👎'); // a later reaction is now the latest
    expect(await field(h, 'Tally')).toBe('0 yes, 1 no, 0 abstain · 1 participant of quorum 3');
  });

  it('votes of members not yet eligible are not counted, by the rule frozen at opening', async () => {
    const h = makeCore();
    const old = { joinedAt: T0 - 30 * 24 * HOUR_MS };
    await h.ok('alice', '/commons setup votes.minMemberDays=7 proposal.quorum=1', old);
    await h.ok('alice', '/propose Decide it rule:consent hours:24', old);
    await h.react('newbie', CARD, '❌', true, { joinedAt: T0 - 2 * 24 * HOUR_MS });
    await h.react('bob', CARD, '✅', true, old);
    expect(await field(h, 'Not counted')).toBe('1 vote(s) by members of fewer than 7 days');
    expect(await field(h, 'No')).toBe('—');
    const err = await h.cmd('newbie', '/vote P1 no');
    expect(err.error?.code).toBe('proposal.ineligible');
    expect(err.error?.message).toBe('Only members of at least 7 days may vote on P1.');
    await h.advance(24 * HOUR_MS);
    expect(await row(h)).toMatchObject({ status: 'passed', min_member_days: 7 });
  });

  it('votes after the deadline are ignored, even before the close has run', async () => {
    const h = makeCore();
    await h.ok('alice', '/propose Decide it rule:lazy hours:5');
    h.clock.advance(5 * HOUR_MS); // deadline reached, scheduler not yet run
    const out = await h.react('carol', CARD, '❌');
    expect(out.effects).toEqual([]);
    const err = await h.cmd('carol', '/vote P1 no');
    expect(err.error?.code).toBe('proposal.deadlinePassed');
    expect(err.error?.message).toBe(
      'The deadline of P1 passed at 2026-01-05 17:00 UTC; it can no longer be voted on.',
    );
    expect(await h.one('select count(*) as n from vote_marks')).toEqual({ n: 0 });
    await h.advance(0);
    expect((await row(h)).status).toBe('passed');
    expect((await h.cmd('carol', '/vote P1 no')).error?.message).toBe(
      'Proposal P1 is passed; voting has ended.',
    );
    expect((await h.react('carol', CARD, '❌')).effects).toEqual([]);
  });

  it('/vote on a proposal that does not exist is refused', async () => {
    const h = makeCore();
    expect((await h.cmd('bob', '/vote P9 yes')).error?.message).toBe('There is no proposal P9.');
  });
});

describe('withdrawal', () => {
  it('only the author may withdraw; it cancels the close and says so in the thread', async () => {
    const h = makeCore();
    await h.ok('alice', '/propose Decide it rule:lazy');
    const before = await h.dump();
    expect((await h.cmd('bob', '/proposal withdraw P1')).error?.message).toBe(
      'Only the author of P1 may withdraw it.',
    );
    expect(await h.dump()).toBe(before);
    const out = await h.ok('alice', '/proposal withdraw P1');
    expect(out.reply?.text).toBe('You withdrew P1.');
    expect(threadPosts([out])).toEqual([
      { type: 'thread', cardKey: CARD, text: 'P1 was withdrawn by alice; no decision was made.' },
    ]);
    expect((await row(h)).status).toBe('withdrawn');
    expect(await h.one("select status from deadlines where key = 'proposal:1:close'")).toEqual({
      status: 'cancelled',
    });
    expect((await h.react('carol', CARD, '✅')).effects).toEqual([]);
    expect(await h.advance(100 * HOUR_MS)).toEqual([]);
    expect((await row(h)).status).toBe('withdrawn');
    expect((await h.cmd('alice', '/proposal withdraw P1')).error?.message).toBe(
      'Proposal P1 is withdrawn; it can no longer be withdrawn.',
    );
  });

  it('cannot be withdrawn after the deadline', async () => {
    const h = makeCore();
    await h.ok('alice', '/propose Decide it hours:2');
    h.clock.advance(2 * HOUR_MS);
    expect((await h.cmd('alice', '/proposal withdraw P1')).error?.code).toBe('proposal.deadlinePassed');
    await h.advance(0);
    expect((await h.cmd('alice', '/proposal withdraw P1')).error?.message).toBe(
      'Proposal P1 is rejected; it can no longer be withdrawn.',
    );
  });
});

describe('rule changes by proposal', () => {
  it('a passed change:review.approvals=1 makes the next submission accepted with one approval', async () => {
    const h = makeCore();
    await h.ok('alice', '/commons setup');
    await h.ok('alice', '/propose Lower the bar change:review.approvals=1 rule:lazy hours:24');
    const outs = await h.advance(24 * HOUR_MS);
    expect(h.texts(outs)).toEqual([
      '✅ P1 "Lower the bar" passed: no objection (0 yes, 0 no, 0 abstain). Rule review.approvals changed: 2 → 1 (set by P1).',
    ]);
    expect(await rule(h, 'review.approvals')).toEqual({ value: 1, setBy: 'P1' });
    expect(await auditTypes(h, 'rule.changed')).toEqual([
      { key: 'review.approvals', from: 2, to: 1, proposal: 'P1' },
    ]);
    expect((await h.ok('alice', '/commons config')).reply?.text).toMatch(
      /review\.approvals = 1 {2}\(set by proposal P1; a whole number from 1 to 50\)/,
    );
    await h.ok('alice', '/task post X');
    await h.ok('bob', '/task claim 1');
    await h.ok('bob', '/task submit 1');
    const accepted = await h.ok('carol', '/review 1 approve');
    expect(accepted.reply?.text).toMatch(/It is accepted\./);
  });

  it('a rejected change is not applied', async () => {
    const h = makeCore();
    await h.ok('alice', '/propose Lower the bar change:review.approvals=1 rule:lazy hours:24');
    await h.react('carol', CARD, '❌');
    await h.advance(24 * HOUR_MS);
    expect((await row(h)).status).toBe('rejected');
    expect(await rule(h, 'review.approvals')).toBeUndefined();
    expect(await field(h, 'Change')).toBe('review.approvals: 2 → 1 (not applied)');
  });

  it('a running proposal keeps the rule and quorum it opened with', async () => {
    const h = makeCore();
    await h.ok('alice', '/propose Big decision hours:72'); // consent, quorum 3
    await h.ok('alice', '/propose Smaller quorum change:proposal.quorum=1 rule:lazy hours:1');
    await h.ok(
      'alice',
      '/propose Majority by default change:proposal.defaultRule=majority rule:lazy hours:1',
    );
    await h.advance(HOUR_MS);
    expect([(await row(h, 2)).status, (await row(h, 3)).status]).toEqual(['passed', 'passed']);
    await h.react('bob', CARD, '✅');
    expect(await field(h, 'Quorum')).toBe('3');
    await h.advance(71 * HOUR_MS);
    expect(await row(h)).toMatchObject({
      status: 'rejected',
      rule: 'consent',
      quorum: 3,
      outcome: 'Rejected: quorum 3 not met: 1 participant.',
    });
    await h.ok('alice', '/propose Next one');
    expect(await row(h, 4)).toMatchObject({ rule: 'majority', quorum: 1 });
  });

  it('two passed changes of one key apply in the order the proposals close', async () => {
    const h = makeCore();
    await h.ok('alice', '/propose Five change:review.approvals=5 rule:lazy hours:10');
    await h.ok('alice', '/propose Four change:review.approvals=4 rule:lazy hours:5');
    await h.advance(11 * HOUR_MS); // both due in one run: P2 closes first, then P1
    expect((await auditTypes(h, 'rule.changed')).map((d) => [d.proposal, d.from, d.to])).toEqual([
      ['P2', 2, 4],
      ['P1', 4, 5],
    ]);
    expect(await rule(h, 'review.approvals')).toEqual({ value: 5, setBy: 'P1' });
  });

  it('the close runs exactly once, and the outcome is posted once in the thread', async () => {
    const h = makeCore();
    await h.ok('alice', '/propose Once change:claims.maxOpen=5 rule:lazy hours:1');
    const outs = await h.advance(2 * HOUR_MS);
    expect(threadPosts(outs)).toHaveLength(1);
    expect(outs.flatMap((o) => o.effects).filter((e) => e.type === 'update')).toHaveLength(1);
    expect(await h.core.runDue()).toEqual([]);
    expect(await h.advance(100 * HOUR_MS)).toEqual([]);
    // Even if the deadline row ran again, the job sees the proposal is closed and does nothing.
    await h.exec("update deadlines set status = 'pending' where key = 'proposal:1:close'");
    expect(threadPosts(await h.advance(0))).toEqual([]);
    expect((await row(h)).status).toBe('passed');
    expect(await auditTypes(h, 'proposal.closed')).toHaveLength(1);
    expect(await auditTypes(h, 'rule.changed')).toHaveLength(1);
    expect((await h.ok('alice', '/commons verify')).reply?.text).toMatch(/^Audit chain intact/);
  });
});

describe('/proposal list and show', () => {
  it('lists open proposals first, then closed ones, and cuts past 25', async () => {
    const h = makeCore();
    await h.ok('alice', '/propose Early rule:lazy hours:1');
    await h.advance(2 * HOUR_MS);
    await h.ok('alice', '/propose Later hours:10');
    await h.ok('alice', '/propose Sooner hours:5');
    const text = (await h.ok('bob', '/proposal list')).reply!.text;
    const lines = text.split('\n');
    expect(lines[0]).toBe('Proposals (status:all), 3 in all:');
    expect(lines.slice(1).map((l) => l.split(' — ')[0])).toEqual(['P3 Sooner', 'P2 Later', 'P1 Early']);
    expect(lines[3]).toMatch(/— passed · lazy · 0 yes, 0 no, 0 abstain \(0 participants\) · closed /);
    expect((await h.ok('bob', '/proposal list status:closed')).reply!.text.split('\n')).toHaveLength(2);
    expect((await h.ok('bob', '/proposal list status:open')).reply!.text).toMatch(
      /^Proposals \(status:open\), 2 in all:/,
    );
    for (let i = 0; i < 25; i++) await h.ok('alice', `/propose More ${i}`);
    const long = (await h.ok('bob', '/proposal list status:open')).reply!;
    expect(long.private).toBe(true);
    expect(long.text.split('\n')).toHaveLength(27);
    expect(long.text).toMatch(/…and 2 more/);
  });

  it('says when there are none', async () => {
    const h = makeCore();
    expect((await h.ok('bob', '/proposal list')).reply?.text).toMatch(/^No proposals/);
  });

  it('show is private, has the tally and no buttons', async () => {
    const h = makeCore();
    await h.ok('alice', '/propose Decide it');
    await h.react('bob', CARD, '✅');
    await h.react('carol', CARD, '➖');
    const r = (await h.ok('dave', '/proposal show 1')).reply!;
    expect(r.private).toBe(true);
    expect(r.view?.buttons).toEqual([]);
    expect(r.view?.fields.find((f) => f.name === 'Tally')?.value).toBe(
      '1 yes, 0 no, 1 abstain · 2 participants of quorum 3',
    );
    expect((await h.cmd('dave', '/proposal show P7')).error?.code).toBe('proposal.notFound');
  });
});
