/**
 * Voting marks shared by reviews and proposals. A member's vote is their latest mark still present:
 * each reaction is one mark, a command vote is one more; removing a reaction falls back to the rest.
 * The latest mark of each member carries `latest` = 1, and `vote_tallies` counts those by value; both
 * change in the statements that change the marks (a few per mark, however many votes the target has).
 */
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { exec, prepared, preparedChanges, preparedInsertId } from '../../db/prepared.js';
import type { Step } from '../../db/step.js';
import { voteMarks, voteTallies } from '../../db/schema.js';
import type { BatchScope } from '../batch-scope.js';
import type { Ctx } from '../shared/context.js';
import type { VoteValue } from '../shared/model.js';
import type { Target } from './types.js';
import { proposalVoteChanged, recountProposalVoters } from './voters.js';

const p = {
  type: sql.placeholder('type'),
  id: sql.placeholder('id'),
  member: sql.placeholder('member'),
  source: sql.placeholder('source'),
};

/** One member's marks of one source on a target (at most one: the unique index). */
const oneMark = and(
  eq(voteMarks.targetType, p.type),
  eq(voteMarks.targetId, p.id),
  eq(voteMarks.memberId, p.member),
  eq(voteMarks.source, p.source),
);

const memberMarks = and(
  eq(voteMarks.targetType, p.type),
  eq(voteMarks.targetId, p.id),
  eq(voteMarks.memberId, p.member),
);

/** A new mark, unless the member has one of that source on the target already. Gives its id. */
const insertMark = (db: Db) =>
  preparedInsertId(db, 'marks.insert', voteMarks.id, (d) =>
    d
      .insert(voteMarks)
      .values({
        communityId: sql.placeholder('community'),
        targetType: p.type,
        targetId: p.id,
        memberId: p.member,
        source: p.source,
        value: sql.placeholder('value'),
        reason: sql.placeholder('reason'),
        createdAt: sql.placeholder('at'),
        latest: 1,
      })
      .onConflictDoNothing(),
  );

const deleteMark = (db: Db) =>
  prepared(db, 'marks.delete', (d) =>
    d.delete(voteMarks).where(oneMark).returning({ value: voteMarks.value, latest: voteMarks.latest }),
  );

/** `deleteMark` where the caller knows what the mark was: how many went (0 or 1), no row returned. */
const dropMark = (db: Db) => preparedChanges(db, 'marks.drop', (d) => d.delete(voteMarks).where(oneMark));

/** The member's other marks are no longer the latest; returns the vote the member had (if any). */
const demoteOthers = (db: Db) =>
  prepared(db, 'marks.demoteOthers', (d) =>
    d
      .update(voteMarks)
      .set({ latest: 0 })
      .where(and(memberMarks, eq(voteMarks.latest, 1), ne(voteMarks.id, sql.placeholder('keep'))))
      .returning({ value: voteMarks.value }),
  );

/** The member's newest remaining mark becomes their vote; returns it (none when no mark is left). */
const promoteNewest = (db: Db) =>
  prepared(db, 'marks.promoteNewest', (d) =>
    d
      .update(voteMarks)
      .set({ latest: 1 })
      .where(
        eq(
          voteMarks.id,
          sql`(select max(m2.id) from ${voteMarks} m2 where m2.target_type = ${p.type} and m2.target_id = ${p.id} and m2.member_id = ${p.member})`,
        ),
      )
      .returning({ id: voteMarks.id, value: voteMarks.value, reason: voteMarks.reason }),
  );

/** Adds to the counts of a target, making its row on the first vote. */
const addToTally = (db: Db) =>
  prepared(db, 'tallies.add', (d) =>
    d
      .insert(voteTallies)
      .values({
        communityId: sql.placeholder('community'),
        targetType: p.type,
        targetId: p.id,
        yes: sql.placeholder('yes'),
        no: sql.placeholder('no'),
        abstain: sql.placeholder('abstain'),
      })
      .onConflictDoUpdate({
        target: [voteTallies.targetType, voteTallies.targetId],
        set: {
          yes: sql`${voteTallies.yes} + excluded.yes`,
          no: sql`${voteTallies.no} + excluded.no`,
          abstain: sql`${voteTallies.abstain} + excluded.abstain`,
        },
      }),
  );

/**
 * What a mark's change did to its member's vote: from `before` to `after` (either may be none; equal
 * when an earlier mark came or went and the vote stayed what it was).
 */
export interface VoteChange {
  before?: VoteValue;
  after?: VoteValue;
  /** The mark that is the member's vote now, when it changed (a new mark, or an earlier one again). */
  mark?: { id: number; reason: string | null };
}

/**
 * One member's vote went from `before` to `after`: the counts follow (in a unit that defers them, at
 * its end: batch-scope.ts `deferTallies`).
 */
function* countChange(ctx: Ctx, t: Target, { before, after }: VoteChange): Step<void> {
  if (before === after) return;
  const d = { yes: 0, no: 0, abstain: 0 };
  if (before) d[before]--;
  if (after) d[after]++;
  if (ctx.batch?.deferTallies) ctx.batch.addTally(ctx.community.id, t, d);
  else {
    const counts = {
      community: ctx.community.id,
      type: t.type,
      id: t.id,
      yes: d.yes,
      no: d.no,
      abstain: d.abstain,
    };
    yield* exec(addToTally(ctx.db), counts);
  }
}

/** Writes the counts' changes a unit deferred (one statement per target). */
export function* writeTallies(db: Db, batch: BatchScope): Step<void> {
  for (const p of batch.takeTallies())
    yield* exec(addToTally(db), {
      community: p.community,
      type: p.type,
      id: p.id,
      yes: p.yes,
      no: p.no,
      abstain: p.abstain,
    });
}

