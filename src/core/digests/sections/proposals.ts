/** The digest's proposal section: open proposals closing soon, with their live tally. */
import { and, asc, count, eq, lte } from 'drizzle-orm';
import { members, proposals } from '../../../db/schema.js';
import type { Ctx } from '../../shared/context.js';
import { DAY_MS } from '../../shared/model.js';
import { proposalTally } from '../../proposals/proposals.js';
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
  // One after another: a unit's queries share one connection (PostgreSQL takes one query at a time).
  const items: ProposalItem[] = [];
  for (const p of rows) {
    const t = await proposalTally(ctx, p);
    items.push({
      number: p.number,
      title: p.title,
      closesAt: p.closesAt,
      yes: t.yes.length,
      no: t.no.length,
      abstain: t.abstain.length,
      notVoted: Math.max(0, (await eligibleMembers(ctx, p.minMemberDays)) - t.participants),
    });
  }
  return { total, items };
}
