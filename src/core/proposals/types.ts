/** Proposal rows, their tally, and the plain data a proposal card shows. */
import type { proposals } from '../../db/schema.js';
import type { Ballot } from '../votes/types.js';

export type ProposalRow = typeof proposals.$inferSelect;

/** The votes that count on a proposal, by value. */
/** How many eligible members vote each way, and how many took part: what a list line shows. */
export interface TallyCounts {
  yes: number;
  no: number;
  abstain: number;
  participants: number;
}

export interface ProposalTally {
  /** Votes that count, by value. */
  counts: { yes: number; no: number; abstain: number };
  /** Who cast them, in the order they last voted: every one, or the first few a card names. */
  yes: Ballot[];
  no: Ballot[];
  abstain: Ballot[];
  participants: number;
  /** Votes by members who were not yet eligible (the frozen `votes.minMemberDays`). */
  ignored: number;
}

/** What a proposal card shows. */
export interface ProposalCardData {
  proposal: ProposalRow;
  tally: ProposalTally;
  author: string;
  /**
   * The current value of the rule the proposal would change, as text ('' when unset); undefined when
   * the proposal changes no rule or names a key that is no rule.
   */
  ruleNow?: string;
}
