/** The audit log: every state change, SHA-256 hash-chained per community so tampering shows. */
import { createHash } from 'node:crypto';
import { and, asc, desc, eq, gt } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { audit } from '../db/schema.js';
import type { Ctx } from './context.js';

export const GENESIS = '0'.repeat(64);

type AuditRow = typeof audit.$inferSelect;

function hashOf(
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

export type VerifyResult =
  { ok: true; count: number } | { ok: false; count: number; brokenSeq: number; reason: string };

/** Recomputes the chain in pages; names the first entry whose link or hash does not hold. */
export function verifyAudit(db: Db, communityId: number): VerifyResult {
  let prev = GENESIS;
  let expectedSeq = 1;
  let after = 0;
  for (;;) {
    const page = db
      .select()
      .from(audit)
      .where(and(eq(audit.communityId, communityId), gt(audit.seq, after)))
      .orderBy(asc(audit.seq))
      .limit(1000)
      .all();
    if (page.length === 0) return { ok: true, count: expectedSeq - 1 };
    for (const e of page) {
      const count = expectedSeq - 1;
      if (e.seq !== expectedSeq) return { ok: false, count, brokenSeq: expectedSeq, reason: 'entry missing' };
      if (e.prevHash !== prev)
        return { ok: false, count, brokenSeq: e.seq, reason: 'link to the previous entry broken' };
      if (hashOf(e) !== e.hash)
        return { ok: false, count, brokenSeq: e.seq, reason: 'content does not match its hash' };
      prev = e.hash;
      expectedSeq++;
      after = e.seq;
    }
  }
}
