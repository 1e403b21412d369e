/** Proposals: open one with its rules frozen, vote on it, withdraw it. Closing is in proposal-close.ts. */
import { and, eq, sql } from 'drizzle-orm';
import { prepared } from '../../db/prepared.js';
import { communities, members, proposals } from '../../db/schema.js';
import { appendAudit } from '../commons/audit.js';
import type { CommandArgs } from '../commands.js';
import { checkRuleValue, isEligible, memberName } from '../community/community.js';
import { proposalCardKey } from '../shared/card-keys.js';
import { actorOf, proposalsChannel, type Ctx } from '../shared/context.js';
import { cancelDeadline, schedule } from '../shared/deadlines.js';
import { UserError, type ErrorCode } from '../shared/errors.js';
import { DAY_MS, HOUR_MS } from '../shared/model.js';
import { ruleMeaning } from './decide.js';
import { countsText, proposalCard } from './views.js';
import { formatRuleValue, isRuleKey, parseRuleAssignment, type RuleKey } from '../community/rules.js';
import { addMark } from '../votes/marks.js';
import { ALL_VOTERS, tallyVotes, type NotCounted } from '../votes/tally.js';
import type { Target } from '../votes/types.js';
import { formatTime, NAMES_SHOWN, truncate, type Reply } from '../shared/views.js';
import type { ProposalCardData, ProposalRow, ProposalTally } from './types.js';
import { run } from '../../db/step.js';

/**
 * Cards (`proposalCardKey`), vote marks and the close deadline are keyed by the proposal's row id, not
 * its number: reactions.ts reads the card key's id as the vote target id, and deadline keys are unique
 * across communities.
 */
export const closeKey = (p: Pick<ProposalRow, 'id'>): string => `proposal:${p.id}:close`;
const targetOf = (p: Pick<ProposalRow, 'id'>): Target => ({ type: 'proposal', id: p.id });

export async function getProposal(ctx: Ctx, number: number): Promise<ProposalRow> {
  const q = prepared(ctx.db, 'proposals.byNumber', (d) =>
    d
      .select()
      .from(proposals)
      .where(
        and(
          eq(proposals.communityId, sql.placeholder('community')),
          eq(proposals.number, sql.placeholder('number')),
        ),
      ),
  );
  const [p] = await q.execute({ community: ctx.community.id, number });
  if (!p) throw new UserError('proposal.notFound', { number });
  return p;
}

export async function proposalById(ctx: Ctx, id: number): Promise<ProposalRow | undefined> {
  const q = prepared(ctx.db, 'proposals.byId', (d) =>
    d
      .select()
      .from(proposals)
      .where(
        and(eq(proposals.id, sql.placeholder('id')), eq(proposals.communityId, sql.placeholder('community'))),
      ),
  );
  return (await q.execute({ id, community: ctx.community.id }))[0];
}

/** A proposal and its author's name: what a vote on its card reads, in one query. */
export async function proposalForVote(
  ctx: Ctx,
  id: number,
): Promise<{ proposal: ProposalRow; author: string } | undefined> {
  const q = prepared(ctx.db, 'proposals.forVote', (d) =>
    d
      .select({ proposal: proposals, author: members.displayName })
      .from(proposals)
      .innerJoin(members, eq(members.id, proposals.authorId))
      .where(
        and(eq(proposals.id, sql.placeholder('id')), eq(proposals.communityId, sql.placeholder('community'))),
      ),
  );
  return (await q.execute({ id, community: ctx.community.id }))[0];
}

/** Open, and its deadline not yet reached: votes after the deadline are ignored even before the close runs. */
export function takesVotes(ctx: Ctx, p: ProposalRow): boolean {
  return p.status === 'open' && p.closesAt > ctx.now;
}

/** Votes that do not count: by members too new at the frozen minimum days, judged now or at the deadline if earlier. */
export function notCountedOnProposal(
  ctx: Ctx,
  p: Pick<ProposalRow, 'closesAt' | 'minMemberDays'>,
): NotCounted {
  return { joinedAfter: Math.min(ctx.now, p.closesAt) - p.minMemberDays * DAY_MS };
}

/**
 * Counts current votes by eligible members. Names the first `names` voters of each value (every one
 * unless fewer are asked for, as a card shows).
 */
export async function proposalTally(ctx: Ctx, p: ProposalRow, names = ALL_VOTERS): Promise<ProposalTally> {
  const values = ['yes', 'no', 'abstain'] as const;
  const t = await run(tallyVotes(ctx, targetOf(p), notCountedOnProposal(ctx, p), values, names));
  return {
    counts: t.counts,
    ...t.voters,
    participants: t.counts.yes + t.counts.no + t.counts.abstain,
    ignored: t.ignored,
  };
}

/** What the proposal card shows; pass the tally (and the author's name) when the caller has it already. */
export async function proposalCardData(
  ctx: Ctx,
  p: ProposalRow,
  known?: ProposalTally,
  author?: string,
): Promise<ProposalCardData> {
  const tally = known ?? (await proposalTally(ctx, p, NAMES_SHOWN));
  const ruleNow = p.changeKey && isRuleKey(p.changeKey) ? formatRuleValue(ctx.rules[p.changeKey]) : undefined;
  return { proposal: p, tally, author: author ?? (await memberName(ctx, p.authorId)), ruleNow };
}

/** Re-renders the card; pass the tally (and the author's name) when the caller has it already. */
export async function refreshProposalCard(
  ctx: Ctx,
  p: ProposalRow,
  known?: ProposalTally,
  author?: string,
): Promise<ProposalTally> {
  const data = await proposalCardData(ctx, p, known, author);
  ctx.effects.push({ type: 'update', cardKey: proposalCardKey(p.id), view: proposalCard(data) });
  return data.tally;
}

