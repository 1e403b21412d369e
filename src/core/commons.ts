/** `/commons setup|config|audit|verify`: the first rules, and the record of every change. */
import { eq } from 'drizzle-orm';
import { communities } from '../db/schema.js';
import { appendAudit, recentAudit } from './audit.js';
import type { CommandArgs } from './commands.js';
import { setRule, storedRules } from './community.js';
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

export function setup(ctx: Ctx, args: CommandArgs<'commons setup'>): Reply {
  const actor = actorOf(ctx);
  if (!actor.isAdmin) throw new UserError('setup.notAdmin');
  if (ctx.community.setupAt !== null) throw new UserError('rule.onlyByProposal');
  const changes = new Map<RuleKey, unknown>();
  for (const item of (args.rules ?? '').split(/\s+/).filter(Boolean)) {
    const { key, value } = parseRuleAssignment(item);
    changes.set(key, value);
  }
  changes.set(
    'channels.tasks',
    args.tasks ?? (changes.get('channels.tasks') as string | undefined) ?? ctx.channelId,
  );
  changes.set(
    'channels.proposals',
    args.proposals ?? (changes.get('channels.proposals') as string | undefined) ?? ctx.channelId,
  );
  if (args.license) changes.set('commons.license', parseRuleValue('commons.license', args.license).value);
  for (const [key, value] of changes) setRule(ctx, key, value, 'setup');
  ctx.db.update(communities).set({ setupAt: ctx.now }).where(eq(communities.id, ctx.community.id)).run();
  appendAudit(ctx, 'commons.setup', { rules: Object.fromEntries(changes), by: actor.userId });
  const lines = [...changes].map(([k, v]) => `${k} = ${formatRuleValue(v)}`);
  return {
    private: false,
    text: `Ostrom is set up. Rules set at setup:\n${lines.join('\n')}\nFrom now on rules change only by proposal (\`/propose … change:key=value\`).`,
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
  const state =
    ctx.community.setupAt === null
      ? 'Not set up yet: defaults apply. A platform admin runs `/commons setup` once.'
      : 'Rules change only by proposal.';
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
