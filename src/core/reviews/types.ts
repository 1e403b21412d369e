/** Submission rows, the review tally, and the plain data a review card shows. */
import type { submissions } from '../../db/schema.js';
import type { MemberRow } from '../shared/context.js';
import type { TaskRow } from '../tasks/types.js';
import type { Ballot } from '../votes/types.js';

export type SubmissionRow = typeof submissions.$inferSelect;

/** The votes on a submission that count, and the bar they are measured against. */
export interface ReviewTally {
  /** Approvals and objections that count. */
  approvals: number;
  objections: number;
  /** Who approved and who objected, in the order they last voted: every one, or the first few a card names. */
  approvers: MemberRow[];
  objectors: Ballot[];
  needed: number;
  /** Votes that do not count, and why (claimant, not yet eligible). */
  ignored: number;
}

/** What a review card shows: the task, the submission, its submitter's name and the tally. */
export interface ReviewCardData {
  task: TaskRow;
  sub: SubmissionRow;
  submitter: string;
  tally: ReviewTally;
}
