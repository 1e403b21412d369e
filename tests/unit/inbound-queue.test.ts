import { describe, expect, it } from 'vitest';
import { InboundQueue } from '../../adapters/shared/inbound-queue.js';
import type { BatchResult, Effect, Inbound, Outcome } from '../../src/core/index.js';

const community = { platform: 'discord' as const, id: 'G1' };

function event(n: number): Inbound {
  return {
    type: 'reactions-cleared',
    eventId: `e${n}`,
    community,
    message: { channelId: 'C', messageId: `m${n}` },
  };
}

const idOf = (i: Inbound) => Number(i.eventId!.slice(1));
const edit = (title: string): Effect => ({
  type: 'update',
  cardKey: 'review:1',
  view: { title, fields: [], tone: 'open' },
});

/** A core that records how it was called; `bad` event numbers throw; each event edits card review:1. */
function fakeCore(bad: number[] = []) {
  const calls: string[] = [];
  const outcome = (i: Inbound): Outcome => ({ community, effects: [edit(`after ${idOf(i)}`)] });
  const core = {
    handle: async (i: Inbound): Promise<Outcome> => {
      calls.push(`handle ${idOf(i)}`);
      if (bad.includes(idOf(i))) throw new Error(`bug ${idOf(i)}`);
      return outcome(i);
    },
    handleBatch: async (inputs: Inbound[]): Promise<BatchResult[]> => {
      calls.push(`batch ${inputs.map(idOf).join(',')}`);
      return inputs.map((i) =>
        bad.includes(idOf(i))
          ? { ok: false, error: new Error(`bug ${idOf(i)}`) }
          : { ok: true, value: outcome(i) },
      );
    },
  };
  const performed: string[] = [];
  const perform = async (o: Outcome) => {
    calls.push('perform');
    for (const e of o.effects) if (e.type === 'update') performed.push(e.view.title);
  };
  return { core, calls, performed, perform };
}

describe('the inbound queue', () => {
  it('hands a lone event to handle at once, with no timer, and its effects after', async () => {
    const f = fakeCore();
    const q = new InboundQueue(f.core, f.perform);
    await q.push(async () => event(1)).performed;
    expect(f.calls).toEqual(['handle 1', 'perform']);
    await q.push(async () => event(2)).performed;
    expect(f.calls).toEqual(['handle 1', 'perform', 'handle 2', 'perform']);
  });

  it('takes what piled up as one batch, up to its limit, and keeps arrival order', async () => {
    const f = fakeCore();
    const q = new InboundQueue(f.core, f.perform, 3);
    const pushed = [1, 2, 3, 4, 5].map((n) => q.push(async () => event(n)));
    for (const p of pushed) await p.performed;
    expect(f.calls.filter((c) => c !== 'perform')).toEqual(['batch 1,2,3', 'batch 4,5']);
    // Only the newest edit of the card within a batch goes out.
    expect(f.performed).toEqual(['after 3', 'after 5']);
  });

  it('fails a bad event alone, whether its preparing or the core throws', async () => {
    const f = fakeCore([1]);
    const q = new InboundQueue(f.core, f.perform);
    const one = q.push(async () => event(1));
    const two = q.push(async () => event(2));
    const three = q.push(async () => {
      throw new Error('unknown user');
    });
    const four = q.push(async () => undefined); // nothing to do (a bot's reaction)
    const five = q.push(async () => event(5));
    await expect(one.performed).rejects.toThrow('bug 1');
    await expect(two.performed).resolves.toBeUndefined();
    await expect(three.performed).rejects.toThrow('unknown user');
    await expect(four.performed).resolves.toBeUndefined();
    await expect(five.performed).resolves.toBeUndefined();
    expect(f.calls.filter((c) => c !== 'perform')).toEqual(['batch 1,2,5']);
    expect(f.performed).toEqual(['after 5']);
  });

  it('fails every event of a batch the core could not commit, and goes on', async () => {
    const f = fakeCore();
    f.core.handleBatch = async () => {
      throw new Error('the disk is full');
    };
    const q = new InboundQueue(f.core, f.perform);
    const a = q.push(async () => event(1));
    const b = q.push(async () => event(2));
    await expect(a.performed).rejects.toThrow('the disk is full');
    await expect(b.performed).rejects.toThrow('the disk is full');
    await q.push(async () => event(3)).performed;
    expect(f.performed).toEqual(['after 3']);
  });

  it('runs a task between the events queued before and after it', async () => {
    const f = fakeCore();
    const q = new InboundQueue(f.core, f.perform);
    const before = q.push(async () => event(1));
    const task = q.run(async () => void f.calls.push('task'));
    const after = q.push(async () => event(2));
    await Promise.all([before.performed, task.performed, after.performed]);
    expect(f.calls.filter((c) => c !== 'perform')).toEqual(['handle 1', 'task', 'handle 2']);
  });

  it('says an event is applied only once the batch it is in is applied', async () => {
    const f = fakeCore();
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const handleBatch = f.core.handleBatch;
    f.core.handleBatch = async (inputs) => {
      await held;
      return handleBatch(inputs);
    };
    const q = new InboundQueue(f.core, f.perform);
    q.push(async () => event(1));
    q.push(async () => event(2));
    const dropped = q.push(async () => undefined);
    let applied = false;
    void dropped.applied.then(() => (applied = true));
    await new Promise((r) => setImmediate(r));
    expect(applied).toBe(false);
    release();
    await dropped.applied;
    expect(f.calls[0]).toBe('batch 1,2');
  });
});
