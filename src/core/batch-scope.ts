/**
 * What the events of one batch (`Governance.handleBatch`: reactions that piled up, applied in one
 * transaction, each in its own savepoint) share instead of reading it again for every event: the
 * community row and rules (locked by the first event for the whole transaction), members by user id,
 * the open vote target of each card message, the audit chain's head, and each submission's counted
 * review votes. Re-rendering a card is deferred to the end of the batch, once per card, when the card
 * shows the state every event of the batch left it in (platforms rate-limit edits; the inbound queue
 * dropped all but a card's last edit anyway).
 *
 * Everything here was read or written inside the batch's own transaction, so it is exactly what the
 * database holds while nothing else writes: events (reactions) do not change communities, members'
 * claims, tasks or submissions, except an acceptance, after which the scope is dropped. An event that
 * throws is rolled back to its savepoint: the scope is dropped then too (`reset`), and so are the card
 * renders that event asked for. A new attempt of the whole transaction (PostgreSQL re-runs a deadlock
 * victim) starts with a new scope.
 */
import type { Step } from '../db/step.js';
import type { Rules } from './community/rules.js';
import type { OpenTarget } from './reactions.js';
import type { CommunityRow, MemberRow } from './shared/context.js';
import type { FewVote } from './votes/tally.js';
import { targetKey, type Target } from './votes/types.js';
import type { VoteValue } from './shared/model.js';

type Render = () => Step<void>;

/** Votes by value. */
export type Counts = Record<VoteValue, number>;

/** Changes to a target's counts in `vote_tallies` not written yet. */
export interface PendingTally extends Counts {
  community: number;
  type: Target['type'];
  id: number;
}

/** Adds `d` into `into`. */
function addCounts(into: Counts, d: Counts): void {
  into.yes += d.yes;
  into.no += d.no;
  into.abstain += d.abstain;
}

/** A submission's counted review votes, kept up to date by each vote change of the batch. */
export interface ReviewCount {
  approvals: number;
  objections: number;
  /** Members whose votes never count on it: whoever claimed the task, and the submitter. */
  excluded: Set<number>;
  /** Members who joined after this instant are too new to vote. */
  joinedAfter: number;
}

export class BatchScope {
  community?: { row: CommunityRow; rules: Rules };
  readonly members = new Map<string, MemberRow>();
  /** The open vote target of each card message (by message id); null when it takes no votes. */
  readonly targets = new Map<string, OpenTarget | null>();
  audit?: { seq: number; hash: string };
  readonly reviews = new Map<number, ReviewCount>();
  /** Targets' votes, by `type:id`, while a target has few (tally.ts), moved by each change (reactions.ts). */
  readonly votes = new Map<string, FewVote[]>();
  /**
   * By target (`type:id`), then member id: members whose one mark on the target is the one an event of
   * this scope made (they had none before), with its value: removing it leaves them no vote, with no
   * earlier mark to look for, and needs no row back to say what the vote was.
   */
  private readonly onlyMarks = new Map<string, Map<number, VoteValue>>();
  /**
   * In a unit of reactions alone (`Governance.inOneUnit`): each vote's change to its target's counts is
   * kept here, added to what `vote_tallies` holds wherever the unit reads it (tally.ts `countVotes`),
   * and written once per target at the end of the unit (`takeTallies`), not by every event.
   */
  deferTallies = false;
  /** The counts' changes of the events that completed, by `type:id`; written at the end of the unit. */
  private readonly tallies = new Map<string, PendingTally>();
  /**
   * The current event's, kept only if it completes (a rolled-back event's changes are gone). An event
   * changes one target or two: a short list, emptied in place (a Map's clear allocates its table anew).
   */
  private readonly eventTallies: (PendingTally & { key: string })[] = [];

  /** Card renders asked for by the events that completed, by card key: the last one asked for wins. */
  readonly renders = new Map<string, Render>();
  /**
   * What the event being applied asked for, kept only if it completes (`commitEvent`): a render, or
   * null where it rendered the card itself (an acceptance), so no earlier event's render is needed.
   */
  private readonly asked: { key: string; render: Render | null }[] = [];

  /** Drops everything read (after an event was rolled back, or an acceptance changed rows). */
  reset(): void {
    this.community = undefined;
    this.members.clear();
    this.targets.clear();
    this.audit = undefined;
    this.reviews.clear();
    this.votes.clear();
    this.onlyMarks.clear();
  }

  /** The value of `member`'s only mark on the target `key`, when this scope made it (see `onlyMarks`). */
  onlyMark(key: string, member: number): VoteValue | undefined {
    return this.onlyMarks.get(key)?.get(member);
  }

  /** `member`'s only mark on the target `key` is now one this scope made, of `value`; or not known (undefined). */
  setOnlyMark(key: string, member: number, value: VoteValue | undefined): void {
    let of = this.onlyMarks.get(key);
    if (value === undefined) of?.delete(member);
    else {
      if (!of) this.onlyMarks.set(key, (of = new Map()));
      of.set(member, value);
    }
  }

  /** The current event changed a target's counts by `d` (see `deferTallies`). */
  addTally(community: number, t: Target, d: Counts): void {
    const key = targetKey(t);
    let p = this.eventTallies.find((e) => e.key === key);
    if (!p)
      this.eventTallies.push((p = { key, community, type: t.type, id: t.id, yes: 0, no: 0, abstain: 0 }));
    addCounts(p, d);
  }

  /** What the unit changed of a target's counts and has not written yet (undefined: nothing). */
  pendingTally(t: Target): Counts | undefined {
    const key = targetKey(t);
    const done = this.tallies.get(key);
    const now = this.eventTallies.find((e) => e.key === key);
    if (!done && !now) return undefined;
    const sum = { yes: 0, no: 0, abstain: 0 };
    for (const p of [done, now]) if (p) addCounts(sum, p);
    return sum;
  }

  /** The counts' changes of the completed events, to be written now; forgotten here. */
  takeTallies(): PendingTally[] {
    const all = [...this.tallies.values()];
    this.tallies.clear();
    return all;
  }

  /** The current event asks for `cardKey` to be re-rendered at the end of the batch. */
  render(cardKey: string, render: Render): void {
    this.asked.push({ key: cardKey, render });
  }

  /** The current event re-rendered `cardKey` itself: no earlier event needs to. */
  rendered(cardKey: string): void {
    this.asked.push({ key: cardKey, render: null });
  }

  /** The current event completed: its renders count (re-inserted, so the batch's order is kept). */
  commitEvent(): void {
    for (const { key, render } of this.asked) {
      this.renders.delete(key);
      if (render) this.renders.set(key, render);
    }
    this.asked.length = 0;
    for (const p of this.eventTallies) {
      const done = this.tallies.get(p.key);
      if (done) addCounts(done, p);
      else this.tallies.set(p.key, p);
    }
    this.eventTallies.length = 0;
  }

  /** The current event was rolled back: forget what it read, asked for and changed. */
  abortEvent(): void {
    this.asked.length = 0;
    this.eventTallies.length = 0;
    this.reset();
  }

  /** Performs the deferred renders (each pushes its card edit onto the last event that changed the card). */
  *flush(): Step<void> {
    for (const render of this.renders.values()) yield* render();
    this.renders.clear();
  }
}
