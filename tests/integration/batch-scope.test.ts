/**
 * What the events of a batch share (src/core/batch-scope.ts): the community, members, each card's
 * vote target, the audit head and each submission's counted review votes are read once per batch and
 * moved by each vote, and cards are re-rendered once at the end. Random bursts of reactions, applied
 * by `handleBatch` in chunks, must leave the database exactly as `handle` one event at a time does,
 * with the same outcomes except that each card is edited once per batch (by its last change), also
 * when a submission is accepted half-way through a batch and votes do not count (a claimant's, the
 * submitter's, a member too new). A member's new name shows on every card the batch edits.
 */
import { describe, expect, it } from 'vitest';
import type { Inbound, Outcome } from '../../src/core/index.js';
import { DAY_MS } from '../../src/core/shared/model.js';
import { rng } from '../bench/shape.js';
import { lastEdits, makeCore, type Harness } from '../helpers/core.js';

const EMOJI = ['✅', '👍', '❌', '🤷'] as const;
const value = (e: string) => (e === '❌' ? 'no' : e === '🤷' ? 'abstain' : 'yes');
const VOTERS = ['v1', 'v2', 'v3', 'v4', 'v5', 'bob', 'carol', 'newbie'];
/** More voters than a tally reads at once (tally.ts FEW_VOTES): the counts come from `vote_tallies`. */
const MANY = [...VOTERS, ...Array.from({ length: 30 }, (_, k) => `w${k + 1}`)];
const CARDS = ['submission:1', 'submission:2', 'submission:3', 'proposal:1'];

/** Three submissions in review (bob claimed two tasks, carol one), a lazy proposal, old and new members. */
async function community(): Promise<Harness> {
  const h = makeCore();
  await h.ok('alice', '/commons setup review.approvals=3 votes.minMemberDays=1');
  for (const t of ['One', 'Two', 'Three']) await h.ok('alice', `/task post Task ${t} skills:docs`);
  await h.ok('bob', '/task claim 1');
  await h.ok('carol', '/task claim 2');
  await h.ok('bob', '/task claim 3');
  for (const v of VOTERS.slice(0, 5)) await h.ok(v, '/task list');
  await h.advance(2 * DAY_MS);
  await h.ok('bob', '/task submit 1 link:https://example.org/1');
  await h.ok('carol', '/task submit 2 link:https://example.org/2');
  await h.ok('bob', '/task submit 3 link:https://example.org/3');
  await h.ok('alice', '/propose Something rule:lazy');
  return h;
}

/** Random reactions; the newbie joined today and is too new to vote. */
async function script(h: Harness, seed: number, n: number, voters = VOTERS): Promise<Inbound[]> {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const messages = new Map<string, { channelId: string; messageId: string }>();
  for (const key of CARDS) {
    const card = (await h.core.findCard(h.community, key))!;
    messages.set(key, { channelId: card.channelId, messageId: card.messageId });
  }
  return Array.from({ length: n }, (_, k): Inbound => {
    const user = pick(voters);
    const emoji = pick(EMOJI);
    return {
      type: 'reaction',
      eventId: r() < 0.1 && k > 0 ? `r${k - 1}` : `r${k}`, // now and then a repeat of the one before
      community: h.community,
      actor: {
        userId: user,
        name: user,
        joinedAt: user === 'newbie' ? h.clock.now() : undefined,
      },
      message: messages.get(pick(CARDS))!,
      emoji,
      value: value(emoji),
      added: r() < 0.65,
    };
  });
}

describe('a batch shares what its events read, with the result of one event at a time', () => {
  const runs = [
    ...[1, 2, 3, 4, 5, 6].map((seed) => ({ seed, voters: VOTERS, n: 160, name: `random burst ${seed}` })),
    ...[7, 8].map((seed) => ({ seed, voters: MANY, n: 400, name: `random burst ${seed}, many voters` })),
  ];
  for (const { seed, voters, n, name } of runs) {
    it(name, async () => {
      const one = await community();
      const batch = await community();
      const events = await script(one, seed, n, voters);
      const again = await script(batch, seed, n, voters);
      expect(again).toEqual(events);
      const r = rng(seed * 7919);
      let at = 0;
      while (at < events.length) {
        const size = 1 + Math.floor(r() * 60);
        const chunk = events.slice(at, at + size);
        at += size;
        const outsOne: Outcome[] = [];
        for (const e of chunk) outsOne.push(await one.core.handle(e));
        const results = await batch.core.handleBatch(chunk);
        const outsBatch = results.map((x) => {
          if (!x.ok) throw x.error;
          return x.value;
        });
        expect(outsBatch).toEqual(chunk.length === 1 ? outsOne : lastEdits(outsOne));
      }
      expect(await batch.dump()).toEqual(await one.dump());
      // The scripts do what they are meant to: submissions accepted half-way, votes that do not count.
      const accepted = await one.query(`select id from submissions where status = 'accepted'`);
      expect(accepted.length).toBeGreaterThan(0);
    });
  }
});

