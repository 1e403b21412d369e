/** Reactions on cards become vote marks on the card's target (a submission or a proposal). */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { exec, prepared } from '../db/prepared.js';
import { run, wait, type Step } from '../db/step.js';
import { cards, members, proposals, submissions, tasks } from '../db/schema.js';
import { appendAudit, auditStep } from './commons/audit.js';
import { ensureMember } from './community/community.js';
import type { Ctx } from './shared/context.js';
import type { Actor } from './shared/model.js';
import type { MessageRef, VoteValue } from './shared/model.js';
import { proposalForVote, refreshProposalCard, takesVotes } from './proposals/proposals.js';
import type { ProposalRow } from './proposals/types.js';
import type { BatchScope, ReviewCount } from './batch-scope.js';
import { afterReviewVote } from './reviews/accept.js';
import {
  claimantIdsOf,
  isAccepted,
  notCountedOnReview,
  reviewTally,
  submissionForVote,
  updateReviewCard,
} from './reviews/reviews.js';
import type { MemberRow } from './shared/context.js';
import { proposalCardKey, submissionCardKey } from './shared/card-keys.js';
import type { SubmissionRow } from './reviews/types.js';
import type { TaskRow } from './tasks/types.js';
import { parseCardKey } from './shared/card-keys.js';
import { moveFewVotes } from './votes/tally.js';
import { addMark, clearReactionMarks, reactionMarks, removeMark, type VoteChange } from './votes/marks.js';
import { targetKey, type Target } from './votes/types.js';

export interface ReactionChange {
  message: MessageRef;
  emoji: string;
  value: VoteValue;
  added: boolean;
}

/** A vote target with what re-rendering its card needs, read when the reaction arrives. */
export type OpenTarget =
  | { type: 'submission'; id: number; sub: SubmissionRow; task: TaskRow; submitter: string }
  | { type: 'proposal'; id: number; proposal: ProposalRow; author: string };

/** The target of a card while it still takes votes: one switch over the kinds of vote target. */
async function openTarget(ctx: Ctx, t: Target): Promise<OpenTarget | undefined> {
  switch (t.type) {
    case 'submission': {
      const found = await run(submissionForVote(ctx, t.id));
      return found && isOpen(ctx, { type: 'submission', id: t.id, ...found });
    }
    case 'proposal': {
      const found = await proposalForVote(ctx, t.id);
      return found && isOpen(ctx, { type: 'proposal', id: t.id, ...found });
    }
  }
}

function isOpen(ctx: Ctx, t: OpenTarget): OpenTarget | undefined {
  const open = t.type === 'submission' ? t.sub.status === 'open' : takesVotes(ctx, t.proposal);
  return open ? t : undefined;
}

/** What a change of a target's votes does: re-tally, re-render, and accept a submission that now passes. */
function* afterChange(ctx: Ctx, t: OpenTarget): Step<void> {
  switch (t.type) {
    case 'submission':
      yield* afterReviewVote(ctx, t.task, t.sub, t.submitter);
      return;
    case 'proposal':
      yield* wait(refreshProposalCard(ctx, t.proposal, undefined, t.author));
      return;
  }
}

/** The vote target a card shows: a review card's submission, a proposal card's proposal; a task card has none. */
function targetOfCard(cardKey: string): Target | undefined {
  const card = parseCardKey(cardKey);
  return card && card.kind !== 'task' ? { type: card.kind, id: card.id } : undefined;
}

/** The row id a card key names when it is of `kind` (SQL): `submission:12` → 12. */
const idIn = (kind: 'submission' | 'proposal') =>
  sql`case when ${cards.cardKey} like ${`${kind}:%`} then cast(substr(${cards.cardKey}, ${kind.length + 2}) as integer) end`;

/** A member's name by id (SQL), as a scalar subquery: one dialect-neutral way without a table alias. */
const nameOf = (memberId: SQL) =>
  sql<string | null>`(select ${members.displayName} from ${members} where ${members.id} = ${memberId})`;

/** The target a message's card votes on, if it still takes votes; in a batch, read once per card. */
function* openTargetOf(ctx: Ctx, message: MessageRef): Step<OpenTarget | undefined> {
  const batch = ctx.batch;
  if (!batch) return yield* readOpenTarget(ctx, message);
  const seen = batch.targets.get(message.messageId);
  // Kept from an earlier unit, a proposal may have closed since: judged again at this unit's time.
  if (seen !== undefined) return seen ? isOpen(ctx, seen) : undefined;
  const found = yield* readOpenTarget(ctx, message);
  batch.targets.set(message.messageId, found ?? null);
  return found;
}

/**
 * The target a message's card votes on, if it still takes votes: the card, its submission (with task
 * and submitter) or proposal (with author), in one query (one round trip on PostgreSQL).
 */
