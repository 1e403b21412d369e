/** Cards for tasks and their review, as neutral views. */
import { and, eq } from 'drizzle-orm';
import { claims, members } from '../../db/schema.js';
import type { Ctx, MemberRow } from '../shared/context.js';
import type { ReviewTally, SubmissionRow } from '../reviews/reviews.js';
import type { TaskRow } from './tasks.js';
import { nameList, truncate, type View, type ViewButton } from '../shared/views.js';

const statusText: Record<TaskRow['status'], string> = {
  open: 'open',
  claimed: 'claimed',
  review: 'in review',
  done: 'done ✅',
  cancelled: 'cancelled',
};

async function claimantsOf(ctx: Ctx, task: TaskRow): Promise<MemberRow[]> {
  const statuses = task.status === 'done' ? 'done' : 'active';
  return (
    await ctx.db
      .select({ m: members })
      .from(claims)
      .innerJoin(members, eq(members.id, claims.memberId))
      .where(and(eq(claims.taskId, task.id), eq(claims.status, statuses)))
      .orderBy(claims.id)
  ).map((r) => r.m);
}

async function posterName(ctx: Ctx, task: TaskRow): Promise<string> {
  return (
    (
      await ctx.db
        .select({ n: members.displayName })
        .from(members)
        .where(eq(members.id, task.posterId))
        .limit(1)
    )[0]?.n ?? '?'
  );
}

export async function taskCard(ctx: Ctx, task: TaskRow): Promise<View> {
  const holders = await claimantsOf(ctx, task);
  const free = task.slots - holders.length;
  const buttons: ViewButton[] = [];
  if ((task.status === 'open' || task.status === 'claimed') && free > 0) {
    buttons.push({ id: `task.claim:${task.number}`, label: 'Claim', style: 'primary' });
  }
  if (task.status === 'claimed' || task.status === 'review') {
    buttons.push({ id: `task.submit:${task.number}`, label: 'Submit', style: 'success' });
  }
  const fields = [
    { name: 'Status', value: statusText[task.status], inline: true },
    {
      name: 'Claimed by',
      value: `${nameList(holders.map((m) => m.displayName))} (${holders.length}/${task.slots})`,
      inline: true,
    },
    { name: 'Skills', value: task.skills ? task.skills.split(',').join(', ') : '—', inline: true },
    { name: 'License', value: task.license, inline: true },
    { name: 'Posted by', value: await posterName(ctx, task), inline: true },
  ];
  if (task.cancelReason)
    fields.push({ name: 'Reason', value: truncate(task.cancelReason, 500), inline: false });
  return {
    title: truncate(`Task #${task.number} · ${task.title}`, 256),
    description: task.description ? truncate(task.description, 2000) : undefined,
    fields,
    footer: footerFor(task),
    tone: task.status,
    buttons,
  };
}

function footerFor(task: TaskRow): string {
  switch (task.status) {
    case 'open':
    case 'claimed':
      return `/task claim ${task.number} · /task show ${task.number}`;
    case 'review':
      return `React ✅ or 👍 on the review card to approve, ❌ or 👎 to object · /review ${task.number} approve`;
    default:
      return `/task show ${task.number}`;
  }
}

const submissionStatus: Record<SubmissionRow['status'], string> = {
  open: 'awaiting review',
  accepted: 'accepted ✅',
  superseded: 'superseded by a newer submission',
  withdrawn: 'withdrawn',
};

export async function reviewCard(
  ctx: Ctx,
  task: TaskRow,
  sub: SubmissionRow,
  tally: ReviewTally,
): Promise<View> {
  const submitter = (
    await ctx.db
      .select({ n: members.displayName })
      .from(members)
      .where(eq(members.id, sub.submitterId))
      .limit(1)
  )[0]?.n;
  const lines = [`${submitter ?? '?'} asks for review of task #${task.number}.`];
  if (sub.link) lines.push(`Link: ${sub.link}`);
  if (sub.note) lines.push(`Note: ${truncate(sub.note, 1000)}`);
  const objections = tally.objectors.map((b) =>
    b.reason ? `${b.member.displayName} (${truncate(b.reason, 100)})` : b.member.displayName,
  );
  const open = sub.status === 'open';
  return {
    title: truncate(`Review · Task #${task.number} · ${task.title}`, 256),
    url: sub.link ?? undefined,
    description: lines.join('\n'),
    fields: [
      { name: 'Status', value: submissionStatus[sub.status], inline: true },
      {
        name: 'Approvals',
        value: `${tally.approvers.length} of ${tally.needed}: ${nameList(tally.approvers.map((m) => m.displayName))}`,
        inline: true,
      },
      { name: 'Objections', value: `${objections.length}: ${nameList(objections)}`, inline: true },
    ],
    footer: open
      ? `React ✅ or 👍 to approve, ❌ or 👎 to object · claimants' votes do not count · /review ${task.number} approve`
      : undefined,
    tone: sub.status === 'accepted' ? 'done' : open ? 'review' : 'neutral',
    buttons: open
      ? [
          { id: `review.approve:${task.number}`, label: 'Approve', style: 'success' },
          { id: `review.object:${task.number}`, label: 'Object', style: 'danger' },
        ]
      : [],
  };
}
