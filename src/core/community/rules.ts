/** The community rules: defaults, bounds, and the parse of `key=value`. */
import { z } from 'zod';
import { canonicalSpdx } from './spdx.js';
import { UserError } from '../shared/errors.js';

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

/** One rule: its schema, a default of the type the schema gives, and how its valid values read to a person. */
export interface RuleDef<S extends z.ZodType> {
  schema: S;
  default: z.output<S>;
  valid: string;
}

const rule = <S extends z.ZodType>(schema: S, dflt: z.output<S>, valid: string): RuleDef<S> => ({
  schema,
  default: dflt,
  valid,
});

/**
 * Every rule. Channel rules default to '' (not a valid channel to type): until setup, "where the
 * command was typed".
 */
export const ruleDefs = {
  'review.approvals': rule(int(1, 50), 2, 'a whole number from 1 to 50'),
  'review.objectionsBlock': rule(bool, true, 'true or false'),
  'proposal.defaultRule': rule(z.enum(decisionRules), 'consent', decisionRules.join(', ')),
  'proposal.hours': rule(int(1, 720), 72, 'a whole number from 1 to 720'),
  'proposal.quorum': rule(int(0, 10000), 3, 'a whole number from 0 to 10000'),
  'claims.maxOpen': rule(int(1, 100), 3, 'a whole number from 1 to 100'),
  'claims.expiryDays': rule(int(1, 365), 14, 'a whole number from 1 to 365'),
  'votes.minMemberDays': rule(int(0, 365), 0, 'a whole number from 0 to 365'),
  'commons.license': rule(license, 'CC-BY-SA-4.0', 'an SPDX license id such as CC-BY-SA-4.0 or MIT'),
  'channels.tasks': rule(channelRef, '', 'a channel of the community'),
  'channels.proposals': rule(channelRef, '', 'a channel of the community'),
};

export type RuleKey = keyof typeof ruleDefs;
export const ruleKeys = Object.keys(ruleDefs) as RuleKey[];

/** The resolved rules of a community: each rule's value, of the type its schema gives. */
export type Rules = { [K in RuleKey]: z.output<(typeof ruleDefs)[K]['schema']> };

/** A value of some rule. */
export type RuleValue = Rules[RuleKey];

/** The table seen per key, so that a generic key keeps its default's type. */
const defsByKey: { [K in RuleKey]: { default: Rules[K] } } = ruleDefs;

/** Every rule at its default. */
export function defaultRules(): Rules {
  const rules: Partial<Rules> = {};
  for (const key of ruleKeys) assignDefault(rules, key);
  // Every key was assigned just above.
  return rules as Rules;
}

function assignDefault<K extends RuleKey>(rules: Partial<Rules>, key: K): void {
  rules[key] = defsByKey[key].default;
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
