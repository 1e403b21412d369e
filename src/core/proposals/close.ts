/** Job `proposal.close`: decides a proposal at its deadline and applies its rule change when it passes. */
import { eq } from 'drizzle-orm';
import { proposals } from '../../db/schema.js';
import { appendAudit } from '../commons/audit.js';
import { setRule } from '../community/community.js';
import type { Ctx } from '../shared/context.js';
import { UserError } from '../shared/errors.js';
import { decide } from './decide.js';
import { proposalById, proposalTally, refreshProposalCard } from './proposals.js';
import type { ProposalRow } from './types.js';
import { proposalCardKey } from '../shared/card-keys.js';
import { reviewOpenSubmissions } from '../reviews/accept.js';
import { formatRuleValue, parseRuleValue, type RuleKey } from '../community/rules.js';

/** Rules a review tally depends on. */
const REVIEW_RULES = new Set<RuleKey>(['review.approvals', 'review.objectionsBlock', 'votes.minMemberDays']);

/**
 * Applies the change in the closing transaction, so the rule and the outcome are written together.
 * Returns the sentence for the outcome.
 */
async function applyChange(ctx: Ctx, p: ProposalRow): Promise<string> {
  const by = `P${p.number}`;
  let parsed;
  try {
    // Validated when proposed; parsed again because the stored value is text.
    parsed = parseRuleValue(p.changeKey!, p.changeValue!);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    await appendAudit(ctx, 'rule.changeFailed', {
      proposal: by,
      key: p.changeKey,
      value: p.changeValue,
      error: e.message,
    });
    return `The change ${p.changeKey}=${p.changeValue} could not be applied: ${e.message}`;
  }
  const { key, value } = parsed;
  const from = ctx.rules[key];
  await setRule(ctx, key, value, by);
  await appendAudit(ctx, 'rule.changed', { key, from, to: value, proposal: by });
  // A changed bar applies at once: open submissions that now meet it are accepted in this transaction.
  if (REVIEW_RULES.has(key)) await reviewOpenSubmissions(ctx);
  return `Rule ${key} changed: ${formatRuleValue(from) || '(unset)'} → ${formatRuleValue(value)} (set by ${by}).`;
}

/** Runs once per proposal (the deadline row is claimed once); a no-op if the proposal is no longer open. */
export async function closeProposal(ctx: Ctx, payload: { proposalId: number }): Promise<void> {
  const p = await proposalById(ctx, payload.proposalId);
  if (!p || p.status !== 'open') return;
  const t = await proposalTally(ctx, p);
  const votes = { yes: t.counts.yes, no: t.no.map((b) => b.member.displayName), abstain: t.counts.abstain };
  const d = decide(p.rule, p.quorum, votes);
  const status = d.passed ? 'passed' : 'rejected';
  const applied = d.passed && p.changeKey ? ` ${await applyChange(ctx, p)}` : '';
  const outcome = `${d.passed ? 'Passed' : 'Rejected'}: ${d.reason}.${applied}`;
  const closed = (
    await ctx.db
      .update(proposals)
      .set({ status, closedAt: ctx.now, outcome })
      .where(eq(proposals.id, p.id))
      .returning()
  )[0]!;
  await appendAudit(ctx, 'proposal.closed', {
    proposal: p.number,
    status,
    reason: d.reason,
    yes: t.counts.yes,
    no: t.counts.no,
    abstain: t.counts.abstain,
    participants: t.participants,
  });
  await refreshProposalCard(ctx, closed, t);
  const head = d.passed ? `✅ P${p.number} "${p.title}" passed` : `❌ P${p.number} "${p.title}" was rejected`;
  ctx.effects.push({
    type: 'thread',
    cardKey: proposalCardKey(p.id),
    text: `${head}: ${d.reason}.${applied}`,
  });
}
