/**
 * The community's numbering against the events: every number it gave out has its event, and no task
 * or proposal lies beyond it. Deleting the newest events leaves numbers without one.
 */
import type { Seen, Snapshot } from './types.js';

/** The first number below `next` that has no event. */
function gap(seen: Set<number>, next: number): number | undefined {
  for (let n = 1; n < next; n++) if (!seen.has(n)) return n;
  return undefined;
}

/** What is wrong with the numbering, if anything. */
export function numberingProblem(seen: Seen, snap: Snapshot): string | undefined {
  const t = gap(seen.tasks, snap.nextTaskNo);
  const p = gap(seen.proposals, snap.nextProposalNo);
  if (t !== undefined)
    return `task #${t} was numbered (the community is at #${snap.nextTaskNo - 1}) but has no task.posted event: the newest audit events may have been deleted`;
  if (p !== undefined)
    return `proposal P${p} was numbered (the community is at P${snap.nextProposalNo - 1}) but has no proposal.opened event: the newest audit events may have been deleted`;
  if (snap.maxTaskNo >= snap.nextTaskNo)
    return `task #${snap.maxTaskNo} is beyond the community's numbering (#${snap.nextTaskNo - 1})`;
  if (snap.maxProposalNo >= snap.nextProposalNo)
    return `proposal P${snap.maxProposalNo} is beyond the community's numbering (P${snap.nextProposalNo - 1})`;
  return undefined;
}
