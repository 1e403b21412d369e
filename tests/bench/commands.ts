/**
 * Command latencies at both sizes, in interleaved blocks (small, large, small, large …) so drift of the
 * machine (caches, frequency, the WAL growing) falls on both alike. Only the timed step runs inside the
 * clock; set-up (claiming before a submit) and clean-up (unclaiming after) run untimed, so the state
 * stays what the builder made, whatever the number of rounds.
 */
import { performance } from 'node:perf_hooks';
import type { Driver, Pickings } from './driver.js';
import type { Tail } from './tail.js';

export interface Op {
  name: string;
  before?(d: Driver, p: Pickings, i: number): Promise<void>;
  /** The timed step. */
  run(d: Driver, p: Pickings, i: number): Promise<unknown>;
  after?(d: Driver, p: Pickings, i: number, result: unknown): Promise<void>;
}

const at = <T>(xs: T[], i: number): T => {
  if (xs.length === 0) throw new Error('the bench database has nothing to pick from');
  return xs[i % xs.length]!;
};
/** A spread of numbers 1..n in a fixed scattered order. */
const scatter = (i: number, n: number) => 1 + ((i * 7919) % n);
const performed = (d: Driver, p: Pickings, _i: number, out: unknown) =>
  d.perform(p.shape, out as Awaited<ReturnType<Driver['command']>>);
const command = (
  name: string,
  line: (p: Pickings, i: number) => string,
  who?: (p: Pickings, i: number) => number,
): Op => ({
  name,
  run: (d, p, i) => d.command(p.shape, who ? who(p, i) : scatter(i, p.shape.members), line(p, i)),
  after: (d, p, i, out) => performed(d, p, i, out),
});

/** What autocomplete sees while someone types (each keystroke is one `suggest`). */
const KEYSTROKES = [
  'g',
  'gu',
  'gui',
  'guid',
  'guide',
  'b',
  'bu',
  'bud',
  'budget',
  '1',
  '12',
  '123',
  'part 9',
];

export const ops: Op[] = [
  command('post', (_p, i) => `/task post Bench task ${i} skills:docs,code`),
  {
    name: 'claim',
    run: (d, p, i) => d.command(p.shape, at(p.pools.claim, i), `/task claim ${at(p.openTasks, i)}`),
    after: async (d, p, i, out) => {
      await performed(d, p, i, out);
      await d.ok(p.shape, at(p.pools.claim, i), `/task unclaim ${at(p.openTasks, i)}`);
    },
  },
  {
    name: 'submit',
    before: (d, p, i) => d.ok(p.shape, at(p.pools.submit, i), `/task claim ${at(p.openTasks, i + 7)}`),
    run: (d, p, i) =>
      d.command(
        p.shape,
        at(p.pools.submit, i),
        `/task submit ${at(p.openTasks, i + 7)} link:https://example.org/bench/${i}`,
      ),
    after: async (d, p, i, out) => {
      await performed(d, p, i, out);
      // The last claimant leaving withdraws the submission: the task is open again.
      await d.ok(p.shape, at(p.pools.submit, i), `/task unclaim ${at(p.openTasks, i + 7)}`);
    },
  },
  command('list', () => '/task list'),
  command('show', (p, i) => `/task show ${scatter(i, p.shape.tasks)}`),
  command(
    'vote',
    (p, i) => `/vote ${at(p.openProposals, i)} ${i % 2 ? 'yes' : 'abstain'}`,
    (p, i) => at(p.pools.vote, i),
  ),
  // Each member's own profile: contributions, reviews and votes counted over the whole history.
  command('profile', () => '/commons profile'),
  command('ledger', () => '/commons ledger'),
  command('proposals', () => '/proposal list'),
  {
    name: 'suggest',
    run: (d, p, i) => d.core.suggest(p.shape.ref, 'task', at(KEYSTROKES, i)),
  },
  command('digest', () => '/digest now'),
];

export interface OpConfig {
  blocks: number;
  rounds: number;
  warmup: number;
  /** Most time one block of one op may take at one size; slow ops get fewer rounds. */
  blockSeconds: number;
}

export type Samples = Map<string, { small: number[]; large: number[] }>;

async function once(d: Driver, op: Op, p: Pickings, i: number, tail?: Tail, size = ''): Promise<number> {
  await op.before?.(d, p, i);
  const walBefore = tail?.wal() ?? [0, 0];
  const schedBefore = tail?.sched() ?? [0, 0];
  const t = performance.now();
  const result = await op.run(d, p, i);
  const ms = performance.now() - t;
  if (tail)
    tail.record({
      ...{ op: op.name, size, i, start: t, ms, walBefore, walAfter: tail.wal() },
      ...{ schedBefore, schedAfter: tail.sched() },
    });
  await op.after?.(d, p, i, result);
  return ms;
}

/** Runs each op warm-up first (untimed), then in blocks alternating the small and the large community. */
export async function measureOps(
  d: Driver,
  picks: { small: Pickings; large: Pickings },
  cfg: OpConfig,
  list: Op[] = ops,
  log: (s: string) => void = () => undefined,
  tail?: Tail,
): Promise<Samples> {
  const samples: Samples = new Map();
  for (const op of list) {
    const s = { small: [] as number[], large: [] as number[] };
    const next = { small: 0, large: 0 };
    for (const key of ['small', 'large'] as const) {
      const end = performance.now() + cfg.blockSeconds * 1000;
      for (let w = 0; w < cfg.warmup && performance.now() < end; w++)
        await once(d, op, picks[key], next[key]++);
    }
    for (let b = 0; b < cfg.blocks; b++) {
      for (const key of ['small', 'large'] as const) {
        const end = performance.now() + cfg.blockSeconds * 1000;
        for (let r = 0; r < cfg.rounds && (r === 0 || performance.now() < end); r++)
          s[key].push(await once(d, op, picks[key], next[key]++, tail, key));
      }
    }
    samples.set(op.name, s);
    log(`  ${op.name}: ${s.small.length} + ${s.large.length} samples`);
  }
  return samples;
}
