/**
 * Reaction throughput: through `core.handle`, one event per transaction, the full path (vote mark,
 * tally, audit event, card effect), against raw better-sqlite3 doing what a vote needs at least, one
 * transaction per vote: upsert the vote mark and update a tally row (same connection, WAL,
 * synchronous=NORMAL as the app opens it, the same vote_marks table with its million rows).
 *
 * The reactions are ❌ objections on the review cards of submissions awaiting review, added and then
 * removed again by members of a pool: an objection blocks acceptance, so no card is accepted and the
 * state after each block is the state before it.
 */
import { performance } from 'node:perf_hooks';
import type { MessageRef } from '../../src/core/index.js';
import type { Driver, Pickings } from './driver.js';

export interface Reaction {
  member: number;
  message: MessageRef;
  added: boolean;
}

/**
 * Cards the reactions go round, at both sizes: a burst of 1,000 puts 20 objections on each, a block of
 * 250 five, and the tally of a card (recomputed from its marks today) costs the same at both sizes.
 */
export const HOT_CARDS = 50;

/** `n` adds on distinct (member, card) pairs, round the hot cards, then their removes: 2n reactions. */
export function reactions(pool: number[], allCards: MessageRef[], n: number): Reaction[] {
  const cards = allCards.slice(0, HOT_CARDS);
  // Only reduced scales (BENCH_SCALE) have fewer distinct pairs than asked for.
  n = Math.min(n, pool.length * cards.length);
  const adds = Array.from({ length: n }, (_, k) => ({
    member: pool[Math.floor(k / cards.length) % pool.length]!,
    message: cards[k % cards.length]!,
    added: true,
  }));
  return [...adds, ...adds.map((r) => ({ ...r, added: false }))];
}

/** Reactions per second through `handle`, one transaction each. */
export async function coreBlock(d: Driver, p: Pickings, rs: Reaction[]): Promise<number> {
  const t = performance.now();
  for (const r of rs) {
    const out = await d.react(p.shape, r.member, r.message, '❌', r.added);
    if (out.error) throw new Error(`reaction refused: ${out.error.code}`);
  }
  return rs.length / ((performance.now() - t) / 1000);
}

/** The raw baseline's statements, on the bench connection; `bench_tally` exists only in the work copy. */
export function rawVoter(d: Driver, p: Pickings) {
  if (!d.sqlite) throw new Error('the raw baseline is SQLite only');
  const sqlite = d.sqlite.$client;
  sqlite.exec(`create table if not exists bench_tally (
    target_id integer primary key, yes integer not null default 0, no integer not null default 0)`);
  const memberId = sqlite.prepare('select id from members where community_id = ? and user_id = ?').pluck();
  const submission = sqlite
    .prepare(
      'select cast(substr(card_key, 12) as integer) from cards where community_id = ? and message_id = ?',
    )
    .pluck();
  const upsert = sqlite.prepare(`insert into vote_marks
      (community_id, target_type, target_id, member_id, source, value, reason, created_at)
      values (?, 'submission', ?, ?, '❌', 'no', null, ?)
      on conflict (target_type, target_id, member_id, source)
      do update set value = excluded.value, created_at = excluded.created_at`);
  const remove = sqlite.prepare(
    "delete from vote_marks where target_type = 'submission' and target_id = ? and member_id = ? and source = '❌'",
  );
  const tally = sqlite.prepare(`insert into bench_tally (target_id, no) values (?, ?)
      on conflict (target_id) do update set no = no + excluded.no`);
  const vote = sqlite.transaction((target: number, member: number, added: boolean, at: number) => {
    if (added) upsert.run(p.communityId, target, member, at);
    else remove.run(target, member);
    tally.run(target, added ? 1 : -1);
  });
  /** Ids resolved before timing, as the core has them in its indexes. */
  const resolve = (rs: Reaction[]) =>
    rs.map((r) => ({
      target: submission.get(p.communityId, r.message.messageId) as number,
      member: memberId.get(p.communityId, d.actor(r.member).userId) as number,
      added: r.added,
    }));
  return {
    resolve,
    /** Votes per second, one transaction each. */
    block(rs: ReturnType<typeof resolve>): number {
      const t = performance.now();
      for (const r of rs) vote(r.target, r.member, r.added, Date.now());
      return rs.length / ((performance.now() - t) / 1000);
    },
  };
}
