/**
 * Voting marks shared by reviews and proposals. A member's vote is their latest mark still present:
 * each reaction is one mark, a command vote is one more; removing a reaction falls back to the rest.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { members, voteMarks } from '../../db/schema.js';
import type { Ctx } from '../shared/context.js';
import type { VoteValue } from '../shared/model.js';
import type { Ballot, Target } from './types.js';

/** Adds a mark, or moves an existing one of the same source to "latest". Returns whether anything changed. */
export async function addMark(
  ctx: Ctx,
  t: Target,
  memberId: number,
  source: string,
  value: VoteValue,
  reason?: string,
): Promise<boolean> {
  const where = and(
    eq(voteMarks.targetType, t.type),
    eq(voteMarks.targetId, t.id),
    eq(voteMarks.memberId, memberId),
    eq(voteMarks.source, source),
  );
  const existing = (await ctx.db.select().from(voteMarks).where(where).limit(1))[0];
  // A repeated reaction event (same emoji still on) changes nothing.
  if (existing && source !== 'command') return false;
  if (existing) await ctx.db.delete(voteMarks).where(eq(voteMarks.id, existing.id));
  await ctx.db.insert(voteMarks).values({
    communityId: ctx.community.id,
    targetType: t.type,
    targetId: t.id,
    memberId,
    source,
    value,
    reason: reason ?? null,
    createdAt: ctx.now,
  });
  return true;
}

export async function removeMark(ctx: Ctx, t: Target, memberId: number, source: string): Promise<boolean> {
  const r = await ctx.db
    .delete(voteMarks)
    .where(
      and(
        eq(voteMarks.targetType, t.type),
        eq(voteMarks.targetId, t.id),
        eq(voteMarks.memberId, memberId),
        eq(voteMarks.source, source),
      ),
    )
    .returning({ id: voteMarks.id });
  return r.length > 0;
}

/** Removes marks of the given sources (all reaction marks when `sources` is undefined). */
export async function clearReactionMarks(ctx: Ctx, t: Target, sources?: string[]): Promise<boolean> {
  const conds = [eq(voteMarks.targetType, t.type), eq(voteMarks.targetId, t.id)];
  const rows = await ctx.db
    .select()
    .from(voteMarks)
    .where(and(...conds));
  const ids = rows
    .filter((r) => r.source !== 'command' && (!sources || sources.includes(r.source)))
    .map((r) => r.id);
  if (ids.length === 0) return false;
  await ctx.db.delete(voteMarks).where(inArray(voteMarks.id, ids));
  return true;
}

/** The reaction marks (not command votes) on a target. */
export async function reactionMarks(ctx: Ctx, t: Target): Promise<{ memberId: number; source: string }[]> {
  return (
    await ctx.db
      .select({ memberId: voteMarks.memberId, source: voteMarks.source })
      .from(voteMarks)
      .where(and(eq(voteMarks.targetType, t.type), eq(voteMarks.targetId, t.id)))
  ).filter((m) => m.source !== 'command');
}

/** Each member's current vote on a target, in the order they last voted. */
export async function currentVotes(ctx: Ctx, t: Target): Promise<Ballot[]> {
  const rows = await ctx.db
    .select({ mark: voteMarks, member: members })
    .from(voteMarks)
    .innerJoin(members, eq(members.id, voteMarks.memberId))
    .where(and(eq(voteMarks.targetType, t.type), eq(voteMarks.targetId, t.id)))
    .orderBy(asc(voteMarks.id));
  const latest = new Map<number, Ballot>();
  for (const r of rows) {
    latest.delete(r.member.id);
    latest.set(r.member.id, { member: r.member, value: r.mark.value, reason: r.mark.reason });
  }
  return [...latest.values()];
}
