import { eq } from 'drizzle-orm';
import type { Db } from './client.js';
import { kv } from './schema.js';

/** Small persistent key-value state (the console's clock offset, message counter …). */
export interface Settings {
  getSetting(key: string): string | undefined;
  setSetting(key: string, value: string): void;
}

export function settingsStore(db: Db): Settings {
  return {
    getSetting: (key) => db.select().from(kv).where(eq(kv.key, key)).get()?.value,
    setSetting: (key, value) => {
      db.insert(kv).values({ key, value }).onConflictDoUpdate({ target: kv.key, set: { value } }).run();
    },
  };
}
