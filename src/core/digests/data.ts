/**
 * What a digest shows, read from the database as plain data. Each section loads only the rows a card
 * can show plus a `count()`, so a community with 10,000 open tasks costs a few indexed queries.
 */
import { and, eq } from 'drizzle-orm';
import { digestMarks } from '../../db/schema.js';
import type { Ctx } from '../shared/context.js';
import { acceptedSince } from './sections/accepted.js';
import { expiringClaims } from './sections/claims.js';
import { FIRST_LOOKBACK_MS } from './sections/limits.js';
import { closingProposals } from './sections/proposals.js';
import { awaitingReview } from './sections/reviews.js';
import { newTasks, openBySkill } from './sections/tasks.js';
import type { DigestData } from './sections/types.js';

export * from './sections/limits.js';
export type * from './sections/types.js';

/** When the channel's last digest was posted, if ever. */
export async function lastDigestAt(ctx: Ctx, channelId: string): Promise<number | undefined> {
  return (
    await ctx.db
      .select({ at: digestMarks.lastAt })
      .from(digestMarks)
      .where(and(eq(digestMarks.communityId, ctx.community.id), eq(digestMarks.channelId, channelId)))
      .limit(1)
  )[0]?.at;
}

/** The digest of the community as seen from `channelId`, now. */
export async function loadDigest(ctx: Ctx, channelId: string, tz: string): Promise<DigestData> {
  const last = await lastDigestAt(ctx, channelId);
  const since = last ?? ctx.now - FIRST_LOOKBACK_MS;
  return {
    community: ctx.community.name,
    channelId,
    now: ctx.now,
    since,
    firstDigest: last === undefined,
    tz,
    newTasks: await newTasks(ctx, since),
    open: await openBySkill(ctx),
    awaitingReview: await awaitingReview(ctx),
    closingProposals: await closingProposals(ctx),
    accepted: await acceptedSince(ctx, since),
    expiringClaims: await expiringClaims(ctx),
  };
}
