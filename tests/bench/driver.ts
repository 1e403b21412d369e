/**
 * Drives one core on the bench database like an adapter would, for both communities: commands and
 * reactions go through `Governance.handle`; posted cards are recorded afterwards (untimed), as an
 * adapter does once the platform returns the message id.
 */
import { Governance, voteOfEmoji, type MessageRef, type Outcome } from '../../src/core/index.js';
import type { SqliteDb } from '../../src/db/client.js';
import { sqliteStorage } from '../../src/db/storage.js';
import { BENCH_NOW, TASKS_CHANNEL, memberName, userIdOf, type Shape } from './shape.js';

/** What the bench picks from in one community, read from the database once. */
export interface Pickings {
  shape: Shape;
  communityId: number;
  /** Open tasks with one slot and no claim: claimed and released again by the bench. */
  openTasks: number[];
  /** Numbers of the proposals still open (with thousands of votes at full size). */
  openProposals: number[];
  /** Card messages of submissions awaiting review. */
  reviewCards: MessageRef[];
  /** Members the bench acts as, in disjoint pools: the builder's active claimants are all in the lower half. */
  pools: Record<'claim' | 'submit' | 'vote' | 'ingest' | 'raw', number[]>;
}

export class Driver {
  readonly core: Governance;
  private t = BENCH_NOW;
  private n = 0;

  constructor(readonly db: SqliteDb) {
    // Time moves by a millisecond per event, so audit times keep increasing; nothing falls due.
    this.core = new Governance(sqliteStorage(db), { now: () => this.t });
  }

  actor(i: number) {
    return { userId: userIdOf(i), name: memberName(i) };
  }

  /** A command as member i; a user error is a bug in the bench. Only `handle` runs here. */
  async command(s: Shape, i: number, line: string): Promise<Outcome> {
    this.t++;
    return this.core.handle({
      type: 'command',
      eventId: `bench-${++this.n}`,
      community: s.ref,
      channelId: TASKS_CHANNEL,
      actor: this.actor(i),
      command: { text: line },
    });
  }

  /** What an adapter does after `handle`: record the message of each posted card. */
  async perform(s: Shape, out: Outcome, line = ''): Promise<void> {
    if (out.error) throw new Error(`${s.key}: ${line} → ${out.error.code}: ${out.error.message}`);
    for (const e of out.effects)
      if (e.type === 'post' && e.cardKey)
        await this.core.recordCard(s.ref, e.cardKey, { channelId: e.channelId, messageId: `b${++this.n}` });
  }

  /** Runs a command untimed (set-up and clean-up steps). */
  async ok(s: Shape, i: number, line: string): Promise<void> {
    await this.perform(s, await this.command(s, i, line), line);
  }

  async react(s: Shape, i: number, message: MessageRef, emoji: string, added: boolean): Promise<Outcome> {
    this.t++;
    return this.core.handle({
      type: 'reaction',
      community: s.ref,
      actor: this.actor(i),
      message,
      emoji,
      value: voteOfEmoji(emoji)!.value,
      added,
    });
  }

  pickings(shape: Shape): Pickings {
    const all = <T>(sql: string, ...args: unknown[]) => this.db.$client.prepare(sql).all(...args) as T[];
    const { id } = this.db.$client
      .prepare('select id from communities where platform = ? and external_id = ?')
      .get(shape.ref.platform, shape.ref.id) as { id: number };
    const openTasks = all<{ number: number }>(
      `select number from tasks t where community_id = ? and status = 'open' and slots = 1
         and not exists (select 1 from claims c where c.task_id = t.id) order by number`,
      id,
    ).map((r) => r.number);
    const openProposals = all<{ number: number }>(
      "select number from proposals where community_id = ? and status = 'open' order by number",
      id,
    ).map((r) => r.number);
    const reviewCards = all<{ channelId: string; messageId: string }>(
      `select c.channel_id channelId, c.message_id messageId from submissions s
         join cards c on c.community_id = s.community_id and c.card_key = 'submission:' || s.id
        where s.community_id = ? and s.status = 'open' order by s.id`,
      id,
    );
    const half = Math.floor(shape.members / 2);
    const size = Math.floor((shape.members - half) / 5);
    const pool = (k: number) => Array.from({ length: size }, (_, j) => half + 1 + k * size + j);
    const pools = { claim: pool(0), submit: pool(1), vote: pool(2), ingest: pool(3), raw: pool(4) };
    return { shape, communityId: id, openTasks, openProposals, reviewCards, pools };
  }
}
