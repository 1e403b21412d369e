/** The parts of a bench run, each printing its table and recording its figures. */
import { performance } from 'node:perf_hooks';
import { Burst } from './burst.js';
import { measureOps, type Samples } from './commands.js';
import type { Driver, Pickings } from './driver.js';
import { coreBlock, rawVoter, reactions } from './ingest.js';
import { median, quantile, type Report } from './report.js';
import type { settings as Settings } from './run.js';
import { startOnce } from './startup.js';
import { Tail } from './tail.js';
import { timeTransactions } from './tx-timer.js';

export interface Ctx {
  d: Driver;
  picks: { small: Pickings; large: Pickings };
  report: Report;
  settings: typeof Settings;
  log: (s: string) => void;
  /** What the SQLite sections measured, for the PostgreSQL table to stand next to. */
  sqlite: { ingest?: number; commands?: Samples };
}

/** Core and raw in alternating blocks (core small, core large, raw, …), then bursts; rates are medians. */
export async function measureIngest(c: Ctx): Promise<void> {
  const { d, picks, settings: s } = c;
  c.log(`\nIngest: ${s.ingestBlocks} blocks of ${2 * s.ingestSize} reactions each way …`);
  const of = (p: Pickings) => reactions(p.pools.ingest, p.reviewCards, s.ingestSize);
  const core = { small: of(picks.small), large: of(picks.large) };
  const raw = rawVoter(d, picks.large);
  const rawVotes = raw.resolve(reactions(picks.large.pools.raw, picks.large.reviewCards, s.ingestSize));
  const rates = { small: [] as number[], large: [] as number[], raw: [] as number[] };
  // Each block starts on a checkpointed WAL, as the checkpoint thread leaves it between bursts. A block
  // writes 2,750 (raw) to 3,750 (core) WAL pages and the loop never pauses for the thread, so the app's
  // backstop checkpoint (10,000 pages, ~25 ms) would land every third block or so, in a phase fixed by
  // the round (three blocks ≈ 10,000 pages): on raw's blocks in one run, on the core's in the next.
  const settled = <T>(block: () => T): T => {
    d.sqlite!.$client.pragma('wal_checkpoint(PASSIVE)');
    return block();
  };
  for (let b = -1; b < s.ingestBlocks; b++) {
    // Block -1 warms up and is not kept.
    const r = {
      small: await settled(() => coreBlock(d, picks.small, core.small)),
      large: await settled(() => coreBlock(d, picks.large, core.large)),
      raw: settled(() => raw.block(rawVotes)),
    };
    if (b >= 0) for (const k of ['small', 'large', 'raw'] as const) rates[k].push(r[k]);
  }
  const m = { small: median(rates.small), large: median(rates.large), raw: median(rates.raw) };
  c.sqlite.ingest = m.large;

  c.log(
    `Burst: ${s.burstWarmup} + ${s.bursts} × (1,000 added, then 1,000 removed) through the Discord adapter …`,
  );
  const burst = new Burst(d);
  const all = reactions(picks.large.pools.ingest, picks.large.reviewCards, 1000);
  const adds = all.filter((r) => r.added);
  const removes = all.filter((r) => !r.added);
  // The first pairs run while V8 still compiles the batch path (the core blocks above warmed only what
  // a lone event runs): measured on this machine, bursts reach their steady rate after about 6,000
  // events. Those pairs are reported apart (`ingest.burst.warming`), not mixed into the steady rate.
  const warming: number[] = [];
  const bursts: number[] = [];
  for (let b = -s.burstWarmup; b < s.bursts; b++) {
    const pair = [await burst.run(picks.large, adds), await burst.run(picks.large, removes)];
    (b >= 0 ? bursts : warming).push(...pair);
  }
  await burst.close();
  const burstRate = median(bursts);
  const warmingRate = warming.length > 0 ? median(warming) : undefined;

  c.report.table(
    'Reaction ingest (reactions per second, median of blocks)',
    ['path', 'small', 'large', '÷ raw (large)'],
    [
      ['core.handle, one event per transaction', m.small, m.large, m.large / m.raw],
      ['raw better-sqlite3, one transaction per vote', '', m.raw, 1],
      ['burst of 1,000 through the Discord adapter', '', burstRate, burstRate / m.raw],
      ...(warmingRate === undefined
        ? []
        : [['… its first bursts, while V8 compiles the batch path', '', warmingRate, warmingRate / m.raw]]),
    ],
  );
  c.report.figure('ingest.core', m.large, 'reactions/s');
  c.report.figure('ingest.raw', m.raw, 'votes/s');
  c.report.figure('ingest.ratio', m.large / m.raw, 'x');
  c.report.figure('ingest.burst', burstRate, 'reactions/s');
  c.report.figure('ingest.burst.ratio', burstRate / m.raw, 'x');
  if (warmingRate !== undefined) c.report.figure('ingest.burst.warming', warmingRate, 'reactions/s');
}

