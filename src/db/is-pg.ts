/**
 * Which dialect a `Db` speaks; its own module so that both dialect.ts and prepared.ts can ask. It reads
 * drizzle's entity kind up the class chain (what drizzle's `is()` does) rather than importing
 * `drizzle-orm/pg-core` for `PgDatabase`: on SQLite that import alone was a fifth of start-up.
 */
import { entityKind } from 'drizzle-orm';
import type { Db } from './client.js';

type Kinded = { [entityKind]?: string } | null;

export function isPg(db: Db): boolean {
  for (let c = (db as object).constructor as Kinded; c; c = Object.getPrototypeOf(c) as Kinded)
    if (Object.prototype.hasOwnProperty.call(c, entityKind) && c[entityKind] === 'PgDatabase') return true;
  return false;
}
