/**
 * After a review vote: re-render the card, or accept the submission when the tally allows. Acceptance
 * finishes the task and its claims and records the contribution in the audit log and the commons ledger.
 */
import { and, eq, sql } from 'drizzle-orm';
import { claims, communities, ledger, ledgerPeople, submissions, tasks } from '../../db/schema.js';
import { appendAudit } from '../commons/audit.js';
import type { Ctx, MemberRow } from '../shared/context.js';
import { NAMES_SHOWN } from '../shared/views.js';
import { currentTask, openTaskChanged } from '../tasks/open-tasks.js';
import { activeClaims, refreshTaskCard } from '../tasks/tasks.js';
import type { TaskRow } from '../tasks/types.js';
import { isAccepted, reviewTally, updateReviewCard } from './reviews.js';
import type { ReviewTally, SubmissionRow } from './types.js';
import { run, wait, type Step } from '../../db/step.js';

/** Who an accepted contribution credits: the claimants who did it, the approvers who reviewed it. */
interface Credits {
  contributors: MemberRow[];
  reviewers: MemberRow[];
}

/**
 * Re-renders the review card and accepts the submission when the tally allows. Returns whether it did.
 * The card names the first approvers and objectors; an acceptance credits every approver.
 */
export function* afterReviewVote(
  ctx: Ctx,
  task: TaskRow,
  sub: SubmissionRow,
  submitter?: string,
): Step<boolean> {
  const tally = yield* reviewTally(ctx, sub, NAMES_SHOWN);
  if (!isAccepted(ctx, tally)) {
    yield* updateReviewCard(ctx, task, sub, tally, submitter);
    return false;
  }
  yield* wait(accept(ctx, task, sub, yield* reviewTally(ctx, sub)));
  return true;
}

/** Re-judges every open submission of the community after a review rule changed (a lowered bar applies at once). */
export async function reviewOpenSubmissions(ctx: Ctx): Promise<void> {
  const open = await ctx.db
    .select({ sub: submissions, task: tasks })
    .from(submissions)
    .innerJoin(tasks, eq(tasks.id, submissions.taskId))
    .where(and(eq(submissions.communityId, ctx.community.id), eq(submissions.status, 'open')))
    .orderBy(submissions.id);
  for (const { sub, task } of open) await run(afterReviewVote(ctx, task, sub));
}

async function accept(ctx: Ctx, task: TaskRow, sub: SubmissionRow, tally: ReviewTally): Promise<void> {
  const contributors = (await activeClaims(ctx, task.id)).map((c) => c.member);
  // The last claimant's unclaim withdraws the open submission, so an open one always has a claimant.
  if (contributors.length === 0)
    throw new Error(`submission ${sub.id} of task #${task.number} has no claimant`);
  const credits = { contributors, reviewers: tally.approvers };
  const done = await finish(ctx, task, sub);
  await recordContribution(ctx, task, sub, credits);
  await run(updateReviewCard(ctx, done, { ...sub, status: 'accepted', decidedAt: ctx.now }, tally));
  await refreshTaskCard(ctx, done);
  const names = (ms: MemberRow[]) => ms.map((m) => m.displayName).join(', ');
  ctx.effects.push({
    type: 'say',
    channelId: task.channelId,
    text: `✅ Task #${task.number} "${task.title}" accepted. Contributors: ${names(contributors)}. Reviewers: ${names(tally.approvers)}. Recorded in the commons under ${task.license}.`,
  });
}

/** The submission is accepted, the active claims are done, and so is the task. */
async function finish(ctx: Ctx, task: TaskRow, sub: SubmissionRow): Promise<TaskRow> {
  await ctx.db
    .update(submissions)
    .set({ status: 'accepted', decidedAt: ctx.now })
    .where(eq(submissions.id, sub.id));
  await ctx.db
    .update(claims)
    .set({ status: 'done', endedAt: ctx.now })
    .where(and(eq(claims.taskId, task.id), eq(claims.status, 'active')));
  const before = await currentTask(ctx, task.id);
  const done = (
    await ctx.db
      .update(tasks)
      .set({ status: 'done', updatedAt: ctx.now })
      .where(eq(tasks.id, task.id))
      .returning()
  )[0]!;
  await openTaskChanged(ctx, before, done);
  return done;
}

/** The audit event first, then the ledger entry that names its hash, then who took part in it. */
async function recordContribution(ctx: Ctx, task: TaskRow, sub: SubmissionRow, c: Credits): Promise<void> {
  const hash = await appendAudit(ctx, 'contribution.accepted', {
    task: task.number,
    title: task.title,
    submission: sub.id,
    contributors: c.contributors.map((m) => m.userId),
    reviewers: c.reviewers.map((m) => m.userId),
    link: sub.link,
    license: task.license,
    // The names the ledger shows, so `/commons verify` can check them too.
    names: Object.fromEntries([...c.contributors, ...c.reviewers].map((m) => [m.userId, m.displayName])),
  });
  const entryId = await insertLedgerEntry(ctx, task, sub, c, hash);
  const people = [
    ...c.contributors.map((m) => ({ memberId: m.id, role: 'contributor' as const })),
    ...c.reviewers.map((m) => ({ memberId: m.id, role: 'reviewer' as const })),
  ];
  for (const p of people)
    await ctx.db.insert(ledgerPeople).values({ ledgerId: entryId, communityId: ctx.community.id, ...p });
  // The community's count of entries, in the same unit (`/commons ledger` shows it).
  await ctx.db
    .update(communities)
    .set({ ledgerEntries: sql`${communities.ledgerEntries} + 1` })
    .where(eq(communities.id, ctx.community.id));
  ctx.community.ledgerEntries += 1;
}

async function insertLedgerEntry(
  ctx: Ctx,
  task: TaskRow,
  sub: SubmissionRow,
  c: Credits,
  auditHash: string,
): Promise<number> {
  const person = (m: MemberRow) => ({ memberId: m.id, userId: m.userId, name: m.displayName });
  const entry = (
    await ctx.db
      .insert(ledger)
      .values({
        communityId: ctx.community.id,
        taskId: task.id,
        submissionId: sub.id,
        contributors: JSON.stringify(c.contributors.map(person)),
        reviewers: JSON.stringify(c.reviewers.map(person)),
        link: sub.link,
        license: task.license,
        acceptedAt: ctx.now,
        auditHash,
      })
      .returning({ id: ledger.id })
  )[0]!;
  return entry.id;
}
