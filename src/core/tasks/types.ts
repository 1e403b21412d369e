/** Task and claim rows, and the plain data a task card shows. */
import type { claims, tasks } from '../../db/schema.js';
import type { MemberRow } from '../shared/context.js';

export type TaskRow = typeof tasks.$inferSelect;
export type ClaimRow = typeof claims.$inferSelect;

/** An active claim with the member who holds it. */
export type HeldClaim = ClaimRow & { member: MemberRow };

/** What a task card shows: the task, its claimants' names (the finishers once done), who posted it. */
export interface TaskCardData {
  task: TaskRow;
  claimants: string[];
  poster: string;
}
