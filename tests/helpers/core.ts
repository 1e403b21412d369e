/** A core on a migrated in-memory database with a hand-moved clock, driven like an adapter would. */
import { testDb } from './test-db.js';
import type { JobTable } from '../../src/core/jobs.js';
import {
  Governance,
  voteOfEmoji,
  type ChannelInfo,
  type CommunityRef,
  type FaultLog,
  type Outcome,
  type VoteValue,
} from '../../src/core/index.js';
import { DAY_MS } from '../../src/core/shared/model.js';

export const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);

export class TestClock {
  constructor(public t = T0) {}
  now = () => this.t;
  advance(ms: number) {
    this.t += ms;
  }
}

/** The vote an emoji stands for, as an adapter maps it; a test that reacts with a non-vote emoji is a mistake. */
function voteValue(emoji: string): VoteValue {
  const vote = voteOfEmoji(emoji);
  if (!vote) throw new Error(`${emoji} is not a voting emoji`);
  return vote.value;
}

/** A FaultLog that keeps what it is told, for tests that check a fault is reported. */
export function recordingLog() {
  const entries: { level: 'warn' | 'error'; message: string; fields: object }[] = [];
  const log: FaultLog = {
    warn: (fields, message) => entries.push({ level: 'warn', message, fields }),
    error: (fields, message) => entries.push({ level: 'error', message, fields }),
  };
  return { log, entries };
}

export function makeCore(
  opts: {
    /** An SQLite file (ignored on PostgreSQL, where each harness gets a new database). */
    path?: string;
    /** An existing database to open again: a `location()` of an earlier harness (a restart). */
    at?: string;
    clock?: TestClock;
    community?: CommunityRef;
    log?: FaultLog;
    jobs?: JobTable;
  } = {},
) {
  const t = testDb({ path: opts.path, at: opts.at });
  const clock = opts.clock ?? new TestClock();
  const storage = t.storage;
  const core = new Governance(storage, clock, opts.log, opts.jobs);
  const community: CommunityRef = opts.community ?? { platform: 'console', id: 'test' };
  let n = 0;
  let msg = 0;
  const admins = new Set<string>(['alice']);

  /** Performs the outcome's posts like an adapter: each card gets a message id `m<N>`. */
  async function perform(out: Outcome): Promise<Outcome> {
    for (const e of out.effects) {
      if (e.type === 'post' && e.cardKey) {
        const messageId = `m${++msg}`;
        await core.recordCard(out.community, e.cardKey, {
          channelId: e.channelId,
          messageId,
          threadId: e.thread ? `${messageId}t` : undefined,
        });
      }
    }
    return out;
  }

  type Extra = { channelId?: string; eventId?: string; joinedAt?: number; channels?: ChannelInfo[] };
  const h = {
    /** The database: `h.t.query('select … where x = ?', x)` reads rows on either dialect. */
    t,
    dialect: t.dialect,
    query: t.query,
    one: t.one,
    exec: t.exec,
    storage,
    core,
    clock,
    community,
    admins,
    /** Runs a text command as `user` in #general: the raw line, parsed by the core like any typed one. */
    async cmd(user: string, line: string, extra: Extra = {}): Promise<Outcome> {
      return perform(
        await core.handle({
          type: 'command',
          eventId: extra.eventId ?? `e${++n}`,
          community,
          channelId: extra.channelId ?? 'general',
          actor: { userId: user, name: user, isAdmin: admins.has(user), joinedAt: extra.joinedAt },
          command: { text: line },
          channels: extra.channels,
        }),
      );
    },
    /** Like `cmd`, but fails the test on a user error. */
    async ok(user: string, line: string, extra: Extra = {}): Promise<Outcome> {
      const out = await h.cmd(user, line, extra);
      if (out.error) throw new Error(`${line} → ${out.error.code}: ${out.error.message}`);
      return out;
    },
    async react(
      user: string,
      cardKey: string,
      emoji: string,
      added = true,
      extra: { isBot?: boolean; joinedAt?: number } = {},
    ): Promise<Outcome> {
      const card = await core.findCard(community, cardKey);
      if (!card) throw new Error(`no card ${cardKey}`);
      return perform(
        await core.handle({
          type: 'reaction',
          community,
          actor: { userId: user, name: user, isBot: extra.isBot, joinedAt: extra.joinedAt },
          message: { channelId: card.channelId, messageId: card.messageId },
          emoji,
          value: voteValue(emoji),
          added,
        }),
      );
    },
    unreact(user: string, cardKey: string, emoji: string): Promise<Outcome> {
      return h.react(user, cardKey, emoji, false);
    },
    /** Moves the clock and runs what fell due, like the scheduler. */
    async advance(ms: number): Promise<Outcome[]> {
      clock.advance(ms);
      const outs: Outcome[] = [];
      for (const o of await core.runDue()) outs.push(await perform(o));
      return outs;
    },
    days: (d: number) => d * DAY_MS,
    /** Row counts of every table, to prove a command changed nothing. */
    async counts(): Promise<Record<string, number>> {
      const counts: Record<string, number> = {};
      for (const name of await t.tables())
        counts[name] = Number((await t.one<{ n: number }>(`select count(*) as n from "${name}"`))!.n);
      return counts;
    },
    /**
     * A full dump of every table, for before/after comparison: rows sorted by their text, as neither
     * dialect orders rows that tie on an `order by` the same way.
     */
    async dump(): Promise<string> {
      const out: [string, unknown[]][] = [];
      for (const name of await t.tables())
        out.push([name, sortedRows(await t.query(`select * from "${name}"`))]);
      return JSON.stringify(out);
    },
    /** The text of all effects of kinds 'say', 'thread', 'notify' in an outcome list. */
    texts(outs: Outcome[]): string[] {
      return outs.flatMap((o) => o.effects.flatMap((e) => ('text' in e ? [e.text] : [])));
    },
  };
  return h;
}

export type Harness = ReturnType<typeof makeCore>;

/** Rows in the order of their JSON text: a table's content, whatever order the database returned. */
export function sortedRows<T>(rows: T[]): T[] {
  return rows
    .map((r) => [JSON.stringify(r), r] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, r]) => r);
}

/** Posts task 1 by alice, claimed by bob and submitted: the usual start of a review test. */
export async function submittedTask(h: Harness, opts: { slots?: number } = {}) {
  await h.ok('alice', `/task post Write the guide skills:docs${opts.slots ? ` slots:${opts.slots}` : ''}`);
  await h.ok('bob', '/task claim 1');
  await h.ok('bob', '/task submit 1 link:https://example.org/pr/1');
}

/** Makes every insert of a `proposal.closed` audit event fail, as a full disk would (both dialects). */
export async function breakClosing(h: Harness): Promise<void> {
  if (h.dialect === 'pg')
    await h.exec(`create function fault() returns trigger language plpgsql as $$
      begin raise exception 'the disk is full'; end $$;
      create trigger fault before insert on audit for each row when (new.type = 'proposal.closed')
      execute function fault()`);
  else
    await h.exec(`create trigger fault before insert on audit when new.type = 'proposal.closed'
      begin select raise(abort, 'the disk is full'); end`);
}

/** Outcomes with each card edit dropped that a later outcome's edit of the same card replaces. */
export function lastEdits(outs: Outcome[]): Outcome[] {
  const later = new Set<string>();
  return outs
    .toReversed()
    .map((o) => ({
      ...o,
      effects: o.effects.filter((e) => {
        if (e.type !== 'update') return true;
        const seen = later.has(e.cardKey);
        later.add(e.cardKey);
        return !seen;
      }),
    }))
    .reverse();
}
