/**
 * The life of each task as the app would have written it: posted, claimed, submitted, reviewed by two
 * ✅ reactions and accepted into the ledger (or left open, claimed, in review, cancelled). Each step
 * writes its rows and its audit event at its own time; rows are written in their final state.
 */
import { type Chain, type Story } from './build-kit.js';
import type { Writers } from './build-community.js';
import {
  BENCH_NOW,
  CLAIM_DAYS,
  DAY_MS,
  HOUR_MS,
  SKILLS,
  TASKS_CHANNEL,
  fateOf,
  taskTitle,
  userIdOf,
  memberName,
  type Shape,
} from './shape.js';

const LICENSE = 'CC-BY-SA-4.0';

export interface TaskWorld {
  shape: Shape;
  communityId: number;
  start: number;
  chain: Chain;
  w: Writers;
  /** Member row id of member i (1-based). */
  memberIds: Int32Array;
  rand: () => number;
  card: (key: string, channelId: string, at: number) => void;
  /** Next member to hold an active claim; active claimants stay in the lower half of the members. */
  nextClaimant: () => number;
}

const pick = (x: TaskWorld) => 1 + Math.floor(x.rand() * x.shape.members);

function skillsOf(x: TaskWorld): string[] {
  const r = x.rand();
  if (r < 0.1) return [];
  const one = () => SKILLS[Math.floor(x.rand() ** 2 * SKILLS.length)]!;
  const a = one();
  if (r < 0.6) return [a];
  const b = one();
  return b === a ? [a] : [a, b];
}

/** The lifecycle of task n: the steps it takes before BENCH_NOW, each yielded at its time. */
export function* taskStory(x: TaskWorld, n: number, postedAt: number): Story {
  const fate = fateOf(n);
  // Done and cancelled tasks finish within 8 days of posting; active claims began in the last 10 days.
  const w = Math.min(8 * DAY_MS, BENCH_NOW - HOUR_MS - postedAt);
  const lo = Math.max(postedAt + 10 * 60_000, BENCH_NOW - 10 * DAY_MS);
  const active = fate === 'partial' || fate === 'full' || fate === 'review';
  const claimAt = active ? lo + Math.floor(x.rand() * (BENCH_NOW - 2 * HOUR_MS - lo)) : postedAt + w * 0.1;
  const submitAt = active ? claimAt + (BENCH_NOW - HOUR_MS - claimAt) / 2 : postedAt + w * 0.5;
  const voteAt = active ? submitAt + (BENCH_NOW - HOUR_MS - submitAt) / 2 : postedAt + w * 0.7;
  const acceptAt = postedAt + w * 0.9;
  const status = {
    done: 'done',
    open: 'open',
    partial: 'claimed',
    full: 'claimed',
    review: 'review',
  } as const;
  const updatedAt = {
    done: acceptAt,
    open: postedAt,
    partial: claimAt,
    full: claimAt,
    review: submitAt,
    cancelled: submitAt,
  }[fate];

  yield postedAt;
  const poster = pick(x);
  const skills = skillsOf(x);
  const title = taskTitle(n);
  const slots = fate === 'partial' ? 2 : 1;
  const taskId = x.w.task({
    communityId: x.communityId,
    number: n,
    title,
    skills: skills.join(','),
    slots,
    license: LICENSE,
    status: fate === 'cancelled' ? 'cancelled' : status[fate],
    posterId: x.memberIds[poster]!,
    channelId: TASKS_CHANNEL,
    cancelReason: fate === 'cancelled' ? 'duplicate' : null,
    createdAt: postedAt,
    updatedAt: Math.round(updatedAt),
    // The one claim below (active, or done with the accepted work) holds a slot.
    taken: fate === 'open' || fate === 'cancelled' ? 0 : 1,
  });
  for (const skill of skills) x.w.taskSkill({ taskId, communityId: x.communityId, skill });
  x.chain.append(postedAt, userIdOf(poster), 'task.posted', {
    task: n,
    title,
    skills,
    slots,
    license: LICENSE,
  });
  x.card(`task:${n}`, TASKS_CHANNEL, postedAt);
  if (fate === 'open') return;
  if (fate === 'cancelled') {
    yield Math.round(submitAt);
    x.chain.append(Math.round(submitAt), userIdOf(poster), 'task.cancelled', {
      task: n,
      reason: 'duplicate',
    });
    return;
  }

  yield Math.round(claimAt);
  const at = Math.round(claimAt);
  const claimant = active ? x.nextClaimant() : pick(x);
  const expiresAt = at + CLAIM_DAYS * DAY_MS;
  const submitted = fate === 'done' || fate === 'review';
  const claimId = x.w.claim({
    communityId: x.communityId,
    taskId,
    memberId: x.memberIds[claimant]!,
    status: fate === 'done' ? 'done' : 'active',
    claimedAt: at,
    expiresAt,
    endedAt: fate === 'done' ? Math.round(acceptAt) : null,
  });
  for (const [kind, due] of [
    ['remind', expiresAt - 2 * DAY_MS],
    ['expire', expiresAt],
  ] as const)
    x.w.deadline({
      communityId: x.communityId,
      key: `claim:${claimId}:${kind}`,
      kind: `claim.${kind}`,
      dueAt: due,
      payload: JSON.stringify({ claimId }),
      status: submitted ? 'cancelled' : 'pending',
      doneAt: submitted ? Math.round(submitAt) : null,
    });
  x.chain.append(at, userIdOf(claimant), 'task.claimed', { task: n, member: userIdOf(claimant), expiresAt });
  if (!submitted) return;

  yield Math.round(submitAt);
  const link = `https://example.org/pr/${n}`;
  const subAt = Math.round(submitAt);
  const subId = x.w.submission({
    communityId: x.communityId,
    taskId,
    submitterId: x.memberIds[claimant]!,
    link,
    note: null,
    status: fate === 'done' ? 'accepted' : 'open',
    createdAt: subAt,
    decidedAt: fate === 'done' ? Math.round(acceptAt) : null,
  });
  x.chain.append(subAt, userIdOf(claimant), 'task.submitted', {
    task: n,
    submission: subId,
    member: userIdOf(claimant),
    link,
  });
  x.card(`submission:${subId}`, TASKS_CHANNEL, subAt);

  const reviewers: number[] = [];
  while (reviewers.length < (fate === 'done' ? 2 : 1)) {
    const r = pick(x);
    if (r !== claimant && !reviewers.includes(r)) reviewers.push(r);
  }
  for (const [i, r] of reviewers.entries()) {
    const t = Math.round(i === 0 ? voteAt : acceptAt);
    yield t;
    reviewVote(x, subId, r, t);
  }
  if (fate === 'done')
    accept(x, { n, title, taskId, subId, link, claimant, reviewers, at: Math.round(acceptAt) });
}

