/**
 * Tallies come from `vote_tallies`, the marks' `latest` flag and SQL that subtracts who does not count
 * (issue 12). This test keeps the way they were computed before, from every mark with its member row
 * (a member's vote is their latest mark; claimants, the submitter and members too new do not count),
 * and checks the cards, `/task show` and `/proposal show` against it after each step of a long random
 * mix of reactions, removals, clears, command votes and time passing.
 */
import { describe, expect, it } from 'vitest';
import type { MemberRow } from '../../src/core/shared/context.js';
import { DAY_MS, type VoteValue } from '../../src/core/shared/model.js';
import type { View } from '../../src/core/shared/views.js';
import { proposalCard } from '../../src/core/proposals/views.js';
import type { ProposalRow, ProposalTally } from '../../src/core/proposals/types.js';
import { reviewCard } from '../../src/core/reviews/views.js';
import type { ReviewTally, SubmissionRow } from '../../src/core/reviews/types.js';
import { submissionField } from '../../src/core/tasks/views.js';
import type { TaskRow } from '../../src/core/tasks/types.js';
import type { Ballot } from '../../src/core/votes/types.js';
import { makeCore, type Harness } from '../helpers/core.js';

const MIN_DAYS = 3;

interface MarkRow {
  value: VoteValue;
  reason: string | null;
  member_id: number;
  user_id: string;
  display_name: string;
  joined_at: number;
}

/** Every member's latest mark on a target, in the order they last voted: the tally's input before issue 12. */
async function referenceBallots(h: Harness, type: string, id: number): Promise<Ballot[]> {
  const rows = await h.query<MarkRow>(
    `select m.value, m.reason, m.member_id, mb.user_id, mb.display_name, mb.joined_at
       from vote_marks m join members mb on mb.id = m.member_id
      where m.target_type = ? and m.target_id = ? order by m.id`,
    type,
    id,
  );
  const latest = new Map<number, Ballot>();
  for (const r of rows) {
    const member = {
      id: r.member_id,
      userId: r.user_id,
      displayName: r.display_name,
      joinedAt: Number(r.joined_at),
    } as MemberRow;
    latest.delete(r.member_id);
    latest.set(r.member_id, { member, value: r.value, reason: r.reason });
  }
  return [...latest.values()];
}

const eligible = (b: Ballot, at: number) => b.member.joinedAt + MIN_DAYS * DAY_MS <= at;

async function referenceReview(h: Harness, subId: number): Promise<ReviewTally> {
  const sub = (await h.one<{ task_id: number; submitter_id: number }>(
    'select task_id, submitter_id from submissions where id = ?',
    subId,
  ))!;
  const claimants = new Set(
    (await h.query<{ m: number }>('select member_id as m from claims where task_id = ?', sub.task_id)).map(
      (r) => r.m,
    ),
  );
  claimants.add(sub.submitter_id);
  const t: ReviewTally = {
    approvals: 0,
    objections: 0,
    approvers: [],
    objectors: [],
    needed: 50,
    ignored: 0,
  };
  for (const b of await referenceBallots(h, 'submission', subId)) {
    if (claimants.has(b.member.id) || !eligible(b, h.clock.t)) t.ignored++;
    else if (b.value === 'yes') t.approvers.push(b.member);
    else if (b.value === 'no') t.objectors.push(b);
  }
  t.approvals = t.approvers.length;
  t.objections = t.objectors.length;
  return t;
}

async function referenceProposal(h: Harness, proposalId: number): Promise<ProposalTally> {
  const t: ProposalTally = {
    counts: { yes: 0, no: 0, abstain: 0 },
    yes: [],
    no: [],
    abstain: [],
    participants: 0,
    ignored: 0,
  };
  for (const b of await referenceBallots(h, 'proposal', proposalId)) {
    if (!eligible(b, h.clock.t)) t.ignored++;
    else t[b.value].push(b);
  }
  t.counts = { yes: t.yes.length, no: t.no.length, abstain: t.abstain.length };
  t.participants = t.yes.length + t.no.length + t.abstain.length;
  return t;
}

