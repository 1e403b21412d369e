/**
 * `/proposal list` and the digest's closing proposals read their counts from `vote_tallies`, less the
 * votes by members too new, found by join time in `proposal_voters` (issue 12). This test computes
 * the counts the way they were computed before, from every mark with its member row as it is now,
 * and checks the list and the digest against them after each step of a random mix: votes cast,
 * changed, removed and re-cast (reactions and commands), reactions cleared, members joining late, the
 * platform reporting an earlier join for a member who already voted, days passing, proposals closing
 * (judged at their deadline from then on), one withdrawn, and the minimum days changed by a proposal
 * while others are open (each keeps the minimum frozen when it opened).
 */
import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, type VoteValue } from '../../src/core/shared/model.js';
import type { View } from '../../src/core/shared/views.js';
import { proposalLine } from '../../src/core/proposals/views.js';
import type { ProposalRow, TallyCounts } from '../../src/core/proposals/types.js';
import { makeCore, type Harness } from '../helpers/core.js';

interface MarkRow {
  value: VoteValue;
  member_id: number;
  joined_at: number;
}

/** A proposal's counts from every mark: each member's latest mark, if they joined early enough. */
async function reference(h: Harness, p: ProposalRow): Promise<TallyCounts> {
  const rows = await h.query<MarkRow>(
    `select m.value, m.member_id, mb.joined_at
       from vote_marks m join members mb on mb.id = m.member_id
      where m.target_type = 'proposal' and m.target_id = ? order by m.id`,
    p.id,
  );
  const latest = new Map<number, MarkRow>();
  for (const r of rows) latest.set(r.member_id, r);
  const at = Math.min(h.clock.t, p.closesAt);
  const c = { yes: 0, no: 0, abstain: 0, participants: 0 };
  for (const r of latest.values())
    if (Number(r.joined_at) + p.minMemberDays * DAY_MS <= at) {
      c[r.value]++;
      c.participants++;
    }
  return c;
}

/** The proposal rows as the core reads them (numbers on both dialects). */
async function proposalRows(h: Harness): Promise<ProposalRow[]> {
  const rows = await h.query<Record<string, unknown>>('select * from proposals order by number');
  return rows.map(
    (r) =>
      ({
        id: Number(r.id),
        number: Number(r.number),
        title: r.title,
        rule: r.rule,
        quorum: Number(r.quorum),
        minMemberDays: Number(r.min_member_days),
        changeKey: r.change_key,
        changeValue: r.change_value,
        status: r.status,
        closesAt: Number(r.closes_at),
        closedAt: r.closed_at === null ? null : Number(r.closed_at),
      }) as ProposalRow,
  );
}

/** A small deterministic generator, so a failure can be replayed. */
function rng(seed: number) {
  let s = seed;
  return (n: number) => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return Math.floor(s / 65536) % n;
  };
}

const EMOJI = ['✅', '👍', '❌', '👎', '➖'];
const MIN_DAYS = 3;

