/**
 * Tallies in SQL, shared by reviews and proposals: the counts kept in `vote_tallies`, less the votes
 * that do not count (driven from the few who do not count: a task's claimants and submitter, members
 * who joined after the threshold), and the first voters of a value in the order they last voted (what
 * a card names). Neither reads every vote of a target.
 */
import { and, asc, eq, gt, lte, ne, notInArray, sql, inArray, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { prepared } from '../../db/prepared.js';
import { claims, members, voteMarks, voteTallies } from '../../db/schema.js';
import type { Ctx } from '../shared/context.js';
import type { VoteValue } from '../shared/model.js';
import type { Ballot, Target } from './types.js';

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
      .where(and(eq(voteTallies.targetType, p.type), eq(voteTallies.targetId, p.id)))
      .limit(1),
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
  proposal: (db: Db) =>
    prepared(db, 'tally.excluded.proposal', (d) => excludedVotes(d, inArray(voteMarks.memberId, tooNew(d)))),
};

const votersOf = (d: Db, who: SQL | undefined) =>
  d
    .select({ member: members, value: voteMarks.value, reason: voteMarks.reason })
    .from(voteMarks)
    .innerJoin(members, eq(members.id, voteMarks.memberId))
    .where(
      and(votesOfTarget, eq(voteMarks.value, sql.placeholder('value')), lte(members.joinedAt, p.after), who),
    )
    .orderBy(asc(voteMarks.id))
    .limit(sql.placeholder('limit'));

const voters = {
  review: (db: Db) =>
    prepared(db, 'tally.voters.review', (d) =>
      votersOf(
        d,
        and(
          ne(voteMarks.memberId, p.submitter),
          notInArray(
            voteMarks.memberId,
            d.select({ m: claims.memberId }).from(claims).where(eq(claims.taskId, p.task)),
          ),
        ),
      ),
    ),
  proposal: (db: Db) => prepared(db, 'tally.voters.proposal', (d) => votersOf(d, undefined)),
};

const params = (ctx: Ctx, t: Target, who: NotCounted) => ({
  type: t.type,
  id: t.id,
  community: ctx.community.id,
  after: who.joinedAfter,
  task: who.task?.id ?? 0,
  submitter: who.task?.submitterId ?? 0,
});

/** The votes that count on a target, by value, and how many do not. */
export async function countVotes(ctx: Ctx, t: Target, who: NotCounted): Promise<VoteCounts> {
  const [all] = await totals(ctx.db).execute({ type: t.type, id: t.id });
  const counts: VoteCounts = { yes: all?.yes ?? 0, no: all?.no ?? 0, abstain: all?.abstain ?? 0, ignored: 0 };
  if (!all) return counts;
  const q = who.task ? excluded.review(ctx.db) : excluded.proposal(ctx.db);
  for (const r of await q.execute(params(ctx, t, who))) {
    counts[r.value] -= r.n;
    counts.ignored += r.n;
  }
  return counts;
}

/** The first `limit` members whose counted vote is `value`, in the order they last voted. */
export async function votersOfValue(
  ctx: Ctx,
  t: Target,
  who: NotCounted,
  value: VoteValue,
  limit: number,
): Promise<Ballot[]> {
  if (limit <= 0) return [];
  const q = who.task ? voters.review(ctx.db) : voters.proposal(ctx.db);
  return await q.execute({ ...params(ctx, t, who), value, limit });
}
