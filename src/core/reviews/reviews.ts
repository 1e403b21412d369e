/**
 * Submissions and their review tally: which votes count (not a claimant's, not a member's too new to
 * vote), and when the tally accepts a submission. Submitting is in submit.ts, acceptance in accept.ts.
 */
import { and, desc, eq } from 'drizzle-orm';
import { claims, submissions } from '../../db/schema.js';
import { isEligible, memberName } from '../community/community.js';
import { submissionCardKey } from '../shared/card-keys.js';
import type { Ctx } from '../shared/context.js';
import type { TaskRow } from '../tasks/types.js';
import { currentVotes } from '../votes/marks.js';
import type { ReviewCardData, ReviewTally, SubmissionRow } from './types.js';
import { reviewCard } from './views.js';

export async function openSubmission(ctx: Ctx, taskId: number): Promise<SubmissionRow | undefined> {
  return (
    await ctx.db
      .select()
      .from(submissions)
      .where(and(eq(submissions.taskId, taskId), eq(submissions.status, 'open')))
      .limit(1)
  )[0];
}

export async function latestSubmissions(ctx: Ctx, taskId: number, n = 3): Promise<SubmissionRow[]> {
  return await ctx.db
    .select()
    .from(submissions)
    .where(eq(submissions.taskId, taskId))
    .orderBy(desc(submissions.id))
    .limit(n);
}

/** Whether a submission still takes votes. */
export async function isSubmissionOpen(ctx: Ctx, id: number): Promise<boolean> {
  const row = (
    await ctx.db.select({ s: submissions.status }).from(submissions).where(eq(submissions.id, id)).limit(1)
  )[0];
  return row?.s === 'open';
}

/**
 * Members who never count as reviewers of a task's submissions: everyone who ever claimed it (active,
 * released, expired or done), so that unclaiming after submitting does not turn a claimant into a
 * reviewer of their own work, and the submitter.
 */
export async function claimantIdsOf(
  ctx: Ctx,
  sub: Pick<SubmissionRow, 'taskId' | 'submitterId'>,
): Promise<Set<number>> {
  const ids = (
    await ctx.db.select({ m: claims.memberId }).from(claims).where(eq(claims.taskId, sub.taskId))
  ).map((r) => r.m);
  return new Set([...ids, sub.submitterId]);
}

/** Counts the votes that count: not by a claimant of the task, not by a member too new to vote. */
export async function reviewTally(ctx: Ctx, sub: SubmissionRow): Promise<ReviewTally> {
  const claimantIds = await claimantIdsOf(ctx, sub);
  const minDays = ctx.rules['votes.minMemberDays'];
  const tally: ReviewTally = {
    approvers: [],
    objectors: [],
    needed: ctx.rules['review.approvals'],
    ignored: 0,
  };
  for (const b of await currentVotes(ctx, { type: 'submission', id: sub.id })) {
    if (claimantIds.has(b.member.id) || !isEligible(b.member, minDays, ctx.now)) tally.ignored++;
    else if (b.value === 'yes') tally.approvers.push(b.member);
    else if (b.value === 'no') tally.objectors.push(b);
  }
  return tally;
}

/** Accepted: enough approvals, and no objection while objections block. */
export function isAccepted(ctx: Ctx, t: ReviewTally): boolean {
  const blocked = ctx.rules['review.objectionsBlock'] && t.objectors.length > 0;
  return t.approvers.length >= t.needed && !blocked;
}

/** What the review card shows; pass the tally when the caller has it already. */
export async function reviewCardData(
  ctx: Ctx,
  task: TaskRow,
  sub: SubmissionRow,
  known?: ReviewTally,
): Promise<ReviewCardData> {
  const tally = known ?? (await reviewTally(ctx, sub));
  return { task, sub, tally, submitter: await memberName(ctx, sub.submitterId) };
}

/** Re-renders a submission's review card. */
export async function updateReviewCard(
  ctx: Ctx,
  task: TaskRow,
  sub: SubmissionRow,
  known?: ReviewTally,
): Promise<void> {
  const view = reviewCard(await reviewCardData(ctx, task, sub, known));
  ctx.effects.push({ type: 'update', cardKey: submissionCardKey(sub.id), view });
}
