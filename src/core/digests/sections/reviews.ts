/** The digest's review section: submissions awaiting review, oldest first, with their live tally. */
import { and, asc, count, eq } from 'drizzle-orm';
import { submissions, tasks } from '../../../db/schema.js';
import type { Ctx } from '../../shared/context.js';
import { reviewTally } from '../../reviews/reviews.js';
import { SECTION_LOAD } from './limits.js';
import type { Listed, ReviewItem } from './types.js';
import { run } from '../../../db/step.js';

export async function awaitingReview(ctx: Ctx): Promise<Listed<ReviewItem>> {
  const where = and(eq(submissions.communityId, ctx.community.id), eq(submissions.status, 'open'));
  const total = (await ctx.db.select({ n: count() }).from(submissions).where(where).limit(1))[0]!.n;
  const rows = await ctx.db
    .select({ sub: submissions, number: tasks.number, title: tasks.title })
    .from(submissions)
    .innerJoin(tasks, eq(tasks.id, submissions.taskId))
    .where(where)
    .orderBy(asc(submissions.createdAt), asc(submissions.id))
    .limit(SECTION_LOAD);
  // One after another: a unit's queries share one connection (PostgreSQL takes one query at a time).
  const items: ReviewItem[] = [];
  for (const { sub, number, title } of rows) {
    const t = await run(reviewTally(ctx, sub));
    const objectors = t.objectors.map((b) => b.member.displayName);
    items.push({
      taskNumber: number,
      title,
      submittedAt: sub.createdAt,
      approvals: t.approvers.length,
      needed: t.needed,
      objectors,
    });
  }
  return { total, items };
}
