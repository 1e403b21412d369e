/**
 * The count of open tasks (a free slot, open or claimed), in total (`communities.open_tasks`) and by
 * skill (`open_task_skills`, '' for the tasks naming none): what `/task list` shows as its total and the
 * digest as its groups, read in a statement or two instead of counting 10,000 open tasks. Every unit
 * that writes a task's status, slots or taken count passes the row before and after the write to
 * `openTaskChanged`, in the same unit; `recountOpenTasks` sets both from the tasks (the migration that
 * brought them does the same for existing databases).
 */
import { and, count, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { prepared } from '../../db/prepared.js';
import { communities, openTaskSkills, tasks, taskSkills } from '../../db/schema.js';
import type { Ctx } from '../shared/context.js';
import type { TaskRow } from './types.js';

/** Statuses a free slot can be claimed in ("open" in `/task list` and the digest). */
export const CLAIMABLE = ['open', 'claimed'] as const;

type OpenFields = Pick<TaskRow, 'status' | 'slots' | 'taken'>;

export function isOpenTask(t: OpenFields): boolean {
  return (CLAIMABLE as readonly string[]).includes(t.status) && t.slots > t.taken;
}

/** The skills a task's counts go under: its own, or '' when it names none. */
const skillsOf = (t: Pick<TaskRow, 'skills'>) => (t.skills ? t.skills.split(',') : ['']);

const addToSkill = (db: Db) =>
  prepared(db, 'openTasks.skill', (d) =>
    d
      .insert(openTaskSkills)
      .values({
        communityId: sql.placeholder('community'),
        skill: sql.placeholder('skill'),
        n: sql.placeholder('d'),
      })
      .onConflictDoUpdate({
        target: [openTaskSkills.communityId, openTaskSkills.skill],
        set: { n: sql`${openTaskSkills.n} + excluded.n` },
      }),
  );

const addToTotal = (db: Db) =>
  prepared(db, 'openTasks.total', (d) =>
    d
      .update(communities)
      .set({ openTasks: sql`${communities.openTasks} + ${sql.placeholder('d')}` })
      .where(eq(communities.id, sql.placeholder('community'))),
  );

/** The row of a task as it is now in this unit (read before writing it, for `openTaskChanged`). */
export async function currentTask(ctx: Ctx, id: number): Promise<TaskRow> {
  const q = prepared(ctx.db, 'tasks.byId', (d) =>
    d
      .select()
      .from(tasks)
      .where(eq(tasks.id, sql.placeholder('id'))),
  );
  const [row] = await q.execute({ id });
  if (!row) throw new Error(`task ${id} does not exist`);
  return row;
}

/** A task was written (`before` undefined: posted): the counts follow when it became open or stopped being open. */
export async function openTaskChanged(
  ctx: Ctx,
  before: OpenFields | undefined,
  after: TaskRow,
): Promise<void> {
  const d = Number(isOpenTask(after)) - Number(before !== undefined && isOpenTask(before));
  if (d === 0) return;
  for (const skill of skillsOf(after))
    await addToSkill(ctx.db).execute({ community: after.communityId, skill, d });
  await addToTotal(ctx.db).execute({ community: after.communityId, d });
}

/** How many open tasks the community has, from the count kept. */
export async function openTasksTotal(ctx: Ctx): Promise<number> {
  const q = prepared(ctx.db, 'openTasks.readTotal', (d) =>
    d
      .select({ n: communities.openTasks })
      .from(communities)
      .where(eq(communities.id, sql.placeholder('community'))),
  );
  return (await q.execute({ community: ctx.community.id }))[0]?.n ?? 0;
}

/** The open tasks' total and counts by skill of a community, from the counts kept. */
export async function openTaskCounts(
  ctx: Ctx,
): Promise<{ total: number; bySkill: { skill: string; n: number }[] }> {
  const bySkill = prepared(ctx.db, 'openTasks.readSkills', (d) =>
    d
      .select({ skill: openTaskSkills.skill, n: openTaskSkills.n })
      .from(openTaskSkills)
      .where(and(eq(openTaskSkills.communityId, sql.placeholder('community')), gt(openTaskSkills.n, 0))),
  );
  return {
    total: await openTasksTotal(ctx),
    bySkill: await bySkill.execute({ community: ctx.community.id }),
  };
}

/** How many open tasks name `skill`. */
export async function openTasksWithSkill(ctx: Ctx, skill: string): Promise<number> {
  const q = prepared(ctx.db, 'openTasks.readSkill', (d) =>
    d
      .select({ n: openTaskSkills.n })
      .from(openTaskSkills)
      .where(
        and(
          eq(openTaskSkills.communityId, sql.placeholder('community')),
          eq(openTaskSkills.skill, sql.placeholder('skill')),
        ),
      ),
  );
  return (await q.execute({ community: ctx.community.id, skill }))[0]?.n ?? 0;
}

/**
 * Sets a community's counts from its tasks (after tasks were written other than through the core: a
 * test's or the bench's set-based inserts); the migration that added them runs the same for all.
 */
export async function recountOpenTasks(db: Db, communityId: number): Promise<void> {
  const open = and(
    eq(tasks.communityId, communityId),
    inArray(tasks.status, [...CLAIMABLE]),
    gt(tasks.slots, tasks.taken),
  );
  const [total] = await db.select({ n: count() }).from(tasks).where(open);
  await db.update(communities).set({ openTasks: total!.n }).where(eq(communities.id, communityId));
  await db.delete(openTaskSkills).where(eq(openTaskSkills.communityId, communityId));
  const rows = await db
    .select({ skill: sql<string>`coalesce(${taskSkills.skill}, '')`, n: count() })
    .from(tasks)
    .leftJoin(taskSkills, eq(taskSkills.taskId, tasks.id))
    .where(open)
    .groupBy(sql`coalesce(${taskSkills.skill}, '')`);
  for (const r of rows) await db.insert(openTaskSkills).values({ communityId, skill: r.skill, n: r.n });
}
