/** Submissions and peer review: the tally, and acceptance into the commons ledger. */
import { and, desc, eq } from 'drizzle-orm';
import { claims, ledger, ledgerPeople, submissions, tasks } from '../../db/schema.js';
import { appendAudit } from '../commons/audit.js';
import type { CommandArgs } from '../commands.js';
import { isEligible } from '../community/community.js';
import { actorOf, type Ctx, type MemberRow } from '../shared/context.js';
import { UserError } from '../shared/errors.js';
import type { VoteValue } from '../shared/model.js';
import { reviewCard } from '../tasks/views.js';
import {
  activeClaims,
  cancelClaimDeadlines,
  getTask,
  refreshTaskCard,
  type TaskRow,
} from '../tasks/tasks.js';
import { addMark, currentVotes, type Ballot } from '../votes/marks.js';
import type { Reply } from '../shared/views.js';

export type SubmissionRow = typeof submissions.$inferSelect;

export interface ReviewTally {
  approvers: MemberRow[];
  objectors: Ballot[];
  needed: number;
  /** Votes that do not count, and why (claimant, not yet eligible). */
  ignored: number;
}

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

function isAccepted(ctx: Ctx, t: ReviewTally): boolean {
  const blocked = ctx.rules['review.objectionsBlock'] && t.objectors.length > 0;
  return t.approvers.length >= t.needed && !blocked;
}

export async function submitTask(ctx: Ctx, args: CommandArgs<'task submit'>): Promise<Reply> {
  const actor = actorOf(ctx);
  const task = await getTask(ctx, args.task);
  if (task.status === 'done' || task.status === 'cancelled') {
    throw new UserError('task.notOpen', { number: task.number, status: task.status, action: 'submitted' });
  }
  const holders = await activeClaims(ctx, task.id);
  if (!holders.some((c) => c.memberId === actor.id))
    throw new UserError('task.notClaimant', { number: task.number });
  const previous = await openSubmission(ctx, task.id);
  if (previous) {
    await ctx.db
      .update(submissions)
      .set({ status: 'superseded', decidedAt: ctx.now })
      .where(eq(submissions.id, previous.id));
    ctx.effects.push({
      type: 'update',
      cardKey: `submission:${previous.id}`,
      view: await reviewCard(
        ctx,
        task,
        { ...previous, status: 'superseded' },
        await reviewTally(ctx, previous),
      ),
    });
  }
  const sub = (
    await ctx.db
      .insert(submissions)
      .values({
        communityId: ctx.community.id,
        taskId: task.id,
        submitterId: actor.id,
        link: args.link ?? null,
        note: args.note ?? null,
        status: 'open',
        createdAt: ctx.now,
      })
      .returning()
  )[0]!;
  // A submitted claim no longer expires.
  for (const c of holders) await cancelClaimDeadlines(ctx, c.id);
  const updated = (
    await ctx.db
      .update(tasks)
      .set({ status: 'review', updatedAt: ctx.now })
      .where(eq(tasks.id, task.id))
      .returning()
  )[0]!;
  await appendAudit(ctx, 'task.submitted', {
    task: task.number,
    submission: sub.id,
    member: actor.userId,
    link: sub.link,
  });
  await refreshTaskCard(ctx, updated);
  ctx.effects.push({
    type: 'post',
    channelId: task.channelId,
    cardKey: `submission:${sub.id}`,
    view: await reviewCard(ctx, updated, sub, await reviewTally(ctx, sub)),
  });
  return {
    private: false,
    text: `${actor.displayName} submitted task #${task.number} for review; ${ctx.rules['review.approvals']} approvals accept it.`,
  };
}

/** `/review N approve|object`: the same vote as a reaction on the review card. */
export async function reviewCommand(ctx: Ctx, args: CommandArgs<'review'>): Promise<Reply> {
  const actor = actorOf(ctx);
  const task = await getTask(ctx, args.task);
  if (task.status === 'done') throw new UserError('review.final', { number: task.number });
  const sub = await openSubmission(ctx, task.id);
  if (!sub) throw new UserError('review.noSubmission', { number: task.number });
  if ((await claimantIdsOf(ctx, sub)).has(actor.id))
    throw new UserError('review.ownTask', { number: task.number });
  const minDays = ctx.rules['votes.minMemberDays'];
  if (!isEligible(actor, minDays, ctx.now)) throw new UserError('review.ineligible', { days: minDays });
  const value: VoteValue = args.verdict === 'approve' ? 'yes' : 'no';
  await addMark(ctx, { type: 'submission', id: sub.id }, actor.id, 'command', value, args.reason);
  await appendAudit(ctx, 'review.vote', {
    task: task.number,
    submission: sub.id,
    member: actor.userId,
    vote: args.verdict,
    via: 'command',
  });
  const accepted = await afterReviewVote(ctx, task, sub);
  const verb = args.verdict === 'approve' ? 'approved' : 'objected to';
  return {
    private: true,
    text: `You ${verb} the submission on task #${task.number}.${accepted ? ' It is accepted.' : ''}`,
  };
}

