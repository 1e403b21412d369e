import { defineConfig } from 'vitest/config';
import { findPgBin } from './tests/helpers/pg-cluster.js';

/**
 * Two projects: `sqlite` runs every test; `pg` runs the suites that touch the database again on a
 * real PostgreSQL (a throwaway cluster the run starts and removes). Without PostgreSQL installed the
 * `pg` project is left out, with a line saying how to run it; OSTROM_REQUIRE_PG=1 (CI) makes that an error.
 */
const pgSuites = [
  'tests/integration/**/*.test.ts',
  'tests/e2e/console*.test.ts',
  'tests/e2e/discord-*.test.ts',
  'tests/e2e/slack-*.test.ts',
  'tests/e2e/processes-*.test.ts',
];
const notOnPg = [
  // Each compares the two dialects itself, or tests SQLite's own behaviour.
  'tests/integration/pg-migrations.test.ts',
];

function pgProject() {
  if (findPgBin()) return true;
  if (process.env.OSTROM_REQUIRE_PG === '1')
    throw new Error(
      'OSTROM_REQUIRE_PG=1 but PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb).',
    );
  console.warn(
    'PostgreSQL tests skipped: PostgreSQL is not installed. To run them, install the Debian package ' +
      '`postgresql` (apt-get install postgresql; no server needs to run: the tests start their own).',
  );
  return false;
}

const shared = { testTimeout: 20_000, hookTimeout: 30_000, pool: 'forks' as const };

export default defineConfig({
  test: {
    projects: [
      { test: { ...shared, name: 'sqlite', include: ['tests/**/*.test.ts'] } },
      ...(pgProject()
        ? [
            {
              test: {
                ...shared,
                name: 'pg',
                include: pgSuites,
                exclude: notOnPg,
                env: { OSTROM_TEST_DB: 'pg' },
                globalSetup: ['tests/helpers/pg-global-setup.ts'],
              },
            },
          ]
        : []),
    ],
  },
});
