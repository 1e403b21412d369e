/** Read-only look-ups that adapters need beyond commands: autocomplete suggestions. */
import { and, asc, between, desc, eq, or, sql } from 'drizzle-orm';
import { activeRank } from '../db/expressions.js';
import { fixedLimit, prepared } from '../db/prepared.js';
import { proposals, tasks } from '../db/schema.js';
import type { Ctx } from './shared/context.js';

export interface Suggestion {
  number: number;
  label: string;
}

/**
 * How many tasks a typed title is looked for in: the community's active tasks first, then the newest
 * (the order suggestions are shown in). A keystroke that matches few titles would otherwise walk every
 * task of the community (100,000 at the bench's size) before giving up; a number finds any task.
 */
export const TITLE_WINDOW = 2000;

/** Task numbers that start with `digits`, as ranges in increasing order: 12 → [12], [120, 129], [1200, 1299] … */
function prefixRanges(digits: string): [number, number][] {
  const ranges: [number, number][] = [];
  for (let lo = Number(digits), width = 1; lo <= 2 ** 31 - 1; lo *= 10, width *= 10) {
    if (lo === 0) break; // task numbers start at 1
    ranges.push([lo, Math.min(lo + width - 1, 2 ** 31 - 1)]);
  }
  return ranges;
}

/**
 * Tasks or proposals whose number or title matches what is typed; open ones first. For tasks, typed
 * digits list the tasks whose number starts with them first (the exact number first), then title
 * matches among the `TITLE_WINDOW` most relevant tasks; every look-up walks an index and stops early.
 */
export async function suggest(
  ctx: Ctx,
  kind: 'task' | 'proposal',
  typed: string,
  limit = 25,
): Promise<Suggestion[]> {
  const q = typed.trim().replace(/^[#pP]/, '');
  // lower() on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
  const args = {
    community: ctx.community.id,
    title: `%${q.replace(/[%_]/g, '')}%`.toLowerCase(),
    number: `${q}%`,
  };
  const typedSome = q ? 'match' : 'all';
  if (kind === 'task') return await suggestTasks(ctx, q, args, limit);
  const open = sql`case when ${proposals.status} = 'open' then 0 else 1 end`;
  const found = prepared(ctx.db, `suggest.proposal.${typedSome}.${limit}`, (d) =>
    d
      .select({ number: proposals.number, title: proposals.title, status: proposals.status })
      .from(proposals)
      .where(
        and(
          eq(proposals.communityId, sql.placeholder('community')),
          q
            ? or(
                sql`lower(${proposals.title}) like ${sql.placeholder('title')}`,
                sql`cast(${proposals.number} as text) like ${sql.placeholder('number')}`,
              )
            : undefined,
        ),
      )
      .orderBy(open, asc(proposals.closesAt))
      .limit(fixedLimit(limit)),
  );
  return (await found.execute(args)).map((p) => ({
    number: p.number,
    label: `P${p.number} ${p.title} (${p.status})`,
  }));
}

type TaskMatch = { number: number; title: string; status: string };

async function suggestTasks(
  ctx: Ctx,
  q: string,
  args: { community: number; title: string },
  limit: number,
): Promise<Suggestion[]> {
  const found: TaskMatch[] = [];
  const seen = new Set<number>();
  const add = (rows: TaskMatch[]) => {
    for (const t of rows)
      if (found.length < limit && !seen.has(t.number)) {
        seen.add(t.number);
        found.push(t);
      }
  };
  if (/^[1-9]\d*$/.test(q)) {
    const byNumber = prepared(ctx.db, `suggest.task.number.${limit}`, (d) =>
      d
        .select({ number: tasks.number, title: tasks.title, status: tasks.status })
        .from(tasks)
        .where(
          and(
            eq(tasks.communityId, sql.placeholder('community')),
            between(tasks.number, sql.placeholder('lo'), sql.placeholder('hi')),
          ),
        )
        .orderBy(asc(tasks.number))
        .limit(fixedLimit(limit)),
    );
    for (const [lo, hi] of prefixRanges(q)) {
      if (found.length >= limit) break;
      add(await byNumber.execute({ community: args.community, lo, hi }));
    }
  }
  if (found.length < limit) {
    const byTitle = prepared(ctx.db, `suggest.task.${q ? 'title' : 'all'}.${limit}`, (d) => {
      const rank = activeRank(tasks.status);
      // The window: active first, newest first, the (community, active rank, number) index read backwards.
      const w = d
        .select({
          number: tasks.number,
          title: tasks.title,
          status: tasks.status,
          rank: sql<number>`${rank}`.as('rank'),
        })
        .from(tasks)
        .where(eq(tasks.communityId, sql.placeholder('community')))
        .orderBy(desc(rank), desc(tasks.number))
        .limit(fixedLimit(TITLE_WINDOW))
        .as('w');
      return d
        .select({ number: w.number, title: w.title, status: w.status })
        .from(w)
        .where(q ? sql`lower(${w.title}) like ${sql.placeholder('title')}` : undefined)
        .orderBy(desc(w.rank), desc(w.number))
        .limit(fixedLimit(limit));
    });
    add(await byTitle.execute(args));
  }
  return found.map((t) => ({ number: t.number, label: `#${t.number} ${t.title} (${t.status})` }));
}
