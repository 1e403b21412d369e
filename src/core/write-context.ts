/** The context of a unit of work that may write, for a command, a reaction or a deadline. */
import type { Db } from '../db/client.js';
import { ensureCommunity, ensureMember } from './community/community.js';
import type { RulesCache } from './community/rules-cache.js';
import type { Ctx } from './shared/context.js';
import type { Actor, CommunityRef } from './shared/model.js';

/**
 * The community (locked for the unit) and the acting member, each made on first sight, with the
 * community's rules (from `cache` while the community row's rules version is the one cached).
 */
export async function writeContext(
  db: Db,
  cache: RulesCache,
  ref: CommunityRef,
  now: number,
  channelId: string,
  actor?: Actor,
): Promise<Ctx> {
  const community = await ensureCommunity(db, ref, now);
  const rules = await cache.rulesOf(db, community, true);
  const ctx: Ctx = { db, now, platform: ref.platform, community, rules, channelId, effects: [] };
  if (actor)
    ctx.actor = { ...(await ensureMember(db, community.id, actor, now)), isAdmin: actor.isAdmin ?? false };
  return ctx;
}
