/**
 * Card keys: which entity a posted card shows. They are stored in the `cards` table, so their text is
 * fixed: `task:<number>` (the task's number in its community), `submission:<id>` and `proposal:<id>`
 * (row ids, which are also the vote target ids).
 */

export type CardKind = 'task' | 'submission' | 'proposal';

/** A card key as stored. */
export type CardKey = `${CardKind}:${number}`;

/** The keys made lately, one map per kind (cleared when it grows past `KEPT`). */
const made: Record<CardKind, Map<number, CardKey>> = {
  task: new Map(),
  submission: new Map(),
  proposal: new Map(),
};
export const KEPT = 4096;

/**
 * `kind:n`, the same string each time for the same card. The keys index maps on the write path (a
 * batch's targets, votes, renders …), several times per reaction: a string built anew each time is
 * flattened and hashed again at every look-up, one made once keeps its hash.
 */
export function cardKey(kind: CardKind, n: number): CardKey {
  const of = made[kind];
  let key = of.get(n);
  if (key === undefined) {
    if (of.size >= KEPT) of.clear();
    of.set(n, (key = `${kind}:${n}`));
  }
  return key;
}

/** How many keys are kept now, of all kinds (tests: the memory stays bounded). */
export const keptCardKeys = (): number => made.task.size + made.submission.size + made.proposal.size;

export const taskCardKey = (taskNumber: number): CardKey => cardKey('task', taskNumber);
export const submissionCardKey = (submissionId: number): CardKey => cardKey('submission', submissionId);
export const proposalCardKey = (proposalId: number): CardKey => cardKey('proposal', proposalId);

/** The kind and number of a stored card key; undefined for text that is no card key. */
export function parseCardKey(key: string): { kind: CardKind; id: number } | undefined {
  const m = /^(task|submission|proposal):(\d+)$/.exec(key);
  return m ? { kind: m[1] as CardKind, id: Number(m[2]) } : undefined;
}
