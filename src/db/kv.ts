import { eq, sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { kv } from './schema.js';

/**
 * Small persistent key-value state (the console's clock offset, message counter …). Several processes
 * may share it: each operation is one statement, and counters are added to in SQL, never read-then-set.
 */
export interface Settings {
  getSetting(key: string): string | undefined;
  setSetting(key: string, value: string): void;
  /** Sets `key` unless it is set; returns the value it has now. */
  initSetting(key: string, value: string): string;
  /** Adds `by` to the number at `key` (0 when unset) and returns the sum. */
  addToSetting(key: string, by: number): number;
}

export function settingsStore(db: Db): Settings {
  return {
    getSetting: (key) => db.select().from(kv).where(eq(kv.key, key)).get()?.value,
    setSetting: (key, value) => {
      db.insert(kv).values({ key, value }).onConflictDoUpdate({ target: kv.key, set: { value } }).run();
    },
    initSetting: (key, value) =>
      db
        .insert(kv)
        .values({ key, value })
        // A no-op update, so RETURNING gives the row that is there.
        .onConflictDoUpdate({ target: kv.key, set: { value: sql`${kv.value}` } })
        .returning()
        .get().value,
    addToSetting: (key, by) =>
      Number(
        db
          .insert(kv)
          .values({ key, value: String(by) })
          .onConflictDoUpdate({
            target: kv.key,
            set: { value: sql`cast(cast(${kv.value} as integer) + ${by} as text)` },
          })
          .returning()
          .get().value,
      ),
  };
}
