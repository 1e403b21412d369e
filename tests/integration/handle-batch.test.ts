/**
 * `handleBatch`: a burst of queued events applied in one transaction per community, each event in its
 * own savepoint, with the same result event by event as `handle` on each in turn, except that a card
 * is edited once: by the last event of the batch that changed it, showing what the batch left.
 */
import { describe, expect, it } from 'vitest';
import type { BatchResult, Inbound, Outcome, ReactionEvent } from '../../src/core/index.js';
import { Governance } from '../../src/core/index.js';
import { UserError } from '../../src/core/shared/errors.js';
import { lastEdits, makeCore, submittedTask, type Harness } from '../helpers/core.js';

const PROPOSAL = 'proposal:1';

/** A community with a lazy proposal (reactions never close it) and a submission in review. */
async function setup(): Promise<Harness> {
  const h = makeCore();
  await submittedTask(h);
  await h.ok('alice', '/propose Something rule:lazy');
  return h;
}

async function reaction(
  h: Harness,
  user: string,
  cardKey: string,
  emoji: string,
  added = true,
  eventId?: string,
): Promise<ReactionEvent> {
  const card = (await h.core.findCard(h.community, cardKey))!;
  return {
    type: 'reaction',
    eventId,
    community: h.community,
    actor: { userId: user, name: user },
    message: { channelId: card.channelId, messageId: card.messageId },
    emoji,
    value: emoji === '❌' ? 'no' : emoji === '🤷' ? 'abstain' : 'yes',
    added,
  };
}

function values(results: BatchResult[]): Outcome[] {
  return results.map((r) => {
    if (!r.ok) throw r.error;
    return r.value;
  });
}

async function marks(h: Harness) {
  return h.query(
    `select m.user_id as "user", v.target_type as "type", v.source, v.value from vote_marks v
     join members m on m.id = v.member_id order by m.user_id, v.target_type, v.source`,
  );
}

