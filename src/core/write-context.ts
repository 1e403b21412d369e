/** The context of a unit of work that may write, for a command, a reaction or a deadline. */
import type { Db } from '../db/client.js';
import { wait, type Step } from '../db/step.js';
import { lockCommunityWithMember } from '../db/dialect.js';
import type { BatchScope } from './batch-scope.js';
import { ensureCommunity, isCurrent, memberOf } from './community/community.js';
import type { RulesCache } from './community/rules-cache.js';
import type { Ctx, MemberRow } from './shared/context.js';
import type { Actor, CommunityRef } from './shared/model.js';

/**
 * The community (locked for the unit) and the acting member, each made on first sight, with the
 * community's rules (from `cache` while the community row's rules version is the one cached). In a
 * batch, the community (locked by the batch's first event, for the whole transaction) and members
 * already seen come from the batch's scope.
 */
export function* writeContext(
  db: Db,
  cache: RulesCache,
  ref: CommunityRef,
  now: number,
  channelId: string,
  actor?: Actor,
  batch?: BatchScope,
): Step<Ctx> {
  let known = batch?.community;
  // The member as the community's lock read it (undefined: not read; null: not a member yet).
  let read: MemberRow | null | undefined;
  if (!known) {
    const locked = actor && (yield* wait(lockCommunityWithMember(db, ref.platform, ref.id, actor.userId)));
    const row = locked ? locked.community : yield* wait(ensureCommunity(db, ref, now));
    read = locked ? locked.member : undefined;
    known = { row, rules: yield* wait(cache.rulesOf(db, row, true)) };
    // The events of a scope share the rules they read, frozen: only a command changes rules
    // (`setRule` writes into its context's), and a command never runs in a scope. Should one ever
    // try, the write throws and its event is rolled back, instead of leaking into the next events.
    if (batch) batch.community = { row, rules: Object.freeze(known.rules) };
  }
  const community = known.row;
  const ctx: Ctx = {
    db,
    now,
    platform: ref.platform,
    community,
    rules: known.rules,
    channelId,
    effects: [],
    batch,
  };
  if (actor) ctx.actor = withAdmin(yield* member(db, community.id, actor, now, batch, read), actor.isAdmin);
  return ctx;
}

/** The acting member: the row, and whether the platform says they administer the community. */
function withAdmin(m: MemberRow, isAdmin = false): MemberRow & { isAdmin: boolean } {
  // Field by field: V8 builds `{ ...row, isAdmin }` in its runtime, 0.4 µs where this takes 13 ns.
  const { id, communityId, userId, displayName, joinedAt, createdAt } = m;
  return { id, communityId, userId, displayName, joinedAt, createdAt, isAdmin };
}

function* member(
  db: Db,
  communityId: number,
  actor: Actor,
  now: number,
  batch?: BatchScope,
  read?: MemberRow | null,
): Step<MemberRow> {
  const seen = read ?? batch?.members.get(actor.userId);
  if (seen && isCurrent(seen, actor)) {
    batch?.members.set(actor.userId, seen);
    return seen;
  }
  const { row, updated } = yield* wait(memberOf(db, communityId, actor, now));
  if (batch) {
    // A changed name or join date changes cards and whose votes count: read everything again.
    if (updated) batch.reset();
    batch.members.set(actor.userId, row);
  }
  return row;
}
