/** Deadlines are rows with a unique key; the scheduler claims each due one once, in a transaction. */
import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { lockDueDeadline } from '../../db/dialect.js';
import { prepared } from '../../db/prepared.js';
import { communities, deadlines } from '../../db/schema.js';
import type { Ctx } from './context.js';

export type DeadlineRow = typeof deadlines.$inferSelect;

/** The kinds of deadline the core schedules; jobs.ts has one job for each. */
export type DeadlineKind = 'claim.remind' | 'claim.expire' | 'proposal.close' | 'digest.post';

/** Schedules (or reschedules, while still pending) the deadline named `key`. */
export async function schedule(
  ctx: Ctx,
  key: string,
  kind: DeadlineKind,
  dueAt: number,
  payload: Record<string, unknown> = {},
): Promise<void> {
  const q = prepared(ctx.db, 'deadlines.schedule', (d) =>
    d
      .insert(deadlines)
      .values({
        communityId: sql.placeholder('community'),
        key: sql.placeholder('key'),
        kind: sql.placeholder('kind'),
        dueAt: sql.placeholder('dueAt'),
        payload: sql.placeholder('payload'),
        status: 'pending',
      })
      .onConflictDoUpdate({
        target: deadlines.key,
        set: {
          dueAt: sql`excluded.due_at`,
          payload: sql`excluded.payload`,
          status: 'pending',
          doneAt: null,
          attempts: 0,
          lastError: null,
        },
      }),
  );
  await q.execute({ community: ctx.community.id, key, kind, dueAt, payload: JSON.stringify(payload) });
}

export async function cancelDeadline(ctx: Ctx, key: string): Promise<void> {
  const q = prepared(ctx.db, 'deadlines.cancel', (d) =>
    d
      .update(deadlines)
      .set({ status: 'cancelled', doneAt: sql`${sql.placeholder('now')}` })
      .where(and(eq(deadlines.key, sql.placeholder('key')), eq(deadlines.status, 'pending'))),
  );
  await q.execute({ key, now: ctx.now });
}

/**
 * Pending deadlines due by `now` of the given kinds, oldest first; only of communities on `platforms`
 * when given. A list, not a lock: another process may run any of them first (see claimDeadline).
 */
export async function dueDeadlines(
  db: Db,
  now: number,
  kinds: string[],
  limit = 100,
  platforms?: string[],
): Promise<DeadlineRow[]> {
  const conds = [eq(deadlines.status, 'pending'), lte(deadlines.dueAt, now), inArray(deadlines.kind, kinds)];
  if (platforms) {
    const ids = db
      .select({ id: communities.id })
      .from(communities)
      .where(inArray(communities.platform, platforms));
    conds.push(inArray(deadlines.communityId, ids));
  }
  return await db
    .select()
    .from(deadlines)
    .where(and(...conds))
    .orderBy(asc(deadlines.dueAt), asc(deadlines.id))
    .limit(limit);
}

/**
 * Marks a deadline done if it is still pending and due; false when another run got there first. "Due"
 * matters: a digest another process ran has been re-armed (pending again, due tomorrow) by then.
 */
export async function claimDeadline(db: Db, id: number, now: number): Promise<boolean> {
  if (!(await lockDueDeadline(db, id, now))) return false;
  // `returning` rather than the driver's change count: it reads the same on SQLite and PostgreSQL.
  const claimed = await db
    .update(deadlines)
    .set({ status: 'done', doneAt: now })
    .where(and(eq(deadlines.id, id), eq(deadlines.status, 'pending'), lte(deadlines.dueAt, now)))
    .returning({ id: deadlines.id });
  return claimed.length === 1;
}

/** Failed runs before a deadline is given up (`failed`); retries wait 1, 4, 16, 64 minutes. */
export const MAX_ATTEMPTS = 5;
const RETRY_BASE_MS = 60_000;

/**
 * Records a failed run of deadline `d` (as listed): retried later, or `failed` when it cannot succeed
 * (`final`) or failed MAX_ATTEMPTS times. Nothing happens when another run has moved it on since.
 */
export async function recordFailure(
  db: Db,
  d: DeadlineRow,
  now: number,
  error: string,
  final: boolean,
): Promise<DeadlineRow | undefined> {
  const attempts = d.attempts + 1;
  const failed = final || attempts >= MAX_ATTEMPTS;
  return (
    await db
      .update(deadlines)
      .set({
        attempts,
        lastError: error.slice(0, 2000),
        status: failed ? 'failed' : 'pending',
        dueAt: failed ? d.dueAt : now + RETRY_BASE_MS * 4 ** (attempts - 1),
        doneAt: failed ? now : null,
      })
      .where(
        and(
          eq(deadlines.id, d.id),
          eq(deadlines.status, 'pending'),
          eq(deadlines.dueAt, d.dueAt),
          eq(deadlines.attempts, d.attempts),
        ),
      )
      .returning()
  )[0]!;
}
