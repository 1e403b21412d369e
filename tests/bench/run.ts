/**
 * `npm run bench`: median latency of the core's hot paths on a real SQLite file (WAL), for a small
 * and a large community side by side in one run; the ratio shows whether indexes keep them flat.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { makeCore, type Harness } from '../helpers/core.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 300);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** A community with `tasks` tasks, a third claimed, and open submissions to vote on. */
function seed(h: Harness, tasks: number): void {
  const tx = h.db.$client.transaction(() => {
    for (let i = 1; i <= tasks; i++) h.ok(`poster${i % 50}`, `/task post Task number ${i} skills:s${i % 20}`);
  });
  tx();
  h.ok('alice', '/commons setup claims.maxOpen=100 review.approvals=50');
  for (let i = 1; i <= Math.min(tasks, 3000); i += 3) h.ok(`worker${i % 90}`, `/task claim ${i}`);
}

type Op = (h: Harness, i: number) => void;

const ops: Record<string, Op> = {
  'task post': (h, i) => h.ok('bench', `/task post Bench task ${i} skills:docs`),
  'task claim + unclaim': (h, i) => {
    const n = 2 + 3 * (i % 30);
    h.ok('claimer', `/task claim ${n}`);
    h.ok('claimer', `/task unclaim ${n}`);
  },
  // Work grows with the matches (5 of 100 tasks vs 500 of 10,000), not with the community.
  'task list skill (1/20)': (h) => h.ok('bench', '/task list skill:s7'),
  'reaction add + remove': (h, i) => {
    h.react(`voter${i % 40}`, 'submission:1', '✅');
    h.unreact(`voter${i % 40}`, 'submission:1', '✅');
  },
  'commons ledger': (h) => h.ok('bench', '/commons ledger'),
  // Sections load a bounded number of rows plus counts, so this grows with the board only through counts.
  'digest now': (h) => h.ok('bench', '/digest now'),
};

const WARMUP = 50;

function measure(h: Harness, op: Op): number {
  // Untimed first rounds, so the JIT warms up before either community is timed.
  for (let i = 0; i < WARMUP; i++) op(h, ROUNDS + i);
  const times: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t = performance.now();
    op(h, i);
    times.push(performance.now() - t);
  }
  return median(times);
}

const dir = mkdtempSync(join(tmpdir(), 'ostrom-bench-'));
try {
  const sizes = [100, 10_000];
  const harnesses = sizes.map((n) => {
    const h = makeCore({ path: join(dir, `bench-${n}.db`) });
    seed(h, n);
    h.ok('worker1', '/task submit 1 link:https://example.org/1');
    return h;
  });
  console.log(`Ostrom core benchmark: median of ${ROUNDS} rounds per operation, SQLite file in WAL mode`);
  console.log(
    `${'operation'.padEnd(24)}${sizes.map((n) => `${n} tasks`.padStart(14)).join('')}${'ratio'.padStart(10)}`,
  );
  for (const [name, op] of Object.entries(ops)) {
    const [small, large] = harnesses.map((h) => measure(h, op)) as [number, number];
    console.log(
      `${name.padEnd(24)}${[small, large].map((ms) => `${(ms * 1000).toFixed(0)} µs`.padStart(14)).join('')}${`${(large / small).toFixed(2)}×`.padStart(10)}`,
    );
  }
  for (const h of harnesses) h.db.$client.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
