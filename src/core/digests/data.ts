/**
 * What a digest shows, read from the database as plain data. Each section loads only the rows a card
 * can show plus a `count()`, so a community with 10,000 open tasks costs a few indexed queries.
 */
import { and, asc, count, countDistinct, desc, eq, gt, inArray, lte, sql } from 'drizzle-orm';
import {
  claims,
  digestMarks,
  ledger,
  members,
  proposals,
  submissions,
  tasks,
  taskSkills,
} from '../../db/schema.js';
import type { Ctx } from '../shared/context.js';
import type { Person } from '../commons/ledger.js';
import { DAY_MS, HOUR_MS } from '../shared/model.js';
import { reviewTally } from '../reviews/reviews.js';
import { takenSlots as taken } from '../tasks/tasks.js';
import { proposalTally } from '../proposals/proposals.js';

/** Items per section read from the database; the renderer may show fewer. */
export const SECTION_LOAD = 10;
export const SKILL_GROUPS_LOAD = 8;
export const PER_SKILL_LOAD = 5;
/** The first digest of a channel looks back this far for new tasks and contributions. */
export const FIRST_LOOKBACK_MS = 7 * DAY_MS;
export const PROPOSALS_WITHIN_MS = 48 * HOUR_MS;
export const CLAIMS_WITHIN_MS = 3 * DAY_MS;

/** Some items of a section and how many there are in all. */
export interface Listed<T> {
  items: T[];
  total: number;
}

export interface TaskItem {
  number: number;
  title: string;
  skills: string[];
  slots: number;
  /** Active claims. */
  taken: number;
}

/** Open tasks needing one skill; `skill` null is "other" (tasks naming no skill). */
export interface SkillGroup extends Listed<TaskItem> {
  skill: string | null;
}

export interface ReviewItem {
  taskNumber: number;
  title: string;
  submittedAt: number;
  approvals: number;
  needed: number;
  objectors: string[];
}

export interface ProposalItem {
  number: number;
  title: string;
  closesAt: number;
  yes: number;
  no: number;
  abstain: number;
  /** Members eligible to vote on it who have not. */
  notVoted: number;
}

export interface AcceptedItem {
  taskNumber: number;
  title: string;
  contributors: string[];
  reviewers: string[];
  license: string;
  acceptedAt: number;
}

export interface ExpiringClaim {
  taskNumber: number;
  title: string;
  member: string;
  expiresAt: number;
}

/** Everything the renderer needs, and nothing it must look up. */
export interface DigestData {
  community: string | null;
  channelId: string;
  now: number;
  /** "New" means after this instant: the channel's last digest, or a week ago for the first. */
  since: number;
  firstDigest: boolean;
  /** The channel's zone, for the times shown. */
  tz: string;
  newTasks: Listed<TaskItem>;
  /** Open tasks with a free slot: `total` distinct tasks, `totalGroups` skills (plus "other"). */
  open: { total: number; totalGroups: number; groups: SkillGroup[] };
  awaitingReview: Listed<ReviewItem>;
  closingProposals: Listed<ProposalItem>;
  accepted: Listed<AcceptedItem>;
  expiringClaims: Listed<ExpiringClaim>;
}

const taskItem = {
  number: tasks.number,
  title: tasks.title,
  skills: tasks.skills,
  slots: tasks.slots,
  taken,
};
const toTask = (r: {
  number: number;
  title: string;
  skills: string;
  slots: number;
  taken: number;
}): TaskItem => ({
  ...r,
  skills: r.skills ? r.skills.split(',') : [],
});

/** When the channel's last digest was posted, if ever. */
export async function lastDigestAt(ctx: Ctx, channelId: string): Promise<number | undefined> {
  return (
    await ctx.db
      .select({ at: digestMarks.lastAt })
      .from(digestMarks)
      .where(and(eq(digestMarks.communityId, ctx.community.id), eq(digestMarks.channelId, channelId)))
      .limit(1)
  )[0]?.at;
}