const TASK = { number: 1, title: 'Write the guide' } as TaskRow;
const SUB = { id: 1, status: 'open', link: 'https://example.org/pr/1', note: null } as SubmissionRow;
const PROPOSAL = {
  id: 1,
  number: 1,
  title: 'Adopt it',
  body: null,
  rule: 'majority',
  quorum: 3,
  minMemberDays: MIN_DAYS,
  changeKey: null,
  changeValue: null,
  status: 'open',
  closesAt: 0,
  closedAt: null,
  outcome: null,
} as unknown as ProposalRow;

/** The fields of a view that come from its tally. */
const tallyFields = (v: View) =>
  v.fields.filter((f) =>
    ['Approvals', 'Objections', 'Tally', 'Yes', 'No', 'Abstain', 'Not counted'].includes(f.name),
  );

function lastUpdate(effects: { type: string }[], cardKey: string): View | undefined {
  const updates = effects.filter(
    (e): e is { type: 'update'; cardKey: string; view: View } =>
      e.type === 'update' && (e as { cardKey?: string }).cardKey === cardKey,
  );
  return updates.at(-1)?.view;
}

/** A small deterministic generator, so a failure can be replayed. */
function rng(seed: number) {
  let s = seed;
  return (n: number) => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return Math.floor(s / 65536) % n; // the high bits: an LCG's low bits repeat with a short period
  };
}

const EMOJI = ['✅', '👍', '❌', '👎', '➖'];

