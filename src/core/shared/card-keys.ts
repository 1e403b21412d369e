/**
 * Card keys: which entity a posted card shows. They are stored in the `cards` table, so their text is
 * fixed: `task:<number>` (the task's number in its community), `submission:<id>` and `proposal:<id>`
 * (row ids, which are also the vote target ids).
 */

export type CardKind = 'task' | 'submission' | 'proposal';

/** A card key as stored. */
export type CardKey = `${CardKind}:${number}`;

export const taskCardKey = (taskNumber: number): CardKey => `task:${taskNumber}`;
export const submissionCardKey = (submissionId: number): CardKey => `submission:${submissionId}`;
export const proposalCardKey = (proposalId: number): CardKey => `proposal:${proposalId}`;

/** The kind and number of a stored card key; undefined for text that is no card key. */
export function parseCardKey(key: string): { kind: CardKind; id: number } | undefined {
  const m = /^(task|submission|proposal):(\d+)$/.exec(key);
  return m ? { kind: m[1] as CardKind, id: Number(m[2]) } : undefined;
}
