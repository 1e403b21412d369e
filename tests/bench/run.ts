/**
 * `npm run bench`: Ostrom at 100,000 tasks and a million votes (issue 12). See tests/bench/README.md
 * for what each figure means and the settings; in short:
 *
 *   1. build (once, cached in data/) the bench database: a full-size community and its 1/20 twin;
 *   2. copy it to a throwaway work file, so every run starts from the same data;
 *   3. measure in interleaved blocks: reaction ingest (core vs raw SQLite, and a burst through the
 *      Discord adapter), command latencies at both sizes, `/commons verify`, console start-up;
 *   4. print tables, then one `BENCH <name> <value> <unit>` line per figure.
 */
import { copyFileSync, rmSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../../src/db/client.js';
import { copySqliteToPg } from '../../src/db/copy.js';
import { openPgDatabase } from '../../src/db/pg.js';
import { findPgBin, startPgCluster } from '../helpers/pg-cluster.js';
import { benchDatabase } from './build.js';
import { pgDriver, sqliteDriver } from './driver.js';
import {
  measureCommands,
  measureIngest,
  measurePg,
  measureStartup,
  measureVerify,
  type Ctx,
} from './sections.js';
import { Report } from './report.js';
import { shapes } from './shape.js';

const num = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name} must be a number`);
  return v;
};

export const settings = {
  scale: num('BENCH_SCALE', 1),
  blocks: num('BENCH_BLOCKS', 5),
  rounds: num('BENCH_ROUNDS', 40),
  warmup: num('BENCH_WARMUP', 10),
  blockSeconds: num('BENCH_BLOCK_SECONDS', 3),
  ingestBlocks: num('BENCH_INGEST_BLOCKS', 15),
  ingestSize: num('BENCH_INGEST_SIZE', 250),
  bursts: num('BENCH_BURSTS', 5),
  burstWarmup: num('BENCH_BURST_WARMUP', 5),
  startups: num('BENCH_STARTUPS', 5),
  only: (process.env.BENCH_ONLY ?? 'ingest,commands,verify,startup,pg').split(','),
};

async function main(): Promise<void> {
  const log = (s: string) => console.log(s);
  const built = benchDatabase(settings.scale, log);
  log(
    `Bench database ${built.path}: ${built.reused ? 'reused; building it took' : 'built in'} ` +
      `${built.buildSeconds.toFixed(1)} s (audit events: ${Object.entries(built.events)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}).`,
  );
  const t0 = performance.now();
  const work = join(dirname(built.path), `bench-work-${process.pid}.db`);
  const removeWork = () => ['', '-wal', '-shm'].forEach((s) => rmSync(work + s, { force: true }));
  copyFileSync(built.path, work);
  try {
    const db = openDatabase(work);
    const sqliteVersion = db.$client.prepare('select sqlite_version() v').pluck().get() as string;
    log(
      `Machine: ${cpus().length} × ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GB; ` +
        `Node ${process.version}, SQLite ${sqliteVersion}. Settings: ${JSON.stringify(settings)}`,
    );
    const d = sqliteDriver(db);
    const [small, large] = shapes(settings.scale);
    const ctx: Ctx = {
      d,
      picks: { small: await d.pickings(small), large: await d.pickings(large) },
      report: new Report(log),
      settings,
      log,
      sqlite: {},
    };
    if (settings.only.includes('ingest')) await measureIngest(ctx);
    if (settings.only.includes('commands')) await measureCommands(ctx);
    if (settings.only.includes('verify')) await measureVerify(ctx);
    db.$client.close();
    if (settings.only.includes('pg')) await onPostgres(ctx, built.path);
    if (settings.only.includes('startup')) await measureStartup(ctx, work);
    const seconds = (performance.now() - t0) / 1000;
    log(
      `\nMeasuring took ${seconds.toFixed(0)} s (building: ${built.buildSeconds.toFixed(0)} s${built.reused ? ', earlier' : ''}).\n`,
    );
    for (const line of ctx.report.benchLines()) log(line);
  } finally {
    removeWork();
  }
}

/** A throwaway PostgreSQL cluster on loopback, the bench database copied in (`db:copy`), then measurePg. */
async function onPostgres(ctx: Ctx, path: string): Promise<void> {
  if (!findPgBin()) {
    ctx.log('\nPostgreSQL: not installed (apt-get install postgresql), so its figures are left out.');
    return;
  }
  const cluster = await startPgCluster();
  try {
    const url = await cluster.createDatabase('bench');
    const t = performance.now();
    await copySqliteToPg({ from: path, to: url, batchSize: 5000 });
    const { pool } = await openPgDatabase(url, 4);
    ctx.log(`PostgreSQL: the bench database copied in ${((performance.now() - t) / 1000).toFixed(0)} s.`);
    const d = pgDriver(pool);
    const [small, large] = shapes(settings.scale);
    await measurePg(ctx, { d, picks: { small: await d.pickings(small), large: await d.pickings(large) } });
    await pool.end();
  } finally {
    await cluster.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
