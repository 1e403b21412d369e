/** `/task list` and `/task show`: private, read-only. */
import { and, asc, count, eq, inArray, type SQL } from 'drizzle-orm';
import { claims, tasks, taskSkills } from '../db/schema.js';
import type { CommandArgs } from './commands.js';
import { actorOf, type Ctx } from './context.js';
import { latestSubmissions, reviewTally } from './reviews.js';
import { taskCard } from './task-views.js';
import { activeClaims, getTask } from './tasks.js';
import { truncate, type Reply } from './views.js';

const LIST_MAX = 25;

export function listTasks(ctx: Ctx, args: CommandArgs<'task list'>): Reply {
  // Your own claims are rarely "open" (a free slot), so mine:yes shows every status by default.
  const status = args.status ?? (args.mine === 'yes' ? 'all' : 'open');
  const conds: SQL[] = [eq(tasks.communityId, ctx.community.id)];
  if (status === 'open') conds.push(inArray(tasks.status, ['open', 'claimed']));
  else if (status !== 'all') conds.push(eq(tasks.status, status));
  if (args.skill) {
    const withSkill = ctx.db
      .select({ id: taskSkills.taskId })
      .from(taskSkills)
      .where(
        and(eq(taskSkills.communityId, ctx.community.id), eq(taskSkills.skill, args.skill.toLowerCase())),
      );
    conds.push(inArray(tasks.id, withSkill));
  }
  if (args.mine === 'yes') {
    const mine = ctx.db
      .select({ id: claims.taskId })
      .from(claims)
      .where(
        and(
          eq(claims.communityId, ctx.community.id),
          eq(claims.memberId, actorOf(ctx).id),
          inArray(claims.status, ['active', 'done']),
        ),
      );
    conds.push(inArray(tasks.id, mine));
  }
  const where = and(...conds);
  const total = ctx.db.select({ n: count() }).from(tasks).where(where).get()!.n;
  const rows = ctx.db.select().from(tasks).where(where).orderBy(asc(tasks.number)).limit(LIST_MAX).all();
  // "open" means a slot is free: a claimed task with all slots taken is not open to claim.
  const claimCounts = new Map<number, number>();
  for (const t of rows) claimCounts.set(t.id, activeClaims(ctx, t.id).length);
  const shown = status === 'open' ? rows.filter((t) => claimCounts.get(t.id)! < t.slots) : rows;
  const filters = [`status:${status}`, args.skill && `skill:${args.skill}`, args.mine === 'yes' && 'mine:yes']
    .filter(Boolean)
    .join(' ');
  if (shown.length === 0) return { private: true, text: `No tasks (${filters}).` };
  const lines = shown.map((t) => {
    const skills = t.skills ? ` · ${t.skills.split(',').join(', ')}` : '';
    return `#${t.number} ${truncate(t.title, 80)} — ${t.status} · ${claimCounts.get(t.id)}/${t.slots} claimed${skills}`;
  });
  const more =
    total > rows.length ? `\n…and ${total - rows.length} more (narrow with skill: or status:)` : '';
  return { private: true, text: `Tasks (${filters}), ${total} in all:\n${lines.join('\n')}${more}` };
}

export function showTask(ctx: Ctx, number: number): Reply {
  const task = getTask(ctx, number);
  const view = taskCard(ctx, task);
  view.buttons = [];
  for (const sub of latestSubmissions(ctx, task.id)) {
    const t = reviewTally(ctx, sub);
    const who = t.approvers.map((m) => m.displayName).join(', ') || 'none';
    const obj = t.objectors.map((b) => b.member.displayName).join(', ') || 'none';
    view.fields.push({
      name: `Submission ${sub.id} (${sub.status})`,
      value: `${sub.link ?? 'no link'} · approvals ${t.approvers.length}/${t.needed} (${who}) · objections ${t.objectors.length} (${obj})`,
    });
  }
  return { private: true, text: view.title, view };
}
