/** What the checks of `/commons verify` share: the rows they read and what they have seen so far. */
import type { audit } from '../../../db/schema.js';

/** A head saved outside Ostrom earlier: event `seq` must still have `hash`. */
export interface Anchor {
  seq: number;
  hash: string;
}

export type AuditRow = typeof audit.$inferSelect;

/** The bounds taken in the first step, so rows committed meanwhile are neither checked nor strays. */
export interface Snapshot {
  headSeq: number;
  lastLedgerId: number;
  nextTaskNo: number;
  nextProposalNo: number;
  maxTaskNo: number;
  maxProposalNo: number;
}

/** What the events read so far vouch for; the ledger and the numbering are checked against it. */
export interface Seen {
  tasks: Set<number>;
  proposals: Set<number>;
  /** Ledger ids that have their contribution.accepted event. */
  ledger: Set<number>;
  /** contribution.accepted events matched to an entry. */
  entries: number;
}

export function nothingSeen(): Seen {
  return { tasks: new Set(), proposals: new Set(), ledger: new Set(), entries: 0 };
}
