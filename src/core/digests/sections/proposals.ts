/** The digest's proposal section: open proposals closing soon, with their live tally. */
import { and, asc, count, eq, lte } from 'drizzle-orm';
import { members, proposals } from '../../../db/schema.js';
import type { Ctx } from '../../shared/context.js';
import { DAY_MS } from '../../shared/model.js';
import { tallyCounts } from '../../proposals/queries.js';
import { PROPOSALS_WITHIN_MS, SECTION_LOAD } from './limits.js';
import type { Listed, ProposalItem } from './types.js';

async function eligibleMembers(ctx: Ctx, minDays: number): Promise<number> {
  const where = and(
    eq(members.communityId, ctx.community.id),
    lte(members.joinedAt, ctx.now - minDays * DAY_MS),
  );
  return (await ctx.db.select({ n: count() }).from(members).where(where).limit(1))[0]!.n;
}

/** Open proposals whose deadline is within 48 hours, soonest first, with their live tally. */
export async function closingProposals(ctx: Ctx): Promise<Listed<ProposalItem>> {
  const where = and(
    eq(proposals.communityId, ctx.community.id),
    eq(proposals.status, 'open'),
    lte(proposals.closesAt, ctx.now + PROPOSALS_WITHIN_MS),
  );
  const total = (await ctx.db.select({ n: count() }).from(proposals).where(where).limit(1))[0]!.n;
  const rows = await ctx.db
    .select()
    .from(proposals)
    .where(where)
    .orderBy(asc(proposals.closesAt), asc(proposals.number))
    .limit(SECTION_LOAD);
  // One aggregate for every proposal shown; eligible members counted once per frozen minimum.
  const counts = await tallyCounts(ctx, rows);
  const eligible = new Map<number, number>();
  for (const days of new Set(rows.map((p) => p.minMemberDays)))
    eligible.set(days, await eligibleMembers(ctx, days));
  const items = rows.map((p) => {
    const t = counts.get(p.id)!;
    return {
      number: p.number,
      title: p.title,
      closesAt: p.closesAt,
      yes: t.yes,
      no: t.no,
      abstain: t.abstain,
      notVoted: Math.max(0, eligible.get(p.minMemberDays)! - t.participants),
    };
  });
  return { total, items };
}
