/**
 * The life of each proposal: opened with the rules frozen, voted on by reactions and `/vote`, and
 * closed at its deadline with the outcome `decide` gives (the open ones are still taking votes).
 */
import { decide } from '../../src/core/proposals/decide.js';
import type { DecisionRule } from '../../src/core/community/rules.js';
import type { VoteValue } from '../../src/core/index.js';
import type { Story } from './build-kit.js';
import type { TaskWorld } from './build-tasks.js';
import { HOUR_MS, PROPOSAL_HOURS, PROPOSALS_CHANNEL, memberName, proposalTitle, userIdOf } from './shape.js';

const RULES: DecisionRule[] = ['consent', 'majority', 'supermajority', 'lazy'];
const QUORUM = 3;

interface PlannedVote {
  member: number;
  source: string;
  value: VoteValue;
  at: number;
}

const emojiOf = (v: VoteValue, r: number) =>
  v === 'yes' ? (r < 0.7 ? '✅' : '👍') : v === 'no' ? (r < 0.7 ? '❌' : '👎') : '➖';

/**
 * `marks` vote marks by distinct members; beyond one per member (the small twin's closed proposals
 * need that), a member adds a second mark of the other kind (a `/vote` after a reaction, or the reverse).
 */
function planVotes(x: TaskWorld, j: number, marks: number, from: number, to: number): PlannedVote[] {
  const m = x.shape.members;
  if (marks > 2 * m) throw new Error(`proposal ${j}: ${marks} marks by ${m} members`);
  const perm = Int32Array.from({ length: m }, (_, i) => i + 1);
  const noRate = j % 3 === 0 ? 0 : 0.1 + (0.3 * (j % 5)) / 5;
  const first = new Map<number, string>();
  const out: PlannedVote[] = [];
  for (let i = 0; i < marks; i++) {
    if (i < m) {
      const k = i + Math.floor(x.rand() * (m - i));
      [perm[i], perm[k]] = [perm[k]!, perm[i]!];
    }
    const member = perm[i % m]!;
    const r = x.rand();
    const value: VoteValue = r < noRate ? 'no' : r < noRate + 0.15 ? 'abstain' : 'yes';
    const prior = first.get(member);
    const command = prior === undefined ? x.rand() < 0.2 : prior !== 'command';
    const source = command ? 'command' : emojiOf(value, x.rand());
    first.set(member, source);
    out.push({ member, source, value, at: Math.round(from + ((i + 1) * (to - from)) / (marks + 1)) });
  }
  return out;
}

/** The current vote of each member is their latest mark, as the core counts it (`vote_marks.latest`). */
function outcomeOf(rule: DecisionRule, votes: PlannedVote[]) {
  const latest = new Map<number, VoteValue>();
  for (const v of votes) {
    latest.delete(v.member);
    latest.set(v.member, v.value);
  }
  const all = [...latest];
  const yes = all.filter(([, v]) => v === 'yes').length;
  const abstain = all.filter(([, v]) => v === 'abstain').length;
  const no = all.filter(([, v]) => v === 'no').map(([m]) => memberName(m));
  return { yes, no, abstain, decision: decide(rule, QUORUM, { yes, no, abstain }) };
}

/** Proposal number j: opened at `openedAt`; closed at its deadline unless that is after BENCH_NOW. */
export function* proposalStory(
  x: TaskWorld,
  j: number,
  openedAt: number,
  marks: number,
  lastVoteAt: number,
): Story {
  const closesAt = openedAt + PROPOSAL_HOURS * HOUR_MS;
  const open = lastVoteAt < closesAt;
  const rule = RULES[j % RULES.length]!;
  const votes = planVotes(x, j, marks, openedAt, Math.min(closesAt, lastVoteAt));
  const result = outcomeOf(rule, votes);
  const status = open ? 'open' : result.decision.passed ? 'passed' : 'rejected';
  const author = 1 + Math.floor(x.rand() * x.shape.members);
  const title = proposalTitle(j);

  yield openedAt;
  const id = x.w.proposal({
    communityId: x.communityId,
    number: j,
    title,
    body: null,
    authorId: x.memberIds[author]!,
    rule,
    quorum: QUORUM,
    minMemberDays: 0,
    changeKey: null,
    changeValue: null,
    channelId: PROPOSALS_CHANNEL,
    status,
    opensAt: openedAt,
    closesAt,
    closedAt: open ? null : closesAt,
    outcome: open ? null : `${result.decision.passed ? 'Passed' : 'Rejected'}: ${result.decision.reason}.`,
  });
  x.w.deadline({
    communityId: x.communityId,
    key: `proposal:${id}:close`,
    kind: 'proposal.close',
    dueAt: closesAt,
    payload: JSON.stringify({ proposalId: id }),
    status: open ? 'pending' : 'done',
    doneAt: open ? null : closesAt,
  });
  x.chain.append(openedAt, userIdOf(author), 'proposal.opened', {
    proposal: j,
    title,
    rule,
    quorum: QUORUM,
    minMemberDays: 0,
    closesAt,
    change: null,
  });
  x.card(`proposal:${id}`, PROPOSALS_CHANNEL, openedAt);

  for (const v of votes) {
    yield v.at;
    const user = userIdOf(v.member);
    x.w.mark({
      communityId: x.communityId,
      targetType: 'proposal',
      targetId: id,
      memberId: x.memberIds[v.member]!,
      source: v.source,
      value: v.value,
      reason: null,
      createdAt: v.at,
    });
    if (v.source === 'command')
      x.chain.append(v.at, user, 'proposal.vote', {
        proposal: j,
        member: user,
        vote: v.value,
        via: 'command',
      });
    else
      x.chain.append(v.at, user, 'vote.reaction.added', {
        target: `proposal:${id}`,
        member: user,
        emoji: v.source,
        vote: v.value,
      });
  }
  if (open) return;

  yield closesAt;
  x.chain.append(closesAt, null, 'proposal.closed', {
    proposal: j,
    status,
    reason: result.decision.reason,
    yes: result.yes,
    no: result.no.length,
    abstain: result.abstain,
    participants: result.yes + result.no.length + result.abstain,
  });
}
