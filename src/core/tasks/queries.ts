/** `/task list` and `/task show`: private, read-only. */
import { and, asc, count, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { claims, tasks, taskSkills } from '../../db/schema.js';
import type { CommandArgs } from '../commands.js';
import { actorOf, type Ctx } from '../shared/context.js';
import { latestSubmissions, reviewTally } from '../reviews/reviews.js';
import { taskCard } from './views.js';
import { getTask, takenSlots } from './tasks.js';
import { truncate, type Reply } from '../shared/views.js';

const LIST_MAX = 25;

export async function listTasks(ctx: Ctx, args: CommandArgs<'task list'>): Promise<Reply> {
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
  // "open" means a slot is free: a claimed task with all slots taken is not open to claim. The filter
  // is part of the query, so the limit and the count apply to the same rows.
  if (status === 'open') conds.push(sql`${tasks.slots} > ${takenSlots}`);
  const where = and(...conds);
  const total = (await ctx.db.select({ n: count() }).from(tasks).where(where).limit(1))[0]!.n;
  const shown = await ctx.db
    .select({ task: tasks, taken: takenSlots })
    .from(tasks)
    .where(where)
    .orderBy(asc(tasks.number))
    .limit(LIST_MAX);
  const filters = [`status:${status}`, args.skill && `skill:${args.skill}`, args.mine === 'yes' && 'mine:yes']
    .filter(Boolean)
    .join(' ');
  if (shown.length === 0) return { private: true, text: `No tasks (${filters}).` };
  const lines = shown.map(({ task: t, taken }) => {
    const skills = t.skills ? ` · ${t.skills.split(',').join(', ')}` : '';
    return `#${t.number} ${truncate(t.title, 80)} — ${t.status} · ${taken}/${t.slots} claimed${skills}`;
  });
  const more =
    total > shown.length ? `\n…and ${total - shown.length} more (narrow with skill: or status:)` : '';
  return { private: true, text: `Tasks (${filters}), ${total} in all:\n${lines.join('\n')}${more}` };
}

export async function showTask(ctx: Ctx, number: number): Promise<Reply> {
  const task = await getTask(ctx, number);
  const view = await taskCard(ctx, task);
  view.buttons = [];
  for (const sub of await latestSubmissions(ctx, task.id)) {
    const t = await reviewTally(ctx, sub);
    const who = t.approvers.map((m) => m.displayName).join(', ') || 'none';
    const obj = t.objectors.map((b) => b.member.displayName).join(', ') || 'none';
    view.fields.push({
      name: `Submission ${sub.id} (${sub.status})`,
      value: `${sub.link ?? 'no link'} · approvals ${t.approvers.length}/${t.needed} (${who}) · objections ${t.objectors.length} (${obj})`,
    });
  }
  return { private: true, text: view.title, view };
}
