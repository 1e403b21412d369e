/** What each kind of deadline does when it falls due, and the payload each kind takes. */
import { z } from 'zod';
import type { Ctx } from './shared/context.js';
import type { DeadlineRow } from './shared/deadlines.js';
import type { DeadlineKind } from './shared/deadlines.js';
import { runScheduledDigest } from './digests/digests.js';
import { closeProposal } from './proposals/close.js';
import { expireClaim, remindClaim } from './tasks/tasks.js';

/** A kind of deadline: its payload's schema and what runs when it falls due. */
export interface Job {
  payload: z.ZodType;
  run: (ctx: Ctx, payload: never, deadline: DeadlineRow) => Promise<void>;
}

/** Ties a payload schema to its job, so `run` gets the parsed payload's type. */
export function job<S extends z.ZodType>(
  payload: S,
  run: (ctx: Ctx, payload: z.output<S>, deadline: DeadlineRow) => Promise<void>,
): Job {
  return { payload, run: run as Job['run'] };
}

const claimPayload = z.object({ claimId: z.number().int().positive() });

/** Every kind of deadline this build schedules, with its payload schema: the compiler proves it complete. */
export const jobs = {
  'claim.remind': job(claimPayload, remindClaim),
  'claim.expire': job(claimPayload, expireClaim),
  'proposal.close': job(z.object({ proposalId: z.number().int().positive() }), closeProposal),
  'digest.post': job(z.object({ channelId: z.string().min(1) }), runScheduledDigest),
} satisfies Record<DeadlineKind, Job>;

/** A job table: this build's `jobs`, or (in tests) that table with more kinds. */
export type JobTable = Readonly<Record<string, Job>>;

/** The kinds this build can run; a deadline of another kind (from a newer build) is left to it. */
export function jobKinds(table: JobTable = jobs): string[] {
  return Object.keys(table);
}

/** A deadline that can never run as stored (unknown kind, bad payload): retrying cannot help. */
export class BadDeadline extends Error {}

/** Runs the deadline's job; throws BadDeadline when its payload does not fit its kind. */
export async function runJob(ctx: Ctx, d: DeadlineRow, table: JobTable = jobs): Promise<void> {
  const spec = table[d.kind];
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
  await spec.run(ctx, parsed.data as never, d);
}
