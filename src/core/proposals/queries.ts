/** `/proposal list` and `/proposal show`: private, read-only. */
import { and, asc, count, desc, eq, ne, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { fixedLimit, prepared } from '../../db/prepared.js';
import { proposals } from '../../db/schema.js';
import type { CommandArgs } from '../commands.js';
import type { Ctx } from '../shared/context.js';
import { proposalCard, proposalLine } from './views.js';
import { getProposal, notCountedOnProposal, proposalCardData } from './proposals.js';
import { countVotes } from '../votes/tally.js';
import type { ProposalRow, TallyCounts } from './types.js';
import { truncate, type Reply } from '../shared/views.js';
import { run } from '../../db/step.js';

const LIST_MAX = 25;

type ListedStatus = 'open' | 'closed' | 'all';

/** The community's proposals of a status (the community a placeholder). */
function ofStatus(status: ListedStatus): SQL | undefined {
  const mine = eq(proposals.communityId, sql.placeholder('community'));
  if (status === 'open') return and(mine, eq(proposals.status, 'open'));
  return status === 'closed' ? and(mine, ne(proposals.status, 'open')) : mine;
}

/** How many proposals of a status; prepared, as the lists below (a hot command). */
const countOf = (db: Db, status: ListedStatus) =>
  prepared(db, `proposals.count.${status}`, (d) =>
    d.select({ n: count() }).from(proposals).where(ofStatus(status)),
  );

const firstOpen = (db: Db) =>
  prepared(db, 'proposals.listOpen', (d) =>
    d
      .select()
      .from(proposals)
      .where(ofStatus('open'))
      .orderBy(asc(proposals.closesAt), asc(proposals.number))
      .limit(fixedLimit(LIST_MAX)),
  );

/** The latest `n` closed proposals (`n`: what fits after the open ones). */
const latestClosed = (db: Db, n: number) =>
  prepared(db, `proposals.listClosed.${n}`, (d) =>
    d.select().from(proposals).where(ofStatus('closed')).orderBy(desc(proposals.number)).limit(fixedLimit(n)),
  );

/** Open proposals first, soonest deadline first; then closed ones, latest first. */
async function listed(ctx: Ctx, status: ListedStatus): Promise<{ rows: ProposalRow[]; total: number }> {
  const values = { community: ctx.community.id };
  const total = (await countOf(ctx.db, status).execute(values))[0]!.n;
  const rows: ProposalRow[] = [];
  if (status !== 'closed') rows.push(...(await firstOpen(ctx.db).execute(values)));
  if (status !== 'open' && rows.length < LIST_MAX)
    rows.push(...(await latestClosed(ctx.db, LIST_MAX - rows.length).execute(values)));
  return { rows, total };
}

/**
 * The tallies of the proposals shown (a list, a digest): each from the counts kept in `vote_tallies`,
 * less the few votes that do not count (members too new at the proposal's frozen minimum, judged now
 * or at the deadline if earlier), as `proposalTally` counts. Each costs a few index look-ups, whatever
 * the number of votes.
 */
export async function tallyCounts(
  ctx: Ctx,
  ps: Pick<ProposalRow, 'id' | 'closesAt' | 'minMemberDays'>[],
): Promise<Map<number, TallyCounts>> {
  const out = new Map<number, TallyCounts>();
  for (const p of ps) {
    const c = await run(countVotes(ctx, { type: 'proposal', id: p.id }, notCountedOnProposal(ctx, p)));
    out.set(p.id, { yes: c.yes, no: c.no, abstain: c.abstain, participants: c.yes + c.no + c.abstain });
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
