/**
 * The audit table's key: a community's id and an event's seq in one integer, `community × 2³² + seq`,
 * so each community's chain is one run of keys in seq order. On SQLite it is the table's rowid: an
 * event appended to the newest chain goes at the end of the table's b-tree, where SQLite splits a full
 * page by starting a new one. Keyed by (community, seq) as a WITHOUT ROWID table, every append near the
 * end rebalanced the last three pages, 2.6 pages written per event where this writes 1.1 (measured on
 * the bench's WAL). PostgreSQL keys the table the same way, so the core's queries serve both.
 */

/** Events per community the key can number (seq < 2³²); a check constraint holds the key to it. */
export const SEQ_SPAN = 2 ** 32;

/** The largest community id whose keys stay exact as JavaScript numbers (2²¹ − 1 = 2,097,151). */
const MAX_COMMUNITY = Math.floor(Number.MAX_SAFE_INTEGER / SEQ_SPAN);

/** The key of a community's event `seq` (0 stands before its first event). */
export function chainKey(communityId: number, seq: number): number {
  if (!Number.isInteger(communityId) || communityId < 0 || communityId > MAX_COMMUNITY)
    throw new Error(`community id ${communityId} is outside the audit key's range (0 to ${MAX_COMMUNITY})`);
  if (!Number.isInteger(seq) || seq < 0 || seq >= SEQ_SPAN)
    throw new Error(`audit seq ${seq} of community ${communityId} is outside the audit key's range`);
  return communityId * SEQ_SPAN + seq;
}

/** The keys of a community's events after `after` up to `upTo` (both seqs; the whole chain by default). */
export function chainKeys(communityId: number, after = 0, upTo = SEQ_SPAN - 1): { from: number; to: number } {
  return { from: chainKey(communityId, after) + 1, to: chainKey(communityId, upTo) };
}
