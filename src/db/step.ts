/**
 * Steps: code of a unit of work written once for both dialects that runs synchronously on SQLite.
 *
 * A step is a generator that yields only what it has to wait for: a PostgreSQL query's promise. On
 * SQLite a prepared query answers at once (`exec` in prepared.ts returns without yielding), so a unit
 * made of steps runs to its end in one call. Written as `async` functions, the same code allocated a
 * promise per call and per `await` (about 300 bytes each, measured) and spent a microtask turn on each,
 * though nothing ever waited: 40 to 77 promises per reaction, most of what a reaction cost beyond its
 * SQL. Call a step from a step with `yield*`; run one from async code with `await run(step)`.
 */
export type Step<T> = Generator<PromiseLike<unknown>, T, unknown>;

/**
 * Runs a step to its end: its value at once when it never waited (SQLite), else a promise of it. What
 * it throws is thrown (synchronously, when it had not waited yet): inside an async function both reach
 * the caller as a rejection.
 */
export function run<T>(step: Step<T>): T | Promise<T> {
  const r = step.next();
  return r.done ? r.value : resume(step, r.value);
}

/** Runs the rest of a step that waits for `waiting`, handing each awaited value (or error) back to it. */
async function resume<T>(step: Step<T>, waiting: PromiseLike<unknown>): Promise<T> {
  for (;;) {
    let value: unknown;
    let failed = false;
    try {
      value = await waiting;
    } catch (error) {
      failed = true;
      value = error;
    }
    const r = failed ? step.throw(value) : step.next(value);
    if (r.done) return r.value;
    waiting = r.value;
  }
}

/** Waits inside a step for async work that is not a step (yet): `yield* wait(f())`. */
export function* wait<T>(work: PromiseLike<T>): Step<T> {
  return (yield work) as T;
}
