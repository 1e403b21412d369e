/** The task card and the lines of `/task list` and `/task show`, as neutral views on plain data. */
import type { ReviewTally, SubmissionRow } from '../reviews/types.js';
import type { TaskCardData, TaskRow } from './types.js';
import { nameList, truncate, type View, type ViewButton, type ViewField } from '../shared/views.js';

const statusText: Record<TaskRow['status'], string> = {
  open: 'open',
  claimed: 'claimed',
  review: 'in review',
  done: 'done ✅',
  cancelled: 'cancelled',
};

function buttonsOf(task: TaskRow, claimants: number): ViewButton[] {
  const buttons: ViewButton[] = [];
  if ((task.status === 'open' || task.status === 'claimed') && task.slots - claimants > 0) {
    buttons.push({ id: `task.claim:${task.number}`, label: 'Claim', style: 'primary' });
  }
  if (task.status === 'claimed' || task.status === 'review') {
    buttons.push({ id: `task.submit:${task.number}`, label: 'Submit', style: 'success' });
  }
  return buttons;
}

function fieldsOf({ task, claimants, poster }: TaskCardData): ViewField[] {
  const fields = [
    { name: 'Status', value: statusText[task.status], inline: true },
    {
      name: 'Claimed by',
      value: `${nameList(claimants)} (${claimants.length}/${task.slots})`,
      inline: true,
    },
    { name: 'Skills', value: task.skills ? task.skills.split(',').join(', ') : '—', inline: true },
    { name: 'License', value: task.license, inline: true },
    { name: 'Posted by', value: poster, inline: true },
  ];
  if (task.cancelReason)
    fields.push({ name: 'Reason', value: truncate(task.cancelReason, 500), inline: false });
  return fields;
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

export function taskCard(data: TaskCardData): View {
  const { task } = data;
  return {
    title: truncate(`Task #${task.number} · ${task.title}`, 256),
    description: task.description ? truncate(task.description, 2000) : undefined,
    fields: fieldsOf(data),
    footer: footerFor(task),
    tone: task.status,
    buttons: buttonsOf(task, data.claimants.length),
  };
}

/** One line of `/task list`. */
export function taskLine(task: TaskRow, taken: number): string {
  const skills = task.skills ? ` · ${task.skills.split(',').join(', ')}` : '';
  return `#${task.number} ${truncate(task.title, 80)} — ${task.status} · ${taken}/${task.slots} claimed${skills}`;
}

/** A submission as `/task show` lists it under the card. */
export function submissionField(sub: SubmissionRow, t: ReviewTally): ViewField {
  const who = t.approvers.map((m) => m.displayName).join(', ') || 'none';
  const obj = t.objectors.map((b) => b.member.displayName).join(', ') || 'none';
  return {
    name: `Submission ${sub.id} (${sub.status})`,
    value: `${sub.link ?? 'no link'} · approvals ${t.approvers.length}/${t.needed} (${who}) · objections ${t.objectors.length} (${obj})`,
  };
}

/** `/task show`: the card without buttons, and its latest submissions with their tallies. */
export function taskDetail(card: TaskCardData, subs: { sub: SubmissionRow; tally: ReviewTally }[]): View {
  const view = taskCard(card);
  view.buttons = [];
  for (const { sub, tally } of subs) view.fields.push(submissionField(sub, tally));
  return view;
}