async function newTasks(ctx: Ctx, since: number): Promise<Listed<TaskItem>> {
  const where = and(
    eq(tasks.communityId, ctx.community.id),
    gt(tasks.createdAt, since),
    lte(tasks.createdAt, ctx.now),
    inArray(tasks.status, ['open', 'claimed', 'review', 'done']),
  );
  const total = (await ctx.db.select({ n: count() }).from(tasks).where(where).limit(1))[0]!.n;
  const rows = await ctx.db
    .select(taskItem)
    .from(tasks)
    .where(where)
    .orderBy(asc(tasks.number))
    .limit(SECTION_LOAD);
  return { total, items: rows.map(toTask) };
}

function openWhere(ctx: Ctx) {
  return and(
    eq(tasks.communityId, ctx.community.id),
    inArray(tasks.status, ['open', 'claimed']),
    sql`${tasks.slots} > ${taken}`,
  );
}

async function skillGroup(ctx: Ctx, skill: string | null, total: number): Promise<SkillGroup> {
  const q =
    skill === null
      ? ctx.db
          .select(taskItem)
          .from(tasks)
          .where(and(openWhere(ctx), eq(tasks.skills, '')))
      : ctx.db
          .select(taskItem)
          .from(taskSkills)
          .innerJoin(tasks, eq(tasks.id, taskSkills.taskId))
          .where(
            and(eq(taskSkills.communityId, ctx.community.id), eq(taskSkills.skill, skill), openWhere(ctx)),
          );
  return { skill, total, items: (await q.orderBy(asc(tasks.number)).limit(PER_SKILL_LOAD)).map(toTask) };
}

/** Open tasks with a free slot, by skill (largest groups first), then those naming no skill. */
async function openBySkill(ctx: Ctx): Promise<DigestData['open']> {
  const total = (await ctx.db.select({ n: count() }).from(tasks).where(openWhere(ctx)).limit(1))[0]!.n;
  if (total === 0) return { total, totalGroups: 0, groups: [] };
  const bySkill = ctx.db
    .select({ skill: taskSkills.skill, n: count() })
    .from(taskSkills)
    .innerJoin(tasks, eq(tasks.id, taskSkills.taskId));
  const skillWhere = and(eq(taskSkills.communityId, ctx.community.id), openWhere(ctx));
  const skills = await bySkill
    .where(skillWhere)
    .groupBy(taskSkills.skill)
    .orderBy(desc(count()), asc(taskSkills.skill))
    .limit(SKILL_GROUPS_LOAD);
  const skillCount = (
    await ctx.db
      .select({ n: countDistinct(taskSkills.skill) })
      .from(taskSkills)
      .innerJoin(tasks, eq(tasks.id, taskSkills.taskId))
      .where(skillWhere)
      .limit(1)
  )[0]!.n;
  const other = (
    await ctx.db
      .select({ n: count() })
      .from(tasks)
      .where(and(openWhere(ctx), eq(tasks.skills, '')))
      .limit(1)
  )[0]!.n;
  const groups = await Promise.all(skills.map((s) => skillGroup(ctx, s.skill, s.n)));
  if (other > 0) groups.push(await skillGroup(ctx, null, other));
  return { total, totalGroups: skillCount + (other > 0 ? 1 : 0), groups };
}

async function awaitingReview(ctx: Ctx): Promise<Listed<ReviewItem>> {
  const where = and(eq(submissions.communityId, ctx.community.id), eq(submissions.status, 'open'));
  const total = (await ctx.db.select({ n: count() }).from(submissions).where(where).limit(1))[0]!.n;
  const rows = await ctx.db
    .select({ sub: submissions, number: tasks.number, title: tasks.title })
    .from(submissions)
    .innerJoin(tasks, eq(tasks.id, submissions.taskId))
    .where(where)
    .orderBy(asc(submissions.createdAt), asc(submissions.id))
    .limit(SECTION_LOAD);
  const items = await Promise.all(
    rows.map(async ({ sub, number, title }) => {
      const t = await reviewTally(ctx, sub);
      const objectors = t.objectors.map((b) => b.member.displayName);
      return {
        taskNumber: number,
        title,
        submittedAt: sub.createdAt,
        approvals: t.approvers.length,
        needed: t.needed,
        objectors,
      };
    }),
  );
  return { total, items };
}

async function eligibleMembers(ctx: Ctx, minDays: number): Promise<number> {
  const where = and(
    eq(members.communityId, ctx.community.id),
    lte(members.joinedAt, ctx.now - minDays * DAY_MS),
  );
  return (await ctx.db.select({ n: count() }).from(members).where(where).limit(1))[0]!.n;
}

