/** Tasks and claims: post, claim, unclaim, cancel, and the expiry of claims left without a submission. */
import { and, count, eq, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { prepared } from '../../db/prepared.js';
import { claims, communities, members, tasks, taskSkills } from '../../db/schema.js';
import { appendAudit } from '../commons/audit.js';
import type { CommandArgs } from '../commands.js';
import { memberName } from '../community/community.js';
import { taskCardKey } from '../shared/card-keys.js';
import { currentTask, openTaskChanged } from './open-tasks.js';
import { actorOf, tasksChannel, type Ctx } from '../shared/context.js';
import { cancelDeadline, schedule } from '../shared/deadlines.js';
import { UserError } from '../shared/errors.js';
import { DAY_MS, HOUR_MS } from '../shared/model.js';
import type { ClaimRow, HeldClaim, TaskCardData, TaskRow } from './types.js';
import { taskCard } from './views.js';
import type { Reply } from '../shared/views.js';

/**
 * The claims holding a task: active ones, or those of its accepted work. Kept in `tasks.taken` by
 * `claimTask` and `endClaim` (accepting turns active claims into done ones: the count stays).
 */
export const takenSlots = tasks.taken;

export async function getTask(ctx: Ctx, number: number): Promise<TaskRow> {
  const q = prepared(ctx.db, 'tasks.byNumber', (d) =>
    d
      .select()
      .from(tasks)
      .where(
        and(eq(tasks.communityId, sql.placeholder('community')), eq(tasks.number, sql.placeholder('number'))),
      ),
  );
  const [t] = await q.execute({ community: ctx.community.id, number });
  if (!t) throw new UserError('task.notFound', { number });
  return t;
}

export async function activeClaims(ctx: Ctx, taskId: number): Promise<HeldClaim[]> {
  const q = prepared(ctx.db, 'claims.active', (d) =>
    d
      .select({ claim: claims, member: members })
      .from(claims)
      .innerJoin(members, eq(members.id, claims.memberId))
      .where(and(eq(claims.taskId, sql.placeholder('task')), eq(claims.status, 'active')))
      .orderBy(claims.id),
  );
  return (await q.execute({ task: taskId })).map((r) => ({ ...r.claim, member: r.member }));
}

/** What the task card shows: the active claimants (the finishers once done) and the poster. */
export async function taskCardData(ctx: Ctx, task: TaskRow): Promise<TaskCardData> {
  const status = task.status === 'done' ? 'done' : 'active';
  const q = prepared(ctx.db, 'claims.names', (d) =>
    d
      .select({ name: members.displayName })
      .from(claims)
      .innerJoin(members, eq(members.id, claims.memberId))
      .where(and(eq(claims.taskId, sql.placeholder('task')), eq(claims.status, sql.placeholder('status'))))
      .orderBy(claims.id),
  );
  const claimants = (await q.execute({ task: task.id, status })).map((r) => r.name);
  return { task, claimants, poster: await memberName(ctx, task.posterId) };
}

/** Re-renders the task card after a change. */
export async function refreshTaskCard(ctx: Ctx, task: TaskRow): Promise<void> {
  const view = taskCard(await taskCardData(ctx, task));
  ctx.effects.push({ type: 'update', cardKey: taskCardKey(task.number), view });
}

/** Sets the status; `held` adds to (or takes from) the claims holding the task in the same update. */
export async function setTaskStatus(
  ctx: Ctx,
  task: TaskRow,
  status: TaskRow['status'],
  held = 0,
): Promise<TaskRow> {
  const q = prepared(ctx.db, 'tasks.setStatus', (d) =>
    d
      .update(tasks)
      .set({
        status: sql`${sql.placeholder('status')}`,
        updatedAt: sql`${sql.placeholder('now')}`,
        taken: sql`${tasks.taken} + ${sql.placeholder('held')}`,
      })
      .where(eq(tasks.id, sql.placeholder('id')))
      .returning(),
  );
  const before = await currentTask(ctx, task.id);
  const after = (await q.execute({ status, now: ctx.now, held, id: task.id }))[0]!;
  await openTaskChanged(ctx, before, after);
  return after;
}

async function nextTaskNumber(ctx: Ctx): Promise<number> {
  const q = prepared(ctx.db, 'tasks.nextNumber', (d) =>
    d
      .update(communities)
      .set({ nextTaskNo: sql`${communities.nextTaskNo} + 1` })
      .where(eq(communities.id, sql.placeholder('community')))
      .returning({ n: communities.nextTaskNo }),
  );
  const [next] = await q.execute({ community: ctx.community.id });
  return next!.n - 1;
}

/** A new task row (prepared: `/task post` is a hot command, and drizzle builds an insert's SQL anew each time). */
const insertTaskRow = (db: Db) =>
  prepared(db, 'tasks.insert', (d) =>
    d
      .insert(tasks)
      .values({
        communityId: sql.placeholder('community'),
        number: sql.placeholder('number'),
        title: sql.placeholder('title'),
        description: sql.placeholder('description'),
        skills: sql.placeholder('skills'),
        slots: sql.placeholder('slots'),
        license: sql.placeholder('license'),
        status: 'open',
        posterId: sql.placeholder('poster'),
        channelId: sql.placeholder('channel'),
        createdAt: sql.placeholder('now'),
        updatedAt: sql.placeholder('now'),
      })
      .returning(),
  );

const insertTaskSkill = (db: Db) =>
  prepared(db, 'tasks.insertSkill', (d) =>
    d.insert(taskSkills).values({
      taskId: sql.placeholder('task'),
      communityId: sql.placeholder('community'),
      skill: sql.placeholder('skill'),
    }),
  );

async function insertTask(ctx: Ctx, args: CommandArgs<'task post'>, channelId: string): Promise<TaskRow> {
  const [task] = await insertTaskRow(ctx.db).execute({
    community: ctx.community.id,
    number: await nextTaskNumber(ctx),
    title: args.title,
    description: args.description ?? null,
    skills: (args.skills ?? []).join(','),
    slots: args.slots ?? 1,
    license: args.license ?? ctx.rules['commons.license'],
    poster: actorOf(ctx).id,
    channel: channelId,
    now: ctx.now,
  });
  for (const skill of args.skills ?? [])
    await insertTaskSkill(ctx.db).execute({ task: task!.id, community: ctx.community.id, skill });
  await openTaskChanged(ctx, undefined, task!);
  return task!;
}

export async function postTask(ctx: Ctx, args: CommandArgs<'task post'>): Promise<Reply> {
  const channelId = tasksChannel(ctx);
  const task = await insertTask(ctx, args, channelId);
  await appendAudit(ctx, 'task.posted', {
    task: task.number,
    title: task.title,
    skills: args.skills ?? [],
    slots: task.slots,
    license: task.license,
  });
  const view = taskCard(await taskCardData(ctx, task));
  ctx.effects.push({ type: 'post', channelId, cardKey: taskCardKey(task.number), view });
  return { private: true, text: `Posted task #${task.number}: ${task.title}` };
}

/** Claims that still hold a member's hands: a claim whose submission is in review no longer counts. */
async function openClaimCount(ctx: Ctx, memberId: number): Promise<number> {
  const q = prepared(ctx.db, 'claims.openCount', (d) =>
    d
      .select({ n: count() })
      .from(claims)
      .innerJoin(tasks, eq(tasks.id, claims.taskId))
      .where(
        and(
          eq(claims.communityId, sql.placeholder('community')),
          eq(claims.memberId, sql.placeholder('member')),
          eq(claims.status, 'active'),
          ne(tasks.status, 'review'),
        ),
      ),
  );
  return (await q.execute({ community: ctx.community.id, member: memberId }))[0]!.n;
}

export async function claimTask(ctx: Ctx, number: number): Promise<Reply> {
  const actor = actorOf(ctx);
  const task = await getTask(ctx, number);
  if (task.status === 'done' || task.status === 'cancelled') {
    throw new UserError('task.notOpen', { number, status: task.status, action: 'claimed' });
  }
  if (task.status === 'review') throw new UserError('task.inReview', { number });
  const holders = await activeClaims(ctx, task.id);
  if (holders.some((c) => c.memberId === actor.id)) throw new UserError('task.alreadyClaimed', { number });
  if (holders.length >= task.slots) throw new UserError('task.full', { number, slots: task.slots });
  const open = await openClaimCount(ctx, actor.id);
  const max = ctx.rules['claims.maxOpen'];
  if (open >= max) throw new UserError('claims.maxOpen', { open, max });
  const expiresAt = ctx.now + ctx.rules['claims.expiryDays'] * DAY_MS;
  const insert = prepared(ctx.db, 'claims.insert', (d) =>
    d
      .insert(claims)
      .values({
        communityId: sql.placeholder('community'),
        taskId: sql.placeholder('task'),
        memberId: sql.placeholder('member'),
        status: 'active',
        claimedAt: sql.placeholder('now'),
        expiresAt: sql.placeholder('expiresAt'),
      })
      .returning(),
  );
  const [claim] = await insert.execute({
    community: ctx.community.id,
    task: task.id,
    member: actor.id,
    now: ctx.now,
    expiresAt,
  });
  await scheduleClaimDeadlines(ctx, claim!);
  const updated = await setTaskStatus(ctx, task, 'claimed', 1);
  await appendAudit(ctx, 'task.claimed', { task: number, member: actor.userId, expiresAt });
  await refreshTaskCard(ctx, updated);
  const taken = holders.length + 1;
  return {
    private: false,
    text: `${actor.displayName} claimed task #${number} (${taken}/${task.slots}). Submit with \`/task submit ${number} link:URL\` within ${ctx.rules['claims.expiryDays']} days.`,
  };
}

/** Reminder two days before expiry (halfway when the whole claim is that short), and the expiry. */
async function scheduleClaimDeadlines(ctx: Ctx, claim: ClaimRow): Promise<void> {
  const period = claim.expiresAt - claim.claimedAt;
  const lead = period > 2 * DAY_MS ? 2 * DAY_MS : Math.floor(period / 2);
  await schedule(ctx, `claim:${claim.id}:remind`, 'claim.remind', claim.expiresAt - lead, {
    claimId: claim.id,
  });
  await schedule(ctx, `claim:${claim.id}:expire`, 'claim.expire', claim.expiresAt, { claimId: claim.id });
}

export async function cancelClaimDeadlines(ctx: Ctx, claimId: number): Promise<void> {
  await cancelDeadline(ctx, `claim:${claimId}:remind`);
  await cancelDeadline(ctx, `claim:${claimId}:expire`);
}

/** Ends a claim; the task goes back to open when no claimant is left. */
export async function endClaim(
  ctx: Ctx,
  task: TaskRow,
  claim: ClaimRow,
  status: 'released' | 'expired',
): Promise<TaskRow> {
  const end = prepared(ctx.db, 'claims.end', (d) =>
    d
      .update(claims)
      .set({ status: sql`${sql.placeholder('status')}`, endedAt: sql`${sql.placeholder('now')}` })
      .where(eq(claims.id, sql.placeholder('id'))),
  );
  await end.execute({ status, now: ctx.now, id: claim.id });
  await cancelClaimDeadlines(ctx, claim.id);
  const left = (await activeClaims(ctx, task.id)).length;
  const reopens = left === 0 && (task.status === 'claimed' || task.status === 'review');
  if (reopens) return await setTaskStatus(ctx, task, 'open', -1);
  // The ended claim no longer holds a slot; the task keeps its status (and its updated_at).
  const before = await currentTask(ctx, task.id);
  const after = (
    await ctx.db
      .update(tasks)
      .set({ taken: sql`${tasks.taken} - 1` })
      .where(eq(tasks.id, task.id))
      .returning()
  )[0]!;
  await openTaskChanged(ctx, before, after);
  return after;
}

export async function cancelTask(ctx: Ctx, args: CommandArgs<'task cancel'>): Promise<Reply> {
  const actor = actorOf(ctx);
  const task = await getTask(ctx, args.task);
  if (task.posterId !== actor.id) throw new UserError('task.notPoster', { number: task.number });
  if (task.status === 'done' || task.status === 'cancelled') {
    throw new UserError('task.notOpen', { number: task.number, status: task.status, action: 'cancelled' });
  }
  if ((await activeClaims(ctx, task.id)).length > 0 || task.status !== 'open')
    throw new UserError('task.hasClaims', { number: task.number });
  const before = await currentTask(ctx, task.id);
  const updated = (
    await ctx.db
      .update(tasks)
      .set({ status: 'cancelled', cancelReason: args.reason ?? null, updatedAt: ctx.now })
      .where(eq(tasks.id, task.id))
      .returning()
  )[0]!;
  await openTaskChanged(ctx, before, updated);
  await appendAudit(ctx, 'task.cancelled', { task: task.number, reason: args.reason ?? null });
  await refreshTaskCard(ctx, updated);
  return { private: true, text: `Task #${task.number} is cancelled.` };
}

async function claimWithTask(ctx: Ctx, claimId: number) {
  const row = (
    await ctx.db
      .select({ claim: claims, task: tasks, member: members })
      .from(claims)
      .innerJoin(tasks, eq(tasks.id, claims.taskId))
      .innerJoin(members, eq(members.id, claims.memberId))
      .where(eq(claims.id, claimId))
      .limit(1)
  )[0];
  return row && row.claim.status === 'active' ? row : undefined;
}

/** Job `claim.remind`: a personal notice, unless the expiry itself is already due. */
export async function remindClaim(ctx: Ctx, payload: { claimId: number }): Promise<void> {
  const row = await claimWithTask(ctx, payload.claimId);
  if (!row || row.claim.expiresAt <= ctx.now) return;
  const hours = Math.round((row.claim.expiresAt - ctx.now) / HOUR_MS);
  const when = hours >= 48 ? `${Math.round(hours / 24)} days` : `${hours} hours`;
  ctx.effects.push({
    type: 'notify',
    userId: row.member.userId,
    text: `Reminder: your claim on task #${row.task.number} "${row.task.title}" expires in ${when}. Submit with \`/task submit ${row.task.number} link:URL\`, or \`/task unclaim ${row.task.number}\`.`,
  });
  await appendAudit(ctx, 'claim.reminded', { task: row.task.number, member: row.member.userId });
}

/** Job `claim.expire`: the slot frees. */
export async function expireClaim(ctx: Ctx, payload: { claimId: number }): Promise<void> {
  const row = await claimWithTask(ctx, payload.claimId);
  if (!row) return;
  const updated = await endClaim(ctx, row.task, row.claim, 'expired');
  await appendAudit(ctx, 'claim.expired', { task: row.task.number, member: row.member.userId });
  await refreshTaskCard(ctx, updated);
  ctx.effects.push({
    type: 'notify',
    userId: row.member.userId,
    text: `Your claim on task #${row.task.number} "${row.task.title}" expired without a submission; the slot is free again.`,
  });
}
