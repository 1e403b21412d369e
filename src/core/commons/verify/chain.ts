/** The audit chain itself: every event in sequence, linked to the one before, matching its hash. */
import { asc, between } from 'drizzle-orm';
import { chainKeys } from '../../../db/audit-key.js';
import type { Db } from '../../../db/client.js';
import { audit } from '../../../db/schema.js';
import { GENESIS, hashOf } from '../audit.js';
import type { Anchor, AuditRow } from './types.js';

/** How far the chain has been followed. */
export interface ChainState {
  /** The seq of the last event that verified; 0 before the first. */
  count: number;
  /** That event's hash (GENESIS before the first). */
  prevHash: string;
  /** The chain itself does not hold from this event on. */
  broken?: { seq: number; reason: string };
  /** Whether the anchor's event was met with the anchor's hash; undefined while not met. */
  anchorOk?: boolean;
}

export function chainStart(): ChainState {
  return { count: 0, prevHash: GENESIS };
}

/** At most `page` events after seq `after`, up to the snapshot's head. */
export function chainPage(
  db: Db,
  communityId: number,
  after: number,
  headSeq: number,
  page: number,
): Promise<AuditRow[]> {
  const keys = chainKeys(communityId, after, headSeq);
  return db
    .select()
    .from(audit)
    .where(between(audit.chainKey, keys.from, keys.to))
    .orderBy(asc(audit.chainKey))
    .limit(page);
}

function breakOf(state: ChainState, e: AuditRow): string | undefined {
  if (e.seq !== state.count + 1) return 'event missing';
  if (e.prevHash !== state.prevHash) return 'link to the previous event broken';
  if (hashOf(e) !== e.hash) return 'content does not match its hash';
  return undefined;
}

/** Follows `events` on from `state`; false when one of them breaks the chain (then `state.broken`). */
export function follow(state: ChainState, events: AuditRow[], anchor?: Anchor): boolean {
  for (const e of events) {
    const reason = breakOf(state, e);
    if (reason) {
      state.broken = { seq: state.count + 1, reason };
      return false;
    }
    state.prevHash = e.hash;
    state.count = e.seq;
    if (anchor?.seq === e.seq) state.anchorOk = e.hash === anchor.hash;
  }
  return true;
}
