/** `/commons setup` and `/commons config`: the first rules, and which proposal set each since. */
import { eq } from 'drizzle-orm';
import { communities } from '../../db/schema.js';
import { appendAudit } from '../commons/audit.js';
import type { CommandArgs } from '../commands.js';
import { checkRuleValue, setRule, storedRules } from './community.js';
import { actorOf, type Ctx } from '../shared/context.js';
import { UserError } from '../shared/errors.js';
import {
  formatRuleValue,
  parseRuleAssignment,
  parseRuleValue,
  ruleDefs,
  ruleKeys,
  type RuleKey,
  type RuleValue,
} from './rules.js';
import { formatTime, type Reply } from '../shared/views.js';

/** The rules a passed proposal set, with the proposal: setup may not overwrite them. */
async function setByProposal(ctx: Ctx): Promise<Map<RuleKey, string>> {
  const out = new Map<RuleKey, string>();
  for (const [k, r] of await storedRules(ctx.db, ctx.community.id))
    if (r.setBy !== 'setup') out.set(k, r.setBy);
  return out;
}

/** What `/commons setup` asks to set, as typed; channels default to where it was typed. */
function setupChanges(ctx: Ctx, args: CommandArgs<'commons setup'>): Map<RuleKey, RuleValue> {
  const changes = new Map<RuleKey, RuleValue>();
  for (const item of (args.rules ?? '').split(/\s+/).filter(Boolean)) {
    const { key, value } = parseRuleAssignment(item);
    changes.set(key, value);
  }
  if (args.tasks) changes.set('channels.tasks', parseRuleValue('channels.tasks', args.tasks).value);
  if (args.proposals)
    changes.set('channels.proposals', parseRuleValue('channels.proposals', args.proposals).value);
  if (args.license) changes.set('commons.license', parseRuleValue('commons.license', args.license).value);
  for (const [key, value] of changes) changes.set(key, checkRuleValue(ctx, key, value));
  return changes;
}

export async function setup(ctx: Ctx, args: CommandArgs<'commons setup'>): Promise<Reply> {
  const actor = actorOf(ctx);
  if (!actor.isAdmin) throw new UserError('setup.notAdmin');
  if (ctx.community.setupAt !== null)
    throw new UserError('rule.onlyByProposal', { at: formatTime(ctx.community.setupAt) });
  const changes = setupChanges(ctx, args);
  const byProposal = await setByProposal(ctx);
  const clash = [...changes.keys()].filter((k) => byProposal.has(k));
  if (clash.length > 0) {
    const rules = clash.map((k) => `${k} (set by ${byProposal.get(k)})`).join(', ');
    throw new UserError('setup.setByProposal', { rules });
  }
  for (const key of ['channels.tasks', 'channels.proposals'] as const)
    if (!changes.has(key) && !byProposal.has(key)) changes.set(key, ctx.channelId);
  for (const [key, value] of changes) await setRule(ctx, key, value, 'setup');
  await ctx.db.update(communities).set({ setupAt: ctx.now }).where(eq(communities.id, ctx.community.id));
  await appendAudit(ctx, 'commons.setup', { rules: Object.fromEntries(changes), by: actor.userId });
  const lines = [...changes].map(([k, v]) => `${k} = ${formatRuleValue(v)}`);
  const kept = [...byProposal].map(([k, p]) => `${k} = ${formatRuleValue(ctx.rules[k])} (kept: set by ${p})`);
  return {
    private: false,
    text: `Ostrom is set up. Rules set at setup:\n${[...lines, ...kept].join('\n')}\nFrom now on rules change only by proposal (\`/propose … change:key=value\`).`,
  };
}

export async function config(ctx: Ctx): Promise<Reply> {
  const stored = await storedRules(ctx.db, ctx.community.id);
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
