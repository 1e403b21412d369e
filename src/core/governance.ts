/**
 * handle(input) → one write unit of the storage port (a transaction) → { reply, effects }. The only
 * door into the core. Units of one community run in the order this process was asked for them
 * (`inOrder`); how they keep out of each other's way is the storage's (storage.ts, pg.ts).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { exec, prepared } from '../db/prepared.js';
import { run, wait, type Step } from '../db/step.js';
import { processedEvents } from '../db/schema.js';
import type { Continuity, Settled, Storage } from '../db/storage.js';
import type { CommandInput } from './commands.js';
import { BatchScope } from './batch-scope.js';
import { findCard, saveCard, type CardRef } from './card-store.js';
import { ensureCommunity, findCommunity } from './community/community.js';
import { RulesCache } from './community/rules-cache.js';
import type { Ctx } from './shared/context.js';
import { runDueDeadlines } from './deadline-runner.js';
import { parseCommand, type RawCommand } from './parse-command.js';
import { runCommand } from './handlers.js';
import { toValue, UserError, type UserErrorValue } from './shared/errors.js';
import { jobs, type JobTable } from './jobs.js';
import { PagedRead } from './shared/paged-read.js';
import {
  type Platform,
  type Actor,
  type ChannelInfo,
  type Clock,
  type CommunityRef,
  type FaultLog,
  type MessageRef,
  type VoteValue,
} from './shared/model.js';
import {
  applyReaction,
  clearReactions,
  openVoteCards,
  syncReactions,
  type PresentReaction,
} from './reactions.js';
import { suggest, type Suggestion } from './platform.js';
import type { Effect, Reply } from './shared/views.js';
import { Serial } from '../serial.js';
import { writeContext } from './write-context.js';
import { writeTallies } from './votes/marks.js';

interface Base {
  community: CommunityRef;
  /** The platform's id of this event (interaction id, Slack event_id …); a repeat changes nothing. */
  eventId?: string;
}

export interface CommandEvent extends Base {
  type: 'command';
  channelId: string;
  actor: Actor;
  /** As the member gave it (typed, or named options); `handle` parses and validates it. */
  command: RawCommand;
  /** Channels the bot can post in, when the platform can tell: channel rules must name one of them. */
  channels?: ChannelInfo[];
}

export interface ReactionEvent extends Base {
  type: 'reaction';
  actor: Actor;
  message: MessageRef;
  /** The platform's emoji as the adapter saw it: one vote source. */
  emoji: string;
  value: VoteValue;
  added: boolean;
}

/** All reactions (or all of one emoji) were removed from a message. */
export interface ReactionsClearedEvent extends Base {
  type: 'reactions-cleared';
  message: MessageRef;
  emoji?: string;
}

/** The voting reactions a card has now, as the platform reports them (reconciling after downtime). */
export interface ReactionsSyncEvent extends Base {
  type: 'reactions-sync';
  message: MessageRef;
  present: PresentReaction[];
}

export type Inbound = CommandEvent | ReactionEvent | ReactionsClearedEvent | ReactionsSyncEvent;

/** An inbound event past the parse step: a command event's command is validated. */
type Checked = Exclude<Inbound, CommandEvent> | (Omit<CommandEvent, 'command'> & { command: CommandInput });

/** What an adapter does after `handle`: reply to the user, then perform the effects in order. */
export interface Outcome {
  community: CommunityRef;
  reply?: Reply;
  effects: Effect[];
  error?: UserErrorValue;
  /** The event id was seen before: nothing was done. */
  duplicate?: boolean;
}

export type { CardRef };

/** What `handleBatch` gives for one event: its outcome, or the bug it threw (that event rolled back alone). */
export type BatchResult = Settled<Outcome>;

/** The most events `handleBatch` puts in one transaction (a longer run of one community is split). */
export const MAX_BATCH = 500;

const stderrLog: FaultLog = {
  warn: (fields, message) => console.error(message, fields),
  error: (fields, message) => console.error(message, fields),
};

export class Governance {
  /** Each community's rules while its rules version stays the same (see rules-cache.ts). */
  private readonly rules = new RulesCache();

