/** What each kind of deadline does when it falls due, and the payload each kind takes. */
import { z } from 'zod';
import type { Ctx } from './context.js';
import type { DeadlineRow } from './deadlines.js';
import { expireClaim, remindClaim } from './tasks.js';

/** A kind of deadline: its payload's schema and what runs when it falls due. */
export interface Job {
  payload: z.ZodType;
  run: (ctx: Ctx, payload: never, deadline: DeadlineRow) => void;
}

/** Ties a payload schema to its job, so `run` gets the parsed payload's type. */
export function job<S extends z.ZodType>(
  payload: S,
  run: (ctx: Ctx, payload: z.output<S>, deadline: DeadlineRow) => void,
): Job {
  return { payload, run: run as Job['run'] };
}

const claimPayload = z.object({ claimId: z.number().int().positive() });

const jobs: Record<string, Job> = {
  'claim.remind': job(claimPayload, remindClaim),
  'claim.expire': job(claimPayload, expireClaim),
};

export function registerJobs(more: Record<string, Job>): void {
  Object.assign(jobs, more);
}

/** The kinds this build can run; a deadline of another kind (from a newer build) is left to it. */
export function jobKinds(): string[] {
  return Object.keys(jobs);
}

/** A deadline that can never run as stored (unknown kind, bad payload): retrying cannot help. */
export class BadDeadline extends Error {}

/** Runs the deadline's job; throws BadDeadline when its payload does not fit its kind. */
export function runJob(ctx: Ctx, d: DeadlineRow): void {
  const spec = jobs[d.kind];
  if (!spec) throw new BadDeadline(`no job for deadline kind ${d.kind}`);
  let raw: unknown;
  try {
    raw = JSON.parse(d.payload);
  } catch {
    throw new BadDeadline(`payload is not JSON: ${d.payload.slice(0, 200)}`);
  }
  const parsed = spec.payload.safeParse(raw);
  if (!parsed.success)
    throw new BadDeadline(`bad payload for ${d.kind}: ${z.prettifyError(parsed.error).replace(/\n/g, ' ')}`);
  spec.run(ctx, parsed.data as never, d);
}
