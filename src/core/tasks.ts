/** Tasks and claims: post, claim, unclaim, cancel, and the expiry of claims left without a submission. */
import { and, count, eq, ne, sql } from 'drizzle-orm';
import { claims, communities, members, tasks, taskSkills } from '../db/schema.js';
import { appendAudit } from './audit.js';
import type { CommandArgs } from './commands.js';
import { actorOf, tasksChannel, type Ctx, type MemberRow } from './context.js';
import { cancelDeadline, schedule } from './deadlines.js';
import { UserError } from './errors.js';
import { DAY_MS, HOUR_MS } from './model.js';
import { qualified } from './sql-helpers.js';
import { taskCard } from './task-views.js';
import type { Reply } from './views.js';

export type TaskRow = typeof tasks.$inferSelect;

/** The active claims of the task row in the outer query: a correlated subquery, fully qualified. */
export const takenSlots = sql<number>`(select count(*) from ${claims} where ${qualified(claims.taskId)} = ${qualified(tasks.id)} and ${qualified(claims.status)} = 'active')`;
export type ClaimRow = typeof claims.$inferSelect;

export function getTask(ctx: Ctx, number: number): TaskRow {
  const t = ctx.db
    .select()
    .from(tasks)
    .where(and(eq(tasks.communityId, ctx.community.id), eq(tasks.number, number)))
    .get();
  if (!t) throw new UserError('task.notFound', { number });
  return t;
}

export function activeClaims(ctx: Ctx, taskId: number): (ClaimRow & { member: MemberRow })[] {
  return ctx.db
    .select({ claim: claims, member: members })
    .from(claims)
    .innerJoin(members, eq(members.id, claims.memberId))
    .where(and(eq(claims.taskId, taskId), eq(claims.status, 'active')))
    .orderBy(claims.id)
    .all()
    .map((r) => ({ ...r.claim, member: r.member }));
}

/** Re-renders the task card after a change. */
export function refreshTaskCard(ctx: Ctx, task: TaskRow): void {
  ctx.effects.push({ type: 'update', cardKey: `task:${task.number}`, view: taskCard(ctx, task) });
}

function setStatus(ctx: Ctx, task: TaskRow, status: TaskRow['status']): TaskRow {
  return ctx.db
    .update(tasks)
    .set({ status, updatedAt: ctx.now })
    .where(eq(tasks.id, task.id))
    .returning()
    .get();
}

export function postTask(ctx: Ctx, args: CommandArgs<'task post'>): Reply {
  const actor = actorOf(ctx);
  const number =
    ctx.db
      .update(communities)
      .set({ nextTaskNo: sql`${communities.nextTaskNo} + 1` })
      .where(eq(communities.id, ctx.community.id))
      .returning({ n: communities.nextTaskNo })
      .get().n - 1;
  const skills = args.skills ?? [];
  const channelId = tasksChannel(ctx);
  const task = ctx.db
    .insert(tasks)
    .values({
      communityId: ctx.community.id,
      number,
      title: args.title,
      description: args.description ?? null,
      skills: skills.join(','),
      slots: args.slots ?? 1,
      license: args.license ?? ctx.rules['commons.license'],
      status: 'open',
      posterId: actor.id,
      channelId,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    })
    .returning()
    .get();
  for (const skill of skills)
    ctx.db.insert(taskSkills).values({ taskId: task.id, communityId: ctx.community.id, skill }).run();
  appendAudit(ctx, 'task.posted', {
    task: number,
    title: task.title,
    skills,
    slots: task.slots,
    license: task.license,
  });
  ctx.effects.push({ type: 'post', channelId, cardKey: `task:${number}`, view: taskCard(ctx, task) });
  return { private: true, text: `Posted task #${number}: ${task.title}` };
}

/** Claims that still hold a member's hands: a claim whose submission is in review no longer counts. */
function openClaimCount(ctx: Ctx, memberId: number): number {
  return ctx.db
    .select({ n: count() })
    .from(claims)
    .innerJoin(tasks, eq(tasks.id, claims.taskId))
    .where(
      and(
        eq(claims.communityId, ctx.community.id),
        eq(claims.memberId, memberId),
        eq(claims.status, 'active'),
        ne(tasks.status, 'review'),
      ),
    )
    .get()!.n;
}

export function claimTask(ctx: Ctx, number: number): Reply {
  const actor = actorOf(ctx);
  const task = getTask(ctx, number);
  if (task.status === 'done' || task.status === 'cancelled') {
    throw new UserError('task.notOpen', { number, status: task.status, action: 'claimed' });
  }
  if (task.status === 'review') throw new UserError('task.inReview', { number });
  const holders = activeClaims(ctx, task.id);
  if (holders.some((c) => c.memberId === actor.id)) throw new UserError('task.alreadyClaimed', { number });
  if (holders.length >= task.slots) throw new UserError('task.full', { number, slots: task.slots });
  const open = openClaimCount(ctx, actor.id);
  const max = ctx.rules['claims.maxOpen'];
  if (open >= max) throw new UserError('claims.maxOpen', { open, max });
  const expiresAt = ctx.now + ctx.rules['claims.expiryDays'] * DAY_MS;
  const claim = ctx.db
    .insert(claims)
    .values({
      communityId: ctx.community.id,
      taskId: task.id,
      memberId: actor.id,
      status: 'active',
      claimedAt: ctx.now,
      expiresAt,
    })
    .returning()
    .get();
  scheduleClaimDeadlines(ctx, claim);
  const updated = setStatus(ctx, task, 'claimed');
  appendAudit(ctx, 'task.claimed', { task: number, member: actor.userId, expiresAt });
  refreshTaskCard(ctx, updated);
  const taken = holders.length + 1;
  return {
    private: false,
    text: `${actor.displayName} claimed task #${number} (${taken}/${task.slots}). Submit with \`/task submit ${number} link:URL\` within ${ctx.rules['claims.expiryDays']} days.`,
  };
}

