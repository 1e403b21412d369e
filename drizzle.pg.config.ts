import { defineConfig } from 'drizzle-kit';

/**
 * PostgreSQL migrations, in their own top-level folder: `migrations/` is SQLite's, read at start-up
 * by the app (its journal and every file in it), so another dialect's files never sit inside it.
 */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/schema.pg.ts',
  out: './migrations-pg',
});
