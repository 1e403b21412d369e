/** The audit log: every state change, SHA-256 hash-chained per community so tampering shows. */
import { hash } from 'node:crypto';
import { between, desc, sql } from 'drizzle-orm';
import { chainKey, chainKeys } from '../../db/audit-key.js';
import type { Db } from '../../db/client.js';
import { exec, fixedLimit, prepared } from '../../db/prepared.js';
import { run, type Step } from '../../db/step.js';
import { audit } from '../../db/schema.js';
import type { Ctx } from '../shared/context.js';

export const GENESIS = '0'.repeat(64);

type AuditRow = typeof audit.$inferSelect;

/** The hash of one event: SHA-256 over the previous hash and the event's canonical JSON. */
export function hashOf(
  e: Pick<AuditRow, 'communityId' | 'seq' | 'at' | 'actor' | 'type' | 'data' | 'prevHash'>,
): string {
  const canonical = JSON.stringify([e.communityId, e.seq, e.at, e.actor, e.type, e.data]);
  // One call, no Hash object (Node >= 20.12): half the time of createHash().update()… for an event.
  return hash('sha256', `${e.prevHash}\n${canonical}`, 'hex');
}

/** A community's events are the run of keys of its chain (audit-key.ts): read backwards, newest first. */
const lastEvent = (db: Db) =>
  prepared(db, 'audit.last', (d) =>
    d
      .select({ seq: audit.seq, hash: audit.hash })
      .from(audit)
      .where(between(audit.chainKey, sql.placeholder('from'), sql.placeholder('to')))
      .orderBy(desc(audit.chainKey))
      .limit(fixedLimit(1)),
  );

/** The community's last event (its seq and hash); undefined before its first. */
export function* chainHead(db: Db, communityId: number): Step<{ seq: number; hash: string } | undefined> {
  return (yield* exec(lastEvent(db), chainKeys(communityId)))[0];
}

const insertEvent = (db: Db) =>
  prepared(db, 'audit.insert', (d) =>
    d.insert(audit).values({
      chainKey: sql.placeholder('chainKey'),
      communityId: sql.placeholder('communityId'),
      seq: sql.placeholder('seq'),
      at: sql.placeholder('at'),
      actor: sql.placeholder('actor'),
      type: sql.placeholder('type'),
      data: sql.placeholder('data'),
      prevHash: sql.placeholder('prevHash'),
      hash: sql.placeholder('hash'),
    }),
  );

/** Appends one event after the community's last (its row is locked for the unit); returns its hash. */
export async function appendAudit(ctx: Ctx, type: string, data: Record<string, unknown>): Promise<string> {
  return await run(auditStep(ctx, type, data));
}

/** `appendAudit` as a step (step.ts), for the write path that runs synchronously on SQLite. */
export function* auditStep(ctx: Ctx, type: string, data: Record<string, unknown>): Step<string> {
  // In a batch, the head this transaction last wrote (or read): every append goes through here.
  const last = ctx.batch?.audit ?? (yield* chainHead(ctx.db, ctx.community.id));
  const communityId = ctx.community.id;
  const seq = (last?.seq ?? 0) + 1;
  const row = {
    chainKey: chainKey(communityId, seq),
    communityId,
    seq,
    at: ctx.now,
    actor: ctx.actor?.userId ?? null,
    type,
    data: JSON.stringify(data),
    prevHash: last?.hash ?? GENESIS,
    hash: '',
  };
  const hash = (row.hash = hashOf(row));
  yield* exec(insertEvent(ctx.db), row);
  if (ctx.batch) ctx.batch.audit = { seq, hash };
  return hash;
}

export async function recentAudit(db: Db, communityId: number, n: number): Promise<AuditRow[]> {
  const { from, to } = chainKeys(communityId);
  return await db
    .select()
    .from(audit)
    .where(between(audit.chainKey, from, to))
    .orderBy(desc(audit.chainKey))
    .limit(n);
}
