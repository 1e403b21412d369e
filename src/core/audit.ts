/** The audit log: every state change, SHA-256 hash-chained per community so tampering shows. */
import { createHash } from 'node:crypto';
import { desc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { audit } from '../db/schema.js';
import type { Ctx } from './context.js';

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
export function appendAudit(ctx: Ctx, type: string, data: Record<string, unknown>): string {
  const last = ctx.db
    .select({ seq: audit.seq, hash: audit.hash })
    .from(audit)
    .where(eq(audit.communityId, ctx.community.id))
    .orderBy(desc(audit.seq))
    .limit(1)
    .get();
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
  ctx.db
    .insert(audit)
    .values({ ...entry, hash })
    .run();
  return hash;
}

export function recentAudit(db: Db, communityId: number, n: number): AuditRow[] {
  return db
    .select()
    .from(audit)
    .where(eq(audit.communityId, communityId))
    .orderBy(desc(audit.seq))
    .limit(n)
    .all();
}
