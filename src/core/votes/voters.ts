/**
 * `proposal_voters`: each member's vote on a proposal with their join time, so the votes that do not
 * count (members too new) are counted by index, as many as there are (see `tooNewVotes` in tally.ts).
 * Kept where the marks change (marks.ts calls `proposalVoteChanged` after the counts change, and
 * `recountProposalVoters` after many marks went at once); only for proposals, so review-card
 * reactions never write it.
 */
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { exec, prepared } from '../../db/prepared.js';
import type { Step } from '../../db/step.js';
import { members, proposalVoters, voteMarks } from '../../db/schema.js';
import type { Ctx } from '../shared/context.js';
import type { VoteValue } from '../shared/model.js';
import type { Target } from './types.js';

const p = {
  community: sql.placeholder('community'),
  proposal: sql.placeholder('proposal'),
  member: sql.placeholder('member'),
};

/** The member's vote, with their join time read by primary key. */
const upsertVoter = (db: Db) =>
  prepared(db, 'voters.upsert', (d) =>
    d
      .insert(proposalVoters)
      .values({
        communityId: p.community,
        proposalId: p.proposal,
        memberId: p.member,
        value: sql.placeholder('value'),
        joinedAt: sql`(select ${members.joinedAt} from ${members} where ${members.id} = ${p.member})`,
      })
      .onConflictDoUpdate({
        target: [proposalVoters.proposalId, proposalVoters.memberId],
        set: { value: sql`excluded.value` },
      }),
  );

const deleteVoter = (db: Db) =>
  prepared(db, 'voters.delete', (d) =>
    d
      .delete(proposalVoters)
      .where(and(eq(proposalVoters.proposalId, p.proposal), eq(proposalVoters.memberId, p.member))),
  );

/** A member's vote on a target went from `before` to `after` (either may be none). */
export function* proposalVoteChanged(
  ctx: Ctx,
  t: Target,
  memberId: number,
  before: VoteValue | undefined,
  after: VoteValue | undefined,
): Step<void> {
  if (t.type !== 'proposal' || before === after) return;
  if (after)
    yield* exec(upsertVoter(ctx.db), {
      proposal: t.id,
      member: memberId,
      community: ctx.community.id,
      value: after,
    });
  else yield* exec(deleteVoter(ctx.db), { proposal: t.id, member: memberId });
}

/** Sets a proposal's voters from its latest marks, after many marks went at once. */
export async function recountProposalVoters(db: Db, communityId: number, t: Target): Promise<void> {
  if (t.type !== 'proposal') return;
  await db.delete(proposalVoters).where(eq(proposalVoters.proposalId, t.id));
  const latest = db
    .select({
      communityId: sql<number>`${communityId}`.as('community_id'),
      proposalId: voteMarks.targetId,
      memberId: voteMarks.memberId,
      value: voteMarks.value,
      joinedAt: members.joinedAt,
    })
    .from(voteMarks)
    .innerJoin(members, eq(members.id, voteMarks.memberId))
    .where(and(eq(voteMarks.targetType, 'proposal'), eq(voteMarks.targetId, t.id), eq(voteMarks.latest, 1)));
  await db.insert(proposalVoters).select(latest);
}

/** The platform reported an earlier join: the member's votes carry it from now on. */
export async function voterJoinedEarlier(
  db: Db,
  communityId: number,
  memberId: number,
  joinedAt: number,
): Promise<void> {
  await db
    .update(proposalVoters)
    .set({ joinedAt })
    .where(and(eq(proposalVoters.communityId, communityId), eq(proposalVoters.memberId, memberId)));
}
