/**
 * handle(input) → one SQLite transaction → { reply, effects }. The only door into the core.
 * Every write transaction is BEGIN IMMEDIATE: it takes the write lock first, so a second process on the
 * same file waits (busy_timeout) instead of failing with SQLITE_BUSY when a read would turn into a write.
 */
import { and, eq, lt } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { cards, communities, processedEvents } from '../db/schema.js';
import { settingsStore, type Settings } from '../db/kv.js';
import type { CommandInput } from './commands.js';
import { ensureCommunity, ensureMember, findCommunity, loadRules } from './community/community.js';
import type { Ctx } from './shared/context.js';
import { deadlineFailed } from './deadline-failures.js';
import { claimDeadline, dueDeadlines, type DeadlineRow } from './shared/deadlines.js';
import { runCommand } from './handlers.js';
import { toValue, UserError, type UserErrorValue } from './shared/errors.js';
import { jobKinds, jobs, runJob, type JobTable } from './jobs.js';
import { PagedRead } from './shared/paged-read.js';
import {
  DAY_MS,
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
  type ReactionChange,
} from './reactions.js';
import { suggest, type Suggestion } from './platform.js';
import type { Effect, Reply } from './shared/views.js';

interface Base {
  community: CommunityRef;
  /** The platform's id of this event (interaction id, Slack event_id …); a repeat changes nothing. */
  eventId?: string;
}

export interface CommandEvent extends Base {
  type: 'command';
  channelId: string;
  actor: Actor;
  command: CommandInput;
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

/** What an adapter does after `handle`: reply to the user, then perform the effects in order. */
export interface Outcome {
  community: CommunityRef;
  reply?: Reply;
  effects: Effect[];
  error?: UserErrorValue;
  /** The event id was seen before: nothing was done. */
  duplicate?: boolean;
}

export interface CardRef {
  channelId: string;
  messageId: string;
  threadId: string | null;
}

const stderrLog: FaultLog = {
  warn: (fields, message) => console.error(message, fields),
  error: (fields, message) => console.error(message, fields),
};

export class Governance {
  private readonly settings: Settings;

  constructor(
    readonly db: Db,
    readonly clock: Clock,
    private readonly log: FaultLog = stderrLog,
    /** What each kind of deadline runs: this build's table, or (in tests) one with more kinds. */
    private readonly jobTable: JobTable = jobs,
  ) {
    this.settings = settingsStore(db);
  }

  /** Runs `fn` in one write transaction (BEGIN IMMEDIATE). */
  private write<T>(fn: () => T): T {
    return this.db.$client.transaction(fn).immediate();
  }

