/** What each kind of deadline does when it falls due. */
import type { Ctx } from './context.js';
import type { DeadlineRow } from './deadlines.js';
import { expireClaim, remindClaim } from './tasks.js';

type Job = (ctx: Ctx, payload: never, deadline: DeadlineRow) => void;

const jobs: Record<string, Job> = {
  'claim.remind': remindClaim,
  'claim.expire': expireClaim,
};

export function registerJobs(more: Record<string, Job>): void {
  Object.assign(jobs, more);
}

export function runJob(ctx: Ctx, d: DeadlineRow): void {
  const job = jobs[d.kind];
  if (!job) throw new Error(`no job for deadline kind ${d.kind}`);
  job(ctx, JSON.parse(d.payload) as never, d);
}
