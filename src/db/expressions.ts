/**
 * SQL expressions that an index is built on, shared by both schemas and the queries that must repeat
 * them word for word (SQLite and PostgreSQL use an expression index only for the same expression).
 */
import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

/**
 * 1 for a task still in play (open, claimed, in review), 0 for a finished one. Autocomplete orders by
 * it and the number, both descending: an index on (community, rank, number) read backwards.
 */
export const activeRank = (status: AnyColumn): SQL =>
  sql`(case when ${status} in ('open', 'claimed', 'review') then 1 else 0 end)`;
