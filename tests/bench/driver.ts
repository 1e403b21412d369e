/**
 * Drives one core on the bench database like an adapter would, for both communities: commands and
 * reactions go through `Governance.handle`; posted cards are recorded afterwards (untimed), as an
 * adapter does once the platform returns the message id.
 */
import { Governance, voteOfEmoji, type MessageRef, type Outcome } from '../../src/core/index.js';
import type pg from 'pg';
import type { SqliteDb } from '../../src/db/client.js';
import { pgStorage } from '../../src/db/pg.js';
import { sqliteStorage, type Storage } from '../../src/db/storage.js';
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

/** Rows of one statement with `?` placeholders, on the driver's database (untimed look-ups). */
export type Rows = <T>(sql: string, ...args: unknown[]) => Promise<T[]>;

export class Driver {
  readonly core: Governance;
  private t = BENCH_NOW;
  private n = 0;

  constructor(
    readonly storage: Storage,
    readonly rows: Rows,
    /** The SQLite handle, for what only SQLite measures (the raw baseline, transaction timing). */
    readonly sqlite?: SqliteDb,
  ) {
    // Time moves by a millisecond per event, so audit times keep increasing; nothing falls due.
    this.core = new Governance(storage, { now: () => this.t });
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

  async pickings(shape: Shape): Promise<Pickings> {
    const all = this.rows;
    const [{ id }] = (await all<{ id: number }>(
      'select id from communities where platform = ? and external_id = ?',
      shape.ref.platform,
      shape.ref.id,
    )) as [{ id: number }];
    const openTasks = (
      await all<{ number: number }>(
        `select number from tasks t where community_id = ? and status = 'open' and slots = 1
         and not exists (select 1 from claims c where c.task_id = t.id) order by number`,
        id,
      )
    ).map((r) => r.number);
    const openProposals = (
      await all<{ number: number }>(
        "select number from proposals where community_id = ? and status = 'open' order by number",
        id,
      )
    ).map((r) => r.number);
    const reviewCards = await all<{ channelId: string; messageId: string }>(
      `select c.channel_id as "channelId", c.message_id as "messageId" from submissions s
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

/** The bench driver on an SQLite database (one connection, the app's storage). */
export function sqliteDriver(db: SqliteDb): Driver {
  const rows: Rows = async <T>(sql: string, ...args: unknown[]) =>
    db.$client.prepare(sql).all(...args) as T[];
  return new Driver(sqliteStorage(db), rows, db);
}

/** The bench driver on a PostgreSQL pool (the app's pgStorage). */
export function pgDriver(pool: pg.Pool): Driver {
  const rows: Rows = async <T>(sql: string, ...args: unknown[]) => {
    let n = 0;
    return (
      await pool.query(
        sql.replace(/\?/g, () => `$${++n}`),
        args,
      )
    ).rows as T[];
  };
  return new Driver(pgStorage(pool), rows);
}
