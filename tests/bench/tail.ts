/**
 * BENCH_TRACE=1: what the slow command samples have in common. For each timed sample it notes the GC
 * pauses that fell inside it (perf_hooks 'gc' entries) and whether SQLite checkpointed the WAL during it
 * (nBackfill, read from the -shm file's checkpoint info before and after), then prints every sample
 * slower than BENCH_TRACE_MS (default 3) with those causes.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { PerformanceObserver, performance } from 'node:perf_hooks';

interface Sample {
  op: string;
  size: string;
  i: number;
  start: number;
  ms: number;
  walBefore: [number, number];
  walAfter: [number, number];
  /** The main thread's [on-CPU, waiting for a CPU] ns (Linux schedstat), before and after. */
  schedBefore: [number, number];
  schedAfter: [number, number];
}

export class Tail {
  private readonly gcs: { start: number; ms: number; kind: number }[] = [];
  private readonly samples: Sample[] = [];
  private readonly obs: PerformanceObserver;
  private fd: number | undefined;

  constructor(dbPath: string) {
    this.obs = new PerformanceObserver((list) => {
      for (const e of list.getEntries())
        this.gcs.push({
          start: e.startTime,
          ms: e.duration,
          kind: (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0,
        });
    });
    this.obs.observe({ entryTypes: ['gc'] });
    try {
      this.fd = openSync(`${dbPath}-shm`, 'r');
    } catch {
      this.fd = undefined;
    }
  }

  /** [mxFrame, nBackfill] of the WAL index. */
  wal(): [number, number] {
    if (this.fd === undefined) return [0, 0];
    const b = Buffer.alloc(104);
    readSync(this.fd, b, 0, 104, 0);
    return [b.readUInt32LE(16), b.readUInt32LE(96)];
  }

  record(s: Sample): void {
    this.samples.push(s);
  }

  /** [on-CPU, waiting for a CPU] ns of the main thread, or zeros where Linux does not say. */
  sched(): [number, number] {
    try {
      const [run, wait] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ');
      return [Number(run), Number(wait)];
    } catch {
      return [0, 0];
    }
  }

  async report(log: (s: string) => void, slowMs: number): Promise<void> {
    await new Promise((r) => setTimeout(r, 50));
    this.obs.disconnect();
    if (this.fd !== undefined) closeSync(this.fd);
    const slow = this.samples.filter((s) => s.ms >= slowMs);
    log(`\nTail: ${slow.length} of ${this.samples.length} samples ≥ ${slowMs} ms`);
    const kinds: Record<number, string> = { 1: 'minor', 2: 'major', 4: 'incr', 8: 'weak', 16: 'full' };
    let gcMs = 0;
    let ckpt = 0;
    for (const s of slow) {
      const gc = this.gcs.filter((g) => g.start < s.start + s.ms && g.start + g.ms > s.start);
      const inGc = gc.reduce((a, g) => a + g.ms, 0);
      const checkpointed = s.walAfter[1] !== s.walBefore[1];
      gcMs += inGc;
      if (checkpointed) ckpt++;
      log(
        `  ${s.op.padEnd(9)} ${s.size.padEnd(5)} #${String(s.i).padEnd(4)} ${s.ms.toFixed(2).padStart(7)} ms` +
          `  gc ${inGc.toFixed(2)} ms ${gc.map((g) => kinds[g.kind] ?? g.kind).join(',')}` +
          `  cpu ${((s.schedAfter[0] - s.schedBefore[0]) / 1e6).toFixed(2)} ms, runqueue ${((s.schedAfter[1] - s.schedBefore[1]) / 1e6).toFixed(2)} ms` +
          `  wal ${s.walBefore.join('/')} → ${s.walAfter.join('/')}${checkpointed ? '  ckpt' : ''}`,
      );
    }
    const allCkpt = this.samples.filter((s) => s.walAfter[1] !== s.walBefore[1]).length;
    log(
      `  slow samples: ${ckpt} with a checkpoint (of ${allCkpt} samples with one), ${gcMs.toFixed(1)} ms of GC inside them; ` +
        `GC total ${this.gcs.reduce((a, g) => a + g.ms, 0).toFixed(0)} ms in ${this.gcs.length} pauses`,
    );
  }

  now(): number {
    return performance.now();
  }
}
