/** Polls the deadline rows and hands each outcome to the adapter of its platform. */
import type { Governance, Outcome, PlatformAdapter } from '../core/index.js';
import type { Logger } from '../log.js';

export interface Scheduler {
  /** Runs what is due now; resolves when its effects were performed. */
  tick(): Promise<number>;
  stop(): void;
}

export function startScheduler(core: Governance, adapters: PlatformAdapter[], log: Logger, intervalMs = 15_000): Scheduler {
  let running: Promise<number> | undefined;
  const tick = (): Promise<number> => {
    running ??= (async () => {
      try {
        // Read at each tick: adapters may be added after the scheduler starts.
        const byPlatform = new Map(adapters.map((a) => [a.platform, a]));
        const outcomes: Outcome[] = core.runDue([...byPlatform.keys()]);
        for (const o of outcomes) await byPlatform.get(o.community.platform)?.perform(o);
        return outcomes.length;
      } finally {
        running = undefined;
      }
    })();
    return running;
  };
  const timer = setInterval(() => {
    tick().catch((err: unknown) => log.error({ err }, 'scheduled deadlines failed'));
  }, intervalMs);
  timer.unref();
  return { tick, stop: () => clearInterval(timer) };
}
