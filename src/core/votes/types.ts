/** Vote targets and ballots, shared by reviews and proposals. */
import { cardKey } from '../shared/card-keys.js';
import type { MemberRow } from '../shared/context.js';
import type { VoteValue } from '../shared/model.js';

export type TargetType = 'submission' | 'proposal';

/** What a vote is on: a submission or a proposal, by row id. */
export interface Target {
  type: TargetType;
  id: number;
}

/**
 * A target as text, `submission:12`: its key among a scope's targets, and in audit events. The same
 * text as its card's key (card-keys.ts), and the same string each time.
 */
export const targetKey = (t: Target): string => cardKey(t.type, t.id);

/** A member's current vote on a target. */
export interface Ballot {
  member: MemberRow;
  value: VoteValue;
  reason: string | null;
}
