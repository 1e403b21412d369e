/** The core's effects performed one at a time, in order, for any platform. */
import type { CommunityRef, Effect, Outcome } from '../../src/core/index.js';

/** The effect of one type, for a platform's function that performs only that type. */
export type EffectOf<T extends Effect['type']> = Extract<Effect, { type: T }>;

/** Performs one effect on the platform. */
export type RunEffect = (community: CommunityRef, effect: Effect) => Promise<void>;

/** One function per kind of effect: a platform that leaves a kind out does not compile. */
export type EffectHandlers = {
  [T in Effect['type']]: (community: CommunityRef, effect: EffectOf<T>) => Promise<void>;
};

/** A RunEffect that sends each effect to the handler of its kind. */
export function byKind(handlers: EffectHandlers): RunEffect {
  return (community, effect) =>
    (handlers[effect.type] as (c: CommunityRef, e: Effect) => Promise<void>)(community, effect);
}

/** Told when an effect could not be performed, with the reason, so the member who caused it hears of it. */
export type EffectFailed = (effect: Effect, why: string) => void;

/**
 * An ordered queue of effects. A card edit that a later queued edit of the same card replaces is
 * skipped: platforms rate-limit edits, and only the newest state of a card matters. A failed effect is
 * reported and the queue goes on, so one refused call does not hold back the rest.
 */
export class EffectQueue {
  private queue: { community: CommunityRef; effect: Effect; onFail?: EffectFailed }[] = [];
  private draining?: Promise<void>;

  constructor(
    private readonly run: RunEffect,
    private readonly onError: (err: unknown, effect: Effect) => void,
  ) {}

  /**
   * Queues an outcome's effects; resolves when they (and all queued before) are done. `onFail` hears of
   * each of them that failed.
   */
  perform(outcome: Outcome, onFail?: EffectFailed): Promise<void> {
    for (const effect of outcome.effects) this.queue.push({ community: outcome.community, effect, onFail });
    // A drain with something to do awaits at least one platform call (the last queued effect is never
    // skipped), so it is not over before `draining` is set here; it clears `draining` itself the moment
    // it finds the queue empty, so an effect queued right after starts the next drain. (It used to be
    // cleared a step later, by a `finally` callback: an outcome queued in between, as after one with
    // no effects, waited forever.)
    if (!this.draining && this.queue.length > 0) this.draining = this.drain();
    return this.draining ?? Promise.resolve();
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const { community, effect, onFail } = this.queue.shift()!;
        if (effect.type === 'update' && this.superseded(community, effect.cardKey)) continue;
        try {
          await this.run(community, effect);
        } catch (err) {
          this.onError(err, effect);
          onFail?.(effect, err instanceof Error ? err.message : String(err));
        }
      }
    } finally {
      // In the same step as the last check of the queue: nothing can be queued in between unseen.
      this.draining = undefined;
    }
  }

  private superseded(community: CommunityRef, cardKey: string): boolean {
    return this.queue.some(
      (q) =>
        q.effect.type === 'update' &&
        q.effect.cardKey === cardKey &&
        q.community.platform === community.platform &&
        q.community.id === community.id,
    );
  }
}
