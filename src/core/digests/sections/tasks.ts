/** The digest's task sections: tasks new since the last digest, and open tasks grouped by skill. */
import { and, asc, count, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client.js';
import { fixedLimit, prepared } from '../../../db/prepared.js';
import { tasks, taskSkills } from '../../../db/schema.js';
import type { Ctx } from '../../shared/context.js';
import { qualified } from '../../shared/sql-helpers.js';
import { CLAIMABLE, openTaskCounts } from '../../tasks/open-tasks.js';
import { PER_SKILL_LOAD, SECTION_LOAD, SKILL_GROUPS_LOAD } from './limits.js';
import type { DigestData, Listed, SkillGroup, TaskItem } from './types.js';

const taskItem = {
  number: tasks.number,
  title: tasks.title,
  skills: tasks.skills,
  slots: tasks.slots,
  taken: tasks.taken,
};
interface TaskItemRow {
  number: number;
  title: string;
  skills: string;
  slots: number;
  taken: number;
}
const toTask = (r: TaskItemRow): TaskItem => ({
  ...r,
  skills: r.skills ? r.skills.split(',') : [],
});

/** Tasks posted after `since` up to `now` (placeholders), not cancelled, of the community. */
const postedBetween = and(
  eq(tasks.communityId, sql.placeholder('community')),
  gt(tasks.createdAt, sql.placeholder('since')),
  lte(tasks.createdAt, sql.placeholder('now')),
  inArray(tasks.status, ['open', 'claimed', 'review', 'done']),
);

/** Tasks posted after `since` (and not yet cancelled), in number order. Prepared, as the groups below. */
export async function newTasks(ctx: Ctx, since: number): Promise<Listed<TaskItem>> {
  const values = { community: ctx.community.id, since, now: ctx.now };
  const counted = prepared(ctx.db, 'digest.newTasksCount', (d) =>
    d.select({ n: count() }).from(tasks).where(postedBetween),
  );
  const listed = prepared(ctx.db, 'digest.newTasks', (d) =>
    d
      .select(taskItem)
      .from(tasks)
      .where(postedBetween)
      .orderBy(asc(tasks.number))
      .limit(fixedLimit(SECTION_LOAD)),
  );
  const total = (await counted.execute(values))[0]!.n;
  const rows = await listed.execute(values);
  return { total, items: rows.map(toTask) };
}

/** The community's open tasks of one claimable status, with a free slot (the community a placeholder). */
function openWhere(status: (typeof CLAIMABLE)[number]) {
  return and(
    eq(tasks.communityId, sql.placeholder('community')),
    eq(tasks.status, status),
    gt(tasks.slots, tasks.taken),
  );
}

/** Tasks with the skill `skill` (a placeholder), checked per task by its primary key. */
const hasSkill = sql`exists (select 1 from ${taskSkills} where ${qualified(taskSkills.taskId)} = ${qualified(tasks.id)} and ${qualified(taskSkills.skill)} = ${sql.placeholder('skill')})`;

/** The first open tasks of one status with the skill (`withSkill`) or naming none. */
const firstOpen = (db: Db, status: (typeof CLAIMABLE)[number], withSkill: boolean) =>
  prepared(db, `digest.open.${status}.${withSkill ? 'skill' : 'none'}`, (d) =>
    d
      .select(taskItem)
      .from(tasks)
      .where(and(openWhere(status), withSkill ? hasSkill : eq(tasks.skills, '')))
      .orderBy(asc(tasks.number))
      .limit(fixedLimit(PER_SKILL_LOAD)),
  );

/**
 * The first open tasks of a group in number order. One query per claimable status, each walking the
 * (community, status, number) index and stopping at PER_SKILL_LOAD, merged here: an IN over both
 * statuses would sort every open task first. A skill is checked per task by its primary key.
 */
async function skillGroup(ctx: Ctx, skill: string | null, total: number): Promise<SkillGroup> {
  // One after another: a unit's queries share one connection (PostgreSQL takes one query at a time).
  const firsts: TaskItemRow[] = [];
  for (const status of CLAIMABLE)
    firsts.push(
      ...(await firstOpen(ctx.db, status, skill !== null).execute({ community: ctx.community.id, skill })),
    );
  const items = firsts.sort((a, b) => a.number - b.number).slice(0, PER_SKILL_LOAD);
  return { skill, total, items: items.map(toTask) };
}

/**
 * Open tasks with a free slot, by skill (largest groups first), then those naming no skill: the counts
 * kept with the tasks (open-tasks.ts), not a count of every open task. A community names a few dozen
 * skills at most, so all groups are read and the largest kept here.
 */
export async function openBySkill(ctx: Ctx): Promise<DigestData['open']> {
  const { total, bySkill } = await openTaskCounts(ctx);
  if (total === 0) return { total, totalGroups: 0, groups: [] };
  const named = bySkill
    .filter((s) => s.skill !== '')
    .sort((a, b) => b.n - a.n || (a.skill < b.skill ? -1 : a.skill > b.skill ? 1 : 0));
  const other = bySkill.find((s) => s.skill === '')?.n ?? 0;
  // One after another: a unit's queries share one connection (PostgreSQL takes one query at a time).
  const groups: SkillGroup[] = [];
  for (const s of named.slice(0, SKILL_GROUPS_LOAD)) groups.push(await skillGroup(ctx, s.skill, s.n));
  if (other > 0) groups.push(await skillGroup(ctx, null, other));
  return { total, totalGroups: named.length + (other > 0 ? 1 : 0), groups };
}