  constructor(
    /** Every unit of work runs through it: one write or read transaction at a time. */
    private readonly storage: Storage,
    readonly clock: Clock,
    private readonly log: FaultLog = stderrLog,
    /** What each kind of deadline runs: this build's table, or (in tests) one with more kinds. */
    private readonly jobTable: JobTable = jobs,
  ) {}

  /** Per community with units pending, their queue (see `inOrder`); forgotten when it empties. */
  private readonly queues = new Map<string, Serial>();

  /**
   * Runs `unit` once every write unit of the same community that this process was asked for earlier
   * has finished: an adapter's events are applied in the order it hands them over (a reaction taken
   * back and given again stays given; a card is recorded before a reaction on it is looked up).
   * SQLite's storage runs units in call order anyway; PostgreSQL's runs them side by side, where
   * which one takes the community's row lock first would be a race. Other communities never wait.
   */
  private inOrder<T>(ref: CommunityRef, unit: () => Promise<T>): Promise<T> {
    const key = communityKey(ref);
    let queue = this.queues.get(key);
    if (!queue) this.queues.set(key, (queue = new Serial(() => this.queues.delete(key))));
    return queue.run(unit);
  }

  /**
   * Applies one inbound event atomically. User errors come back as values; bugs throw. A command is
   * parsed first, outside any unit of work: one rejected there changes nothing, not even the record of
   * its event id (a corrected resubmission of the same Slack form goes through).
   */
  async handle(input: Inbound): Promise<Outcome> {
    try {
      const event: Checked =
        input.type === 'command' ? { ...input, command: parseCommand(input.command) } : input;
      const pending: { read?: PagedRead } = {};
      const out = await this.inOrder(input.community, async () => {
        await this.clock.sync?.();
        const now = this.clock.now();
        if (event.type === 'reaction' && this.storage.continuity) return this.applyCarried(event, now);
        return this.storage.write((db) => run(this.apply(db, event, now, pending)));
      });
      if (pending.read) out.reply = await this.readInPages(pending.read);
      return out;
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      return {
        community: input.community,
        effects: [],
        error: toValue(e),
        reply: { private: true, text: e.message },
      };
    }
  }

  /**
   * Applies inbound events (a burst an adapter had queued) with the same result, event by event, as
   * `handle` on each in turn, in fewer transactions: the events of one community share one write unit
   * (`storage.writeEach`), each in its own savepoint, and what they read (batch-scope.ts). A card is
   * edited once per unit, by the last event that changed it, showing what the unit left (the edits
   * before it would be replaced at once). A user error comes back as that event's value; an event
   * that throws (a bug) is rolled back alone and its result holds what it threw; a repeated event id
   * counts once, within the batch too (the first records it, the second finds it). Nothing is returned
   * before the transaction commits, so the caller performs effects only of what is stored; when the
   * unit fails as a whole (its commit), its events are applied again one at a time. Results are in
   * input order.
   *
   * One community per transaction: on PostgreSQL every unit locks its community row first, and a
   * transaction that held several communities' rows, taken in the order events arrived, could deadlock
   * with another process's batch taking them in another order. Each unit takes its place in its
   * community's order (`inOrder`) when handleBatch is called, as separate `handle` calls would. A command still runs alone through `handle` (in its place in the community's order): it may
   * change rules or settings that caches keep, which must never be filled from writes a later
   * savepoint sees before the batch has committed, and a long read is paged after its own commit.
   */
  async handleBatch(inputs: Inbound[]): Promise<BatchResult[]> {
    // Every unit takes its place in its community's order now, as if each had been asked for in turn;
    // units of different communities may run side by side (PostgreSQL), as separate handle calls do.
    const units = batchRuns(inputs).map((run) => ({
      run,
      settled: this.batchUnit(run.map((i) => inputs[i]!)),
    }));
    const results: BatchResult[] = new Array<BatchResult>(inputs.length);
    for (const { run, settled } of units) (await settled).forEach((r, k) => (results[run[k]!] = r));
    return results;
  }

  /**
   * A reaction in its own write unit, sharing what it reads with the reaction units before it
   * (batch-scope.ts) while nothing else has written since (`Storage.continuity`: SQLite, where this
   * process's units and other connections' commits can be told apart). Its card is re-rendered at the
   * end of the unit, as a batch's are. The scope is kept only when the unit committed.
   */
  private async applyCarried(event: ReactionEvent, now: number): Promise<Outcome> {
    const { out, kept } = await this.storage.write((db) => run(this.carriedUnit(db, event, now)));
    this.carried = kept;
    return out;
  }

