/** `/review N approve|object`: the same vote as a reaction on the review card. */
import { appendAudit } from '../commons/audit.js';
import type { CommandArgs } from '../commands.js';
import { isEligible } from '../community/community.js';
import { actorOf, type Ctx } from '../shared/context.js';
import { UserError } from '../shared/errors.js';
import type { VoteValue } from '../shared/model.js';
import type { Reply } from '../shared/views.js';
import { getTask } from '../tasks/tasks.js';
import { addMark } from '../votes/marks.js';
import { afterReviewVote } from './accept.js';
import { claimantIdsOf, openSubmission } from './reviews.js';
import { run } from '../../db/step.js';

export async function reviewCommand(ctx: Ctx, args: CommandArgs<'review'>): Promise<Reply> {
  const actor = actorOf(ctx);
  const task = await getTask(ctx, args.task);
  if (task.status === 'done') throw new UserError('review.final', { number: task.number });
  const sub = await openSubmission(ctx, task.id);
  if (!sub) throw new UserError('review.noSubmission', { number: task.number });
  if ((await run(claimantIdsOf(ctx, sub))).has(actor.id))
    throw new UserError('review.ownTask', { number: task.number });
  const minDays = ctx.rules['votes.minMemberDays'];
  if (!isEligible(actor, minDays, ctx.now)) throw new UserError('review.ineligible', { days: minDays });
  const value: VoteValue = args.verdict === 'approve' ? 'yes' : 'no';
  await run(addMark(ctx, { type: 'submission', id: sub.id }, actor.id, 'command', value, args.reason));
  await appendAudit(ctx, 'review.vote', {
    task: task.number,
    submission: sub.id,
    member: actor.userId,
    vote: args.verdict,
    via: 'command',
  });
  const accepted = await run(afterReviewVote(ctx, task, sub));
  const verb = args.verdict === 'approve' ? 'approved' : 'objected to';
  return {
    private: true,
    text: `You ${verb} the submission on task #${task.number}.${accepted ? ' It is accepted.' : ''}`,
  };
}
