import { describe, expect, it } from 'vitest';
import { EffectQueue } from '../../adapters/shared/effect-queue.js';
import type { CommunityRef, Effect, View } from '../../src/core/index.js';

const A: CommunityRef = { platform: 'slack', id: 'T1' };
const B: CommunityRef = { platform: 'discord', id: 'T1' };
const view = (title: string): View => ({ title, fields: [], tone: 'open' });
const update = (cardKey: string, title: string): Effect => ({ type: 'update', cardKey, view: view(title) });

/** A queue whose platform calls take a turn of the event loop and are recorded. */
function recording(fail?: (e: Effect) => boolean) {
  const done: string[] = [];
  const errors: string[] = [];
  const q = new EffectQueue(
    async (c, e) => {
      await new Promise((r) => setImmediate(r));
      if (fail?.(e)) throw new Error('refused');
      done.push(`${c.platform}:${e.type}:${e.type === 'update' ? e.view.title : ''}`);
    },
    (_err, e) => errors.push(e.type),
  );
  return { q, done, errors };
}

describe('the shared effect queue', () => {
  it('performs effects in order, one at a time, across outcomes', async () => {
    const { q, done } = recording();
    const say: Effect = { type: 'say', channelId: 'C1', text: 'hi' };
    const first = q.perform({ community: A, effects: [say, update('task:1', 'v1')] });
    const second = q.perform({ community: A, effects: [update('task:2', 'w1')] });
    await Promise.all([first, second]);
    expect(done).toEqual(['slack:say:', 'slack:update:v1', 'slack:update:w1']);
  });

  it('skips a card edit that a later queued edit of the same card replaces', async () => {
    const { q, done } = recording();
    const first = q.perform({ community: A, effects: [update('task:1', 'v1')] });
    // Queued while v1 is being sent: v2 is replaced by v3 before its turn comes.
    void q.perform({ community: A, effects: [update('task:1', 'v2'), update('task:2', 'w1')] });
    await q.perform({ community: A, effects: [update('task:1', 'v3')] });
    await first;
    expect(done).toEqual(['slack:update:v1', 'slack:update:w1', 'slack:update:v3']);
  });

  it('keeps edits of the same card key in another community', async () => {
    const { q, done } = recording();
    await q.perform({ community: A, effects: [update('task:1', 'a'), { ...update('task:1', 'b') }] });
    expect(done).toEqual(['slack:update:b']);
    const both = recording();
    await Promise.all([
      both.q.perform({ community: A, effects: [update('task:1', 'a')] }),
      both.q.perform({ community: B, effects: [update('task:1', 'b')] }),
    ]);
    expect(both.done).toEqual(['slack:update:a', 'discord:update:b']);
  });

  it('reports a failed effect and goes on with the next', async () => {
    const { q, done, errors } = recording((e) => e.type === 'say');
    const told: string[] = [];
    await q.perform(
      { community: A, effects: [{ type: 'say', channelId: 'C1', text: 'x' }, update('task:1', 'v1')] },
      (e, why) => told.push(`${e.type}: ${why}`),
    );
    expect(errors).toEqual(['say']);
    expect(told).toEqual(['say: refused']);
    expect(done).toEqual(['slack:update:v1']);
  });

  it('performs an outcome queued right after one without effects (a drain that had nothing to do)', async () => {
    const { q, done } = recording();
    const nothing = q.perform({ community: A, effects: [] });
    const edit = q.perform({ community: A, effects: [update('task:1', 'v1')] });
    await nothing;
    await edit;
    expect(done).toEqual(['slack:update:v1']);
  });

  it('performs an outcome queued the moment the last drain ended', async () => {
    const { q, done } = recording();
    await q
      .perform({ community: A, effects: [update('task:1', 'v1')] })
      .then(() => q.perform({ community: A, effects: [update('task:1', 'v2')] }));
    expect(done).toEqual(['slack:update:v1', 'slack:update:v2']);
  });
});
