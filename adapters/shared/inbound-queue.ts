/**
 * Inbound events in arrival order, for any platform. A lone event goes to `core.handle` at once (no
 * timer waits for company); events that piled up while earlier ones were applied (a burst of
 * reactions) go to `core.handleBatch` together: one transaction per community instead of one per
 * event. Effects are handed to the outbound queue only after the event's transaction committed, in
 * arrival order.
 */
import type { BatchResult, Governance, Inbound, Outcome } from '../../src/core/index.js';

/** The most events taken from the queue at once (the core splits longer runs of one community too). */
export const MAX_TAKE = 500;

/** What the platform's event comes to once looked at (its member fetched …): an event, or nothing to do. */
export type Prepare = () => Promise<Inbound | undefined>;

interface Queued {
  /** An event to prepare and apply, or a task to run between events (reconciling at start). */
  prepare?: Prepare;
  task?: () => Promise<void>;
  /** The resolvers of its `Pushed` promises (`performed` and `failed` below settle them). */
  applied: () => void;
  resolve: (p: Promise<void>) => void;
  reject: (err: unknown) => void;
}

/** A resolver's place until the promise's executor fills it (at once). */
const none = (): void => undefined;

/** The item's effects are on their way (`p`): the queue moved past it. */
function performed(item: Queued, p: Promise<void>): void {
  item.applied();
  item.resolve(p);
}

/** Preparing or applying the item threw `err`: the queue moved past it. */
function failed(item: Queued, err: unknown): void {
  item.applied();
  item.reject(err);
}

export interface Pushed {
  /** Resolves (never rejects) once the event was applied, dropped or failed: the queue moved past it. */
  applied: Promise<void>;
  /** Resolves once its effects were performed; rejects with what preparing or applying it threw. */
  performed: Promise<void>;
}

export class InboundQueue {
  private readonly items: Queued[] = [];
  private draining = false;

  constructor(
    private readonly core: Pick<Governance, 'handle' | 'handleBatch'>,
    /** Queues an outcome's effects (the platform's outbound); resolves when they are performed. */
    private readonly perform: (outcome: Outcome) => Promise<void>,
    private readonly maxTake = MAX_TAKE,
  ) {}

  /**
   * Queues an event. `prepare` runs in arrival order, after every event queued before it was prepared
   * (not necessarily applied: events of a batch are prepared first, then applied together), so what it
   * reads from the platform keeps the platform's order.
   */
  push(prepare: Prepare): Pushed {
    return this.enqueue({ prepare });
  }

  /** Runs `task` once everything queued before it is applied, and before anything queued after it. */
  run(task: () => Promise<void>): Pushed {
    return this.enqueue({ task });
  }

  private enqueue(what: Pick<Queued, 'prepare' | 'task'>): Pushed {
    const item: Queued = {
      prepare: what.prepare,
      task: what.task,
      applied: none,
      resolve: none,
      reject: none,
    };
    // Resolvers kept on the item, not wrapped in closures per event: under tsx (esbuild's keepNames)
    // every closure made as an object's property is renamed with Object.defineProperty, which took 3%
    // of a burst's time here.
    const applied = new Promise<void>((r) => (item.applied = r));
    const settled = new Promise<void>((resolve, reject) => {
      item.resolve = resolve;
      item.reject = reject;
    });
    this.items.push(item);
    if (!this.draining) {
      this.draining = true;
      // After the current task: the events it dispatches at once (a burst) are all queued by then.
      queueMicrotask(() => void this.drain());
    }
    return { applied, performed: settled };
  }

  private async drain(): Promise<void> {
    try {
      while (this.items.length > 0) {
        const task = this.items[0]!.task;
        if (task) {
          const item = this.items.shift()!;
          await task().then(
            () => performed(item, Promise.resolve()),
            (err: unknown) => failed(item, err),
          );
          continue;
        }
        await this.applyBatch(this.take());
      }
    } finally {
      this.draining = false;
    }
  }

  /** The events at the head of the queue, up to a task and to `maxTake`. */
  private take(): Queued[] {
    const taken: Queued[] = [];
    while (taken.length < this.maxTake && this.items.length > 0 && !this.items[0]!.task)
      taken.push(this.items.shift()!);
    return taken;
  }

  private async applyBatch(taken: Queued[]): Promise<void> {
    // Each taken event ends as nothing to do, a failure, or the index of its input to the core.
    const ends: (undefined | { failed: unknown } | number)[] = [];
    const inputs: Inbound[] = [];
    for (const item of taken) {
      try {
        const input = await item.prepare!();
        ends.push(input ? inputs.push(input) - 1 : undefined);
      } catch (err) {
        ends.push({ failed: err });
      }
    }
    const results = latestEdits(await this.apply(inputs));
    // Committed: effects go to the outbound queue in arrival order. Nothing is settled before the
    // whole batch is, so a caller waiting for the last event queued knows the ones before it are applied.
    taken.forEach((item, k) => {
      const end = ends[k];
      if (end === undefined) performed(item, Promise.resolve());
      else if (typeof end === 'object') failed(item, end.failed);
      else {
        const r = results[end]!;
        if (r.ok) performed(item, this.perform(r.value));
        else failed(item, r.error);
      }
    });
  }

  /** A lone event through `handle`, exactly as before batching; several through `handleBatch`. */
  private async apply(inputs: Inbound[]): Promise<BatchResult[]> {
    const settle = (p: Promise<Outcome>): Promise<BatchResult> =>
      p.then(
        (value): BatchResult => ({ ok: true, value }),
        (error: unknown): BatchResult => ({ ok: false, error }),
      );
    if (inputs.length === 0) return [];
    if (inputs.length === 1) return [await settle(this.core.handle(inputs[0]!))];
    try {
      return await this.core.handleBatch(inputs);
    } catch (error) {
      return inputs.map(() => ({ ok: false, error }));
    }
  }
}

/**
 * Drops each card edit that a later outcome of the same batch replaces (the same card of the same
 * community): only the newest state of a card matters, and platforms rate-limit edits. The outbound
 * queue skips such edits too, but only among those queued while it is busy; the first edit of a batch
 * would otherwise go out at once, showing the card as the batch's first event left it.
 */
function latestEdits(results: BatchResult[]): BatchResult[] {
  const later = new Set<string>();
  const kept: BatchResult[] = [];
  for (let k = results.length - 1; k >= 0; k--) {
    const r = results[k]!;
    if (!r.ok) {
      kept.push(r);
      continue;
    }
    const { community } = r.value;
    const effects = r.value.effects.filter((e) => {
      if (e.type !== 'update') return true;
      const key = `${community.platform}\u0000${community.id}\u0000${e.cardKey}`;
      if (later.has(key)) return false;
      later.add(key);
      return true;
    });
    // Object.assign, not `{ ...r.value, effects }`: V8 builds a spread followed by a property in its runtime.
    kept.push(
      effects.length === r.value.effects.length
        ? r
        : { ok: true, value: Object.assign({}, r.value, { effects }) },
    );
  }
  return kept.reverse();
}
