/** `/commons setup|config|audit|verify`: the first rules, and the record of every change. */
import { eq } from 'drizzle-orm';
import { communities } from '../db/schema.js';
import { appendAudit, recentAudit } from './audit.js';
import type { CommandArgs } from './commands.js';
import { checkRuleValue, setRule, storedRules } from './community.js';
import { actorOf, type Ctx } from './context.js';
import { UserError } from './errors.js';
import {
  formatRuleValue,
  parseRuleAssignment,
  parseRuleValue,
  ruleDefs,
  ruleKeys,
  type RuleKey,
} from './rules.js';
import type { Reply } from './views.js';
import { Verifier, type Anchor } from './verify.js';

/** The rules a passed proposal set, with the proposal: setup may not overwrite them. */
function setByProposal(ctx: Ctx): Map<RuleKey, string> {
  const out = new Map<RuleKey, string>();
  for (const [k, r] of storedRules(ctx.db, ctx.community.id)) if (r.setBy !== 'setup') out.set(k, r.setBy);
  return out;
}

/** What `/commons setup` asks to set, as typed; channels default to where it was typed. */
function setupChanges(ctx: Ctx, args: CommandArgs<'commons setup'>): Map<RuleKey, unknown> {
  const changes = new Map<RuleKey, unknown>();
  for (const item of (args.rules ?? '').split(/\s+/).filter(Boolean)) {
    const { key, value } = parseRuleAssignment(item);
    changes.set(key, value);
  }
  if (args.tasks) changes.set('channels.tasks', parseRuleValue('channels.tasks', args.tasks).value);
  if (args.proposals)
    changes.set('channels.proposals', parseRuleValue('channels.proposals', args.proposals).value);
  if (args.license) changes.set('commons.license', parseRuleValue('commons.license', args.license).value);
  for (const [key, value] of changes) changes.set(key, checkRuleValue(ctx, key, value as never));
  return changes;
}

export function setup(ctx: Ctx, args: CommandArgs<'commons setup'>): Reply {
  const actor = actorOf(ctx);
  if (!actor.isAdmin) throw new UserError('setup.notAdmin');
  if (ctx.community.setupAt !== null) throw new UserError('rule.onlyByProposal');
  const changes = setupChanges(ctx, args);
  const byProposal = setByProposal(ctx);
  const clash = [...changes.keys()].filter((k) => byProposal.has(k));
  if (clash.length > 0) {
    const rules = clash.map((k) => `${k} (set by ${byProposal.get(k)})`).join(', ');
    throw new UserError('setup.setByProposal', { rules });
  }
  for (const key of ['channels.tasks', 'channels.proposals'] as const)
    if (!changes.has(key) && !byProposal.has(key)) changes.set(key, ctx.channelId);
  for (const [key, value] of changes) setRule(ctx, key, value, 'setup');
  ctx.db.update(communities).set({ setupAt: ctx.now }).where(eq(communities.id, ctx.community.id)).run();
  appendAudit(ctx, 'commons.setup', { rules: Object.fromEntries(changes), by: actor.userId });
  const lines = [...changes].map(([k, v]) => `${k} = ${formatRuleValue(v)}`);
  const kept = [...byProposal].map(([k, p]) => `${k} = ${formatRuleValue(ctx.rules[k])} (kept: set by ${p})`);
  return {
    private: false,
    text: `Ostrom is set up. Rules set at setup:\n${[...lines, ...kept].join('\n')}\nFrom now on rules change only by proposal (\`/propose … change:key=value\`).`,
  };
}

export function config(ctx: Ctx): Reply {
  const stored = storedRules(ctx.db, ctx.community.id);
  const lines = ruleKeys.map((k) => {
    const s = stored.get(k);
    const value = formatRuleValue(ctx.rules[k]) || '(the channel of the command)';
    const by = s ? (s.setBy === 'setup' ? 'setup' : `set by proposal ${s.setBy}`) : 'default';
    return `${k} = ${value}  (${by}; ${ruleDefs[k].valid})`;
  });
  const anyByProposal = [...stored.values()].some((s) => s.setBy !== 'setup');
  const state =
    ctx.community.setupAt !== null
      ? 'Rules change only by proposal.'
      : anyByProposal
        ? 'Not set up yet: defaults apply except where a proposal set a rule. A platform admin runs `/commons setup` once; it cannot change rules a proposal set.'
        : 'Not set up yet: defaults apply. A platform admin runs `/commons setup` once.';
  return { private: true, text: `Rules of this community. ${state}\n${lines.join('\n')}` };
}

export function auditList(ctx: Ctx, n = 10): Reply {
  const rows = recentAudit(ctx.db, ctx.community.id, n);
  if (rows.length === 0) return { private: true, text: 'The audit log is empty.' };
  const lines = rows.map(
    (r) =>
      `#${r.seq} ${new Date(r.at).toISOString()} ${r.type} by ${r.actor ?? 'Ostrom'} ${r.data} · ${r.hash.slice(0, 12)}`,
  );
  return { private: true, text: `Last ${rows.length} audit events, newest first:\n${lines.join('\n')}` };
}

/** Checks in pages after the command's transaction (see verify.ts): the chain can be long. */
export function verify(ctx: Ctx, anchor?: Anchor): Verifier {
  return new Verifier(ctx.community.id, anchor);
}