function* readOpenTarget(ctx: Ctx, message: MessageRef): Step<OpenTarget | undefined> {
  const q = prepared(ctx.db, 'reactions.cardTarget', (d) =>
    d
      .select({
        key: cards.cardKey,
        sub: submissions,
        task: tasks,
        submitter: nameOf(sql`${submissions.submitterId}`),
        proposal: proposals,
        author: nameOf(sql`${proposals.authorId}`),
      })
      .from(cards)
      .leftJoin(submissions, eq(submissions.id, idIn('submission')))
      .leftJoin(tasks, eq(tasks.id, submissions.taskId))
      .leftJoin(proposals, eq(proposals.id, idIn('proposal')))
      .where(
        and(
          eq(cards.communityId, sql.placeholder('community')),
          eq(cards.messageId, sql.placeholder('message')),
        ),
      ),
  );
  const [row] = yield* exec(q, { community: ctx.community.id, message: message.messageId });
  const t = row && targetOfCard(row.key);
  if (!t) return undefined;
  if (t.type === 'submission')
    return row.sub && row.task && row.submitter !== null && row.sub.communityId === ctx.community.id
      ? isOpen(ctx, { type: 'submission', id: t.id, sub: row.sub, task: row.task, submitter: row.submitter })
      : undefined;
  return row.proposal && row.author !== null && row.proposal.communityId === ctx.community.id
    ? isOpen(ctx, { type: 'proposal', id: t.id, proposal: row.proposal, author: row.author })
    : undefined;
}

export function* applyReaction(ctx: Ctx, change: ReactionChange): Step<void> {
  const actor = ctx.actor;
  if (!actor) return;
  const target = yield* openTargetOf(ctx, change.message);
  if (!target) return;
  const t: Target = { type: target.type, id: target.id };
  const vote = yield* changeMark(ctx, t, actor.id, change);
  if (!vote) return;
  yield* auditStep(ctx, change.added ? 'vote.reaction.added' : 'vote.reaction.removed', {
    target: targetKey(t),
    member: actor.userId,
    emoji: change.emoji,
    vote: change.value,
  });
  if (ctx.batch) yield* afterChangeInBatch(ctx, ctx.batch, target, actor, vote);
  else yield* afterChange(ctx, target);
}

/**
 * Adds or removes the reaction's mark. In a scope, what it knows of the member's marks on the target
 * spares the look for others: a member with no vote among the target's few votes has no mark on it (none
 * to demote), and a member whose one mark this scope made has none to fall back to when it goes.
 */
function* changeMark(
  ctx: Ctx,
  t: Target,
  memberId: number,
  change: ReactionChange,
): Step<VoteChange | undefined> {
  const batch = ctx.batch;
  if (!batch) {
    return change.added
      ? yield* addMark(ctx, t, memberId, change.emoji, change.value)
      : yield* removeMark(ctx, t, memberId, change.emoji);
  }
  const key = targetKey(t);
  if (!change.added) {
    const vote = yield* removeMark(ctx, t, memberId, change.emoji, batch.onlyMark(key, memberId));
    batch.setOnlyMark(key, memberId, undefined);
    return vote;
  }
  const few = batch.votes.get(key);
  const voted = few ? few.some((v) => v.member.id === memberId) : true;
  const vote = yield* addMark(ctx, t, memberId, change.emoji, change.value, undefined, voted);
  if (vote) batch.setOnlyMark(key, memberId, voted ? undefined : change.value);
  return vote;
}

/**
 * `afterChange` within a batch (batch-scope.ts): the card is re-rendered once, at the end of the batch,
 * unless this vote accepts its submission, which is found from the submission's counted votes kept in
 * the scope (read after its first vote of the batch, then moved by each vote's change), not by
 * tallying the card again for every reaction.
 */
function* afterChangeInBatch(
  ctx: Ctx,
  batch: BatchScope,
  t: OpenTarget,
  voter: MemberRow,
  vote: VoteChange,
): Step<void> {
  moveVotes(batch, t, voter, vote);
  if (t.type === 'proposal') {
    batch.render(proposalCardKey(t.id), function* () {
      yield* wait(refreshProposalCard(ctx, t.proposal, undefined, t.author));
    });
    return;
  }
  const count = yield* reviewCount(ctx, batch, t.sub, voter, vote);
  const needed = ctx.rules['review.approvals'];
  if (!isAccepted(ctx, { approvals: count.approvals, objections: count.objections, needed })) {
    batch.render(submissionCardKey(t.id), () => updateReviewCard(ctx, t.task, t.sub, undefined, t.submitter));
    return;
  }
  // Accepted: as a single event would, from the database (which has every vote of the batch so far).
  yield* afterReviewVote(ctx, t.task, t.sub, t.submitter);
  batch.rendered(submissionCardKey(t.id));
  batch.reset();
}

