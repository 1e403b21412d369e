/** The community rules: defaults, bounds, and the parse of `key=value`. */
import { z } from 'zod';
import { canonicalSpdx } from './spdx.js';
import { UserError } from './errors.js';

const bool = z.preprocess((v) => {
  if (typeof v !== 'string') return v;
  const s = v.toLowerCase();
  if (['true', 'on', 'yes', '1'].includes(s)) return true;
  if (['false', 'off', 'no', '0'].includes(s)) return false;
  return v;
}, z.boolean());

const int = (min: number, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : v),
    z.number().int().min(min).max(max),
  );

export const decisionRules = ['lazy', 'consent', 'majority', 'supermajority'] as const;
export type DecisionRule = (typeof decisionRules)[number];

const license = z.string().transform((s, ctx) => {
  const id = canonicalSpdx(s);
  if (!id) {
    ctx.addIssue({ code: 'custom', message: 'not an SPDX license id' });
    return z.NEVER;
  }
  return id;
});

/** A channel as typed anywhere: an id, `#name`, or a mention (`<#123>` on Discord, `<#C42|name>` on Slack). */
export const channelRef = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .refine((s) => !/^(<@|@)/.test(s), 'is a member, not a channel')
  .transform((s) => s.replace(/^<#([^>|]+)(?:\|[^>]*)?>$/, '$1').replace(/^#/, ''))
  .refine((s) => s !== '', 'names no channel')
  .refine((s) => /^[^\s<>@#]+$/u.test(s), 'is not a channel: write #name');

/** Each rule: its schema, default, and how its valid values read to a person. */
export const ruleDefs = {
  'review.approvals': { schema: int(1, 50), default: 2, valid: 'a whole number from 1 to 50' },
  'review.objectionsBlock': { schema: bool, default: true, valid: 'true or false' },
  'proposal.defaultRule': {
    schema: z.enum(decisionRules),
    default: 'consent',
    valid: decisionRules.join(', '),
  },
  'proposal.hours': { schema: int(1, 720), default: 72, valid: 'a whole number from 1 to 720' },
  'proposal.quorum': { schema: int(0, 10000), default: 3, valid: 'a whole number from 0 to 10000' },
  'claims.maxOpen': { schema: int(1, 100), default: 3, valid: 'a whole number from 1 to 100' },
  'claims.expiryDays': { schema: int(1, 365), default: 14, valid: 'a whole number from 1 to 365' },
  'votes.minMemberDays': { schema: int(0, 365), default: 0, valid: 'a whole number from 0 to 365' },
  'commons.license': {
    schema: license,
    default: 'CC-BY-SA-4.0',
    valid: 'an SPDX license id such as CC-BY-SA-4.0 or MIT',
  },
  'channels.tasks': { schema: channelRef, default: '', valid: 'a channel of the community' },
  'channels.proposals': {
    schema: channelRef,
    default: '',
    valid: 'a channel of the community',
  },
} as const;

export type RuleKey = keyof typeof ruleDefs;
export const ruleKeys = Object.keys(ruleDefs) as RuleKey[];

/** The resolved rules of a community. Channel rules are '' until setup: "where the command was typed". */
export interface Rules {
  'review.approvals': number;
  'review.objectionsBlock': boolean;
  'proposal.defaultRule': DecisionRule;
  'proposal.hours': number;
  'proposal.quorum': number;
  'claims.maxOpen': number;
  'claims.expiryDays': number;
  'votes.minMemberDays': number;
  'commons.license': string;
  'channels.tasks': string;
  'channels.proposals': string;
}

export function defaultRules(): Rules {
  return Object.fromEntries(ruleKeys.map((k) => [k, ruleDefs[k].default])) as unknown as Rules;
}

export function isRuleKey(key: string): key is RuleKey {
  return Object.hasOwn(ruleDefs, key);
}

/** Validates one rule value; a bad key or value is a user error naming what is valid. */
export function parseRuleValue<K extends RuleKey>(key: string, raw: unknown): { key: K; value: Rules[K] } {
  if (!isRuleKey(key)) throw new UserError('rule.unknownKey', { key, valid: ruleKeys.join(', ') });
  const parsed = ruleDefs[key].schema.safeParse(raw);
  if (!parsed.success) {
    throw new UserError('rule.badValue', { key, value: String(raw), valid: ruleDefs[key].valid });
  }
  return { key: key as K, value: parsed.data as Rules[K] };
}

/** Parses `key=value`. */
export function parseRuleAssignment(text: string): { key: RuleKey; value: Rules[RuleKey] } {
  const eq = text.indexOf('=');
  if (eq <= 0) throw new UserError('rule.badAssignment', { text });
  return parseRuleValue(text.slice(0, eq).trim(), text.slice(eq + 1).trim());
}

export function formatRuleValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
