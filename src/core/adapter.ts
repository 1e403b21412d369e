import type { Outcome } from './governance.js';
import type { Platform } from './shared/model.js';

/** A platform door: turns platform events into core input and performs the core's effects. */
export interface PlatformAdapter {
  readonly platform: Platform;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Performs the effects of an outcome that did not come from this adapter's own event (deadlines). */
  perform(outcome: Outcome): Promise<void>;
}
