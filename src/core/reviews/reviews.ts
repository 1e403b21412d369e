/**
 * Submissions and their review tally: which votes count (not a claimant's, not a member's too new to
 * vote), and when the tally accepts a submission. Submitting is in submit.ts, acceptance in accept.ts.
 */
import { and, desc, eq, sql } from 'drizzle-orm';
import { exec, fixedLimit, prepared } from '../../db/prepared.js';
import { wait, type Step } from '../../db/step.js';
import { claims, members, submissions, tasks } from '../../db/schema.js';
import { memberName } from '../community/community.js';
import { submissionCardKey } from '../shared/card-keys.js';
import type { Ctx } from '../shared/context.js';
import { NAMES_SHOWN } from '../shared/views.js';
import type { TaskRow } from '../tasks/types.js';
import { DAY_MS } from '../shared/model.js';
import { ALL_VOTERS, tallyVotes, type NotCounted } from '../votes/tally.js';
import type { Target } from '../votes/types.js';
import type { ReviewCardData, ReviewTally, SubmissionRow } from './types.js';
import { reviewCard } from './views.js';

export async function openSubmission(ctx: Ctx, taskId: number): Promise<SubmissionRow | undefined> {
  const q = prepared(ctx.db, 'submissions.open', (d) =>
    d
      .select()
      .from(submissions)
      .where(and(eq(submissions.taskId, sql.placeholder('task')), eq(submissions.status, 'open')))
      .limit(fixedLimit(1)),
  );
  return (await q.execute({ task: taskId }))[0];
}

export async function latestSubmissions(ctx: Ctx, taskId: number, n = 3): Promise<SubmissionRow[]> {
  const q = prepared(ctx.db, `submissions.latest.${n}`, (d) =>
    d
      .select()
      .from(submissions)
      .where(eq(submissions.taskId, sql.placeholder('task')))
      .orderBy(desc(submissions.id))
      .limit(fixedLimit(n)),
  );
  return await q.execute({ task: taskId });
}

/** A submission with its task and its submitter's name: what a vote on its card reads, in one query. */
export function* submissionForVote(
  ctx: Ctx,
  id: number,
): Step<{ sub: SubmissionRow; task: TaskRow; submitter: string } | undefined> {
  const q = prepared(ctx.db, 'reviews.forVote', (d) =>
    d
      .select({ sub: submissions, task: tasks, submitter: members.displayName })
      .from(submissions)
      .innerJoin(tasks, eq(tasks.id, submissions.taskId))
      .innerJoin(members, eq(members.id, submissions.submitterId))
      .where(
        and(
          eq(submissions.id, sql.placeholder('id')),
          eq(submissions.communityId, sql.placeholder('community')),
        ),
      ),
  );
  return (yield* exec(q, { id, community: ctx.community.id }))[0];
}

/**
 * Members who never count as reviewers of a task's submissions: everyone who ever claimed it (active,
 * released, expired or done), so that unclaiming after submitting does not turn a claimant into a
 * reviewer of their own work, and the submitter.
 */
export function* claimantIdsOf(
  ctx: Ctx,
  sub: Pick<SubmissionRow, 'taskId' | 'submitterId'>,
): Step<Set<number>> {
  const q = prepared(ctx.db, 'reviews.claimants', (d) =>
    d
      .select({ m: claims.memberId })
      .from(claims)
      .where(eq(claims.taskId, sql.placeholder('task'))),
  );
  const ids = (yield* exec(q, { task: sub.taskId })).map((r) => r.m);
  return new Set([...ids, sub.submitterId]);
}

/** Whose review votes do not count: every claimant of the task, the submitter, members too new to vote. */
export function notCountedOnReview(ctx: Ctx, sub: Pick<SubmissionRow, 'taskId' | 'submitterId'>): NotCounted {
  return {
    joinedAfter: ctx.now - ctx.rules['votes.minMemberDays'] * DAY_MS,
    task: { id: sub.taskId, submitterId: sub.submitterId },
  };
}

/**
 * Counts the votes that count: not by a claimant of the task, not by a member too new to vote. Names
 * the first `names` approvers and objectors (every one unless fewer are asked for, as a card shows).
 */
export function* reviewTally(ctx: Ctx, sub: SubmissionRow, names = ALL_VOTERS): Step<ReviewTally> {
  const target: Target = { type: 'submission', id: sub.id };
  const t = yield* tallyVotes(ctx, target, notCountedOnReview(ctx, sub), ['yes', 'no'], names);
  return {
    approvals: t.counts.yes,
    objections: t.counts.no,
    approvers: t.voters.yes.map((b) => b.member),
    objectors: t.voters.no,
    needed: ctx.rules['review.approvals'],
    ignored: t.ignored,
  };
}

/** Accepted: enough approvals, and no objection while objections block. */
export function isAccepted(ctx: Ctx, t: Pick<ReviewTally, 'approvals' | 'objections' | 'needed'>): boolean {
  const blocked = ctx.rules['review.objectionsBlock'] && t.objections > 0;
  return t.approvals >= t.needed && !blocked;
}

/** What the review card shows; pass the tally (and the submitter's name) when the caller has it already. */
export function* reviewCardData(
  ctx: Ctx,
  task: TaskRow,
  sub: SubmissionRow,
  known?: ReviewTally,
  submitter?: string,
): Step<ReviewCardData> {
  const tally = known ?? (yield* reviewTally(ctx, sub, NAMES_SHOWN));
  return { task, sub, tally, submitter: submitter ?? (yield* wait(memberName(ctx, sub.submitterId))) };
}

/** Re-renders a submission's review card. */
export function* updateReviewCard(
  ctx: Ctx,
  task: TaskRow,
  sub: SubmissionRow,
  known?: ReviewTally,
  submitter?: string,
): Step<void> {
  const view = reviewCard(yield* reviewCardData(ctx, task, sub, known, submitter));
  ctx.effects.push({ type: 'update', cardKey: submissionCardKey(sub.id), view });
}
