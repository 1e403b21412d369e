/** Communities, members and their stored rules. */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { lockCommunity } from '../../db/dialect.js';
import { prepared } from '../../db/prepared.js';
import { communities, members, rules as rulesTable } from '../../db/schema.js';
import type { CommunityRow, Ctx, MemberRow } from '../shared/context.js';
import type { Actor, CommunityRef } from '../shared/model.js';
import { DAY_MS } from '../shared/model.js';
import {
  defaultRules,
  formatRuleValue,
  isRuleKey,
  type RuleKey,
  type Rules,
  type RuleValue,
} from './rules.js';
import { UserError } from '../shared/errors.js';
import { plainLine } from '../shared/plain-text.js';
import { voterJoinedEarlier } from '../votes/voters.js';

/**
 * The community of `ref`, made on first sight, and locked for the rest of the unit of work: every
 * write unit calls this before it reads what it will change, so units of one community never
 * interleave, on PostgreSQL with several processes too (see db/dialect.ts).
 */
export async function ensureCommunity(db: Db, ref: CommunityRef, now: number): Promise<CommunityRow> {
  const found = await lockCommunity(db, ref.platform, ref.id);
  if (found) return found;
  // Another process may make it at the same moment: whoever comes second inserts nothing.
  await db
    .insert(communities)
    .values({ platform: ref.platform, externalId: ref.id, name: ref.name ?? null, createdAt: now })
    .onConflictDoNothing();
  const made = await lockCommunity(db, ref.platform, ref.id);
  if (!made) throw new Error(`community ${ref.platform}:${ref.id} was not created`);
  return made;
}

export async function findCommunity(db: Db, ref: CommunityRef): Promise<CommunityRow | undefined> {
  const q = prepared(db, 'communities.find', (d) =>
    d
      .select()
      .from(communities)
      .where(
        and(
          eq(communities.platform, sql.placeholder('platform')),
          eq(communities.externalId, sql.placeholder('externalId')),
        ),
      ),
  );
  return (await q.execute({ platform: ref.platform, externalId: ref.id }))[0];
}

/** The member for an actor, made on first sight; keeps the display name current. */
export async function ensureMember(
  db: Db,
  communityId: number,
  actor: Actor,
  now: number,
): Promise<MemberRow> {
  return (await memberOf(db, communityId, actor, now)).row;
}

/** A display name comes from the platform and is shown to everyone: plain text, one line. */
const nameOf = (actor: Actor) => plainLine(actor.name) || actor.userId;

/** Whether a member row read earlier is what `ensureMember` would make of the actor now (no update). */
export function isCurrent(row: MemberRow, actor: Actor): boolean {
  // A stored name is what `nameOf` made, and `plainLine` changes nothing it made: a name given as it is
  // stored needs no cleaning again (its regular expressions are most of a reaction's member check).
  const same = row.displayName === actor.name || row.displayName === nameOf(actor);
  return same && (actor.joinedAt === undefined || actor.joinedAt >= row.joinedAt);
}

/** `ensureMember`, saying whether an existing member's row changed (name, or an earlier join). */
export async function memberOf(
  db: Db,
  communityId: number,
  actor: Actor,
  now: number,
): Promise<{ row: MemberRow; updated: boolean }> {
  const name = nameOf(actor);
  const byUser = prepared(db, 'members.byUser', (d) =>
    d
      .select()
      .from(members)
      .where(
        and(
          eq(members.communityId, sql.placeholder('community')),
          eq(members.userId, sql.placeholder('user')),
        ),
      ),
  );
  const [found] = await byUser.execute({ community: communityId, user: actor.userId });
  if (found) {
    if (isCurrent(found, actor)) return { row: found, updated: false };
    const joinedAt = actor.joinedAt !== undefined ? Math.min(actor.joinedAt, found.joinedAt) : found.joinedAt;
    if (joinedAt !== found.joinedAt) await voterJoinedEarlier(db, communityId, found.id, joinedAt);
    const [row] = await db
      .update(members)
      .set({ displayName: name, joinedAt })
      .where(eq(members.id, found.id))
      .returning();
    return { row: row!, updated: true };
  }
  const row = (
    await db
      .insert(members)
      .values({
        communityId,
        userId: actor.userId,
        displayName: name,
        joinedAt: actor.joinedAt ?? now,
        createdAt: now,
      })
      .returning()
  )[0]!;
  return { row, updated: false };
}

