/**
 * On SQLite a reaction's unit of work runs synchronously (src/db/step.ts): its queries answer at once,
 * so the work hands the storage its value, not a promise, and no promise or microtask turn is spent
 * per query. The work is watched at the storage port: a step that starts awaiting again (an `async`
 * function or `wait(…)` on the reaction path) fails this test, while every result stays the same.
 * PostgreSQL's units wait for their queries, through the same code.
 */
import { describe, expect, it } from 'vitest';
import type { Inbound, ReactionEvent } from '../../src/core/index.js';
import type { Storage, Work } from '../../src/db/storage.js';
import { makeCore, submittedTask, type Harness } from '../helpers/core.js';
import { testDialect } from '../helpers/test-db.js';

const SUB = 'submission:1';

/** Records, for every unit (and every work of a batch), whether its work gave a promise. */
function watch(storage: Storage): boolean[] {
  const waited: boolean[] = [];
  const seen =
    <T>(work: Work<T>): Work<T> =>
    (db) => {
      const r = work(db);
      waited.push(typeof (r as { then?: unknown } | null)?.then === 'function');
      return r;
    };
  const { write, writeEach } = storage;
  storage.write = (work) => write(seen(work));
  storage.writeEach = (works, finish) => writeEach(works.map(seen), finish && seen(finish));
  return waited;
}

async function reaction(h: Harness, user: string, emoji: string, added = true): Promise<ReactionEvent> {
  const card = (await h.core.findCard(h.community, SUB))!;
  return {
    type: 'reaction',
    community: h.community,
    actor: { userId: user, name: user },
    message: { channelId: card.channelId, messageId: card.messageId },
    emoji,
    value: emoji === '❌' ? 'no' : 'yes',
    added,
  };
}

describe.runIf(testDialect === 'sqlite')('the reaction path on SQLite', () => {
  it('runs each reaction unit synchronously once the community is read, one at a time or in a batch', async () => {
    const h = makeCore();
    await submittedTask(h);
    // A unit that reads the community and its rules, or meets a member for the first time, waits
    // (those reads are not on the synchronous path); a reaction after them does not.
    await h.react('carol', SUB, '✅');
    await h.react('dave', SUB, '❌');
    const waited = watch(h.storage);
    await h.unreact('dave', SUB, '❌');
    await h.react('carol', SUB, '✅', false);
    await h.react('dave', SUB, '❌');
    expect(waited).toEqual([false, false, false]);

    waited.length = 0;
    const events: Inbound[] = [
      await reaction(h, 'carol', '✅'),
      await reaction(h, 'carol', '✅', false),
      await reaction(h, 'dave', '❌', false),
      await reaction(h, 'dave', '❌'),
      await reaction(h, 'carol', '✅'),
    ];
    const results = await h.core.handleBatch(events);
    expect(results.every((r) => r.ok)).toBe(true);
    // Five works and the batch's end (counts written, the card re-rendered): none waited.
    expect(waited).toEqual([false, false, false, false, false, false]);

    // Same outcome as ever: the votes counted, the chain whole.
    const card = (await h.core.handle(await reaction(h, 'erin', '✅'))).effects.find(
      (e) => e.type === 'update',
    );
    expect(card?.type === 'update' && card.view.fields.map((f) => `${f.name}: ${f.value}`)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Approvals: 2 of 2: carol, erin/),
        expect.stringMatching(/^Objections: 1: dave/),
      ]),
    );
    expect((await h.ok('alice', '/commons verify')).reply?.text).toMatch(/intact|verified|ok/i);
  });
});
