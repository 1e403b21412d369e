/** Reactions on cards become vote marks on the card's target (a submission or a proposal). */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { prepared } from '../db/prepared.js';
import { cards, members, proposals, submissions, tasks } from '../db/schema.js';
import { appendAudit } from './commons/audit.js';
import { ensureMember } from './community/community.js';
import type { Ctx } from './shared/context.js';
import type { Actor } from './shared/model.js';
import type { MessageRef, VoteValue } from './shared/model.js';
import { proposalForVote, refreshProposalCard, takesVotes } from './proposals/proposals.js';
import type { ProposalRow } from './proposals/types.js';
import { afterReviewVote } from './reviews/accept.js';
import { submissionForVote } from './reviews/reviews.js';
import type { SubmissionRow } from './reviews/types.js';
import type { TaskRow } from './tasks/types.js';
import { parseCardKey } from './shared/card-keys.js';
import { addMark, clearReactionMarks, reactionMarks, removeMark } from './votes/marks.js';
import type { Target } from './votes/types.js';

export interface ReactionChange {
  message: MessageRef;
  emoji: string;
  value: VoteValue;
  added: boolean;
}

/** A vote target with what re-rendering its card needs, read when the reaction arrives. */
type OpenTarget =
  | { type: 'submission'; id: number; sub: SubmissionRow; task: TaskRow; submitter: string }
  | { type: 'proposal'; id: number; proposal: ProposalRow; author: string };

/** The target of a card while it still takes votes: one switch over the kinds of vote target. */
async function openTarget(ctx: Ctx, t: Target): Promise<OpenTarget | undefined> {
  switch (t.type) {
    case 'submission': {
      const found = await submissionForVote(ctx, t.id);
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
async function afterChange(ctx: Ctx, t: OpenTarget): Promise<void> {
  switch (t.type) {
    case 'submission':
      await afterReviewVote(ctx, t.task, t.sub, t.submitter);
      return;
    case 'proposal':
      await refreshProposalCard(ctx, t.proposal, undefined, t.author);
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

/**
 * The target a message's card votes on, if it still takes votes: the card, its submission (with task
 * and submitter) or proposal (with author), in one query, as every reaction needs them.
 */
async function openTargetOf(ctx: Ctx, message: MessageRef): Promise<OpenTarget | undefined> {
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
  const [row] = await q.execute({ community: ctx.community.id, message: message.messageId });
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

export async function applyReaction(ctx: Ctx, change: ReactionChange): Promise<void> {
  if (!ctx.actor) return;
  const target = await openTargetOf(ctx, change.message);
  if (!target) return;
  const t: Target = { type: target.type, id: target.id };
  const changed = change.added
    ? await addMark(ctx, t, ctx.actor.id, change.emoji, change.value)
    : await removeMark(ctx, t, ctx.actor.id, change.emoji);
  if (!changed) return;
  await appendAudit(ctx, change.added ? 'vote.reaction.added' : 'vote.reaction.removed', {
    target: `${t.type}:${t.id}`,
    member: ctx.actor.userId,
    emoji: change.emoji,
    vote: change.value,
  });
  await afterChange(ctx, target);
}

export async function clearReactions(ctx: Ctx, message: MessageRef, emoji?: string): Promise<void> {
  const target = await openTargetOf(ctx, message);
  if (!target) return;
  if (!(await clearReactionMarks(ctx, target, emoji ? [emoji] : undefined))) return;
  await appendAudit(ctx, 'vote.reactions.cleared', {
    target: `${target.type}:${target.id}`,
    emoji: emoji ?? null,
  });
  await afterChange(ctx, target);
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
  const target = await openTargetOf(ctx, message);
  if (!target) return;
  const existing = await reactionMarks(ctx, target);
  const seen = new Set<string>();
  let changed = false;
  for (const r of present) {
    if (r.actor.isBot) continue;
    const member = await ensureMember(ctx.db, ctx.community.id, r.actor, ctx.now);
    seen.add(`${member.id}|${r.emoji}`);
    changed = (await addMark(ctx, target, member.id, r.emoji, r.value)) || changed;
  }
  for (const m of existing) {
    if (!seen.has(`${m.memberId}|${m.source}`))
      changed = (await removeMark(ctx, target, m.memberId, m.source)) || changed;
  }
  if (!changed) return;
  await appendAudit(ctx, 'vote.reactions.reconciled', {
    target: `${target.type}:${target.id}`,
    present: present.length,
  });
  await afterChange(ctx, target);
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
