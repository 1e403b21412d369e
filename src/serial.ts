/**
 * A queue that runs async work one after another, in the order it was given: the storage's units on
 * its one SQLite connection, each community's units in the core, the scheduler's ticks. A work starts
 * at once when nothing is pending (no promise or microtask turn spent on waiting), else once the work
 * before it has settled, whether that succeeded or failed.
 */
export class Serial {
  private tail: Promise<void> = Promise.resolve();
  private pending = 0;

  /** `idle` runs whenever the last pending work has settled (e.g. to forget the queue). */
  constructor(private readonly idle?: () => void) {}

  run<T>(work: () => Promise<T>): Promise<T> {
    const start = () => work();
    const next = this.pending++ === 0 ? start() : this.tail.then(start, start);
    this.tail = next.then(this.settle, this.settle);
    return next;
  }

  /** Settles once every work given so far has. */
  settled(): Promise<void> {
    return this.tail;
  }

  private readonly settle = (): void => {
    if (--this.pending === 0) this.idle?.();
  };
}
