/** Reactions on cards become vote marks on the card's target (a submission or a proposal). */
import { and, eq } from 'drizzle-orm';
import { cards } from '../db/schema.js';
import { appendAudit } from './commons/audit.js';
import { ensureMember } from './community/community.js';
import type { Ctx } from './shared/context.js';
import type { Actor } from './shared/model.js';
import type { MessageRef, VoteValue } from './shared/model.js';
import { afterProposalVotes, isProposalOpen } from './proposals/proposals.js';
import { afterSubmissionVotes } from './reviews/accept.js';
import { isSubmissionOpen } from './reviews/reviews.js';
import { parseCardKey } from './shared/card-keys.js';
import { addMark, clearReactionMarks, reactionMarks, removeMark } from './votes/marks.js';
import type { Target } from './votes/types.js';

export interface ReactionChange {
  message: MessageRef;
  emoji: string;
  value: VoteValue;
  added: boolean;
}

/** Whether a card's target still takes votes: one switch over the kinds of vote target. */
function isOpen(ctx: Ctx, t: Target): Promise<boolean> {
  switch (t.type) {
    case 'submission':
      return isSubmissionOpen(ctx, t.id);
    case 'proposal':
      return isProposalOpen(ctx, t.id);
  }
}

/** What a change of a target's votes does: re-tally, re-render, and accept a submission that now passes. */
function afterChange(ctx: Ctx, t: Target): Promise<void> {
  switch (t.type) {
    case 'submission':
      return afterSubmissionVotes(ctx, t.id);
    case 'proposal':
      return afterProposalVotes(ctx, t.id);
  }
}

/** The vote target a card shows: a review card's submission, a proposal card's proposal; a task card has none. */
function targetOfCard(cardKey: string): Target | undefined {
  const card = parseCardKey(cardKey);
  return card && card.kind !== 'task' ? { type: card.kind, id: card.id } : undefined;
}

/** The vote target a message shows, if it is a review or proposal card. */
export async function targetOf(ctx: Ctx, message: MessageRef): Promise<Target | undefined> {
  const card = (
    await ctx.db
      .select({ key: cards.cardKey })
      .from(cards)
      .where(and(eq(cards.communityId, ctx.community.id), eq(cards.messageId, message.messageId)))
      .limit(1)
  )[0];
  return card && targetOfCard(card.key);
}

export async function applyReaction(ctx: Ctx, change: ReactionChange): Promise<void> {
  const target = await targetOf(ctx, change.message);
  if (!target || !ctx.actor || !(await isOpen(ctx, target))) return;
  const changed = change.added
    ? await addMark(ctx, target, ctx.actor.id, change.emoji, change.value)
    : await removeMark(ctx, target, ctx.actor.id, change.emoji);
  if (!changed) return;
  await appendAudit(ctx, change.added ? 'vote.reaction.added' : 'vote.reaction.removed', {
    target: `${target.type}:${target.id}`,
    member: ctx.actor.userId,
    emoji: change.emoji,
    vote: change.value,
  });
  await afterChange(ctx, target);
}

export async function clearReactions(ctx: Ctx, message: MessageRef, emoji?: string): Promise<void> {
  const target = await targetOf(ctx, message);
  if (!target || !(await isOpen(ctx, target))) return;
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
  const target = await targetOf(ctx, message);
  if (!target || !(await isOpen(ctx, target))) return;
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
    if (target && (await isOpen(ctx, target))) open.push(r);
  }
  return open;
}