/** Validates `key=value` now, so a proposal can only carry a change that can be applied when it passes. */
function parseChange(ctx: Ctx, text: string): { key: RuleKey; value: string } {
  const parsed = parseRuleAssignment(text);
  return { key: parsed.key, value: formatRuleValue(checkRuleValue(ctx, parsed.key, parsed.value)) };
}

async function nextNumber(ctx: Ctx): Promise<number> {
  const next = (
    await ctx.db
      .update(communities)
      .set({ nextProposalNo: sql`${communities.nextProposalNo} + 1` })
      .where(eq(communities.id, ctx.community.id))
      .returning({ n: communities.nextProposalNo })
  )[0]!;
  return next.n - 1;
}

/** Inserts the proposal with the community's current rules frozen into its row. */
async function insertProposal(
  ctx: Ctx,
  args: CommandArgs<'propose'>,
  change?: { key: RuleKey; value: string },
): Promise<ProposalRow> {
  return (
    await ctx.db
      .insert(proposals)
      .values({
        communityId: ctx.community.id,
        number: await nextNumber(ctx),
        title: args.title,
        body: args.body ?? null,
        authorId: actorOf(ctx).id,
        rule: args.rule ?? ctx.rules['proposal.defaultRule'],
        quorum: ctx.rules['proposal.quorum'],
        minMemberDays: ctx.rules['votes.minMemberDays'],
        changeKey: change?.key ?? null,
        changeValue: change?.value ?? null,
        channelId: proposalsChannel(ctx),
        status: 'open',
        opensAt: ctx.now,
        closesAt: ctx.now + (args.hours ?? ctx.rules['proposal.hours']) * HOUR_MS,
      })
      .returning()
  )[0]!;
}

export async function propose(ctx: Ctx, args: CommandArgs<'propose'>): Promise<Reply> {
  const change = args.change ? parseChange(ctx, args.change) : undefined;
  const p = await insertProposal(ctx, args, change);
  await schedule(ctx, closeKey(p), 'proposal.close', p.closesAt, { proposalId: p.id });
  await appendAudit(ctx, 'proposal.opened', {
    proposal: p.number,
    title: p.title,
    rule: p.rule,
    quorum: p.quorum,
    minMemberDays: p.minMemberDays,
    closesAt: p.closesAt,
    change: change ? `${change.key}=${change.value}` : null,
  });
  ctx.effects.push({
    type: 'post',
    channelId: p.channelId,
    cardKey: proposalCardKey(p.id),
    view: proposalCard(await proposalCardData(ctx, p)),
    thread: { name: truncate(`P${p.number} · ${p.title}`, 100) },
  });
  return {
    private: true,
    text: `Opened P${p.number}: ${p.title}. Rule ${p.rule}: ${ruleMeaning(p.rule, p.quorum)}. Voting closes ${formatTime(p.closesAt)}.`,
  };
}

/** Throws unless the proposal still takes votes and withdrawal. */
function assertOpen(ctx: Ctx, p: ProposalRow, action: string, closedCode: ErrorCode): void {
  if (p.status !== 'open') throw new UserError(closedCode, { number: p.number, status: p.status, action });
  if (p.closesAt <= ctx.now)
    throw new UserError('proposal.deadlinePassed', { number: p.number, at: formatTime(p.closesAt), action });
}

/** `/vote P yes|no|abstain`: the same vote as a reaction on the proposal card. */
export async function voteCommand(ctx: Ctx, args: CommandArgs<'vote'>): Promise<Reply> {
  const actor = actorOf(ctx);
  const p = await getProposal(ctx, args.proposal);
  assertOpen(ctx, p, 'voted on', 'proposal.closed');
  if (!isEligible(actor, p.minMemberDays, ctx.now))
    throw new UserError('proposal.ineligible', { number: p.number, days: p.minMemberDays });
  await run(addMark(ctx, targetOf(p), actor.id, 'command', args.choice, args.reason));
  await appendAudit(ctx, 'proposal.vote', {
    proposal: p.number,
    member: actor.userId,
    vote: args.choice,
    via: 'command',
  });
  const t = await refreshProposalCard(ctx, p);
  return {
    private: true,
    text: `You voted ${args.choice} on P${p.number}. Now ${countsText(t)}; voting closes ${formatTime(p.closesAt)}.`,
  };
}

/** `/proposal withdraw P`: the author ends it before the deadline; no decision is made. */
export async function withdrawProposal(ctx: Ctx, number: number): Promise<Reply> {
  const actor = actorOf(ctx);
  const p = await getProposal(ctx, number);
  if (p.authorId !== actor.id) throw new UserError('proposal.notAuthor', { number });
  assertOpen(ctx, p, 'withdrawn', 'proposal.notOpen');
  const outcome = `Withdrawn by ${actor.displayName} before the deadline; no decision was made.`;
  const done = (
    await ctx.db
      .update(proposals)
      .set({ status: 'withdrawn', closedAt: ctx.now, outcome })
      .where(eq(proposals.id, p.id))
      .returning()
  )[0]!;
  await cancelDeadline(ctx, closeKey(p));
  await appendAudit(ctx, 'proposal.withdrawn', { proposal: number, member: actor.userId });
  await refreshProposalCard(ctx, done);
  ctx.effects.push({
    type: 'thread',
    cardKey: proposalCardKey(p.id),
    text: `P${number} was withdrawn by ${actor.displayName}; no decision was made.`,
  });
  return { private: true, text: `You withdrew P${number}.` };
}
