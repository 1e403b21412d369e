/** `/proposal list` and `/proposal show`: private, read-only. */
import { and, asc, count, desc, eq, gt, inArray, ne, notExists, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/sqlite-core';
import { members, proposals, voteMarks } from '../../db/schema.js';
import { DAY_MS } from '../shared/model.js';
import { qualified } from '../shared/sql-helpers.js';
import type { CommandArgs } from '../commands.js';
import type { Ctx } from '../shared/context.js';
import { proposalCard, proposalLine } from './views.js';
import { getProposal, proposalCardData } from './proposals.js';
import type { ProposalRow, TallyCounts } from './types.js';
import { truncate, type Reply } from '../shared/views.js';

const LIST_MAX = 25;

/** Open proposals first, soonest deadline first; then closed ones, latest first. */
async function listed(
  ctx: Ctx,
  status: 'open' | 'closed' | 'all',
): Promise<{ rows: ProposalRow[]; total: number }> {
  const mine = eq(proposals.communityId, ctx.community.id);
  const open = and(mine, eq(proposals.status, 'open'));
  const closed = and(mine, ne(proposals.status, 'open'));
  const where: SQL | undefined = status === 'open' ? open : status === 'closed' ? closed : mine;
  const total = (await ctx.db.select({ n: count() }).from(proposals).where(where).limit(1))[0]!.n;
  const rows: ProposalRow[] = [];
  if (status !== 'closed')
    rows.push(
      ...(await ctx.db
        .select()
        .from(proposals)
        .where(open)
        .orderBy(asc(proposals.closesAt), asc(proposals.number))
        .limit(LIST_MAX)),
    );
  if (status !== 'open' && rows.length < LIST_MAX) {
    const left = LIST_MAX - rows.length;
    rows.push(
      ...(await ctx.db.select().from(proposals).where(closed).orderBy(desc(proposals.number)).limit(left)),
    );
  }
  return { rows, total };
}

/**
 * The tallies of many proposals in one aggregate: each member's latest mark (the highest id, as in
 * `currentVotes`) on each proposal, counted by value among members eligible then (joined at least the
 * frozen `min_member_days` before now, or before the deadline if earlier), as `proposalTally` counts.
 * Reads the marks of these proposals only, by the (target type, target id, member) index.
 */
export async function tallyCounts(
  ctx: Ctx,
  ps: Pick<ProposalRow, 'id'>[],
): Promise<Map<number, TallyCounts>> {
  const out = new Map<number, TallyCounts>(
    ps.map((p) => [p.id, { yes: 0, no: 0, abstain: 0, participants: 0 }]),
  );
  if (ps.length === 0) return out;
  const later = alias(voteMarks, 'later');
  const at = sql`(case when ${proposals.closesAt} < ${ctx.now} then ${proposals.closesAt} else ${ctx.now} end)`;
  const rows = await ctx.db
    .select({ id: voteMarks.targetId, value: voteMarks.value, n: count() })
    .from(voteMarks)
    .innerJoin(proposals, eq(proposals.id, voteMarks.targetId))
    .innerJoin(members, eq(members.id, voteMarks.memberId))
    .where(
      and(
        eq(voteMarks.targetType, 'proposal'),
        inArray(
          voteMarks.targetId,
          ps.map((p) => p.id),
        ),
        sql`${members.joinedAt} + ${proposals.minMemberDays} * cast(${DAY_MS} as bigint) <= ${at}`,
        notExists(
          ctx.db
            .select({ one: sql`1` })
            .from(later)
            .where(
              and(
                eq(later.targetType, 'proposal'),
                // The outer mark's columns qualified: unqualified, they would bind to `later`.
                eq(later.targetId, qualified(voteMarks.targetId)),
                eq(later.memberId, qualified(voteMarks.memberId)),
                gt(later.id, qualified(voteMarks.id)),
              ),
            ),
        ),
      ),
    )
    .groupBy(voteMarks.targetId, voteMarks.value);
  for (const r of rows) {
    const c = out.get(r.id)!;
    c[r.value] = r.n;
    c.participants += r.n;
  }
  return out;
}

export async function listProposals(ctx: Ctx, args: CommandArgs<'proposal list'>): Promise<Reply> {
  const status = args.status ?? 'all';
  const { rows, total } = await listed(ctx, status);
  if (rows.length === 0)
    return { private: true, text: `No proposals (status:${status}). Open one with \`/propose <title>\`.` };
  const counts = await tallyCounts(ctx, rows);
  const lines = rows.map((p) => proposalLine(p, counts.get(p.id)!));
  const more =
    total > rows.length
      ? `\n…and ${total - rows.length} more (narrow with status:open or status:closed)`
      : '';
  return {
    private: true,
    text: `Proposals (status:${status}), ${total} in all:\n${lines.join('\n')}${more}`,
  };
}

export async function showProposal(ctx: Ctx, number: number): Promise<Reply> {
  const data = await proposalCardData(ctx, await getProposal(ctx, number));
  const t = data.tally;
  const view = proposalCard(data);
  view.buttons = [];
  const reasons = [...t.yes, ...t.no, ...t.abstain].filter((b) => b.reason);
  if (reasons.length > 0) {
    const lines = reasons.map((b) => `${b.member.displayName} (${b.value}): ${truncate(b.reason!, 200)}`);
    view.fields.push({ name: 'Reasons', value: truncate(lines.join('\n'), 1000), inline: false });
  }
  return { private: true, text: view.title, view };
}