/** Open proposals whose deadline is within 48 hours, soonest first, with their live tally. */
async function closingProposals(ctx: Ctx): Promise<Listed<ProposalItem>> {
  const where = and(
    eq(proposals.communityId, ctx.community.id),
    eq(proposals.status, 'open'),
    lte(proposals.closesAt, ctx.now + PROPOSALS_WITHIN_MS),
  );
  const total = (await ctx.db.select({ n: count() }).from(proposals).where(where).limit(1))[0]!.n;
  const rows = await ctx.db
    .select()
    .from(proposals)
    .where(where)
    .orderBy(asc(proposals.closesAt), asc(proposals.number))
    .limit(SECTION_LOAD);
  const items = await Promise.all(
    rows.map(async (p) => {
      const t = await proposalTally(ctx, p);
      return {
        number: p.number,
        title: p.title,
        closesAt: p.closesAt,
        yes: t.yes.length,
        no: t.no.length,
        abstain: t.abstain.length,
        notVoted: Math.max(0, (await eligibleMembers(ctx, p.minMemberDays)) - t.participants),
      };
    }),
  );
  return { total, items };
}

/** Contributions accepted after `since`, latest first. */
async function acceptedSince(ctx: Ctx, since: number): Promise<Listed<AcceptedItem>> {
  const where = and(eq(ledger.communityId, ctx.community.id), gt(ledger.acceptedAt, since));
  const total = (await ctx.db.select({ n: count() }).from(ledger).where(where).limit(1))[0]!.n;
  const rows = await ctx.db
    .select({ l: ledger, number: tasks.number, title: tasks.title })
    .from(ledger)
    .innerJoin(tasks, eq(tasks.id, ledger.taskId))
    .where(where)
    .orderBy(desc(ledger.acceptedAt), desc(ledger.id))
    .limit(SECTION_LOAD);
  const names = (json: string) => (JSON.parse(json) as Person[]).map((p) => p.name);
  const items = rows.map(({ l, number, title }) => ({
    taskNumber: number,
    title,
    contributors: names(l.contributors),
    reviewers: names(l.reviewers),
    license: l.license,
    acceptedAt: l.acceptedAt,
  }));
  return { total, items };
}

/** Active claims that expire within three days, soonest first. A submitted task's claims do not expire. */
async function expiringClaims(ctx: Ctx): Promise<Listed<ExpiringClaim>> {
  const where = and(
    eq(claims.communityId, ctx.community.id),
    eq(claims.status, 'active'),
    lte(claims.expiresAt, ctx.now + CLAIMS_WITHIN_MS),
    inArray(tasks.status, ['open', 'claimed']),
  );
  const total = (
    await ctx.db
      .select({ n: count() })
      .from(claims)
      .innerJoin(tasks, eq(tasks.id, claims.taskId))
      .where(where)
      .limit(1)
  )[0]!.n;
  const items = await ctx.db
    .select({
      taskNumber: tasks.number,
      title: tasks.title,
      member: members.displayName,
      expiresAt: claims.expiresAt,
    })
    .from(claims)
    .innerJoin(tasks, eq(tasks.id, claims.taskId))
    .innerJoin(members, eq(members.id, claims.memberId))
    .where(where)
    .orderBy(asc(claims.expiresAt), asc(claims.id))
    .limit(SECTION_LOAD);
  return { total, items };
}

/** The digest of the community as seen from `channelId`, now. */
export async function loadDigest(ctx: Ctx, channelId: string, tz: string): Promise<DigestData> {
  const last = await lastDigestAt(ctx, channelId);
  const since = last ?? ctx.now - FIRST_LOOKBACK_MS;
  return {
    community: ctx.community.name,
    channelId,
    now: ctx.now,
    since,
    firstDigest: last === undefined,
    tz,
    newTasks: await newTasks(ctx, since),
    open: await openBySkill(ctx),
    awaitingReview: await awaitingReview(ctx),
    closingProposals: await closingProposals(ctx),
    accepted: await acceptedSince(ctx, since),
    expiringClaims: await expiringClaims(ctx),
  };
}