/**
 * Adds a mark (it becomes the member's vote). Returns the vote's change; undefined when nothing changed.
 * `voted` false: the caller knows the member has no mark on the target (none to demote).
 */
export function* addMark(
  ctx: Ctx,
  t: Target,
  memberId: number,
  source: string,
  value: VoteValue,
  reason?: string,
  voted = true,
): Step<VoteChange | undefined> {
  const key = { type: t.type, id: t.id, member: memberId, source };
  let before: VoteValue | undefined;
  // A command vote replaces the member's previous command vote (and becomes the latest mark).
  if (source === 'command') {
    const [old] = yield* exec(deleteMark(ctx.db), key);
    if (old?.latest === 1) before = old.value;
  }
  // Parameters written out, not spread from `key`: V8 builds `{ ...o, more }` in its runtime (0.4 µs).
  const made = yield* exec(insertMark(ctx.db), {
    type: t.type,
    id: t.id,
    member: memberId,
    source,
    community: ctx.community.id,
    value,
    reason: reason ?? null,
    at: ctx.now,
  });
  // A repeated reaction event (same emoji still on) changes nothing.
  if (made === undefined) return undefined;
  const demote = { type: t.type, id: t.id, member: memberId, keep: made };
  const [was] = voted ? yield* exec(demoteOthers(ctx.db), demote) : [];
  const change = {
    before: before ?? was?.value,
    after: value,
    mark: { id: made, reason: reason ?? null },
  };
  yield* countChange(ctx, t, change);
  yield* proposalVoteChanged(ctx, t, memberId, change.before, change.after);
  return change;
}

/**
 * Removes a member's mark of one source. Returns the vote's change; undefined when there was no such
 * mark. `only`: the caller knows the member has one mark on the target, of this value (so it is their
 * vote, with none to fall back to).
 */
export function* removeMark(
  ctx: Ctx,
  t: Target,
  memberId: number,
  source: string,
  only?: VoteValue,
): Step<VoteChange | undefined> {
  const key = { type: t.type, id: t.id, member: memberId, source };
  const gone = only ? yield* dropOnly(ctx, key, only) : (yield* exec(deleteMark(ctx.db), key))[0];
  if (!gone) return undefined;
  // An earlier mark going leaves the vote as it was; the latest going falls back to the one before.
  if (gone.latest !== 1) return {};
  const [next] = only ? [] : yield* exec(promoteNewest(ctx.db), key);
  const change = {
    before: gone.value,
    after: next?.value,
    mark: next && { id: next.id, reason: next.reason },
  };
  yield* countChange(ctx, t, change);
  yield* proposalVoteChanged(ctx, t, memberId, change.before, change.after);
  return change;
}

/** A member's one mark, known to be of `value`, deleted: what `deleteMark` would have returned. */
function* dropOnly(
  ctx: Ctx,
  key: Record<string, unknown>,
  value: VoteValue,
): Step<{ value: VoteValue; latest: number } | undefined> {
  return (yield* exec(dropMark(ctx.db), key)) === 1 ? { value, latest: 1 } : undefined;
}

/** Removes marks of the given sources (all reaction marks when `sources` is undefined). */
export async function clearReactionMarks(ctx: Ctx, t: Target, sources?: string[]): Promise<boolean> {
  const gone = await ctx.db
    .delete(voteMarks)
    .where(
      and(
        eq(voteMarks.targetType, t.type),
        eq(voteMarks.targetId, t.id),
        ne(voteMarks.source, 'command'),
        sources ? inArray(voteMarks.source, sources) : undefined,
      ),
    )
    .returning({ id: voteMarks.id });
  if (gone.length === 0) return false;
  await recountVotes(ctx.db, ctx.community.id, t);
  return true;
}

/**
 * Sets the `latest` flags and the counts of a target from its marks, after many marks went at once:
 * the same statements as the migration that introduced them (migrations/*_vote_tallies_backfill.sql).
 */
export async function recountVotes(db: Db, communityId: number, t: Target): Promise<void> {
  const target = and(eq(voteMarks.targetType, t.type), eq(voteMarks.targetId, t.id));
  await db
    .update(voteMarks)
    .set({
      latest: sql`case when ${voteMarks.id} = (select max(m2.id) from ${voteMarks} m2 where m2.target_type = vote_marks.target_type and m2.target_id = vote_marks.target_id and m2.member_id = vote_marks.member_id) then 1 else 0 end`,
    })
    .where(target);
  const rows = await db
    .select({ value: voteMarks.value, n: sql<number>`count(*)`.mapWith(Number) })
    .from(voteMarks)
    .where(and(target, eq(voteMarks.latest, 1)))
    .groupBy(voteMarks.value);
  const counts = { yes: 0, no: 0, abstain: 0 };
  for (const r of rows) counts[r.value] = r.n;
  await db
    .insert(voteTallies)
    .values({ communityId, targetType: t.type, targetId: t.id, ...counts })
    .onConflictDoUpdate({ target: [voteTallies.targetType, voteTallies.targetId], set: counts });
  await recountProposalVoters(db, communityId, t);
}

/** The reaction marks (not command votes) on a target. */
export async function reactionMarks(ctx: Ctx, t: Target): Promise<{ memberId: number; source: string }[]> {
  return (
    await ctx.db
      .select({ memberId: voteMarks.memberId, source: voteMarks.source })
      .from(voteMarks)
      .where(and(eq(voteMarks.targetType, t.type), eq(voteMarks.targetId, t.id)))
  ).filter((m) => m.source !== 'command');
}
