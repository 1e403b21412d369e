import { DrizzleQueryError } from 'drizzle-orm';

/**
 * The driver's own error under drizzle's wrapper. drizzle wraps a failed query of its async drivers
 * (node-postgres) in a DrizzleQueryError whose message is the SQL and its parameters, with the
 * driver's error (its message, PostgreSQL's SQLSTATE `code`) as `cause`; better-sqlite3's errors
 * come through as they are. Read the message and code from what this returns, on either dialect.
 */
export function driverError(err: unknown): unknown {
  return err instanceof DrizzleQueryError && err.cause !== undefined ? err.cause : err;
}
