/** The audit log: every state change, SHA-256 hash-chained per community so tampering shows. */
import { createHash } from 'node:crypto';
import { desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { audit } from '../../db/schema.js';
import type { Ctx } from '../shared/context.js';

export const GENESIS = '0'.repeat(64);

type AuditRow = typeof audit.$inferSelect;

/** The hash of one event: SHA-256 over the previous hash and the event's canonical JSON. */
export function hashOf(
  e: Pick<AuditRow, 'communityId' | 'seq' | 'at' | 'actor' | 'type' | 'data' | 'prevHash'>,
): string {
  const canonical = JSON.stringify([e.communityId, e.seq, e.at, e.actor, e.type, e.data]);
  return createHash('sha256').update(e.prevHash).update('\n').update(canonical).digest('hex');
}

/** Appends one event; returns its hash (the ledger keeps the hash of each acceptance). */
export async function appendAudit(ctx: Ctx, type: string, data: Record<string, unknown>): Promise<string> {
  const last = (
    await ctx.db
      .select({ seq: audit.seq, hash: audit.hash })
      .from(audit)
      .where(eq(audit.communityId, ctx.community.id))
      .orderBy(desc(audit.seq))
      .limit(1)
  )[0];
  const entry = {
    communityId: ctx.community.id,
    seq: (last?.seq ?? 0) + 1,
    at: ctx.now,
    actor: ctx.actor?.userId ?? null,
    type,
    data: JSON.stringify(data),
    prevHash: last?.hash ?? GENESIS,
  };
  const hash = hashOf(entry);
  await ctx.db.insert(audit).values({ ...entry, hash });
  return hash;
}

export async function recentAudit(db: Db, communityId: number, n: number): Promise<AuditRow[]> {
  return await db
    .select()
    .from(audit)
    .where(eq(audit.communityId, communityId))
    .orderBy(desc(audit.seq))
    .limit(n);
}
