/** The digest's claims section: active claims about to expire. */
import { and, asc, count, eq, inArray, lte } from 'drizzle-orm';
import { claims, members, tasks } from '../../../db/schema.js';
import type { Ctx } from '../../shared/context.js';
import { CLAIMS_WITHIN_MS, SECTION_LOAD } from './limits.js';
import type { ExpiringClaim, Listed } from './types.js';

/** Active claims that expire within three days, soonest first. A submitted task's claims do not expire. */
export async function expiringClaims(ctx: Ctx): Promise<Listed<ExpiringClaim>> {
  const where = and(
    eq(claims.communityId, ctx.community.id),
    eq(claims.status, 'active'),
    lte(claims.expiresAt, ctx.now + CLAIMS_WITHIN_MS),
    inArray(tasks.status, ['open', 'claimed']),
  );
  const total = (
    await ctx.db
      .select({ n: count() })
      .from(claims)
      .innerJoin(tasks, eq(tasks.id, claims.taskId))
      .where(where)
      .limit(1)
  )[0]!.n;
  const items = await ctx.db
    .select({
      taskNumber: tasks.number,
      title: tasks.title,
      member: members.displayName,
      expiresAt: claims.expiresAt,
    })
    .from(claims)
    .innerJoin(tasks, eq(tasks.id, claims.taskId))
    .innerJoin(members, eq(members.id, claims.memberId))
    .where(where)
    .orderBy(asc(claims.expiresAt), asc(claims.id))
    .limit(SECTION_LOAD);
  return { total, items };
}