  /** The work of `applyCarried`'s unit: the outcome, and what to keep for the next unit once it commits. */
  private *carriedUnit(db: Db, event: ReactionEvent, now: number): Step<{ out: Outcome; kept?: Carried }> {
    const { scope, at } = this.carriedScope(event.community);
    scope.deferTallies = false;
    const out = yield* this.apply(db, event, now, {}, scope);
    scope.commitEvent();
    yield* scope.flush();
    return { out, kept: carried(event.community, scope, at) };
  }

  /** What the last write unit left for the next (see `carriedScope`). */
  private carried?: Carried;

  /**
   * Inside a write unit: the scope the last unit left, when it was of the same community, it was the
   * unit just before this one on this storage, and no other connection has committed since; else a new
   * scope. Either way nothing is left behind until this unit commits. `at` is where this unit stands
   * (the same at its end: while it holds the write lock, no other connection commits).
   */
  private carriedScope(ref: CommunityRef): { scope: BatchScope; at?: Continuity } {
    const last = this.carried;
    this.carried = undefined;
    const at = this.storage.continuity?.();
    const same =
      last !== undefined &&
      at !== undefined &&
      last.community === communityKey(ref) &&
      last.unit + 1 === at.unit &&
      last.version === at.version;
    return { scope: same ? last.scope : new BatchScope(), at };
  }

  /** One unit of `handleBatch`: a command alone through `handle`, or events of one community together. */
  private batchUnit(events: Inbound[]): Promise<BatchResult[]> {
    const first = events[0]!;
    if (first.type === 'command')
      return this.handle(first).then(
        (value): BatchResult[] => [{ ok: true, value }],
        (error: unknown): BatchResult[] => [{ ok: false, error }],
      );
    return this.applyEach(events as Exclude<Inbound, CommandEvent>[]);
  }

  /**
   * Events of one community, none a command, in one write unit: each in its own savepoint. When the
   * unit fails as a whole (its commit, or re-rendering its cards at the end), nothing of it is kept,
   * and its events are applied again one at a time, so each succeeds or fails on its own.
   */
  private async applyEach(events: Exclude<Inbound, CommandEvent>[]): Promise<BatchResult[]> {
    try {
      const settled = await this.inOrder(events[0]!.community, async () => {
        await this.clock.sync?.();
        const now = this.clock.now();
        try {
          return await this.inOneUnit(events, now);
        } catch (error) {
          this.log.warn(
            { events: events.length, err: error },
            'A batch of events failed as a whole and was rolled back; applying its events one at a time',
          );
          return await this.oneByOne(events, now);
        }
      });
      return settled.map((r, k) =>
        r.ok || !(r.error instanceof UserError)
          ? r
          : { ok: true, value: userErrorOutcome(events[k]!.community, r.error) },
      );
    } catch (error) {
      return events.map(() => ({ ok: false, error }));
    }
  }

  /**
   * The events in one write unit, reactions sharing what they read (batch-scope.ts); the cards they
   * changed are re-rendered once each at the end, onto the last event that changed each card.
   */
  private async inOneUnit(
    events: Exclude<Inbound, CommandEvent>[],
    now: number,
  ): Promise<Settled<Outcome>[]> {
    let scope = new BatchScope();
    let at: Continuity | undefined;
    // Counts are written once per target at the end, unless an event (clearing or reconciling a
    // card's reactions) recounts them from the marks.
    const deferTallies = events.every((e) => e.type === 'reaction');
    const works = events.map((event, k) => (db: Db) => {
      // A new attempt of the whole unit (PostgreSQL re-runs a deadlock victim) starts afresh.
      if (k === 0) {
        ({ scope, at } = this.carriedScope(event.community));
        scope.deferTallies = deferTallies;
      }
      return run(this.inScope(db, event, now, scope));
    });
    const settled = await this.storage.writeEach(works, (db) => run(closeUnit(db, scope)));
    // Committed: what the unit read and wrote is what the database holds.
    this.carried = carried(events[0]!.community, scope, at);
    return settled;
  }

