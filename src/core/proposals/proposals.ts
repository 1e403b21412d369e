/** Proposals: open one with its rules frozen, vote on it, withdraw it. Closing is in proposal-close.ts. */
import { and, eq, sql } from 'drizzle-orm';
import { communities, proposals } from '../../db/schema.js';
import { appendAudit } from '../commons/audit.js';
import type { CommandArgs } from '../commands.js';
import { checkRuleValue, isEligible } from '../community/community.js';
import { actorOf, proposalsChannel, type Ctx } from '../shared/context.js';
import { cancelDeadline, schedule } from '../shared/deadlines.js';
import { UserError, type ErrorCode } from '../shared/errors.js';
import { HOUR_MS } from '../shared/model.js';
import { ruleMeaning } from './decide.js';
import { countsText, proposalCard } from './views.js';
import { formatRuleValue, parseRuleAssignment, type RuleKey } from '../community/rules.js';
import { addMark, currentVotes, type Ballot, type Target } from '../votes/marks.js';
import { formatTime, truncate, type Reply } from '../shared/views.js';

export type ProposalRow = typeof proposals.$inferSelect;

/** The votes that count on a proposal, by value. */
export interface ProposalTally {
  yes: Ballot[];
  no: Ballot[];
  abstain: Ballot[];
  participants: number;
  /** Votes by members who were not yet eligible (the frozen `votes.minMemberDays`). */
  ignored: number;
}

/**
 * Cards, vote marks and the close deadline are keyed by the proposal's row id, not its number:
 * reactions.ts reads the number after `proposal:` as the vote target id, as with `submission:<id>`,
 * and deadline keys are unique across communities.
 */
export const proposalCardKey = (p: Pick<ProposalRow, 'id'>): string => `proposal:${p.id}`;
export const closeKey = (p: Pick<ProposalRow, 'id'>): string => `proposal:${p.id}:close`;
const targetOf = (p: Pick<ProposalRow, 'id'>): Target => ({ type: 'proposal', id: p.id });

export function getProposal(ctx: Ctx, number: number): ProposalRow {
  const p = ctx.db
    .select()
    .from(proposals)
    .where(and(eq(proposals.communityId, ctx.community.id), eq(proposals.number, number)))
    .get();
  if (!p) throw new UserError('proposal.notFound', { number });
  return p;
}

export function proposalById(ctx: Ctx, id: number): ProposalRow | undefined {
  return ctx.db
    .select()
    .from(proposals)
    .where(and(eq(proposals.id, id), eq(proposals.communityId, ctx.community.id)))
    .get();
}

/** Open, and its deadline not yet reached: votes after the deadline are ignored even before the close runs. */
export function isProposalOpen(ctx: Ctx, id: number): boolean {
  const p = proposalById(ctx, id);
  return !!p && p.status === 'open' && p.closesAt > ctx.now;
}

/** After a proposal's votes changed: re-render its card. */
export function afterProposalVotes(ctx: Ctx, id: number): void {
  const p = proposalById(ctx, id);
  if (p) refreshProposalCard(ctx, p);
}

/** Counts current votes; eligibility uses the frozen minimum days, judged now or at the deadline if earlier. */
export function proposalTally(ctx: Ctx, p: ProposalRow): ProposalTally {
  const at = Math.min(ctx.now, p.closesAt);
  const t: ProposalTally = { yes: [], no: [], abstain: [], participants: 0, ignored: 0 };
  for (const b of currentVotes(ctx, targetOf(p))) {
    if (!isEligible(b.member, p.minMemberDays, at)) t.ignored++;
    else t[b.value].push(b);
  }
  t.participants = t.yes.length + t.no.length + t.abstain.length;
  return t;
}

/** Re-renders the card; pass the tally when the caller has it already. */
export function refreshProposalCard(ctx: Ctx, p: ProposalRow, tally = proposalTally(ctx, p)): ProposalTally {
  ctx.effects.push({ type: 'update', cardKey: proposalCardKey(p), view: proposalCard(ctx, p, tally) });
  return tally;
}

/** Validates `key=value` now, so a proposal can only carry a change that can be applied when it passes. */
function parseChange(ctx: Ctx, text: string): { key: RuleKey; value: string } {
  const parsed = parseRuleAssignment(text);
  return { key: parsed.key, value: formatRuleValue(checkRuleValue(ctx, parsed.key, parsed.value)) };
}

function nextNumber(ctx: Ctx): number {
  const next = ctx.db
    .update(communities)
    .set({ nextProposalNo: sql`${communities.nextProposalNo} + 1` })
    .where(eq(communities.id, ctx.community.id))
    .returning({ n: communities.nextProposalNo })
    .get();
  return next.n - 1;
}

/** Inserts the proposal with the community's current rules frozen into its row. */
function insertProposal(
  ctx: Ctx,
  args: CommandArgs<'propose'>,
  change?: { key: RuleKey; value: string },
): ProposalRow {
  return ctx.db
    .insert(proposals)
    .values({
      communityId: ctx.community.id,
      number: nextNumber(ctx),
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
    .get();
}

export function propose(ctx: Ctx, args: CommandArgs<'propose'>): Reply {
  const change = args.change ? parseChange(ctx, args.change) : undefined;
  const p = insertProposal(ctx, args, change);
  schedule(ctx, closeKey(p), 'proposal.close', p.closesAt, { proposalId: p.id });
  appendAudit(ctx, 'proposal.opened', {
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
    cardKey: proposalCardKey(p),
    view: proposalCard(ctx, p, proposalTally(ctx, p)),
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
export function voteCommand(ctx: Ctx, args: CommandArgs<'vote'>): Reply {
  const actor = actorOf(ctx);
  const p = getProposal(ctx, args.proposal);
  assertOpen(ctx, p, 'voted on', 'proposal.closed');
  if (!isEligible(actor, p.minMemberDays, ctx.now))
    throw new UserError('proposal.ineligible', { number: p.number, days: p.minMemberDays });
  addMark(ctx, targetOf(p), actor.id, 'command', args.choice, args.reason);
  appendAudit(ctx, 'proposal.vote', {
    proposal: p.number,
    member: actor.userId,
    vote: args.choice,
    via: 'command',
  });
  const t = refreshProposalCard(ctx, p);
  return {
    private: true,
    text: `You voted ${args.choice} on P${p.number}. Now ${countsText(t)}; voting closes ${formatTime(p.closesAt)}.`,
  };
}

/** `/proposal withdraw P`: the author ends it before the deadline; no decision is made. */
export function withdrawProposal(ctx: Ctx, number: number): Reply {
  const actor = actorOf(ctx);
  const p = getProposal(ctx, number);
  if (p.authorId !== actor.id) throw new UserError('proposal.notAuthor', { number });
  assertOpen(ctx, p, 'withdrawn', 'proposal.notOpen');
  const outcome = `Withdrawn by ${actor.displayName} before the deadline; no decision was made.`;
  const done = ctx.db
    .update(proposals)
    .set({ status: 'withdrawn', closedAt: ctx.now, outcome })
    .where(eq(proposals.id, p.id))
    .returning()
    .get();
  cancelDeadline(ctx, closeKey(p));
  appendAudit(ctx, 'proposal.withdrawn', { proposal: number, member: actor.userId });
  refreshProposalCard(ctx, done);
  ctx.effects.push({
    type: 'thread',
    cardKey: proposalCardKey(p),
    text: `P${number} was withdrawn by ${actor.displayName}; no decision was made.`,
  });
  return { private: true, text: `You withdrew P${number}.` };
}