function reviewVote(x: TaskWorld, subId: number, r: number, at: number): void {
  x.w.mark({
    communityId: x.communityId,
    targetType: 'submission',
    targetId: subId,
    memberId: x.memberIds[r]!,
    source: '✅',
    value: 'yes',
    reason: null,
    createdAt: at,
  });
  x.chain.append(at, userIdOf(r), 'vote.reaction.added', {
    target: `submission:${subId}`,
    member: userIdOf(r),
    emoji: '✅',
    vote: 'yes',
  });
}

interface Accepted {
  n: number;
  title: string;
  taskId: number;
  subId: number;
  link: string;
  claimant: number;
  reviewers: number[];
  at: number;
}

/** What `accept` in src/core/reviews.ts writes: the event, then the ledger entry and its people. */
function accept(x: TaskWorld, a: Accepted): void {
  const person = (i: number) => ({ memberId: x.memberIds[i]!, userId: userIdOf(i), name: memberName(i) });
  const everyone = [a.claimant, ...a.reviewers];
  const hash = x.chain.append(a.at, userIdOf(a.reviewers.at(-1)!), 'contribution.accepted', {
    task: a.n,
    title: a.title,
    submission: a.subId,
    contributors: [userIdOf(a.claimant)],
    reviewers: a.reviewers.map(userIdOf),
    link: a.link,
    license: LICENSE,
    names: Object.fromEntries(everyone.map((i) => [userIdOf(i), memberName(i)])),
  });
  const ledgerId = x.w.ledger({
    communityId: x.communityId,
    taskId: a.taskId,
    submissionId: a.subId,
    contributors: JSON.stringify([person(a.claimant)]),
    reviewers: JSON.stringify(a.reviewers.map(person)),
    link: a.link,
    license: LICENSE,
    acceptedAt: a.at,
    auditHash: hash,
  });
  const people = [
    { i: a.claimant, role: 'contributor' as const },
    ...a.reviewers.map((i) => ({ i, role: 'reviewer' as const })),
  ];
  for (const p of people)
    x.w.ledgerPerson({ ledgerId, communityId: x.communityId, memberId: x.memberIds[p.i]!, role: p.role });
}