describe('handleBatch', () => {
  it('leaves the database and the outcomes as handle would, one event after the other, each card edited once', async () => {
    const one = await setup();
    const batch = await setup();
    const script: [string, string, string, boolean][] = [
      ['carol', PROPOSAL, '✅', true],
      ['dave', PROPOSAL, '❌', true],
      ['carol', PROPOSAL, '✅', false],
      ['erin', PROPOSAL, '🤷', true],
      ['carol', PROPOSAL, '✅', true],
      ['dave', PROPOSAL, '❌', true], // again: no change
      ['frank', PROPOSAL, '✅', false], // never given
      ['carol', 'submission:1', '❌', true],
      ['dave', 'submission:1', '❌', true],
      ['erin', 'submission:1', '❌', false],
    ];
    const outsOne: Outcome[] = [];
    for (const [i, [user, key, emoji, added]] of script.entries())
      outsOne.push(await one.core.handle(await reaction(one, user, key, emoji, added, `r${i}`)));
    const inputs: Inbound[] = [];
    for (const [i, [user, key, emoji, added]] of script.entries())
      inputs.push(await reaction(batch, user, key, emoji, added, `r${i}`));
    const outsBatch = values(await batch.core.handleBatch(inputs));
    expect(outsBatch).toEqual(lastEdits(outsOne));
    // Both cards edited, once each.
    expect(outsBatch.flatMap((o) => o.effects).filter((e) => e.type === 'update')).toHaveLength(2);
    expect(await marks(batch)).toEqual(await marks(one));
    expect(await batch.dump()).toEqual(await one.dump());
  });

  it('counts a repeated event id once, also when both are in the same batch', async () => {
    const h = await setup();
    const first = await reaction(h, 'carol', PROPOSAL, '✅', true, 'same');
    const repeat = await reaction(h, 'carol', PROPOSAL, '✅', false, 'same'); // a different payload, same id
    const other = await reaction(h, 'dave', PROPOSAL, '❌', true, 'other');
    const outs = values(await h.core.handleBatch([first, repeat, other]));
    expect(outs.map((o) => o.duplicate ?? false)).toEqual([false, true, false]);
    expect(outs[1]!.effects).toEqual([]);
    expect(await marks(h)).toEqual([
      { user: 'carol', type: 'proposal', source: '✅', value: 'yes' },
      { user: 'dave', type: 'proposal', source: '❌', value: 'no' },
    ]);
    const again = values(await h.core.handleBatch([repeat]));
    expect(again[0]!.duplicate).toBe(true);
  });

  it('rolls back an event that throws alone, reports it for that event only, and keeps its id unrecorded', async () => {
    const h = await setup();
    const good1 = await reaction(h, 'carol', PROPOSAL, '✅', true, 'g1');
    // A bug's stand-in: a member without a user id breaks a NOT NULL constraint half-way through.
    const bad = await reaction(h, 'x', PROPOSAL, '❌', true, 'bad');
    bad.actor = { userId: null as unknown as string, name: 'nobody' };
    const good2 = await reaction(h, 'dave', PROPOSAL, '❌', true, 'g2');
    const results = await h.core.handleBatch([good1, bad, good2]);
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(await marks(h)).toEqual([
      { user: 'carol', type: 'proposal', source: '✅', value: 'yes' },
      { user: 'dave', type: 'proposal', source: '❌', value: 'no' },
    ]);
    expect(await h.one('select count(*) as n from processed_events where event_id = ?', 'bad')).toEqual({
      n: 0,
    });
    // The same event, sent again once the bug is gone, is applied: its id was never recorded.
    const fixed = await reaction(h, 'erin', PROPOSAL, '❌', true, 'bad');
    expect(values(await h.core.handleBatch([fixed]))[0]!.duplicate).toBeUndefined();
    expect((await marks(h)).map((m) => m.user)).toEqual(['carol', 'dave', 'erin']);
  });

  it('runs a command in its place, alone, with its user error as a value', async () => {
    const h = await setup();
    const inputs: Inbound[] = [
      await reaction(h, 'carol', PROPOSAL, '✅', true, 'a'),
      {
        type: 'command',
        eventId: 'c1',
        community: h.community,
        channelId: 'general',
        actor: { userId: 'carol', name: 'carol' },
        command: { text: '/task claim 99' },
      },
      {
        type: 'command',
        eventId: 'c2',
        community: h.community,
        channelId: 'general',
        actor: { userId: 'carol', name: 'carol' },
        command: { text: '/vote 1 no' },
      },
      await reaction(h, 'dave', PROPOSAL, '❌', true, 'b'),
    ];
    const outs = values(await h.core.handleBatch(inputs));
    expect(outs[1]!.error).toBeDefined();
    expect(outs[2]!.error).toBeUndefined();
    expect(outs.map((o) => o.community)).toEqual(inputs.map((i) => i.community));
    expect(await marks(h)).toEqual([
      { user: 'carol', type: 'proposal', source: 'command', value: 'no' },
      { user: 'carol', type: 'proposal', source: '✅', value: 'yes' },
      { user: 'dave', type: 'proposal', source: '❌', value: 'no' },
    ]);
  });

  it('takes its place in the order of its community: units asked for before run before it, those after, after', async () => {
    const h = await setup();
    const carolAdds = await reaction(h, 'carol', PROPOSAL, '✅', true, 'a1');
    const carolTakesBack = await reaction(h, 'carol', PROPOSAL, '✅', false, 'a2');
    const daveAdds = await reaction(h, 'dave', PROPOSAL, '❌', true, 'a3');
    const erinAdds = await reaction(h, 'erin', PROPOSAL, '✅', true, 'a4');
    const erinTakesBack = await reaction(h, 'erin', PROPOSAL, '✅', false, 'a5');
    // Not awaited in between: on PostgreSQL these units would otherwise race for the community's lock.
    const before = h.core.handle(carolAdds);
    const batch = h.core.handleBatch([carolTakesBack, daveAdds, erinAdds]);
    const after = h.core.handle(erinTakesBack);
    await before;
    expect((await batch).map((r) => r.ok)).toEqual([true, true, true]);
    await after;
    expect(await marks(h)).toEqual([{ user: 'dave', type: 'proposal', source: '❌', value: 'no' }]);
  });

  it('keeps each community apart, and answers in input order', async () => {
    const h = await setup();
    const other = { platform: 'console' as const, id: 'other' };
    const elsewhere: Inbound = {
      ...(await reaction(h, 'zed', PROPOSAL, '✅', true, 'o1')),
      community: other,
    };
    const inputs = [await reaction(h, 'carol', PROPOSAL, '✅', true, 'a'), elsewhere];
    inputs.push(await reaction(h, 'dave', PROPOSAL, '❌', true, 'b'));
    const outs = values(await h.core.handleBatch(inputs));
    expect(outs.map((o) => o.community.id)).toEqual(['test', 'other', 'test']);
    expect(outs[1]!.effects).toEqual([]); // no such card in the other community
    expect((await marks(h)).map((m) => m.user)).toEqual(['carol', 'dave']);
  });

  it("gives a user error thrown inside the batch as that event's value, as handle does", async () => {
    const h = await setup();
    // No reaction refuses a member today; a work that does stands in for one that would.
    const refusing = async (): Promise<never> => {
      throw new UserError('proposal.notFound', { number: 9 });
    };
    const storage = {
      ...h.storage,
      writeEach: <T>(
        works: Parameters<typeof h.storage.writeEach<T>>[0],
        finish: Parameters<typeof h.storage.writeEach<T>>[1],
      ) =>
        h.storage.writeEach(
          works.map((w, k) => (k === 1 ? refusing : w)),
          finish,
        ),
    };
    const core = new Governance(storage, h.clock);
    const inputs = [
      await reaction(h, 'carol', PROPOSAL, '✅', true, 'a'),
      await reaction(h, 'dave', PROPOSAL, '❌', true, 'b'),
    ];
    const outs = values(await core.handleBatch(inputs));
    expect(outs[0]!.error).toBeUndefined();
    expect(outs[1]).toMatchObject({
      effects: [],
      error: { code: 'proposal.notFound' },
      reply: { private: true },
    });
    expect((await marks(h)).map((m) => m.user)).toEqual(['carol']);
  });

  it('applies the events of a transaction that did not commit again one at a time, and says so', async () => {
    const h = await setup();
    const lost = new Error('the disk is full');
    const warned: string[] = [];
    const log = {
      warn: (_: object, m: string) => warned.push(m),
      error: (_: object, m: string) => warned.push(m),
    };
    const core = new Governance({ ...h.storage, writeEach: () => Promise.reject(lost) }, h.clock, log);
    const inputs = [
      await reaction(h, 'carol', PROPOSAL, '✅', true, 'a'),
      await reaction(h, 'dave', PROPOSAL, '❌', true, 'b'),
    ];
    const outs = values(await core.handleBatch(inputs));
    expect(outs.map((o) => o.effects.map((e) => e.type))).toEqual([['update'], ['update']]);
    expect((await marks(h)).map((m) => m.user)).toEqual(['carol', 'dave']);
    expect(warned).toEqual([expect.stringContaining('applying its events one at a time')]);
  });

  it('fails every event that fails again on its own after its batch did not commit', async () => {
    const h = await setup();
    const lost = new Error('the disk is full');
    const log = { warn: () => undefined, error: () => undefined };
    const refuse = () => Promise.reject(lost);
    const core = new Governance({ ...h.storage, writeEach: refuse, write: refuse }, h.clock, log);
    const inputs = [
      await reaction(h, 'carol', PROPOSAL, '✅', true, 'a'),
      await reaction(h, 'dave', PROPOSAL, '❌', true, 'b'),
    ];
    expect(await core.handleBatch(inputs)).toEqual([
      { ok: false, error: lost },
      { ok: false, error: lost },
    ]);
    expect(await marks(h)).toEqual([]);
  });

  it('rolls the whole batch back when re-rendering its cards fails, then applies each event on its own', async () => {
    const h = await setup();
    const log = { warn: () => undefined, error: () => undefined };
    let finishes = 0;
    const writeEach: typeof h.storage.writeEach = (works, finish) =>
      h.storage.writeEach(works, async (db) => {
        finishes++;
        await finish?.(db);
        throw new Error('a bug in a card view');
      });
    const core = new Governance({ ...h.storage, writeEach }, h.clock, log);
    const inputs = [
      await reaction(h, 'carol', PROPOSAL, '✅', true, 'a'),
      await reaction(h, 'dave', 'submission:1', '❌', true, 'b'),
    ];
    const outs = values(await core.handleBatch(inputs));
    expect(finishes).toBe(1);
    // Applied once each (no duplicate from the rolled-back attempt), each with its own card edit.
    expect(outs.map((o) => [o.duplicate, o.effects.map((e) => e.type)])).toEqual([
      [undefined, ['update']],
      [undefined, ['update']],
    ]);
    expect((await marks(h)).map((m) => m.user)).toEqual(['carol', 'dave']);
  });
});