describe('SQL tallies give the tallies computed from every mark', () => {
  it('over a random mix of reactions, removals, clears, command votes and passing days', async () => {
    const h = makeCore();
    await h.ok('alice', `/commons setup review.approvals=50 votes.minMemberDays=${MIN_DAYS}`);
    await h.ok('alice', '/task post Write the guide skills:docs slots:2');
    await h.ok('bob', '/task claim 1');
    await h.ok('carol', '/task claim 1'); // a second claimant: her votes never count
    await h.ok('bob', '/task submit 1 link:https://example.org/pr/1');
    await h.ok('alice', '/propose Adopt it rule:majority hours:720');
    const old = h.clock.t - 30 * DAY_MS;
    // bob (submitter, claimant) and carol (claimant); peers; n1…n4 join during the test. More voters
    // than a card's names and than the core tallies from one read (25): both ways are taken.
    const peers = Array.from({ length: 34 }, (_, i) => `peer${i + 1}`);
    const users = ['bob', 'carol', 'alice', ...peers, 'n1', 'n2', 'n3', 'n4'];
    const joined = (u: string, i: number) => (u.startsWith('n') ? h.clock.t - DAY_MS * (i % 3) : old);
    const joinedAt = new Map(users.map((u, i) => [u, joined(u, i)]));
    const next = rng(12);
    const checked = { review: 0, proposal: 0 };

    const most = { submission: 0, proposal: 0 };
    async function check(effects: { type: string }[]) {
      for (const r of await h.query<{ t: 'submission' | 'proposal'; n: number }>(
        'select target_type as t, count(*) as n from vote_marks where latest = 1 group by target_type',
      ))
        most[r.t] = Math.max(most[r.t], Number(r.n));
      const review = lastUpdate(effects, 'submission:1');
      if (review) {
        const want = reviewCard({
          task: TASK,
          sub: SUB,
          submitter: 'bob',
          tally: await referenceReview(h, 1),
        });
        expect(tallyFields(review)).toEqual(tallyFields(want));
        checked.review++;
      }
      const proposal = lastUpdate(effects, 'proposal:1');
      if (proposal) {
        const tally = await referenceProposal(h, 1);
        const want = proposalCard({ proposal: PROPOSAL, tally, author: 'alice' });
        expect(tallyFields(proposal)).toEqual(tallyFields(want));
        checked.proposal++;
      }
    }

    for (let step = 0; step < 700; step++) {
      const u = users[next(users.length)]!;
      const card = next(2) === 0 ? 'submission:1' : 'proposal:1';
      const emoji = EMOJI[next(EMOJI.length)]!;
      const extra = { joinedAt: joinedAt.get(u) };
      const op = next(20);
      if (op < 11) await check((await h.react(u, card, emoji, true, extra)).effects);
      else if (op < 16) await check((await h.react(u, card, emoji, false, extra)).effects);
      else if (op === 16) {
        const line =
          card === 'proposal:1'
            ? `/vote P1 ${['yes', 'no', 'abstain'][next(3)]} reason:r${step}`
            : `/review 1 ${next(2) ? 'approve' : 'object'} reason:r${step}`;
        await check((await h.cmd(u, line, extra)).effects);
      } else if (op === 17) {
        const found = (await h.core.findCard(h.community, card))!;
        const out = await h.core.handle({
          type: 'reactions-cleared',
          community: h.community,
          message: { channelId: found.channelId, messageId: found.messageId },
          emoji: next(2) ? emoji : undefined,
        });
        await check(out.effects);
      } else if (op === 18)
        h.clock.advance(DAY_MS / 2); // the newest members become eligible
      else {
        // The views that list every voter.
        const show = (await h.ok('dave', '/task show 1')).reply!.view!;
        const field = show.fields.find((f) => f.name.startsWith('Submission 1'))!;
        expect(field).toEqual(submissionField(SUB, await referenceReview(h, 1)));
        const shown = (await h.ok('dave', '/proposal show P1')).reply!.view!;
        const want = proposalCard({
          proposal: PROPOSAL,
          tally: await referenceProposal(h, 1),
          author: 'alice',
        });
        expect(tallyFields(shown)).toEqual(tallyFields(want));
      }
    }
    expect(checked.review).toBeGreaterThan(100);
    expect(checked.proposal).toBeGreaterThan(100);
    expect(most).toEqual({ submission: expect.any(Number), proposal: expect.any(Number) });
    expect(Math.min(most.submission, most.proposal)).toBeGreaterThan(25);

    // The counts kept are the counts of the latest marks, and each member has one latest mark.
    const kept = await h.query<{ target_type: string; yes: number; no: number; abstain: number }>(
      'select target_type, yes, no, abstain from vote_tallies order by target_type',
    );
    const counted = await h.query<{ target_type: string; value: string; n: number }>(
      `select target_type, value, count(*) as n from vote_marks where latest = 1
        group by target_type, value order by target_type, value`,
    );
    for (const k of kept)
      for (const v of ['yes', 'no', 'abstain'] as const)
        expect(Number(k[v])).toBe(
          Number(counted.find((c) => c.target_type === k.target_type && c.value === v)?.n ?? 0),
        );
    expect(
      await h.query(
        `select target_type, target_id, member_id from vote_marks group by target_type, target_id, member_id
          having sum(latest) <> 1 or max(case when latest = 1 then id end) <> max(id)`,
      ),
    ).toEqual([]);
  });

  it('a proposal closes on the votes counted from the marks: latest mark wins, command and reaction are one vote, too-new members ignored', async () => {
    const h = makeCore();
    await h.ok('alice', `/commons setup votes.minMemberDays=${MIN_DAYS}`);
    await h.ok('alice', '/propose Adopt it rule:consent hours:24');
    const old = { joinedAt: h.clock.t - 30 * DAY_MS };
    await h.react('bob', 'proposal:1', '✅', true, old);
    await h.react('carol', 'proposal:1', '❌', true, old);
    await h.cmd('carol', '/vote P1 yes', old); // the command vote is her latest
    await h.react('dave', 'proposal:1', '👍', true, old);
    await h.react('dave', 'proposal:1', '❌', true, old); // his latest: no
    await h.react('newbie', 'proposal:1', '❌', true, { joinedAt: h.clock.t - DAY_MS }); // too new
    await h.react('erin', 'proposal:1', '❌', true, old);
    await h.unreact('erin', 'proposal:1', '❌'); // gone: no vote
    const outs = await h.advance(25 * 60 * 60 * 1000);
    expect(h.texts(outs).join('\n')).toMatch(/P1 "Adopt it" was rejected: objection by dave\./);
    const closed = await h.one('select type, data from audit where type = ?', 'proposal.closed');
    expect(JSON.parse((closed as { data: string }).data)).toMatchObject({
      yes: 2,
      no: 1,
      abstain: 0,
      participants: 3,
    });
  });
});
