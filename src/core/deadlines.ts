/** Deadlines are rows with a unique key; the scheduler claims each due one once, in a transaction. */
import { and, asc, eq, inArray, lte } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { communities, deadlines } from '../db/schema.js';
import type { Ctx } from './context.js';

export type DeadlineRow = typeof deadlines.$inferSelect;

/** Schedules (or reschedules, while still pending) the deadline named `key`. */
export function schedule(
  ctx: Ctx,
  key: string,
  kind: string,
  dueAt: number,
  payload: Record<string, unknown> = {},
): void {
  const row = {
    communityId: ctx.community.id,
    key,
    kind,
    dueAt,
    payload: JSON.stringify(payload),
    status: 'pending' as const,
  };
  ctx.db
    .insert(deadlines)
    .values(row)
    .onConflictDoUpdate({
      target: deadlines.key,
      set: { dueAt, payload: row.payload, status: 'pending', doneAt: null },
    })
    .run();
}

export function cancelDeadline(ctx: Ctx, key: string): void {
  ctx.db
    .update(deadlines)
    .set({ status: 'cancelled', doneAt: ctx.now })
    .where(and(eq(deadlines.key, key), eq(deadlines.status, 'pending')))
    .run();
}

/** Pending deadlines due by `now`, oldest first; only of communities on `platforms` when given. */
export function dueDeadlines(db: Db, now: number, limit = 100, platforms?: string[]): DeadlineRow[] {
  const conds = [eq(deadlines.status, 'pending'), lte(deadlines.dueAt, now)];
  if (platforms) {
    const ids = db
      .select({ id: communities.id })
      .from(communities)
      .where(inArray(communities.platform, platforms));
    conds.push(inArray(deadlines.communityId, ids));
  }
  return db
    .select()
    .from(deadlines)
    .where(and(...conds))
    .orderBy(asc(deadlines.dueAt), asc(deadlines.id))
    .limit(limit)
    .all();
}

/** Marks a deadline done if it is still pending; false when another run got there first. */
export function claimDeadline(db: Db, id: number, now: number): boolean {
  const r = db
    .update(deadlines)
    .set({ status: 'done', doneAt: now })
    .where(and(eq(deadlines.id, id), eq(deadlines.status, 'pending')))
    .run();
  return r.changes === 1;
}
