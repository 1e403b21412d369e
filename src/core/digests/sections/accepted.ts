/** The digest's ledger section: contributions accepted since the last digest. */
import { and, count, desc, eq, gt } from 'drizzle-orm';
import { ledger, tasks } from '../../../db/schema.js';
import type { Person } from '../../commons/ledger.js';
import type { Ctx } from '../../shared/context.js';
import { SECTION_LOAD } from './limits.js';
import type { AcceptedItem, Listed } from './types.js';

/** Contributions accepted after `since`, latest first. */
export async function acceptedSince(ctx: Ctx, since: number): Promise<Listed<AcceptedItem>> {
  const where = and(eq(ledger.communityId, ctx.community.id), gt(ledger.acceptedAt, since));
  const total = (await ctx.db.select({ n: count() }).from(ledger).where(where).limit(1))[0]!.n;
  const rows = await ctx.db
    .select({ l: ledger, number: tasks.number, title: tasks.title })
    .from(ledger)
    .innerJoin(tasks, eq(tasks.id, ledger.taskId))
    .where(where)
    .orderBy(desc(ledger.acceptedAt), desc(ledger.id))
    .limit(SECTION_LOAD);
  const names = (json: string) => (JSON.parse(json) as Person[]).map((p) => p.name);
  const items = rows.map(({ l, number, title }) => ({
    taskNumber: number,
    title,
    contributors: names(l.contributors),
    reviewers: names(l.reviewers),
    license: l.license,
    acceptedAt: l.acceptedAt,
  }));
  return { total, items };
}
