/**
 * Writes one community of the bench database: its row, rules, members, then every task and proposal
 * story on one timeline, so the audit chain is in time order and `/commons verify` accepts it.
 */
import type Database from 'better-sqlite3';
import {
  cards,
  claims,
  communities,
  deadlines,
  ledger,
  ledgerPeople,
  members,
  proposals,
  rules,
  submissions,
  taskSkills,
  tasks,
  voteMarks,
} from '../../src/db/schema.js';
import { Chain, inserter, Timeline, type Story } from './build-kit.js';
import { proposalStory } from './build-proposals.js';
import { taskStory, type TaskWorld } from './build-tasks.js';
import {
  BENCH_NOW,
  DAY_MS,
  HISTORY_MS,
  HOUR_MS,
  PROPOSALS_CHANNEL,
  TASKS_CHANNEL,
  fateOf,
  memberName,
  rng,
  userIdOf,
  type Shape,
} from './shape.js';

export function writers(sqlite: Database.Database) {
  return {
    community: inserter(sqlite, communities),
    member: inserter(sqlite, members),
    rule: inserter(sqlite, rules),
    task: inserter(sqlite, tasks),
    taskSkill: inserter(sqlite, taskSkills),
    claim: inserter(sqlite, claims),
    submission: inserter(sqlite, submissions),
    mark: inserter(sqlite, voteMarks),
    ledger: inserter(sqlite, ledger),
    ledgerPerson: inserter(sqlite, ledgerPeople),
    proposal: inserter(sqlite, proposals),
    deadline: inserter(sqlite, deadlines),
    card: inserter(sqlite, cards),
  };
}
export type Writers = ReturnType<typeof writers>;

export interface Built {
  events: number;
  marks: number;
}

/** Vote marks left for proposals once reviews have theirs, split over closed proposals. */
function proposalMarks(shape: Shape): { open: number; closed: number[] } {
  let review = 0;
  for (let n = 1; n <= shape.tasks; n++) {
    const fate = fateOf(n);
    review += fate === 'done' ? 2 : fate === 'review' ? 1 : 0;
  }
  const closedCount = shape.proposals - shape.openProposals;
  const left = shape.votes - review - shape.openProposals * shape.openVotes;
  if (left < closedCount) throw new Error(`${shape.key}: too few votes for ${closedCount} closed proposals`);
  // At most two marks per member (see planVotes); only reduced scales (BENCH_SCALE) reach that cap.
  const closed = Array.from({ length: closedCount }, (_, i) =>
    Math.min(2 * shape.members, Math.floor(left / closedCount) + (i < left % closedCount ? 1 : 0)),
  );
  return { open: shape.openVotes, closed };
}

export function buildCommunity(sqlite: Database.Database, shape: Shape, seed: number): Built {
  const w = writers(sqlite);
  const start = BENCH_NOW - HISTORY_MS;
  const communityId = w.community({
    platform: shape.ref.platform,
    externalId: shape.ref.id,
    name: shape.ref.name ?? null,
    setupAt: start,
    nextTaskNo: shape.tasks + 1,
    nextProposalNo: shape.proposals + 1,
    createdAt: start,
  });
  const memberIds = new Int32Array(shape.members + 1);
  for (let i = 1; i <= shape.members; i++) {
    const joinedAt = start - 30 * DAY_MS;
    const row = {
      communityId,
      userId: userIdOf(i),
      displayName: memberName(i),
      joinedAt,
      createdAt: joinedAt,
    };
    memberIds[i] = w.member(row);
  }
  const chain = new Chain(sqlite, communityId);
  const setupRules = { 'channels.tasks': TASKS_CHANNEL, 'channels.proposals': PROPOSALS_CHANNEL };
  for (const [key, value] of Object.entries(setupRules))
    w.rule({ communityId, key, value: JSON.stringify(value), setBy: 'setup', setAt: start });
  chain.append(start, userIdOf(1), 'commons.setup', { rules: setupRules, by: userIdOf(1) });

  let message = 0;
  let claimant = 0;
  const half = Math.max(1, Math.floor(shape.members / 2));
  const world: TaskWorld = {
    shape,
    communityId,
    start,
    chain,
    w,
    memberIds,
    rand: rng(seed),
    card: (cardKey, channelId, at) =>
      w.card({ communityId, cardKey, channelId, messageId: `m${++message}`, threadId: null, createdAt: at }),
    nextClaimant: () => 1 + (claimant++ % half),
  };
  const timeline = new Timeline();
  timeline.add(taskSpawner(world, timeline));
  timeline.add(proposalSpawner(world, timeline));
  timeline.run(200_000, () => sqlite.exec('COMMIT; BEGIN'));
  const marks = (
    sqlite.prepare('select count(*) n from vote_marks where community_id = ?').get(communityId) as {
      n: number;
    }
  ).n;
  return { events: chain.length, marks };
}

/** Posts task 1..N evenly over the history (the last a day before now) and starts each one's story. */
function* taskSpawner(x: TaskWorld, timeline: Timeline): Story {
  const span = HISTORY_MS - DAY_MS - HOUR_MS;
  for (let n = 1; n <= x.shape.tasks; n++) {
    const at = x.start + HOUR_MS + Math.round(((n - 0.5) * span) / x.shape.tasks);
    yield at;
    timeline.add(taskStory(x, n, at));
  }
}

/** Closed proposals spread over the history, then the open ones in the last 70 hours. */
function* proposalSpawner(x: TaskWorld, timeline: Timeline): Story {
  const marks = proposalMarks(x.shape);
  const closed = marks.closed.length;
  const gap = (HISTORY_MS - 6 * DAY_MS) / closed;
  for (let j = 1; j <= x.shape.proposals; j++) {
    const isOpen = j > closed;
    const k = j - closed - 1;
    const at = isOpen
      ? BENCH_NOW - 70 * HOUR_MS + Math.round((k * 60 * HOUR_MS) / x.shape.openProposals)
      : x.start + DAY_MS + Math.round((j - 1) * gap);
    yield at;
    const n = isOpen ? marks.open : marks.closed[j - 1]!;
    timeline.add(proposalStory(x, j, at, n, isOpen ? BENCH_NOW - 10 * 60_000 : Infinity));
  }
}
