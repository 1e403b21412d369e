/**
 * WAL checkpoints off the event loop (issue 12). SQLite's auto-checkpoint runs inside the COMMIT that
 * takes the WAL past 1,000 pages: the committing connection copies the WAL into the database there and
 * then, several milliseconds on the event loop (better-sqlite3 is synchronous), among the slowest command
 * samples of the bench. So the app's connection checkpoints only as a backstop (`wal_autocheckpoint` =
 * `backstopPages`, far above what the WAL reaches normally) and a worker thread checkpoints from its own
 * connection to the same file (at normal priority: a niced worker preempted while it holds SQLite's
 * checkpoint lock kept the backstop from running too, and the WAL grew to hundreds of MB):
 *
 * - every `intervalMs`, a PASSIVE checkpoint (copies what it can without waiting for, or blocking,
 *   readers and writers; nearly free when there is nothing to copy). When it completes, the next
 *   write starts the WAL from its beginning again, so the WAL file stops growing;
 * - when writes keep every PASSIVE one short of complete and the WAL reaches `restartPages`, a RESTART
 *   right after the PASSIVE one (which left only the last few pages), if it gets the write lock at once:
 *   it completes, and the next write restarts the WAL;
 * - when the WAL file is larger than `truncateBytes` and no page was added since the last tick, a
 *   TRUNCATE shrinks the file again.
 *
 * A stream of writes that never leaves the worker a moment can still keep it from completing: then the
 * app's connection checkpoints itself at `backstopPages`, as SQLite always did (only later), so the WAL
 * never grows without bound.
 *
 * The worker stops when the connection closes (the returned `stop`, called by `openDatabase`'s close):
 * it closes its connection first, then the app's connection checkpoints what is left and closes (the
 * last connection to a file also removes the WAL). Several processes on one file each run their own
 * checkpointer; SQLite serialises checkpoints, and none of them waits on another. The worker is
 * unref'd: it never keeps a process alive.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface CheckpointOptions {
  /** How often the worker looks at the WAL (ms). */
  intervalMs?: number;
  /** WAL size (pages) past which a checkpoint also holds writers off briefly to complete. */
  restartPages?: number;
  /** WAL file size (bytes) past which an idle WAL is truncated. */
  truncateBytes?: number;
  /** WAL size (pages) at which the app's own connection checkpoints after all (`wal_autocheckpoint`). */
  backstopPages?: number;
  /**
   * How long after opening the worker starts (ms; 0: at once). A timer, so it needs the event loop to
   * turn: a process that only ever runs promise chains (the bench's command loop) never starts it.
   */
  startDelayMs?: number;
}

export interface Checkpointer {
  /** Stops the worker and waits (briefly) until its connection is closed. Idempotent. */
  stop(): void;
  /** The worker's thread once started, for tests. */
  readonly worker: Worker | undefined;
  /** How many RESTART checkpoints (which hold writers off) the worker has run, for tests. */
  readonly restarts: number;
}

export const checkpointDefaults: Required<CheckpointOptions> = {
  intervalMs: 200,
  restartPages: 2000,
  truncateBytes: 64 * 1024 * 1024,
  backstopPages: 10_000,
  startDelayMs: 0,
};

// state[0]: 0 starting, 1 running (connection open), 2 stop asked, 3 stopped (connection closed);
// state[1]: RESTART checkpoints run.
const STARTING = 0;
const RUNNING = 1;
const STOP = 2;
const STOPPED = 3;

/**
 * The worker's code, plain CommonJS (eval'd: no TypeScript loader in the thread). It blocks on
 * Atomics.wait between ticks, so a stop wakes it at once.
 */
const workerSource = `
const { workerData } = require('node:worker_threads');
const { statSync } = require('node:fs');
const Database = require(workerData.betterSqlite3);
const state = new Int32Array(workerData.state);
const { path, intervalMs, restartPages, truncateBytes } = workerData;
if (Atomics.compareExchange(state, 0, ${STARTING}, ${RUNNING}) === ${STARTING}) {
  let db;
  try {
    db = new Database(path, { fileMustExist: true });
    db.pragma('busy_timeout = 0'); // never wait: the next tick tries again
    let lastLog = -1;
    while (Atomics.wait(state, 0, ${RUNNING}, intervalMs) === 'timed-out') {
      try {
        const [r] = db.pragma('wal_checkpoint(PASSIVE)');
        if (r.log >= restartPages && r.checkpointed < r.log) {
          // Waits (briefly) for the app's write unit in progress, then holds writers off while it copies
          // the few pages the PASSIVE one left: the next write starts the WAL again. Not when the
          // PASSIVE one copied everything: the next write starts the WAL again by itself then, and a
          // RESTART would take the write lock on every tick until that write, which then waits in SQLite's
          // busy handler (sleeps of 1, 2, 5 … ms) if it comes just then.
          db.pragma('busy_timeout = 50');
          try { db.pragma('wal_checkpoint(RESTART)'); Atomics.add(state, 1, 1); } finally { db.pragma('busy_timeout = 0'); }
        }
        else if (r.log === r.checkpointed && r.log === lastLog) {
          let size = 0;
          try { size = statSync(path + '-wal').size; } catch {}
          if (size > truncateBytes) db.pragma('wal_checkpoint(TRUNCATE)');
        }
        lastLog = r.log;
      } catch {
        // Busy or locked: the next tick tries again.
      }
    }
  } catch {
    // The file went away or cannot be opened: nothing to checkpoint.
  } finally {
    try { db && db.close(); } catch {}
    Atomics.store(state, 0, ${STOPPED});
    Atomics.notify(state, 0);
  }
}
`;

let betterSqlite3: string | undefined;

/** Starts the checkpointer of the SQLite file at `path` (which the caller opened in WAL mode). */
export function startCheckpointer(path: string, options: CheckpointOptions = {}): Checkpointer {
  betterSqlite3 ??= createRequire(import.meta.url).resolve('better-sqlite3');
  const settings = { ...checkpointDefaults, ...options };
  // [the worker's state, how many RESTART checkpoints it ran]
  const state = new Int32Array(new SharedArrayBuffer(8));
  let worker: Worker | undefined;
  const start = () => {
    if (Atomics.load(state, 0) !== STARTING) return;
    worker = new Worker(workerSource, {
      eval: true,
      workerData: { ...settings, path, betterSqlite3, state: state.buffer },
    });
    worker.unref();
    worker.on('error', () => undefined); // a checkpointer that dies leaves the WAL to the backstop
  };
  let timer: NodeJS.Timeout | undefined;
  if (settings.startDelayMs <= 0) start();
  else (timer = setTimeout(start, settings.startDelayMs)).unref();
  return {
    get worker() {
      return worker;
    },
    get restarts() {
      return Atomics.load(state, 1);
    },
    stop() {
      clearTimeout(timer);
      const was = Atomics.exchange(state, 0, STOP);
      if (was === RUNNING) {
        Atomics.notify(state, 0);
        // A checkpoint in progress finishes first (milliseconds); never wait long on the event loop.
        const until = Date.now() + 2000;
        while (Atomics.load(state, 0) !== STOPPED && Date.now() < until) Atomics.wait(state, 0, STOP, 50);
      }
      Atomics.store(state, 0, STOPPED);
      void worker?.terminate();
    },
  };
}