  /** One event of a unit sharing `scope`, in its own savepoint (`inOneUnit`). */
  private *inScope(
    db: Db,
    event: Exclude<Inbound, CommandEvent>,
    now: number,
    scope: BatchScope,
  ): Step<Outcome> {
    // Clearing or reconciling a card's reactions changes its marks wholesale: read everything again.
    const shared = event.type === 'reaction' ? scope : undefined;
    if (!shared) scope.reset();
    try {
      const out = yield* this.apply(db, event, now, {}, shared);
      if (!shared) scope.reset();
      scope.commitEvent();
      return out;
    } catch (error) {
      scope.abortEvent();
      throw error;
    }
  }

  /** Each event in its own write unit, as `handle` would (the fallback of a batch that failed as a whole). */
  private async oneByOne(events: Exclude<Inbound, CommandEvent>[], now: number): Promise<Settled<Outcome>[]> {
    const results: Settled<Outcome>[] = [];
    for (const event of events) {
      try {
        results.push({
          ok: true,
          value: await this.storage.write((db) => run(this.apply(db, event, now, {}))),
        });
      } catch (error) {
        results.push({ ok: false, error });
      }
    }
    return results;
  }

  /**
   * A long read (`/commons verify` over a chain of a million events) runs after the command's own
   * transaction has committed, one page per read transaction: none covers more than one page or
   * holds the write lock, and other units (of this or another process) run between pages.
   */
  private async readInPages(read: PagedRead): Promise<Reply> {
    for (;;) {
      const reply = await this.storage.read((db) => read.step(db));
      if (reply) return reply;
    }
  }

  private *apply(
    db: Db,
    input: Checked,
    now: number,
    pending: { read?: PagedRead },
    batch?: BatchScope,
  ): Step<Outcome> {
    const out: Outcome = { community: input.community, effects: [] };
    if ('actor' in input && input.actor.isBot) return out;
    if (input.eventId && !(yield* firstSight(db, input.community.platform, input.eventId, now)))
      return { ...out, duplicate: true };
    const ctx = yield* writeContext(
      db,
      this.rules,
      input.community,
      now,
      channelOf(input),
      actorOf(input),
      batch,
    );
    out.effects = ctx.effects;
    if (input.type === 'command') {
      ctx.channels = input.channels;
      const r = yield* wait(runCommand(ctx, input.command));
      if (r instanceof PagedRead) pending.read = r;
      else out.reply = r;
    } else if (input.type === 'reaction') yield* applyReaction(ctx, input);
    else if (input.type === 'reactions-sync') yield* wait(syncReactions(ctx, input.message, input.present));
    else yield* wait(clearReactions(ctx, input.message, input.emoji));
    return out;
  }

  /** Read-only: a context for one community, recording nothing; `fallback` when it is not known yet. */
  private read<T>(ref: CommunityRef, fn: (ctx: Ctx) => Promise<T>, fallback: T): Promise<T> {
    return this.storage.read(async (db) => {
      const community = await findCommunity(db, ref);
      if (!community) return fallback;
      const rules = await this.rules.rulesOf(db, community, false);
      const now = this.clock.now(); // synced by the write units; a read needs no newer offset
      return fn({ db, now, platform: ref.platform, community, rules, channelId: '', effects: [] });
    });
  }

  /** Autocomplete: tasks or proposals matching what the user typed, open ones first. */
  suggest(ref: CommunityRef, kind: 'task' | 'proposal', typed: string): Promise<Suggestion[]> {
    return this.read(ref, (ctx) => suggest(ctx, kind, typed), []);
  }

  /** Review and proposal cards that still take votes. */
  openVoteCards(ref: CommunityRef): Promise<CardRef[]> {
    return this.read(
      ref,
      async (ctx) => (await openVoteCards(ctx)).map((c) => ({ ...c, threadId: null })),
      [],
    );
  }

  /** An adapter reports which platform message now shows a card, so later reactions find their vote. */
  recordCard(ref: CommunityRef, cardKey: string, at: MessageRef & { threadId?: string }): Promise<void> {
    return this.inOrder(ref, async () => {
      await this.clock.sync?.();
      const now = this.clock.now();
      await this.storage.write(async (db) => {
        const community = await ensureCommunity(db, ref, now);
        await saveCard(db, community.id, cardKey, at, now);
      });
    });
  }

