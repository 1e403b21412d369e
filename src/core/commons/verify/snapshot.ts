/** The bounds of one `/commons verify` run, read once in its first step. */
import { eq, sql } from 'drizzle-orm';
import type { SQLiteColumn } from 'drizzle-orm/sqlite-core';
import type { Db } from '../../../db/client.js';
import { communities, ledger, proposals, tasks } from '../../../db/schema.js';
import { chainHead } from '../audit.js';
import type { Snapshot } from './types.js';
import { run } from '../../../db/step.js';

type Counted = typeof ledger | typeof tasks | typeof proposals;

async function top(db: Db, communityId: number, col: SQLiteColumn, table: Counted): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`coalesce(max(${col}), 0)` })
    .from(table)
    .where(eq(table.communityId, communityId))
    .limit(1);
  return row!.n;
}

export async function takeSnapshot(db: Db, communityId: number): Promise<Snapshot> {
  const c = (await db.select().from(communities).where(eq(communities.id, communityId)).limit(1))[0]!;
  return {
    headSeq: (await run(chainHead(db, communityId)))?.seq ?? 0,
    lastLedgerId: await top(db, communityId, ledger.id, ledger),
    nextTaskNo: c.nextTaskNo,
    nextProposalNo: c.nextProposalNo,
    maxTaskNo: await top(db, communityId, tasks.number, tasks),
    maxProposalNo: await top(db, communityId, proposals.number, proposals),
  };
}
