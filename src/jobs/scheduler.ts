/** Polls the deadline rows and hands each outcome to the adapter of its platform. */
import type { Governance, Outcome, Platform, PlatformAdapter } from '../core/index.js';
import type { Logger } from '../log.js';
import { Serial } from '../serial.js';

export interface Scheduler {
  /** Runs what is due now; resolves when its effects were performed. */
  tick(): Promise<number>;
  stop(): void;
}

/** Hands each outcome to the adapter of its platform. */
async function performAll(
  outcomes: Outcome[],
  byPlatform: Map<Platform, PlatformAdapter>,
  log: Logger,
): Promise<void> {
  // Each outcome is committed: one that cannot be performed must not keep the others from theirs.
  for (const o of outcomes) {
    try {
      await byPlatform.get(o.community.platform)?.perform(o);
    } catch (err) {
      log.error(
        { err, platform: o.community.platform, community: o.community.id, effects: o.effects.length },
        'the effects of a deadline could not be performed (its outcome is recorded; the platform does not show it)',
      );
    }
  }
}

export function startScheduler(
  core: Governance,
  adapters: PlatformAdapter[],
  log: Logger,
  intervalMs = 15_000,
): Scheduler {
  // Ticks run one after another, never interleaved: each waits for the one before it.
  const ticks = new Serial();
  const runOnce = async (): Promise<number> => {
    // Read at each tick: adapters may be added after the scheduler starts.
    const byPlatform = new Map(adapters.map((a) => [a.platform, a]));
    const outcomes: Outcome[] = await core.runDue([...byPlatform.keys()]);
    await performAll(outcomes, byPlatform, log);
    return outcomes.length;
  };
  const tick = (): Promise<number> => ticks.run(runOnce);
  const timer = setInterval(() => {
    tick().catch((err: unknown) => log.error({ err }, 'scheduled deadlines failed'));
  }, intervalMs);
  timer.unref();
  return { tick, stop: () => clearInterval(timer) };
}
