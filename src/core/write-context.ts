/** The context of a unit of work that may write, for a command, a reaction or a deadline. */
import type { Db } from '../db/client.js';
import { ensureCommunity, ensureMember, loadRules } from './community/community.js';
import type { Ctx } from './shared/context.js';
import type { Actor, CommunityRef } from './shared/model.js';

/** The community and the acting member, each made on first sight, with the community's rules. */
export async function writeContext(
  db: Db,
  ref: CommunityRef,
  now: number,
  channelId: string,
  actor?: Actor,
): Promise<Ctx> {
  const community = await ensureCommunity(db, ref, now);
  const rules = await loadRules(db, community.id);
  const ctx: Ctx = { db, now, platform: ref.platform, community, rules, channelId, effects: [] };
  if (actor)
    ctx.actor = { ...(await ensureMember(db, community.id, actor, now)), isAdmin: actor.isAdmin ?? false };
  return ctx;
}
