/** Read-only look-ups that adapters need beyond commands: autocomplete suggestions. */
import { and, asc, desc, eq, or, sql } from 'drizzle-orm';
import { activeRank } from '../db/expressions.js';
import { fixedLimit, prepared } from '../db/prepared.js';
import { proposals, tasks } from '../db/schema.js';
import type { Ctx } from './shared/context.js';

export interface Suggestion {
  number: number;
  label: string;
}

/** Tasks or proposals whose number or title matches what is typed; open ones first. */
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
  if (kind === 'task') {
    const found = prepared(ctx.db, `suggest.task.${typedSome}.${limit}`, (d) =>
      d
        .select({ number: tasks.number, title: tasks.title, status: tasks.status })
        .from(tasks)
        .where(
          and(
            eq(tasks.communityId, sql.placeholder('community')),
            q
              ? or(
                  sql`lower(${tasks.title}) like ${sql.placeholder('title')}`,
                  sql`cast(${tasks.number} as text) like ${sql.placeholder('number')}`,
                )
              : undefined,
          ),
        )
        // Active first, newest first: the (community, active rank, number) index read backwards, so the
        // walk stops at the first `limit` matches instead of sorting every match of the community.
        .orderBy(desc(activeRank(tasks.status)), desc(tasks.number))
        .limit(fixedLimit(limit)),
    );
    return (await found.execute(args)).map((t) => ({
      number: t.number,
      label: `#${t.number} ${t.title} (${t.status})`,
    }));
  }
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