  /** Applies one inbound event atomically. User errors come back as values; bugs throw. */
  handle(input: Inbound): Outcome {
    const now = this.clock.now();
    try {
      const pending: { read?: PagedRead } = {};
      const out = this.write(() => this.apply(input, now, pending));
      if (pending.read) out.reply = this.readInPages(pending.read);
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
   * A long read (`/commons verify` over a chain of a million events) runs after the command's own
   * transaction has committed, one page per transaction: no transaction covers more than one page,
   * and none holds the write lock (a deferred transaction that only reads takes none, and in WAL mode
   * writers of this or another process commit between pages). Deferred on purpose, not IMMEDIATE.
   */
  private readInPages(read: PagedRead): Reply {
    for (;;) {
      const reply = this.db.$client.transaction(() => read.step(this.db)).deferred();
      if (reply) return reply;
    }
  }

  private apply(input: Inbound, now: number, pending: { read?: PagedRead }): Outcome {
    const out: Outcome = { community: input.community, effects: [] };
    if ('actor' in input && input.actor.isBot) return out;
    if (input.eventId && !this.firstSight(input.community.platform, input.eventId, now))
      return { ...out, duplicate: true };
    const ctx = this.context(
      input.community,
      now,
      'channelId' in input ? input.channelId : input.message.channelId,
      'actor' in input ? input.actor : undefined,
    );
    out.effects = ctx.effects;
    if (input.type === 'command') {
      ctx.channels = input.channels;
      const r = runCommand(ctx, input.command);
      if (r instanceof PagedRead) pending.read = r;
      else out.reply = r;
    } else if (input.type === 'reaction') applyReaction(ctx, input as ReactionChange);
    else if (input.type === 'reactions-sync') syncReactions(ctx, input.message, input.present);
    else clearReactions(ctx, input.message, input.emoji);
    return out;
  }

  private firstSight(platform: string, eventId: string, now: number): boolean {
    const r = this.db
      .insert(processedEvents)
      .values({ platform, eventId, at: now })
      .onConflictDoNothing()
      .run();
    return r.changes === 1;
  }

  private context(ref: CommunityRef, now: number, channelId: string, actor?: Actor): Ctx {
    const community = ensureCommunity(this.db, ref, now);
    const ctx: Ctx = {
      db: this.db,
      now,
      platform: ref.platform,
      community,
      rules: loadRules(this.db, community.id),
      channelId,
      effects: [],
    };
    if (actor)
      ctx.actor = { ...ensureMember(this.db, community.id, actor, now), isAdmin: actor.isAdmin ?? false };
    return ctx;
  }

  /** Read-only: builds a context for one community without recording anything. */
  private read<T>(ref: CommunityRef, fn: (ctx: Ctx) => T, fallback: T): T {
    const community = findCommunity(this.db, ref);
    if (!community) return fallback;
    const now = this.clock.now();
    return fn({
      db: this.db,
      now,
      platform: ref.platform,
      community,
      rules: loadRules(this.db, community.id),
      channelId: '',
      effects: [],
    });
  }

  /** Autocomplete: tasks or proposals matching what the user typed, open ones first. */
  suggest(ref: CommunityRef, kind: 'task' | 'proposal', typed: string): Suggestion[] {
    return this.read(ref, (ctx) => suggest(ctx, kind, typed), []);
  }

  /** Review and proposal cards that still take votes. */
  openVoteCards(ref: CommunityRef): CardRef[] {
    return this.read(ref, (ctx) => openVoteCards(ctx).map((c) => ({ ...c, threadId: null })), []);
  }

  /** An adapter reports which platform message now shows a card, so later reactions find their vote. */
  recordCard(ref: CommunityRef, cardKey: string, at: MessageRef & { threadId?: string }): void {
    const now = this.clock.now();
    this.write(() => {
      const community = ensureCommunity(this.db, ref, now);
      const row = {
        communityId: community.id,
        cardKey,
        channelId: at.channelId,
        messageId: at.messageId,
        threadId: at.threadId ?? null,
        createdAt: now,
      };
      this.db
        .insert(cards)
        .values(row)
        .onConflictDoUpdate({
          target: [cards.communityId, cards.cardKey],
          set: { channelId: row.channelId, messageId: row.messageId, threadId: row.threadId },
        })
        .run();
    });
  }

  /** Small persistent state of adapters (the console's clock offset, message counter …). */
  getSetting(key: string): string | undefined {
    return this.settings.getSetting(key);
  }

  setSetting(key: string, value: string): void {
    this.settings.setSetting(key, value);
  }

  /** Sets `key` unless it is set; returns the value it has now (another process may have set it first). */
  initSetting(key: string, value: string): string {
    return this.settings.initSetting(key, value);
  }

  /** Adds `by` to the number kept at `key` in one statement, so concurrent additions all count. */
  addToSetting(key: string, by: number): number {
    return this.settings.addToSetting(key, by);
  }

  findCard(ref: CommunityRef, cardKey: string): CardRef | undefined {
    const community = findCommunity(this.db, ref);
    if (!community) return undefined;
    return this.db
      .select({ channelId: cards.channelId, messageId: cards.messageId, threadId: cards.threadId })
      .from(cards)
      .where(and(eq(cards.communityId, community.id), eq(cards.cardKey, cardKey)))
      .get();
  }

  /**
   * Runs every deadline due now, each exactly once, each in its own transaction. Only deadlines of
   * communities on `platforms` run, so none fires while its platform's adapter is not there to act.
   * A deadline that throws is rolled back, logged and retried later (see recordFailure); it never
   * stops the others, and the outcomes of those that ran are always returned.
   */
  runDue(platforms?: Platform[], limit = 500): Outcome[] {
    const now = this.clock.now();
    const outcomes: Outcome[] = [];
    for (const d of dueDeadlines(this.db, now, jobKinds(this.jobTable), limit, platforms)) {
      try {
        const o = this.write(() => this.runDeadline(d, now));
        if (o) outcomes.push(o);
      } catch (err) {
        deadlineFailed(this.db, this.log, (fn) => this.write(fn), d, now, err);
      }
    }
    this.db
      .delete(processedEvents)
      .where(lt(processedEvents.at, now - 30 * DAY_MS))
      .run();
    return outcomes;
  }

  private runDeadline(d: DeadlineRow, now: number): Outcome | undefined {
    if (!claimDeadline(this.db, d.id, now)) return undefined;
    const c = this.db.select().from(communities).where(eq(communities.id, d.communityId)).get()!;
    const ref: CommunityRef = { platform: c.platform as CommunityRef['platform'], id: c.externalId };
    const ctx = this.context(ref, now, '');
    runJob(ctx, d, this.jobTable);
    return { community: ref, effects: ctx.effects };
  }
}