/** A member named by user id, `@name`, or display name. */
export async function findMemberByName(ctx: Ctx, name: string): Promise<MemberRow> {
  const clean = name.replace(/^@/, '');
  const byId = (
    await ctx.db
      .select()
      .from(members)
      .where(and(eq(members.communityId, ctx.community.id), eq(members.userId, clean)))
      .limit(1)
  )[0];
  if (byId) return byId;
  const byName = (
    await ctx.db
      .select()
      .from(members)
      .where(
        and(eq(members.communityId, ctx.community.id), sql`lower(${members.displayName}) = lower(${clean})`),
      )
      .limit(1)
  )[0];
  if (!byName) throw new UserError('member.notFound', { name: clean });
  return byName;
}

/** A member's display name by row id, for cards; '?' if the row is gone. */
export async function memberName(ctx: Ctx, memberId: number): Promise<string> {
  const q = prepared(ctx.db, 'members.name', (d) =>
    d
      .select({ n: members.displayName })
      .from(members)
      .where(eq(members.id, sql.placeholder('id'))),
  );
  const [row] = await q.execute({ id: memberId });
  return row?.n ?? '?';
}

/** Eligible to vote: joined at least `minDays` ago. */
export function isEligible(member: Pick<MemberRow, 'joinedAt'>, minDays: number, now: number): boolean {
  return member.joinedAt + minDays * DAY_MS <= now;
}

export interface StoredRule {
  /** Validated when it was written (by setup or a passed proposal). */
  value: RuleValue;
  setBy: string;
  setAt: number;
}

export async function storedRules(db: Db, communityId: number): Promise<Map<RuleKey, StoredRule>> {
  const rows = await db.select().from(rulesTable).where(eq(rulesTable.communityId, communityId));
  const out = new Map<RuleKey, StoredRule>();
  for (const r of rows)
    if (isRuleKey(r.key))
      out.set(r.key, { value: JSON.parse(r.value) as RuleValue, setBy: r.setBy, setAt: r.setAt });
  return out;
}

export async function loadRules(db: Db, communityId: number): Promise<Rules> {
  const rules = defaultRules();
  for (const [k, r] of await storedRules(db, communityId)) assignRule(rules, k, r.value);
  return rules;
}

/** Sets one rule of a resolved set. */
function assignRule<K extends RuleKey>(rules: Rules, key: K, value: Rules[K]): void {
  rules[key] = value;
}

/**
 * A rule value as the community will use it: a channel rule must name a channel the bot can post in,
 * when the platform says which (by id or name); it is stored as the channel's id.
 */
export function checkRuleValue<K extends RuleKey>(ctx: Ctx, key: K, value: Rules[K]): Rules[K] {
  if ((key !== 'channels.tasks' && key !== 'channels.proposals') || !ctx.channels) return value;
  const typed = String(value);
  const found =
    ctx.channels.find((c) => c.id === typed) ??
    ctx.channels.find((c) => c.name.toLowerCase() === typed.toLowerCase());
  if (!found) {
    const names = ctx.channels.slice(0, 15).map((c) => `#${c.name}`);
    throw new UserError('channel.notFound', { channel: typed, valid: names.join(', ') || 'none' });
  }
  return found.id as Rules[K];
}

/** Writes one rule (the only writer of rules); the caller records it in the audit log with what set it. */
export async function setRule<K extends RuleKey>(
  ctx: Ctx,
  key: K,
  value: Rules[K],
  setBy: string,
): Promise<void> {
  const row = { communityId: ctx.community.id, key, value: JSON.stringify(value), setBy, setAt: ctx.now };
  await ctx.db
    .insert(rulesTable)
    .values(row)
    .onConflictDoUpdate({ target: [rulesTable.communityId, rulesTable.key], set: row });
  // Every process's cached rules of this community are stale once this unit commits (rules-cache.ts).
  await ctx.db
    .update(communities)
    .set({ rulesVersion: sql`${communities.rulesVersion} + 1` })
    .where(eq(communities.id, ctx.community.id));
  ctx.rules[key] = value;
}

export { formatRuleValue };
