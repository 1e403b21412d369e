/**
 * Tallies in SQL, shared by reviews and proposals: the counts kept in `vote_tallies`, less the votes
 * that do not count (driven from the few who do not count: a task's claimants and submitter, members
 * who joined after the threshold), and the first voters of a value in the order they last voted (what
 * a card names). Neither reads every vote of a target.
 */
import { and, asc, eq, gt, lte, ne, notInArray, sql, inArray, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { exec, fixedLimit, prepared } from '../../db/prepared.js';
import type { Step } from '../../db/step.js';
import { claims, members, proposalVoters, voteMarks, voteTallies } from '../../db/schema.js';
import type { Ctx, MemberRow } from '../shared/context.js';
import type { VoteValue } from '../shared/model.js';
import { targetKey, type Ballot, type Target } from './types.js';

/** Whose votes on a target do not count. */
export interface NotCounted {
  /** Members who joined after this instant (ms) are too new. */
  joinedAfter: number;
  /** Reviews: whoever ever claimed the task, and the submitter. */
  task?: { id: number; submitterId: number };
}

export interface VoteCounts {
  yes: number;
  no: number;
  abstain: number;
  /** Votes that do not count (see `NotCounted`), whatever their value. */
  ignored: number;
}

/** As many names as there are: every voter of a value. */
export const ALL_VOTERS = 2 ** 31 - 1;

const p = {
  type: sql.placeholder('type'),
  id: sql.placeholder('id'),
  community: sql.placeholder('community'),
  after: sql.placeholder('after'),
  task: sql.placeholder('task'),
  submitter: sql.placeholder('submitter'),
};

const votesOfTarget = and(
  eq(voteMarks.targetType, p.type),
  eq(voteMarks.targetId, p.id),
  eq(voteMarks.latest, 1),
);

const totals = (db: Db) =>
  prepared(db, 'tally.totals', (d) =>
    d
      .select({ yes: voteTallies.yes, no: voteTallies.no, abstain: voteTallies.abstain })
      .from(voteTallies)
      .where(and(eq(voteTallies.targetType, p.type), eq(voteTallies.targetId, p.id))),
  );

/** Members too new to vote: found by the (community, joined_at) index, few whatever the community's size. */
const tooNew = (d: Db) =>
  d
    .select({ m: members.id })
    .from(members)
    .where(and(eq(members.communityId, p.community), gt(members.joinedAt, p.after)));

/** Members whose votes on a submission do not count: claimants, the submitter, those too new. */
const reviewExcluded = (d: Db) =>
  d
    .select({ m: claims.memberId })
    .from(claims)
    .where(eq(claims.taskId, p.task))
    .union(d.select({ m: members.id }).from(members).where(eq(members.id, p.submitter)))
    .union(tooNew(d));

const excludedVotes = (d: Db, who: SQL) =>
  d
    .select({ value: voteMarks.value, n: sql<number>`count(*)`.mapWith(Number) })
    .from(voteMarks)
    .where(and(votesOfTarget, who))
    .groupBy(voteMarks.value);

const excluded = {
  review: (db: Db) =>
    prepared(db, 'tally.excluded.review', (d) =>
      excludedVotes(d, inArray(voteMarks.memberId, reviewExcluded(d))),
    ),
};

const votesOf = (v: VoteValue) =>
  sql<number>`coalesce(sum(case when ${proposalVoters.value} = ${v} then 1 else 0 end), 0)`.mapWith(Number);

/**
 * A proposal's votes by members who joined after the instant, by value, from `proposal_voters` by its
 * (proposal, joined_at) index: as many rows as votes that do not count, not every vote on the
 * proposal nor every member who joined since.
 */
const tooNewVotes = (db: Db) =>
  prepared(db, 'tally.excluded.proposal', (d) =>
    d
      .select({ yes: votesOf('yes'), no: votesOf('no'), abstain: votesOf('abstain') })
      .from(proposalVoters)
      .where(and(eq(proposalVoters.proposalId, p.id), gt(proposalVoters.joinedAt, p.after))),
  );

const votersOf = (d: Db, who: SQL | undefined, limit: number) => {
  const q = d
    .select({ member: members, value: voteMarks.value, reason: voteMarks.reason })
    .from(voteMarks)
    .innerJoin(members, eq(members.id, voteMarks.memberId))
    .where(
      and(votesOfTarget, eq(voteMarks.value, sql.placeholder('value')), lte(members.joinedAt, p.after), who),
    )
    .orderBy(asc(voteMarks.id));
  return limit >= ALL_VOTERS ? q : q.limit(fixedLimit(limit));
};

/** One prepared query per limit asked for (a card's names, or all): the LIMIT is written into the SQL. */
const voters = {
  review: (db: Db, limit: number) =>
    prepared(db, `tally.voters.review.${limit}`, (d) =>
      votersOf(
        d,
        and(
          ne(voteMarks.memberId, p.submitter),
          notInArray(
            voteMarks.memberId,
            d.select({ m: claims.memberId }).from(claims).where(eq(claims.taskId, p.task)),
          ),
        ),
        limit,
      ),
    ),
  proposal: (db: Db, limit: number) =>
    prepared(db, `tally.voters.proposal.${limit}`, (d) => votersOf(d, undefined, limit)),
};

/** A tally query's parameters (`value`: the voters' query's; the others ignore it). */
const params = (ctx: Ctx, t: Target, who: NotCounted, value: VoteValue | null = null) => ({
  type: t.type,
  id: t.id,
  community: ctx.community.id,
  after: who.joinedAfter,
  task: who.task?.id ?? 0,
  submitter: who.task?.submitterId ?? 0,
  value,
});

/** The votes on a target that do not count, by value. */
function* notCountedVotes(ctx: Ctx, t: Target, who: NotCounted): Step<Omit<VoteCounts, 'ignored'>> {
  if (!who.task) {
    const [r] = yield* exec(tooNewVotes(ctx.db), params(ctx, t, who));
    return { yes: r!.yes, no: r!.no, abstain: r!.abstain };
  }
  const out = { yes: 0, no: 0, abstain: 0 };
  for (const r of yield* exec(excluded.review(ctx.db), params(ctx, t, who))) out[r.value] = r.n;
  return out;
}

/** The votes that count on a target, by value (from `vote_tallies`), and how many do not. */
export function* countVotes(ctx: Ctx, t: Target, who: NotCounted): Step<VoteCounts> {
  const [stored] = yield* exec(totals(ctx.db), { type: t.type, id: t.id });
  // With what this unit changed and has not written yet (batch-scope.ts `deferTallies`).
  const pending = ctx.batch?.pendingTally(t);
  const all =
    pending && stored
      ? {
          yes: stored.yes + pending.yes,
          no: stored.no + pending.no,
          abstain: stored.abstain + pending.abstain,
        }
      : (pending ?? stored);
  if (!all) return { yes: 0, no: 0, abstain: 0, ignored: 0 };
  const not = yield* notCountedVotes(ctx, t, who);
  return {
    yes: all.yes - not.yes,
    no: all.no - not.no,
    abstain: all.abstain - not.abstain,
    ignored: not.yes + not.no + not.abstain,
  };
}

/** How many votes on a target do not count. */
function* ignoredVotes(ctx: Ctx, t: Target, who: NotCounted): Step<number> {
  const not = yield* notCountedVotes(ctx, t, who);
  return not.yes + not.no + not.abstain;
}

/** The first `limit` members whose counted vote is `value`, in the order they last voted. */
function* votersOfValue(
  ctx: Ctx,
  t: Target,
  who: NotCounted,
  value: VoteValue,
  limit: number,
): Step<Ballot[]> {
  if (limit <= 0) return [];
  const q = who.task ? voters.review(ctx.db, limit) : voters.proposal(ctx.db, limit);
  return yield* exec(q, params(ctx, t, who, value));
}

/** A target's counted votes of some values, with who cast them, and how many votes do not count. */
export interface Tally {
  counts: Record<VoteValue, number>;
  /** In the order they last voted: every one, or the first `names`. */
  voters: Record<VoteValue, Ballot[]>;
  ignored: number;
}

/** A target with at most this many votes is tallied from them, read in one query. */
const FEW_VOTES = 25;

/** One member's vote on a target as a tally with few votes reads it (whether they claimed the task). */
export interface FewVote {
  id: number;
  member: MemberRow;
  value: VoteValue;
  reason: string | null;
  claimant: number;
}

/**
 * Moves a target's few votes (by mark id) by one member's change: their vote is now the mark
 * `change.mark`, or none. False when the target has more votes than a tally reads at once (then the
 * caller forgets them).
 */
export function moveFewVotes(
  few: FewVote[],
  member: MemberRow,
  claimant: boolean,
  change: { after?: VoteValue; mark?: { id: number; reason: string | null } },
): boolean {
  const was = few.findIndex((v) => v.member.id === member.id);
  if (was >= 0) few.splice(was, 1);
  const mark = change.mark;
  if (change.after && mark) {
    const at = few.findIndex((v) => v.id > mark.id);
    const vote = {
      id: mark.id,
      member,
      value: change.after,
      reason: mark.reason,
      claimant: claimant ? 1 : 0,
    };
    few.splice(at < 0 ? few.length : at, 0, vote);
  }
  return few.length <= FEW_VOTES;
}

/** Every vote on a target (up to a limit), with its member and whether they claimed the task. */
const fewVotesOf = (d: Db, claimant: SQL) =>
  d
    .select({
      id: voteMarks.id,
      member: members,
      value: voteMarks.value,
      reason: voteMarks.reason,
      claimant: claimant.mapWith(Number),
    })
    .from(voteMarks)
    .innerJoin(members, eq(members.id, voteMarks.memberId))
    .where(votesOfTarget)
    // The index's order, so a target with many votes stops after the limit (not sorting them all).
    .orderBy(asc(voteMarks.value), asc(voteMarks.id))
    .limit(fixedLimit(FEW_VOTES + 1));

const fewVotes = {
  review: (db: Db) =>
    prepared(db, 'tally.few.review', (d) =>
      fewVotesOf(
        d,
        sql`case when exists (select 1 from ${claims} c where c.task_id = ${p.task} and c.member_id = ${voteMarks.memberId}) then 1 else 0 end`,
      ),
    ),
  proposal: (db: Db) => prepared(db, 'tally.few.proposal', (d) => fewVotesOf(d, sql`0`)),
};

/**
 * Tallies the `values` asked for, naming the first `names` voters of each. A target with few votes is
 * tallied from all of them, read at once. With more, a card takes the counts from `vote_tallies` and
 * reads only the names it shows, while every voter (`ALL_VOTERS`: a decision, an acceptance's credits,
 * a digest) is read from the marks themselves and counted as read.
 */
export function* tallyVotes(
  ctx: Ctx,
  t: Target,
  who: NotCounted,
  values: readonly VoteValue[],
  names: number,
): Step<Tally> {
  const tally: Tally = {
    counts: { yes: 0, no: 0, abstain: 0 },
    voters: { yes: [], no: [], abstain: [] },
    ignored: 0,
  };
  // In a scope (batch-scope.ts), a target's few votes are read once and then moved by each change,
  // which keeps them in the order they were cast (`moveFewVotes`).
  const key = targetKey(t);
  let few = ctx.batch?.votes.get(key);
  if (!few) {
    const read = fewVotes[who.task ? 'review' : 'proposal'](ctx.db);
    few = (yield* exec(read, params(ctx, t, who))).sort((a, b) => a.id - b.id);
    if (ctx.batch && few.length <= FEW_VOTES) ctx.batch.votes.set(key, few);
  }
  if (few.length <= FEW_VOTES) {
    for (const v of few) {
      const counts =
        !v.claimant && v.member.id !== who.task?.submitterId && v.member.joinedAt <= who.joinedAfter;
      if (!counts) tally.ignored++;
      else if (values.includes(v.value)) {
        tally.counts[v.value]++;
        if (tally.voters[v.value].length < names)
          tally.voters[v.value].push({ member: v.member, value: v.value, reason: v.reason });
      }
    }
    return tally;
  }
  if (names >= ALL_VOTERS) {
    for (const v of values) {
      tally.voters[v] = yield* votersOfValue(ctx, t, who, v, ALL_VOTERS);
      tally.counts[v] = tally.voters[v].length;
    }
    tally.ignored = yield* ignoredVotes(ctx, t, who);
    return tally;
  }
  const c = yield* countVotes(ctx, t, who);
  tally.ignored = c.ignored;
  for (const v of values) {
    tally.counts[v] = c[v];
    if (c[v] > 0) tally.voters[v] = yield* votersOfValue(ctx, t, who, v, names);
  }
  return tally;
}