  /** Where a card is shown, if it was posted. */
  findCard(ref: CommunityRef, cardKey: string): Promise<CardRef | undefined> {
    return this.storage.read(async (db) => {
      const community = await findCommunity(db, ref);
      return community && (await findCard(db, community.id, cardKey));
    });
  }

  /**
   * Runs every deadline due now, each exactly once, each in its own transaction. Only deadlines of
   * communities on `platforms` run, so none fires while its platform's adapter is not there to act.
   * A deadline that throws is rolled back, logged and retried later (see deadline-failures.ts); it
   * never stops the others, and the outcomes of those that ran are always returned.
   */
  async runDue(platforms?: Platform[], limit = 500): Promise<Outcome[]> {
    await this.clock.sync?.();
    const { storage, clock, log, jobTable, rules } = this;
    return runDueDeadlines({ storage, clock, log, jobTable, rules }, platforms, limit);
  }
}

/** The end of a unit of events: the counts it deferred written, its cards re-rendered. */
function* closeUnit(db: Db, scope: BatchScope): Step<void> {
  yield* writeTallies(db, scope);
  yield* scope.flush();
}

/** A scope a committed write unit left for the next (`Governance.carriedScope`). */
interface Carried extends Continuity {
  community: string;
  scope: BatchScope;
}

/** What a unit at `at` leaves for the next once it commits; nothing where the storage cannot tell (`at` undefined). */
function carried(ref: CommunityRef, scope: BatchScope, at: Continuity | undefined): Carried | undefined {
  return at && { community: communityKey(ref), scope, unit: at.unit, version: at.version };
}

/** A community as a map key: its platform and id. */
function communityKey(ref: CommunityRef): string {
  return `${ref.platform}\u0000${ref.id}`;
}

/**
 * The indexes of `inputs` in the units `handleBatch` runs, in the order it runs them: community by
 * community (first seen first), each community's events in input order, split at every command (which
 * runs alone) and at MAX_BATCH.
 */
function batchRuns(inputs: Inbound[]): number[][] {
  const byCommunity = new Map<string, number[]>();
  // A burst is mostly one community's: the run of events of the one before takes no key or look-up.
  let last: { ref: CommunityRef; list: number[] } | undefined;
  inputs.forEach((input, i) => {
    const ref = input.community;
    if (last && ref.id === last.ref.id && ref.platform === last.ref.platform) return void last.list.push(i);
    const key = communityKey(ref);
    let list = byCommunity.get(key);
    if (!list) byCommunity.set(key, (list = []));
    list.push(i);
    last = { ref, list };
  });
  const runs: number[][] = [];
  for (const indexes of byCommunity.values()) {
    let run: number[] = [];
    for (const i of indexes) {
      const alone = inputs[i]!.type === 'command';
      if (run.length > 0 && (alone || run.length >= MAX_BATCH)) {
        runs.push(run);
        run = [];
      }
      run.push(i);
      if (alone) {
        runs.push(run);
        run = [];
      }
    }
    if (run.length > 0) runs.push(run);
  }
  return runs;
}

/** A user error as `handle` returns it: a private reply, nothing changed. */
function userErrorOutcome(community: CommunityRef, e: UserError): Outcome {
  return { community, effects: [], error: toValue(e), reply: { private: true, text: e.message } };
}

function channelOf(input: Checked): string {
  return 'channelId' in input ? input.channelId : input.message.channelId;
}

function actorOf(input: Checked): Actor | undefined {
  return 'actor' in input ? input.actor : undefined;
}

/** Records a platform event id; false when it was seen before (a repeat changes nothing). */
function* firstSight(db: Db, platform: string, eventId: string, now: number): Step<boolean> {
  const q = prepared(db, 'events.firstSight', (d) =>
    d
      .insert(processedEvents)
      .values({
        platform: sql.placeholder('platform'),
        eventId: sql.placeholder('eventId'),
        at: sql.placeholder('at'),
      })
      .onConflictDoNothing()
      .returning({ at: processedEvents.at }),
  );
  const recorded = yield* exec(q, { platform, eventId, at: now });
  return recorded.length === 1;
}
