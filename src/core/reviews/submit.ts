/** `/task submit`: a claimant asks for review; a newer submission supersedes the open one. */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { prepared } from '../../db/prepared.js';
import { submissions } from '../../db/schema.js';
import { appendAudit } from '../commons/audit.js';
import type { CommandArgs } from '../commands.js';
import { submissionCardKey } from '../shared/card-keys.js';
import { actorOf, type Ctx } from '../shared/context.js';
import { UserError } from '../shared/errors.js';
import type { Reply } from '../shared/views.js';
import {
  activeClaims,
  cancelClaimDeadlines,
  getTask,
  refreshTaskCard,
  setTaskStatus,
} from '../tasks/tasks.js';
import type { HeldClaim, TaskRow } from '../tasks/types.js';
import { openSubmission, reviewCardData, updateReviewCard } from './reviews.js';
import type { SubmissionRow } from './types.js';
import { reviewCard } from './views.js';
import { run } from '../../db/step.js';

/** The task's active claims; throws unless the task takes submissions and the actor holds one of them. */
async function claimsOfSubmitter(ctx: Ctx, task: TaskRow): Promise<HeldClaim[]> {
  if (task.status === 'done' || task.status === 'cancelled') {
    throw new UserError('task.notOpen', { number: task.number, status: task.status, action: 'submitted' });
  }
  const holders = await activeClaims(ctx, task.id);
  if (!holders.some((c) => c.memberId === actorOf(ctx).id))
    throw new UserError('task.notClaimant', { number: task.number });
  return holders;
}

/** A submission's new status, decided now (superseded, withdrawn). */
const setSubmissionStatus = (db: Db) =>
  prepared(db, 'submissions.setStatus', (d) =>
    d
      .update(submissions)
      .set({ status: sql`${sql.placeholder('status')}`, decidedAt: sql`${sql.placeholder('now')}` })
      .where(eq(submissions.id, sql.placeholder('id'))),
  );

async function supersede(ctx: Ctx, task: TaskRow, previous: SubmissionRow): Promise<void> {
  await setSubmissionStatus(ctx.db).execute({ status: 'superseded', now: ctx.now, id: previous.id });
  await run(updateReviewCard(ctx, task, { ...previous, status: 'superseded' }));
}

async function insertSubmission(
  ctx: Ctx,
  task: TaskRow,
  args: CommandArgs<'task submit'>,
): Promise<SubmissionRow> {
  const q = prepared(ctx.db, 'submissions.insert', (d) =>
    d
      .insert(submissions)
      .values({
        communityId: sql.placeholder('community'),
        taskId: sql.placeholder('task'),
        submitterId: sql.placeholder('submitter'),
        link: sql.placeholder('link'),
        note: sql.placeholder('note'),
        status: 'open',
        createdAt: sql.placeholder('now'),
      })
      .returning(),
  );
  const [sub] = await q.execute({
    community: ctx.community.id,
    task: task.id,
    submitter: actorOf(ctx).id,
    link: args.link ?? null,
    note: args.note ?? null,
    now: ctx.now,
  });
  return sub!;
}

export async function submitTask(ctx: Ctx, args: CommandArgs<'task submit'>): Promise<Reply> {
  const actor = actorOf(ctx);
  const task = await getTask(ctx, args.task);
  const holders = await claimsOfSubmitter(ctx, task);
  const previous = await openSubmission(ctx, task.id);
  if (previous) await supersede(ctx, task, previous);
  const sub = await insertSubmission(ctx, task, args);
  // A submitted claim no longer expires.
  for (const c of holders) await cancelClaimDeadlines(ctx, c.id);
  const updated = await setTaskStatus(ctx, task, 'review');
  await appendAudit(ctx, 'task.submitted', {
    task: task.number,
    submission: sub.id,
    member: actor.userId,
    link: sub.link,
  });
  await refreshTaskCard(ctx, updated);
  const view = reviewCard(await run(reviewCardData(ctx, updated, sub)));
  ctx.effects.push({ type: 'post', channelId: task.channelId, cardKey: submissionCardKey(sub.id), view });
  return {
    private: false,
    text: `${actor.displayName} submitted task #${task.number} for review; ${ctx.rules['review.approvals']} approvals accept it.`,
  };
}

/** Withdraws the open submission of a task (its last claimant left); its card says so. */
export async function withdrawSubmission(ctx: Ctx, task: TaskRow, sub: SubmissionRow): Promise<void> {
  await setSubmissionStatus(ctx.db).execute({ status: 'withdrawn', now: ctx.now, id: sub.id });
  await run(updateReviewCard(ctx, task, { ...sub, status: 'withdrawn' }));
}
