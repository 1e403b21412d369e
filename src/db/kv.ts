import { eq, sql } from 'drizzle-orm';
import { kv } from './schema.js';
import type { Storage } from './storage.js';

/**
 * Small persistent key-value state (the console's clock offset, message counter …). Several processes
 * may share it: each operation is one unit of one statement, and counters are added to in SQL, never
 * read-then-set.
 */
export interface Settings {
  getSetting(key: string): Promise<string | undefined>;
  setSetting(key: string, value: string): Promise<void>;
  /** Sets `key` unless it is set; returns the value it has now. */
  initSetting(key: string, value: string): Promise<string>;
  /** Adds `by` to the number at `key` (0 when unset) and returns the sum. */
  addToSetting(key: string, by: number): Promise<number>;
}

export function settingsStore(storage: Storage): Settings {
  return {
    getSetting: (key) =>
      storage.read(async (db) => (await db.select().from(kv).where(eq(kv.key, key)).limit(1))[0]?.value),
    setSetting: (key, value) =>
      storage.write(async (db) => {
        await db.insert(kv).values({ key, value }).onConflictDoUpdate({ target: kv.key, set: { value } });
      }),
    initSetting: (key, value) =>
      storage.write(
        async (db) =>
          (
            await db
              .insert(kv)
              .values({ key, value })
              // A no-op update, so RETURNING gives the row that is there.
              .onConflictDoUpdate({ target: kv.key, set: { value: sql`${kv.value}` } })
              .returning()
          )[0]!.value,
      ),
    addToSetting: (key, by) =>
      storage.write(async (db) =>
        Number(
          (
            await db
              .insert(kv)
              .values({ key, value: String(by) })
              .onConflictDoUpdate({
                target: kv.key,
                set: { value: sql`cast(cast(${kv.value} as bigint) + ${by} as text)` },
              })
              .returning()
          )[0]!.value,
        ),
      ),
  };
}
