/**
 * vitest globalSetup of the `pg` project: one throwaway PostgreSQL cluster for the run, and a migrated
 * template database every test database is created from (CREATE DATABASE … TEMPLATE is a file copy,
 * so each test gets a fresh, migrated database in a few milliseconds). Stopped and removed at the end.
 */
import type { TestProject } from 'vitest/node';
import { openPgDatabase } from '../../src/db/pg.js';
import { startPgCluster, type PgCluster } from './pg-cluster.js';

export const TEMPLATE = 'ostrom_template';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The `postgres` database of the throwaway cluster (for CREATE DATABASE). */
    pgAdminUrl: string;
  }
}

let cluster: PgCluster | undefined;

export async function setup(project: TestProject): Promise<void> {
  cluster = await startPgCluster();
  const { pool } = await openPgDatabase(await cluster.createDatabase(TEMPLATE), 1);
  await pool.end();
  project.provide('pgAdminUrl', cluster.url('postgres'));
}

export async function teardown(): Promise<void> {
  await cluster?.stop();
}
