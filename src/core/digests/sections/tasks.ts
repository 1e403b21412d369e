/** The digest's task sections: tasks new since the last digest, and open tasks grouped by skill. */
import { and, asc, count, countDistinct, desc, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import { tasks, taskSkills } from '../../../db/schema.js';
import type { Ctx } from '../../shared/context.js';
import { takenSlots as taken } from '../../tasks/tasks.js';
import { PER_SKILL_LOAD, SECTION_LOAD, SKILL_GROUPS_LOAD } from './limits.js';
import type { DigestData, Listed, SkillGroup, TaskItem } from './types.js';

const taskItem = {
  number: tasks.number,
  title: tasks.title,
  skills: tasks.skills,
  slots: tasks.slots,
  taken,
};
const toTask = (r: {
  number: number;
  title: string;
  skills: string;
  slots: number;
  taken: number;
}): TaskItem => ({
  ...r,
  skills: r.skills ? r.skills.split(',') : [],
});

/** Tasks posted after `since` (and not yet cancelled), in number order. */
export async function newTasks(ctx: Ctx, since: number): Promise<Listed<TaskItem>> {
  const where = and(
    eq(tasks.communityId, ctx.community.id),
    gt(tasks.createdAt, since),
    lte(tasks.createdAt, ctx.now),
    inArray(tasks.status, ['open', 'claimed', 'review', 'done']),
  );
  const total = (await ctx.db.select({ n: count() }).from(tasks).where(where).limit(1))[0]!.n;
  const rows = await ctx.db
    .select(taskItem)
    .from(tasks)
    .where(where)
    .orderBy(asc(tasks.number))
    .limit(SECTION_LOAD);
  return { total, items: rows.map(toTask) };
}

function openWhere(ctx: Ctx) {
  return and(
    eq(tasks.communityId, ctx.community.id),
    inArray(tasks.status, ['open', 'claimed']),
    sql`${tasks.slots} > ${taken}`,
  );
}

async function skillGroup(ctx: Ctx, skill: string | null, total: number): Promise<SkillGroup> {
  const q =
    skill === null
      ? ctx.db
          .select(taskItem)
          .from(tasks)
          .where(and(openWhere(ctx), eq(tasks.skills, '')))
      : ctx.db
          .select(taskItem)
          .from(taskSkills)
          .innerJoin(tasks, eq(tasks.id, taskSkills.taskId))
          .where(
            and(eq(taskSkills.communityId, ctx.community.id), eq(taskSkills.skill, skill), openWhere(ctx)),
          );
  return { skill, total, items: (await q.orderBy(asc(tasks.number)).limit(PER_SKILL_LOAD)).map(toTask) };
}

/** Open tasks with a free slot, by skill (largest groups first), then those naming no skill. */
export async function openBySkill(ctx: Ctx): Promise<DigestData['open']> {
  const total = (await ctx.db.select({ n: count() }).from(tasks).where(openWhere(ctx)).limit(1))[0]!.n;
  if (total === 0) return { total, totalGroups: 0, groups: [] };
  const bySkill = ctx.db
    .select({ skill: taskSkills.skill, n: count() })
    .from(taskSkills)
    .innerJoin(tasks, eq(tasks.id, taskSkills.taskId));
  const skillWhere = and(eq(taskSkills.communityId, ctx.community.id), openWhere(ctx));
  const skills = await bySkill
    .where(skillWhere)
    .groupBy(taskSkills.skill)
    .orderBy(desc(count()), asc(taskSkills.skill))
    .limit(SKILL_GROUPS_LOAD);
  const skillCount = (
    await ctx.db
      .select({ n: countDistinct(taskSkills.skill) })
      .from(taskSkills)
      .innerJoin(tasks, eq(tasks.id, taskSkills.taskId))
      .where(skillWhere)
      .limit(1)
  )[0]!.n;
  const other = (
    await ctx.db
      .select({ n: count() })
      .from(tasks)
      .where(and(openWhere(ctx), eq(tasks.skills, '')))
      .limit(1)
  )[0]!.n;
  // One after another: a unit's queries share one connection (PostgreSQL takes one query at a time).
  const groups: SkillGroup[] = [];
  for (const s of skills) groups.push(await skillGroup(ctx, s.skill, s.n));
  if (other > 0) groups.push(await skillGroup(ctx, null, other));
  return { total, totalGroups: skillCount + (other > 0 ? 1 : 0), groups };
}
