/** `/digest now`, `/digest schedule`, and the scheduled digest: one stored deadline per channel. */
import { and, eq } from 'drizzle-orm';
import { digestMarks, digestSchedules } from '../../db/schema.js';
import { appendAudit } from '../commons/audit.js';
import type { CommandArgs } from '../commands.js';
import type { Ctx } from '../shared/context.js';
import { loadDigest } from './data.js';
import {
  DEFAULT_AT,
  DEFAULT_DAY,
  DEFAULT_TZ,
  describeTimes,
  formatInZone,
  nextOccurrence,
  parseAt,
  parseZone,
  type DigestTimes,
  type Weekday,
} from './time.js';
import { renderDigest } from './views.js';
import { cancelDeadline, schedule } from '../shared/deadlines.js';
import type { Reply } from '../shared/views.js';

type ScheduleRow = typeof digestSchedules.$inferSelect;

/** The deadline of a channel's digests; unique across communities. */
export const digestKey = (ctx: Ctx, channelId: string) => `digest:${ctx.community.id}:${channelId}`;

async function scheduleOf(ctx: Ctx, channelId: string): Promise<ScheduleRow | undefined> {
  return (
    await ctx.db
      .select()
      .from(digestSchedules)
      .where(and(eq(digestSchedules.communityId, ctx.community.id), eq(digestSchedules.channelId, channelId)))
      .limit(1)
  )[0];
}

function timesOf(row: ScheduleRow): DigestTimes {
  return { cadence: row.cadence, at: row.at, day: (row.day ?? DEFAULT_DAY) as Weekday, tz: row.tz };
}

/** Posts the digest in `channelId` and marks it, so the next one shows only what is new since. */
export async function postDigest(ctx: Ctx, channelId: string, via: 'command' | 'schedule'): Promise<void> {
  const tz = (await scheduleOf(ctx, channelId))?.tz ?? DEFAULT_TZ;
  const data = await loadDigest(ctx, channelId, tz);
  ctx.effects.push({ type: 'post', channelId, view: renderDigest(data) });
  const mark = { communityId: ctx.community.id, channelId, lastAt: ctx.now };
  await ctx.db
    .insert(digestMarks)
    .values(mark)
    .onConflictDoUpdate({
      target: [digestMarks.communityId, digestMarks.channelId],
      set: { lastAt: ctx.now },
    });
  await ctx.db
    .update(digestSchedules)
    .set({ lastDigestAt: ctx.now })
    .where(and(eq(digestSchedules.communityId, ctx.community.id), eq(digestSchedules.channelId, channelId)));
  await appendAudit(ctx, 'digest.posted', { channel: channelId, via, since: data.since });
}

export async function digestNow(ctx: Ctx): Promise<Reply> {
  await postDigest(ctx, ctx.channelId, 'command');
  return { private: true, text: `Digest posted in #${ctx.channelId}.` };
}

/** The schedule asked for: options given, else the channel's current schedule, else the defaults. */
function requestedTimes(
  args: CommandArgs<'digest schedule'>,
  current: ScheduleRow | undefined,
  cadence: DigestTimes['cadence'],
): DigestTimes {
  return {
    cadence,
    at: args.at !== undefined ? parseAt(args.at) : (current?.at ?? DEFAULT_AT),
    day: args.day ?? ((current?.day as Weekday | null) || DEFAULT_DAY),
    tz: args.tz !== undefined ? parseZone(args.tz) : (current?.tz ?? DEFAULT_TZ),
  };
}

export async function scheduleDigest(ctx: Ctx, args: CommandArgs<'digest schedule'>): Promise<Reply> {
  const channelId = ctx.channelId;
  const current = await scheduleOf(ctx, channelId);
  if (args.cadence === 'off') return unschedule(ctx, channelId, current);
  const times = requestedTimes(args, current, args.cadence);
  const row = {
    cadence: times.cadence,
    at: times.at,
    day: times.cadence === 'weekly' ? times.day : null,
    tz: times.tz,
  };
  await ctx.db
    .insert(digestSchedules)
    .values({ communityId: ctx.community.id, channelId, ...row })
    .onConflictDoUpdate({ target: [digestSchedules.communityId, digestSchedules.channelId], set: row });
  const next = nextOccurrence(ctx.now, times);
  await schedule(ctx, digestKey(ctx, channelId), 'digest.post', next, { channelId });
  await appendAudit(ctx, 'digest.scheduled', { channel: channelId, ...row, next });
  return {
    private: false,
    text: `Digests in #${channelId}: ${describeTimes(times)}. Next: ${formatInZone(next, times.tz)}.`,
  };
}

async function unschedule(ctx: Ctx, channelId: string, current: ScheduleRow | undefined): Promise<Reply> {
  if (!current)
    return { private: true, text: `No digests are scheduled in #${channelId}; nothing to turn off.` };
  await cancelDeadline(ctx, digestKey(ctx, channelId));
  await ctx.db
    .delete(digestSchedules)
    .where(and(eq(digestSchedules.communityId, ctx.community.id), eq(digestSchedules.channelId, channelId)));
  await appendAudit(ctx, 'digest.unscheduled', { channel: channelId });
  return {
    private: false,
    text: `Scheduled digests in #${channelId} are off. \`/digest now\` still posts one.`,
  };
}

/**
 * Job `digest.post`: one digest, then the next regular time strictly after now. After downtime the
 * missed digest is posted once, and the schedule picks up at its next regular time.
 */
export async function runScheduledDigest(ctx: Ctx, payload: { channelId: string }): Promise<void> {
  const row = await scheduleOf(ctx, payload.channelId);
  if (!row) return;
  await postDigest(ctx, payload.channelId, 'schedule');
  await schedule(
    ctx,
    digestKey(ctx, payload.channelId),
    'digest.post',
    nextOccurrence(ctx.now, timesOf(row)),
    {
      channelId: payload.channelId,
    },
  );
}
