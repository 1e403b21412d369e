/**
 * Runs the deadlines that are due: each exactly once, each in its own transaction. A deadline that
 * throws is rolled back, logged and retried later (see deadline-failures.ts); it never stops the others.
 */
import { eq, lt } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { communities, processedEvents } from '../db/schema.js';
import type { Storage } from '../db/storage.js';
import { deadlineFailed } from './deadline-failures.js';
import { jobKinds, runJob, type JobTable } from './jobs.js';
import { claimDeadline, dueDeadlines, type DeadlineRow } from './shared/deadlines.js';
import { DAY_MS, type Clock, type CommunityRef, type FaultLog, type Platform } from './shared/model.js';
import type { Effect } from './shared/views.js';
import { writeContext } from './write-context.js';
import type { RulesCache } from './community/rules-cache.js';
import { run } from '../db/step.js';

/** What the runner uses of the core that owns it. */
export interface DeadlineRunner {
  storage: Storage;
  clock: Clock;
  log: FaultLog;
  jobTable: JobTable;
  rules: RulesCache;
}

/** The effects one deadline left for its community's adapter to perform. */
export interface DeadlineOutcome {
  community: CommunityRef;
  effects: Effect[];
}

/** Platforms redeliver an event within hours at most: older event ids only fill the table. */
const KEEP_EVENT_IDS_MS = 30 * DAY_MS;

/** Every deadline due now of communities on `platforms` (all when not given), at most `limit`. */
export async function runDueDeadlines(
  r: DeadlineRunner,
  platforms: Platform[] | undefined,
  limit: number,
): Promise<DeadlineOutcome[]> {
  const now = r.clock.now();
  const kinds = jobKinds(r.jobTable);
  const due = await r.storage.read((db) => dueDeadlines(db, now, kinds, limit, platforms));
  const outcomes: DeadlineOutcome[] = [];
  for (const d of due) {
    try {
      const o = await r.storage.write((db) => runDeadline(db, r, d, now));
      if (o) outcomes.push(o);
    } catch (err) {
      await deadlineFailed(r.storage, r.log, d, now, err);
    }
  }
  await r.storage.write(async (db) => {
    await db.delete(processedEvents).where(lt(processedEvents.at, now - KEEP_EVENT_IDS_MS));
  });
  return outcomes;
}

/** One deadline, unless another process claimed it first. */
async function runDeadline(
  db: Db,
  r: DeadlineRunner,
  d: DeadlineRow,
  now: number,
): Promise<DeadlineOutcome | undefined> {
  const [c] = await db.select().from(communities).where(eq(communities.id, d.communityId)).limit(1);
  const ref: CommunityRef = { platform: c!.platform as CommunityRef['platform'], id: c!.externalId };
  // The community's lock first (writeContext), then the deadline's: the order every write unit keeps.
  const ctx = await run(writeContext(db, r.rules, ref, now, ''));
  if (!(await claimDeadline(db, d.id, now))) return undefined;
  await runJob(ctx, d, r.jobTable);
  return { community: ref, effects: ctx.effects };
}
