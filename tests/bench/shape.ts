/**
 * What the bench database holds, shared by the builder and the measurements: the two communities,
 * their sizes, names and the instant "now" of the data. Everything is derived from a seed, so the
 * same cache key always means the same data.
 */
import type { CommunityRef } from '../../src/core/index.js';
import { DAY_MS, HOUR_MS } from '../../src/core/index.js';

/** "Now" of the data and of the bench clock: every claim and open proposal is still running then. */
export const BENCH_NOW = Date.UTC(2026, 0, 5, 12, 0, 0);
/** History starts this long before BENCH_NOW. */
export const HISTORY_MS = 400 * DAY_MS;

export interface Shape {
  key: 'large' | 'small';
  ref: CommunityRef;
  tasks: number;
  members: number;
  /** Vote marks in all (review and proposal votes). */
  votes: number;
  proposals: number;
  /** Proposals still open at BENCH_NOW, each with `openVotes` marks. */
  openProposals: number;
  openVotes: number;
}

/** Full size, as in issue 12; BENCH_SCALE shrinks both communities (for trying the bench out). */
export function shapes(scale = 1): [Shape, Shape] {
  const s = (n: number, min = 1) => Math.max(min, Math.round(n * scale));
  const large: Shape = {
    key: 'large',
    ref: { platform: 'discord', id: '100000000000000001', name: 'Bench large' },
    tasks: s(100_000, 200),
    members: s(20_000, 100),
    votes: s(1_000_000, 2_000),
    proposals: s(500, 20),
    openProposals: s(10, 2),
    openVotes: s(5_000, 50),
  };
  // The twin: 1/20 of everything.
  const t = (n: number, min = 1) => Math.max(min, Math.round(n / 20));
  const small: Shape = {
    key: 'small',
    ref: { platform: 'discord', id: '100000000000000002', name: 'Bench small' },
    tasks: t(large.tasks, 100),
    members: t(large.members, 50),
    votes: t(large.votes, 1_000),
    proposals: t(large.proposals, 5),
    openProposals: t(large.openProposals, 1),
    openVotes: t(large.openVotes, 10),
  };
  return [small, large];
}

/**
 * What each task number is at BENCH_NOW, in exact proportions per hundred (37 is prime to 100, so
 * every run of 100 numbers has each bucket once): 85 done, 8 open, 2 claimed with a free second slot,
 * 2 claimed and full, 2 in review, 1 cancelled. "Open" in the digest's sense (a free slot) is 10%.
 */
export type TaskFate = 'done' | 'open' | 'partial' | 'full' | 'review' | 'cancelled';

export function fateOf(n: number): TaskFate {
  const b = (n * 37) % 100;
  if (b < 85) return 'done';
  if (b < 93) return 'open';
  if (b < 95) return 'partial';
  if (b < 97) return 'full';
  if (b < 99) return 'review';
  return 'cancelled';
}

const FIRST = ['Ada', 'Bola', 'Chen', 'Dara', 'Emil', 'Fatou', 'Goran', 'Hana', 'Ines', 'Jun', 'Kofi', 'Lea'];

/** Member i (1-based): user id and display name, as an adapter would report them. */
export const userIdOf = (i: number): string => `u${i}`;
export const memberName = (i: number): string => `${FIRST[i % FIRST.length]} ${i}`;

export const SKILLS = [
  'docs',
  'design',
  'code',
  'translation',
  'review',
  'outreach',
  'events',
  'research',
  'testing',
  'accessibility',
  'data',
  'video',
  'audio',
  'writing',
  'ops',
  'security',
  'legal',
  'funding',
  'mentoring',
  'moderation',
];

const VERBS = ['Write', 'Translate', 'Review', 'Fix', 'Design', 'Record', 'Draft', 'Test', 'Organise', 'Map'];
const NOUNS = [
  'the onboarding guide',
  'the glossary',
  'the meeting notes',
  'the release checklist',
  'the budget sheet',
  'the map of local groups',
  'the FAQ',
  'the style guide',
  'the welcome video',
  'the data export',
];

export const taskTitle = (n: number): string =>
  `${VERBS[n % VERBS.length]} ${NOUNS[Math.floor(n / VERBS.length) % NOUNS.length]}, part ${n}`;

export const proposalTitle = (n: number): string =>
  `${['Adopt', 'Change', 'Try', 'Fund', 'Drop'][n % 5]} ${NOUNS[n % NOUNS.length]} policy ${n}`;

/** Channels of both communities (Discord would give snowflakes; any id works for the core). */
export const TASKS_CHANNEL = 'c-tasks';
export const PROPOSALS_CHANNEL = 'c-proposals';
export const PROPOSAL_HOURS = 72;
export const CLAIM_DAYS = 14;
export { DAY_MS, HOUR_MS };

/** A small deterministic PRNG (mulberry32), so a cache key always means the same data. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
