/** A deadline run that threw: recorded on its row, and reported loudly, with what to do, once given up. */
import { driverError } from '../db/errors.js';
import type { Storage } from '../db/storage.js';
import { MAX_ATTEMPTS, recordFailure, type DeadlineRow } from './shared/deadlines.js';
import { BadDeadline } from './jobs.js';
import type { FaultLog } from './shared/model.js';

/** Records the failed run of `d` in its own transaction and logs what failed and what follows. */
export async function deadlineFailed(
  storage: Storage,
  log: FaultLog,
  d: DeadlineRow,
  now: number,
  err: unknown,
): Promise<void> {
  // What failed, not drizzle's wrapper (the SQL and its parameters) around a PostgreSQL error.
  const cause = driverError(err);
  const error = cause instanceof Error ? cause.message : String(cause);
  const fields = { deadline: d.key, kind: d.kind, payload: d.payload, attempt: d.attempts + 1, err };
  const name = `Deadline ${d.key} (${d.kind})`;
  let row: DeadlineRow | undefined;
  try {
    row = await storage.write((db) => recordFailure(db, d, now, error, err instanceof BadDeadline));
  } catch (e) {
    log.error(
      { ...fields, recordErr: e },
      `${name} failed and its failure could not be recorded; it is retried at the next tick.`,
    );
    return;
  }
  if (!row) return; // another process ran it meanwhile
  if (row.status === 'failed')
    log.error(
      fields,
      `${name} FAILED after ${row.attempts} attempt(s) and is given up: ${error}. ` +
        `Nothing of it was applied. Fix the cause, then run it again with: ` +
        `UPDATE deadlines SET status='pending', attempts=0 WHERE key='${d.key}';`,
    );
  else {
    const retryAt = new Date(row.dueAt).toISOString();
    log.warn(
      { ...fields, retryAt },
      `${name} failed (attempt ${row.attempts} of ${MAX_ATTEMPTS}): ${error}. ` +
        `Nothing of it was applied; it is retried at ${retryAt}.`,
    );
  }
}
