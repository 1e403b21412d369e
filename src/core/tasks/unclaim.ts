/**
 * `/task unclaim N`. While the task's submission awaits review, leaving has a consequence the reply
 * states: the last claimant's unclaim withdraws the submission (an accepted contribution always has a
 * contributor); a co-claimant's leaves it to the others. Either way the leaver never reviews it.
 */
import { appendAudit } from '../commons/audit.js';
import { actorOf, type Ctx } from '../shared/context.js';
import { UserError } from '../shared/errors.js';
import { openSubmission } from '../reviews/reviews.js';
import { withdrawSubmission } from '../reviews/submit.js';
import { activeClaims, endClaim, getTask, refreshTaskCard } from './tasks.js';
import { nameList, type Reply } from '../shared/views.js';

export async function unclaimTask(ctx: Ctx, number: number): Promise<Reply> {
  const actor = actorOf(ctx);
  const task = await getTask(ctx, number);
  if (task.status === 'done' || task.status === 'cancelled')
    throw new UserError('task.notOpen', { number, status: task.status, action: 'unclaimed' });
  const holders = await activeClaims(ctx, task.id);
  const mine = holders.find((c) => c.memberId === actor.id);
  if (!mine) throw new UserError('task.notClaimant', { number });
  const others = holders.filter((c) => c.memberId !== actor.id).map((c) => c.member.displayName);
  const sub = await openSubmission(ctx, task.id);
  if (sub && others.length === 0) await withdrawSubmission(ctx, task, sub);
  const updated = await endClaim(ctx, task, mine, 'released');
  await appendAudit(ctx, 'task.unclaimed', {
    task: number,
    member: actor.userId,
    submissionWithdrawn: sub && others.length === 0 ? sub.id : null,
  });
  await refreshTaskCard(ctx, updated);
  const head = `${actor.displayName} released task #${number}`;
  if (!sub) return { private: false, text: `${head}; the slot is free.` };
  if (others.length === 0)
    return {
      private: false,
      text: `${head}; the submission awaiting review is withdrawn, and the task is open again.`,
    };
  return {
    private: false,
    text: `${head}. The submission stays in review for ${nameList(others)}; ${actor.displayName} is no longer a contributor and cannot review it.`,
  };
}
