/** `/task list` and `/task show`: private, read-only. */
import { and, asc, count, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { fixedLimit, prepared } from '../../db/prepared.js';
import { claims, tasks, taskSkills } from '../../db/schema.js';
import type { CommandArgs } from '../commands.js';
import { actorOf, type Ctx } from '../shared/context.js';
import { latestSubmissions, reviewTally } from '../reviews/reviews.js';
import { taskDetail, taskLine } from './views.js';
import { getTask, takenSlots, taskCardData } from './tasks.js';
import { CLAIMABLE, openTasksTotal, openTasksWithSkill } from './open-tasks.js';
import type { Reply } from '../shared/views.js';
import type { TaskRow } from './types.js';
import { run } from '../../db/step.js';

const LIST_MAX = 25;

type ListArgs = CommandArgs<'task list'>;
type ListStatus = NonNullable<ListArgs['status']>;

/** Tasks with the skill `skill` (a placeholder), as a subquery. */
function withSkill(d: Db) {
  return d
    .select({ id: taskSkills.taskId })
    .from(taskSkills)
    .where(
      and(
        eq(taskSkills.communityId, sql.placeholder('community')),
        eq(taskSkills.skill, sql.placeholder('skill')),
      ),
    );
}

/** Tasks the member `member` (a placeholder) claimed and still holds or finished, as a subquery. */
function claimedBy(d: Db) {
  return d
    .select({ id: claims.taskId })
    .from(claims)
    .where(
      and(
        eq(claims.communityId, sql.placeholder('community')),
        eq(claims.memberId, sql.placeholder('member')),
        inArray(claims.status, ['active', 'done']),
      ),
    );
}

/**
 * The list's filter, for one shape of the command's options: the community, the skill and the member
 * are placeholders (`values`), so each shape is one prepared query. `only` narrows to one status of
 * "open" (see `firstShown`); the others ignore it.
 */
function listFilter(
  d: Db,
  args: ListArgs,
  status: ListStatus,
  only?: (typeof CLAIMABLE)[number],
): SQL | undefined {
  const conds: SQL[] = [eq(tasks.communityId, sql.placeholder('community'))];
  if (status === 'open') conds.push(only ? eq(tasks.status, only) : inArray(tasks.status, [...CLAIMABLE]));
  else if (status !== 'all') conds.push(eq(tasks.status, status));
  if (args.skill) conds.push(inArray(tasks.id, withSkill(d)));
  if (args.mine === 'yes') conds.push(inArray(tasks.id, claimedBy(d)));
  // "open" means a slot is free: a claimed task with all slots taken is not open to claim. The filter
  // is part of the query, so the limit and the count apply to the same rows.
  if (status === 'open') conds.push(sql`${tasks.slots} > ${takenSlots}`);
  return and(...conds);
}

/** The name of a filter's shape among prepared queries (what `listFilter` builds differently). */
const shapeOf = (args: ListArgs, status: ListStatus, only?: string) =>
  `${status}.${only ?? 'any'}${args.skill ? '.skill' : ''}${args.mine === 'yes' ? '.mine' : ''}`;

/** What the filter's placeholders stand for. */
function filterValues(ctx: Ctx, args: ListArgs): Record<string, unknown> {
  return {
    community: ctx.community.id,
    skill: args.skill?.toLowerCase() ?? null,
    member: args.mine === 'yes' ? actorOf(ctx).id : null,
  };
}

/**
 * The first LIST_MAX tasks in number order. For "open", one query per claimable status, merged here:
 * each reads the (community, status, number) index in order and stops at the limit, where an IN over
 * both statuses would sort every open task of the community first.
 */
async function firstShown(ctx: Ctx, args: ListArgs, status: ListStatus): Promise<TaskRow[]> {
  const first = (only?: (typeof CLAIMABLE)[number]) =>
    prepared(ctx.db, `tasks.list.${shapeOf(args, status, only)}`, (d) =>
      d
        .select()
        .from(tasks)
        .where(listFilter(d, args, status, only))
        .orderBy(asc(tasks.number))
        .limit(fixedLimit(LIST_MAX)),
    ).execute(filterValues(ctx, args));
  if (status !== 'open') return await first();
  // One after another: a unit's queries share one connection (PostgreSQL takes one query at a time).
  const parts: TaskRow[] = [];
  for (const s of CLAIMABLE) parts.push(...(await first(s)));
  return parts.sort((a, b) => a.number - b.number).slice(0, LIST_MAX);
}

export async function listTasks(ctx: Ctx, args: ListArgs): Promise<Reply> {
  // Your own claims are rarely "open" (a free slot), so mine:yes shows every status by default.
  const status = args.status ?? (args.mine === 'yes' ? 'all' : 'open');
  const total = await listTotal(ctx, args, status);
  const shown = (await firstShown(ctx, args, status)).map((task) => ({ task, taken: task.taken }));
  const filters = [`status:${status}`, args.skill && `skill:${args.skill}`, args.mine === 'yes' && 'mine:yes']
    .filter(Boolean)
    .join(' ');
  if (shown.length === 0) return { private: true, text: `No tasks (${filters}).` };
  const lines = shown.map(({ task, taken }) => taskLine(task, taken));
  const more =
    total > shown.length ? `\n…and ${total - shown.length} more (narrow with skill: or status:)` : '';
  return { private: true, text: `Tasks (${filters}), ${total} in all:\n${lines.join('\n')}${more}` };
}

/**
 * How many tasks the list's filter matches: open ones (the default) from the counts kept with the tasks
 * (open-tasks.ts), the rest counted.
 */
async function listTotal(ctx: Ctx, args: ListArgs, status: ListStatus): Promise<number> {
  if (status === 'open' && args.mine !== 'yes')
    return args.skill ? await openTasksWithSkill(ctx, args.skill.toLowerCase()) : await openTasksTotal(ctx);
  const q = prepared(ctx.db, `tasks.listCount.${shapeOf(args, status)}`, (d) =>
    d
      .select({ n: count() })
      .from(tasks)
      .where(listFilter(d, args, status)),
  );
  return (await q.execute(filterValues(ctx, args)))[0]!.n;
}

export async function showTask(ctx: Ctx, number: number): Promise<Reply> {
  const task = await getTask(ctx, number);
  const card = await taskCardData(ctx, task);
  const subs = [];
  for (const sub of await latestSubmissions(ctx, task.id))
    subs.push({ sub, tally: await run(reviewTally(ctx, sub)) });
  const view = taskDetail(card, subs);
  return { private: true, text: view.title, view };
}