export async function measureCommands(c: Ctx): Promise<void> {
  const s = c.settings;
  c.log(`\nCommands: ${s.blocks} blocks of up to ${s.rounds} rounds (≤ ${s.blockSeconds} s) per size …`);
  const tail = process.env.BENCH_TRACE ? new Tail(c.d.sqlite!.$client.name) : undefined;
  const samples = await measureOps(c.d, c.picks, s, undefined, c.log, tail);
  await tail?.report(c.log, Number(process.env.BENCH_TRACE_MS ?? 3));
  c.sqlite.commands = samples;
  const rows: (string | number)[][] = [];
  for (const [op, { small, large }] of samples) {
    const p50 = { small: median(small), large: median(large) };
    const p99 = quantile(large, 0.99);
    rows.push([
      op,
      p50.small,
      quantile(small, 0.99),
      p50.large,
      p99,
      p50.large / p50.small,
      `${small.length}/${large.length}`,
    ]);
    const name = op === 'digest' ? 'digest' : `cmd.${op}`;
    c.report.figure(`${name}.p50`, p50.large, 'ms');
    if (op !== 'digest') c.report.figure(`${name}.p99`, p99, 'ms');
    c.report.figure(`${name}.ratio`, p50.large / p50.small, 'x');
  }
  c.report.table(
    'Commands through core.handle (ms; suggest is core.suggest)',
    ['op', 'small p50', 'small p99', 'large p50', 'large p99', 'large÷small', 'samples'],
    rows,
  );
}

/** `/commons verify` on each community, every transaction on the connection timed (see tx-timer.ts). */
export async function measureVerify(c: Ctx): Promise<void> {
  const rows: (string | number)[][] = [];
  for (const key of ['small', 'large'] as const) {
    const p = c.picks[key];
    c.log(`Verify: ${key} …`);
    const timer = timeTransactions(c.d.sqlite!.$client);
    const t = performance.now();
    const out = await c.d.command(p.shape, 1, '/commons verify');
    const total = performance.now() - t;
    const tx = timer.stop();
    const text = out.reply?.text ?? out.error?.message ?? '';
    if (!text.startsWith('Audit chain intact'))
      throw new Error(`verify of the ${key} community failed:\n${text}`);
    const longest = Math.max(...tx);
    const events = /(\d+) events/.exec(text)?.[1] ?? '?';
    // Which transaction: #1 is the command's own, the rest are the pages read after it.
    const which = `#${tx.indexOf(longest) + 1}`;
    rows.push([key, events, total / 1000, tx.length, median(tx), longest, which]);
    if (key === 'large') c.report.figure('verify.blocks', longest, 'ms');
  }
  c.report.table(
    '/commons verify: every transaction it opens, timed from BEGIN to COMMIT',
    ['size', 'events', 'total s', 'transactions', 'median ms', 'longest ms', 'longest is'],
    rows,
  );
}

export async function measureStartup(c: Ctx, dbPath: string): Promise<void> {
  c.log(`\nStart-up: 1 warm-up and ${c.settings.startups} starts of the console on the full database …`);
  await startOnce(dbPath);
  const runs = [];
  for (let i = 0; i < c.settings.startups; i++) runs.push(await startOnce(dbPath));
  const seconds = median(runs.map((r) => r.seconds));
  const rss = Math.max(...runs.map((r) => r.rssMb));
  c.report.table(
    'Console start-up (tsx src/main.ts) to its prompt',
    ['run', 'seconds', 'peak RSS MB'],
    [...runs.map((r, i) => [`#${i + 1}`, r.seconds, r.rssMb]), ['median / max', seconds, rss]],
  );
  c.report.figure('startup', seconds, 's');
  c.report.figure('rss', rss, 'MB');
}

/**
 * The hot paths again on PostgreSQL over loopback (a throwaway cluster holding a copy of the same
 * database), next to SQLite's figures of this run: reaction ingest through `core.handle` and the
 * commands at full size. The raw baseline and verify's transaction timing stay SQLite's.
 */
export async function measurePg(c: Ctx, pgCtx: Pick<Ctx, 'd' | 'picks'>): Promise<void> {
  const { d, picks } = pgCtx;
  const s = c.settings;
  c.log(`\nPostgreSQL: ingest (${s.ingestBlocks} blocks) and commands …`);
  const reacts = reactions(picks.large.pools.ingest, picks.large.reviewCards, s.ingestSize);
  const rates: number[] = [];
  for (let b = -1; b < s.ingestBlocks; b++) {
    const r = await coreBlock(d, picks.large, reacts);
    if (b >= 0) rates.push(r);
  }
  const ingest = median(rates);
  const samples = await measureOps(d, picks, s, undefined, c.log);
  const rows: (string | number)[][] = [
    ['ingest (reactions/s)', c.sqlite.ingest ?? NaN, ingest, ingest / (c.sqlite.ingest ?? NaN), ''],
  ];
  c.report.figure('pg.ingest.core', ingest, 'reactions/s');
  for (const [op, { small, large }] of samples) {
    const lite = c.sqlite.commands?.get(op)?.large ?? [];
    const p50 = median(large);
    rows.push([`${op} p50 ms`, median(lite), p50, p50 / median(lite), quantile(large, 0.99)]);
    const name = op === 'digest' ? 'pg.digest' : `pg.cmd.${op}`;
    c.report.figure(`${name}.p50`, p50, 'ms');
    c.report.figure(`${name}.ratio`, p50 / median(small), 'x');
  }
  c.report.table(
    'SQLite and PostgreSQL (loopback), full size: the same core, the same data',
    ['hot path', 'SQLite', 'PostgreSQL', 'PG ÷ SQLite', 'PG p99'],
    rows,
  );
}