describe('proposal counts in /proposal list and the digest', () => {
  it('equal the counts from every mark over votes, late joiners, earlier joins, closes and a rule change', async () => {
    const h = makeCore();
    await h.ok('alice', `/commons setup votes.minMemberDays=${MIN_DAYS}`);
    const old = h.clock.t - 30 * DAY_MS;
    const admin = { joinedAt: old };
    // P1 runs through the test; P2 closes within the digest's 48 hours and then by deadline; P3 is
    // withdrawn (its tally is still judged at min(now, deadline)); P4 lowers the minimum to 1 day
    // after a day, so P5 (opened then) uses 1 while P1–P3 keep 3.
    await h.ok('alice', '/propose Long one rule:majority hours:720', admin);
    await h.ok('alice', '/propose Short one rule:majority hours:40', admin);
    await h.ok('alice', '/propose Withdrawn one rule:majority hours:200', admin);
    await h.ok('alice', '/propose Lower the bar rule:lazy hours:20 change:votes.minMemberDays=1', admin);
    const peers = Array.from({ length: 12 }, (_, i) => `peer${i + 1}`);
    const late = Array.from({ length: 8 }, (_, i) => `late${i + 1}`);
    const users = ['bob', 'carol', ...peers, ...late];
    // Late members join over the test (0–4 days before the step they first act in).
    const joinedAt = new Map<string, number>(peers.map((u) => [u, old]));
    joinedAt.set('bob', old).set('carol', old);
    const next = rng(7);
    const seen = { list: 0, digest: 0, ignored: 0, earlier: 0 };

    async function check() {
      const rows = await proposalRows(h);
      const want = new Map<number, TallyCounts>();
      for (const p of rows) want.set(p.number, await reference(h, p));
      const list = (await h.ok('dave', '/proposal list')).reply!.text.split('\n').slice(1);
      const expected = [
        ...rows.filter((p) => p.status === 'open').sort((a, b) => a.closesAt - b.closesAt),
        ...rows.filter((p) => p.status !== 'open').sort((a, b) => b.number - a.number),
      ].map((p) => proposalLine(p, want.get(p.number)!));
      expect(list).toEqual(expected);
      seen.list++;
      // proposal_voters is each member's latest mark on a proposal, with their join time as it is now.
      const latest = `select v.target_id as p, v.member_id as m, v.value as v, mb.joined_at as j
        from vote_marks v join members mb on mb.id = v.member_id
        where v.target_type = 'proposal' and v.latest = 1`;
      const kept = 'select proposal_id as p, member_id as m, value as v, joined_at as j from proposal_voters';
      expect(await h.query(`${latest} except ${kept}`)).toEqual([]);
      expect(await h.query(`${kept} except ${latest}`)).toEqual([]);
      // Votes that do not count are part of the mix (else the subtraction is never exercised).
      const all = await h.query<{ n: number }>(
        "select count(*) as n from vote_marks where target_type = 'proposal' and latest = 1",
      );
      const counted = [...want.values()].reduce((s, c) => s + c.participants, 0);
      if (Number(all[0]!.n) > counted) seen.ignored++;
    }

    async function checkDigest() {
      const out = await h.ok('alice', '/digest now', admin);
      const view = (out.effects.find((e) => e.type === 'post') as { view: View }).view;
      const text = [view.description ?? '', ...view.fields.map((f) => f.value)].join('\n');
      const rows = new Map((await proposalRows(h)).map((p) => [p.number, p]));
      for (const m of text.matchAll(
        /P(\d+) .* · yes (\d+) · no (\d+) · abstain (\d+) · \d+ not voted yet/g,
      )) {
        const c = await reference(h, rows.get(Number(m[1]))!);
        expect([Number(m[2]), Number(m[3]), Number(m[4])]).toEqual([c.yes, c.no, c.abstain]);
        seen.digest++;
      }
    }

    let p5 = false;
    for (let step = 0; step < 400; step++) {
      const u = users[next(users.length)]!;
      if (!joinedAt.has(u)) joinedAt.set(u, h.clock.t - next(5) * DAY_MS);
      const extra = { joinedAt: joinedAt.get(u) };
      const open = p5 ? [1, 2, 3, 5] : [1, 2, 3]; // P4 gets no objection: it passes
      const n = open[next(open.length)]!;
      const card = `proposal:${(await proposalRows(h)).find((p) => p.number === n)!.id}`;
      const op = next(24);
      if (op < 10) await h.react(u, card, EMOJI[next(EMOJI.length)]!, true, extra);
      else if (op < 15) await h.react(u, card, EMOJI[next(EMOJI.length)]!, false, extra);
      else if (op < 18) await h.cmd(u, `/vote P${n} ${['yes', 'no', 'abstain'][next(3)]}`, extra);
      else if (op === 18) {
        const found = (await h.core.findCard(h.community, card))!;
        await h.core.handle({
          type: 'reactions-cleared',
          community: h.community,
          message: { channelId: found.channelId, messageId: found.messageId },
          emoji: next(2) ? EMOJI[next(EMOJI.length)] : undefined,
        });
      } else if (op === 19 && u.startsWith('late')) {
        // The platform reports an earlier join: the member's votes may count from now on.
        joinedAt.set(u, joinedAt.get(u)! - (1 + next(4)) * DAY_MS);
        await h.cmd(u, '/proposal list', { joinedAt: joinedAt.get(u) });
        seen.earlier++;
      } else if (op === 20) await h.advance(6 * HOUR_MS);
      if (op >= 21 || step % 10 === 0) await checkDigest();
      if (step === 150) await h.ok('alice', '/proposal withdraw P3', admin);
      if (!p5 && (await proposalRows(h)).find((p) => p.number === 4)!.status === 'passed') {
        await h.ok('alice', '/propose After the change rule:majority hours:60', admin);
        p5 = true;
      }
      await check();
    }
    const final = await proposalRows(h);
    expect(final.map((p) => [p.number, p.status, p.minMemberDays])).toEqual([
      [1, 'open', MIN_DAYS],
      [2, expect.stringMatching(/passed|rejected/), MIN_DAYS],
      [3, 'withdrawn', MIN_DAYS],
      [4, 'passed', MIN_DAYS],
      [5, expect.stringMatching(/open|passed|rejected/), 1],
    ]);
    expect(seen.list).toBe(400);
    expect(seen.digest).toBeGreaterThan(40);
    expect(seen.ignored).toBeGreaterThan(50);
    expect(seen.earlier).toBeGreaterThan(3);
  });
});
