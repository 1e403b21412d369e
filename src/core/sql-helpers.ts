/** SQL pieces drizzle does not write for us. */
import { getTableName, sql, type Column, type SQL } from 'drizzle-orm';

/**
 * `"table"."column"`. Inside a correlated subquery every outer column must carry its table: drizzle
 * leaves the columns of a one-table select unqualified, and an unqualified `id` binds to the
 * innermost table (`claims.id` instead of `tasks.id`), silently.
 */
export function qualified(column: Column): SQL {
  return sql`${sql.identifier(getTableName(column.table))}.${sql.identifier(column.name)}`;
}