describe('a batch', () => {
  it('shows a name changed half-way on the cards it edits at the end, and reads the counts again', async () => {
    const one = await community();
    const batch = await community();
    const events = async (h: Harness): Promise<Inbound[]> => {
      const [sub, prop] = await script(h, 99, 2);
      const card = async (key: string) => {
        const c = (await h.core.findCard(h.community, key))!;
        return { channelId: c.channelId, messageId: c.messageId };
      };
      const react = async (
        user: string,
        name: string,
        key: string,
        emoji: string,
        id: string,
      ): Promise<Inbound> => ({
        ...(key.startsWith('proposal') ? prop! : sub!),
        type: 'reaction',
        eventId: id,
        actor: { userId: user, name },
        message: await card(key),
        emoji,
        value: value(emoji),
        added: true,
      });
      return [
        await react('v2', 'v2', 'submission:1', '✅', 'a'),
        await react('v3', 'v3', 'submission:1', '✅', 'b'),
        await react('v2', 'Vee Two', 'proposal:1', '✅', 'c'),
        await react('v4', 'v4', 'submission:1', '✅', 'd'), // the third approval: accepted
      ];
    };
    for (const e of await events(one)) await one.core.handle(e);
    const outs = await batch.core.handleBatch(await events(batch));
    expect(await batch.dump()).toEqual(await one.dump());
    const views = outs.flatMap((r) => (r.ok ? r.value.effects : [])).filter((e) => e.type === 'update');
    expect(views.map((e) => e.cardKey).sort()).toEqual(['proposal:1', 'submission:1', 'task:1']);
    const review = JSON.stringify(views.find((e) => e.cardKey === 'submission:1'));
    expect(review).toContain('Vee Two');
    expect(await one.query(`select status from submissions where id = 1`)).toEqual([{ status: 'accepted' }]);
  });

  it("counts its events' votes not written yet where it reads a card's counts (a card of many votes)", async () => {
    const setUp = async (h: Harness) => {
      // 26 votes that do not count (too new), then two that do: more than a tally reads one by one.
      for (let k = 1; k <= 26; k++) await h.react(`w${k}`, 'submission:1', '✅');
      await h.react('v1', 'submission:1', '✅');
      await h.react('v2', 'submission:1', '✅');
    };
    const third = async (h: Harness): Promise<Inbound> => {
      const [base] = await script(h, 3, 1);
      const c = (await h.core.findCard(h.community, 'submission:1'))!;
      const message = { channelId: c.channelId, messageId: c.messageId };
      return {
        ...base!,
        type: 'reaction',
        eventId: 'third',
        actor: { userId: 'v3', name: 'v3' },
        message,
        emoji: '✅',
        value: 'yes',
        added: true,
      };
    };
    const one = await community();
    const batch = await community();
    await setUp(one);
    await setUp(batch);
    await one.core.handle(await third(one));
    const [result] = await batch.core.handleBatch([await third(batch)]);
    expect(result?.ok).toBe(true);
    expect(await batch.query(`select status from submissions where id = 1`)).toEqual([
      { status: 'accepted' },
    ]);
    expect(await batch.dump()).toEqual(await one.dump());
  });

  it('forgets what an event that failed after writing had read, so the next one chains on what stayed', async () => {
    const breakLedger = async (h: Harness) => {
      if (h.dialect === 'pg')
        await h.exec(`create function fault() returns trigger language plpgsql as $$
          begin raise exception 'the disk is full'; end $$;
          create trigger fault before insert on ledger for each row execute function fault()`);
      else
        await h.exec(`create trigger fault before insert on ledger
          begin select raise(abort, 'the disk is full'); end`);
    };
    const one = await community();
    const batch = await community();
    await breakLedger(one);
    await breakLedger(batch);
    const events = async (h: Harness): Promise<Inbound[]> => {
      const [base] = await script(h, 5, 1);
      const card = async (key: string) => {
        const c = (await h.core.findCard(h.community, key))!;
        return { channelId: c.channelId, messageId: c.messageId };
      };
      const react = async (user: string, key: string, id: string): Promise<Inbound> => ({
        ...base!,
        type: 'reaction',
        eventId: id,
        actor: { userId: user, name: user },
        message: await card(key),
        emoji: '✅',
        value: 'yes',
        added: true,
      });
      return [
        await react('v2', 'submission:1', 'a'),
        await react('v3', 'submission:1', 'b'),
        await react('v4', 'submission:1', 'c'), // accepts: its ledger entry fails after its audit events
        await react('v5', 'proposal:1', 'd'),
        await react('v1', 'submission:2', 'e'),
      ];
    };
    const oks: boolean[] = [];
    for (const e of await events(one))
      oks.push(
        await one.core.handle(e).then(
          () => true,
          () => false,
        ),
      );
    const results = await batch.core.handleBatch(await events(batch));
    expect(results.map((r) => r.ok)).toEqual(oks);
    expect(oks).toEqual([true, true, false, true, true]);
    expect(await batch.dump()).toEqual(await one.dump());
    expect((await batch.cmd('alice', '/commons verify')).reply?.text).toMatch(/^Audit chain intact/);
  });
});
