/** Which dialect a `Db` speaks; its own module so that both dialect.ts and prepared.ts can ask. */
import { is } from 'drizzle-orm/entity';
import { PgDatabase } from 'drizzle-orm/pg-core';
import type { Db } from './client.js';

export function isPg(db: Db): boolean {
  return is(db, PgDatabase);
}