/** Reminder two days before expiry (halfway when the whole claim is that short), and the expiry. */
function scheduleClaimDeadlines(ctx: Ctx, claim: ClaimRow): void {
  const period = claim.expiresAt - claim.claimedAt;
  const lead = period > 2 * DAY_MS ? 2 * DAY_MS : Math.floor(period / 2);
  schedule(ctx, `claim:${claim.id}:remind`, 'claim.remind', claim.expiresAt - lead, { claimId: claim.id });
  schedule(ctx, `claim:${claim.id}:expire`, 'claim.expire', claim.expiresAt, { claimId: claim.id });
}

export function cancelClaimDeadlines(ctx: Ctx, claimId: number): void {
  cancelDeadline(ctx, `claim:${claimId}:remind`);
  cancelDeadline(ctx, `claim:${claimId}:expire`);
}

/** Ends a claim; the task goes back to open when no claimant is left. */
export function endClaim(ctx: Ctx, task: TaskRow, claim: ClaimRow, status: 'released' | 'expired'): TaskRow {
  ctx.db.update(claims).set({ status, endedAt: ctx.now }).where(eq(claims.id, claim.id)).run();
  cancelClaimDeadlines(ctx, claim.id);
  const left = activeClaims(ctx, task.id).length;
  const reopens = left === 0 && (task.status === 'claimed' || task.status === 'review');
  return reopens ? setStatus(ctx, task, 'open') : task;
}

export function cancelTask(ctx: Ctx, args: CommandArgs<'task cancel'>): Reply {
  const actor = actorOf(ctx);
  const task = getTask(ctx, args.task);
  if (task.posterId !== actor.id) throw new UserError('task.notPoster', { number: task.number });
  if (task.status === 'done' || task.status === 'cancelled') {
    throw new UserError('task.notOpen', { number: task.number, status: task.status, action: 'cancelled' });
  }
  if (activeClaims(ctx, task.id).length > 0 || task.status !== 'open')
    throw new UserError('task.hasClaims', { number: task.number });
  const updated = ctx.db
    .update(tasks)
    .set({ status: 'cancelled', cancelReason: args.reason ?? null, updatedAt: ctx.now })
    .where(eq(tasks.id, task.id))
    .returning()
    .get();
  appendAudit(ctx, 'task.cancelled', { task: task.number, reason: args.reason ?? null });
  refreshTaskCard(ctx, updated);
  return { private: true, text: `Task #${task.number} is cancelled.` };
}

function claimWithTask(ctx: Ctx, claimId: number) {
  const row = ctx.db
    .select({ claim: claims, task: tasks, member: members })
    .from(claims)
    .innerJoin(tasks, eq(tasks.id, claims.taskId))
    .innerJoin(members, eq(members.id, claims.memberId))
    .where(eq(claims.id, claimId))
    .get();
  return row && row.claim.status === 'active' ? row : undefined;
}

/** Job `claim.remind`: a personal notice, unless the expiry itself is already due. */
export function remindClaim(ctx: Ctx, payload: { claimId: number }): void {
  const row = claimWithTask(ctx, payload.claimId);
  if (!row || row.claim.expiresAt <= ctx.now) return;
  const hours = Math.round((row.claim.expiresAt - ctx.now) / HOUR_MS);
  const when = hours >= 48 ? `${Math.round(hours / 24)} days` : `${hours} hours`;
  ctx.effects.push({
    type: 'notify',
    userId: row.member.userId,
    text: `Reminder: your claim on task #${row.task.number} "${row.task.title}" expires in ${when}. Submit with \`/task submit ${row.task.number} link:URL\`, or \`/task unclaim ${row.task.number}\`.`,
  });
  appendAudit(ctx, 'claim.reminded', { task: row.task.number, member: row.member.userId });
}

/** Job `claim.expire`: the slot frees. */
export function expireClaim(ctx: Ctx, payload: { claimId: number }): void {
  const row = claimWithTask(ctx, payload.claimId);
  if (!row) return;
  const updated = endClaim(ctx, row.task, row.claim, 'expired');
  appendAudit(ctx, 'claim.expired', { task: row.task.number, member: row.member.userId });
  refreshTaskCard(ctx, updated);
  ctx.effects.push({
    type: 'notify',
    userId: row.member.userId,
    text: `Your claim on task #${row.task.number} "${row.task.title}" expired without a submission; the slot is free again.`,
  });
}