/**
 * A target's few votes kept in the scope (tally.ts reads them instead of the marks) follow the vote's
 * change: the voter's vote is now the mark the change names, or none. Forgotten when the target has
 * more than a tally reads at once, or when whether the voter claimed the task is not known here.
 */
function moveVotes(batch: BatchScope, t: OpenTarget, voter: MemberRow, vote: VoteChange): void {
  const key = targetKey(t);
  const few = batch.votes.get(key);
  if (!few || (vote.before === undefined && vote.after === undefined)) return;
  const excluded = t.type === 'submission' ? batch.reviews.get(t.id)?.excluded : new Set<number>();
  // The member's row as the scope keeps it (the actor's carries `isAdmin` besides).
  const member = batch.members.get(voter.userId);
  if (!excluded || !member || !moveFewVotes(few, member, excluded.has(voter.id), vote))
    batch.votes.delete(key);
}

/**
 * A submission's counted review votes after `vote`: read on its first vote of the scope, then moved;
 * read again (from the scope's few votes when it keeps them) in a later unit whose time changes who is
 * too new to vote.
 */
function* reviewCount(
  ctx: Ctx,
  batch: BatchScope,
  sub: SubmissionRow,
  voter: MemberRow,
  vote: VoteChange,
): Step<ReviewCount> {
  const known = batch.reviews.get(sub.id);
  const who = notCountedOnReview(ctx, sub);
  if (!known || known.joinedAfter !== who.joinedAfter) {
    // Read now, with this vote in it.
    const tally = yield* reviewTally(ctx, sub, 0);
    const count: ReviewCount = {
      approvals: tally.approvals,
      objections: tally.objections,
      excluded: known?.excluded ?? (yield* claimantIdsOf(ctx, sub)),
      joinedAfter: who.joinedAfter,
    };
    batch.reviews.set(sub.id, count);
    return count;
  }
  if (!known.excluded.has(voter.id) && voter.joinedAt <= known.joinedAfter) {
    moveCount(known, vote.before, -1);
    moveCount(known, vote.after, +1);
  }
  return known;
}

/** A counted review vote of `value` comes (+1) or goes (-1). */
function moveCount(count: ReviewCount, value: VoteValue | undefined, by: number): void {
  if (value === 'yes') count.approvals += by;
  else if (value === 'no') count.objections += by;
}

export async function clearReactions(ctx: Ctx, message: MessageRef, emoji?: string): Promise<void> {
  const target = await run(openTargetOf(ctx, message));
  if (!target) return;
  if (!(await clearReactionMarks(ctx, target, emoji ? [emoji] : undefined))) return;
  await appendAudit(ctx, 'vote.reactions.cleared', {
    target: targetKey(target),
    emoji: emoji ?? null,
  });
  await run(afterChange(ctx, target));
}

/** One voting reaction found on a message when reconciling. */
export interface PresentReaction {
  actor: Actor;
  emoji: string;
  value: VoteValue;
}

/**
 * Makes the reaction marks of a card equal to the reactions the platform has now (after downtime):
 * reactions cast meanwhile count, removed ones stop counting; command votes are kept.
 */
export async function syncReactions(
  ctx: Ctx,
  message: MessageRef,
  present: PresentReaction[],
): Promise<void> {
  const target = await run(openTargetOf(ctx, message));
  if (!target) return;
  const existing = await reactionMarks(ctx, target);
  const seen = new Set<string>();
  let changed = false;
  for (const r of present) {
    if (r.actor.isBot) continue;
    const member = await ensureMember(ctx.db, ctx.community.id, r.actor, ctx.now);
    seen.add(`${member.id}|${r.emoji}`);
    changed = (await run(addMark(ctx, target, member.id, r.emoji, r.value))) !== undefined || changed;
  }
  for (const m of existing) {
    if (!seen.has(`${m.memberId}|${m.source}`))
      changed = (await run(removeMark(ctx, target, m.memberId, m.source))) !== undefined || changed;
  }
  if (!changed) return;
  await appendAudit(ctx, 'vote.reactions.reconciled', {
    target: targetKey(target),
    present: present.length,
  });
  await run(afterChange(ctx, target));
}

/** Cards that still take votes, for reconciling after downtime. */
export async function openVoteCards(
  ctx: Ctx,
): Promise<{ cardKey: string; channelId: string; messageId: string }[]> {
  const rows = await ctx.db
    .select({ cardKey: cards.cardKey, channelId: cards.channelId, messageId: cards.messageId })
    .from(cards)
    .where(eq(cards.communityId, ctx.community.id));
  const open = [];
  for (const r of rows) {
    const target = targetOfCard(r.cardKey);
    if (target && (await openTarget(ctx, target))) open.push(r);
  }
  return open;
}