/** Re-renders the review card and accepts the submission when the tally allows. Returns whether it did. */
export async function afterReviewVote(ctx: Ctx, task: TaskRow, sub: SubmissionRow): Promise<boolean> {
  const tally = await reviewTally(ctx, sub);
  if (!isAccepted(ctx, tally)) {
    ctx.effects.push({
      type: 'update',
      cardKey: `submission:${sub.id}`,
      view: await reviewCard(ctx, task, sub, tally),
    });
    return false;
  }
  await accept(ctx, task, sub, tally);
  return true;
}

async function accept(ctx: Ctx, task: TaskRow, sub: SubmissionRow, tally: ReviewTally): Promise<void> {
  const contributors = (await activeClaims(ctx, task.id)).map((c) => c.member);
  // The last claimant's unclaim withdraws the open submission, so an open one always has a claimant.
  if (contributors.length === 0)
    throw new Error(`submission ${sub.id} of task #${task.number} has no claimant`);
  const person = (m: MemberRow) => ({ memberId: m.id, userId: m.userId, name: m.displayName });
  const accepted = { ...sub, status: 'accepted' as const, decidedAt: ctx.now };
  await ctx.db
    .update(submissions)
    .set({ status: 'accepted', decidedAt: ctx.now })
    .where(eq(submissions.id, sub.id));
  await ctx.db
    .update(claims)
    .set({ status: 'done', endedAt: ctx.now })
    .where(and(eq(claims.taskId, task.id), eq(claims.status, 'active')));
  const done = (
    await ctx.db
      .update(tasks)
      .set({ status: 'done', updatedAt: ctx.now })
      .where(eq(tasks.id, task.id))
      .returning()
  )[0]!;
  const hash = await appendAudit(ctx, 'contribution.accepted', {
    task: task.number,
    title: task.title,
    submission: sub.id,
    contributors: contributors.map((m) => m.userId),
    reviewers: tally.approvers.map((m) => m.userId),
    link: sub.link,
    license: task.license,
    // The names the ledger shows, so `/commons verify` can check them too.
    names: Object.fromEntries([...contributors, ...tally.approvers].map((m) => [m.userId, m.displayName])),
  });
  const entry = (
    await ctx.db
      .insert(ledger)
      .values({
        communityId: ctx.community.id,
        taskId: task.id,
        submissionId: sub.id,
        contributors: JSON.stringify(contributors.map(person)),
        reviewers: JSON.stringify(tally.approvers.map(person)),
        link: sub.link,
        license: task.license,
        acceptedAt: ctx.now,
        auditHash: hash,
      })
      .returning()
  )[0]!;
  const people = [
    ...contributors.map((m) => ({ memberId: m.id, role: 'contributor' as const })),
    ...tally.approvers.map((m) => ({ memberId: m.id, role: 'reviewer' as const })),
  ];
  for (const p of people)
    await ctx.db.insert(ledgerPeople).values({ ledgerId: entry.id, communityId: ctx.community.id, ...p });
  ctx.effects.push({
    type: 'update',
    cardKey: `submission:${sub.id}`,
    view: await reviewCard(ctx, done, accepted, tally),
  });
  await refreshTaskCard(ctx, done);
  const names = (ms: MemberRow[]) => ms.map((m) => m.displayName).join(', ');
  ctx.effects.push({
    type: 'say',
    channelId: task.channelId,
    text: `✅ Task #${task.number} "${task.title}" accepted. Contributors: ${names(contributors)}. Reviewers: ${names(tally.approvers)}. Recorded in the commons under ${task.license}.`,
  });
}

/** Whether a submission still takes votes. */
export async function isSubmissionOpen(ctx: Ctx, id: number): Promise<boolean> {
  const row = (
    await ctx.db.select({ s: submissions.status }).from(submissions).where(eq(submissions.id, id)).limit(1)
  )[0];
  return row?.s === 'open';
}

/** After a submission's votes changed: re-render its card, and accept it when the tally allows. */
export async function afterSubmissionVotes(ctx: Ctx, id: number): Promise<void> {
  const sub = (await ctx.db.select().from(submissions).where(eq(submissions.id, id)).limit(1))[0]!;
  const task = (await ctx.db.select().from(tasks).where(eq(tasks.id, sub.taskId)).limit(1))[0]!;
  await afterReviewVote(ctx, task, sub);
}

/** Re-judges every open submission of the community after a review rule changed (a lowered bar applies at once). */
export async function reviewOpenSubmissions(ctx: Ctx): Promise<void> {
  const open = await ctx.db
    .select({ sub: submissions, task: tasks })
    .from(submissions)
    .innerJoin(tasks, eq(tasks.id, submissions.taskId))
    .where(and(eq(submissions.communityId, ctx.community.id), eq(submissions.status, 'open')))
    .orderBy(submissions.id);
  for (const { sub, task } of open) await afterReviewVote(ctx, task, sub);
}

/** Withdraws the open submission of a task (its last claimant left); its card says so. */
export async function withdrawSubmission(ctx: Ctx, task: TaskRow, sub: SubmissionRow): Promise<void> {
  await ctx.db
    .update(submissions)
    .set({ status: 'withdrawn', decidedAt: ctx.now })
    .where(eq(submissions.id, sub.id));
  ctx.effects.push({
    type: 'update',
    cardKey: `submission:${sub.id}`,
    view: await reviewCard(ctx, task, { ...sub, status: 'withdrawn' }, await reviewTally(ctx, sub)),
  });
}
