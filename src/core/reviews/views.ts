/** The review card of a submission, as a neutral view on plain data. */
import type { ReviewCardData, SubmissionRow } from './types.js';
import {
  NAMES_SHOWN,
  nameList,
  truncate,
  type View,
  type ViewButton,
  type ViewField,
} from '../shared/views.js';

const submissionStatus: Record<SubmissionRow['status'], string> = {
  open: 'awaiting review',
  accepted: 'accepted ✅',
  superseded: 'superseded by a newer submission',
  withdrawn: 'withdrawn',
};

function descriptionOf({ task, sub, submitter }: ReviewCardData): string {
  const lines = [`${submitter} asks for review of task #${task.number}.`];
  if (sub.link) lines.push(`Link: ${sub.link}`);
  if (sub.note) lines.push(`Note: ${truncate(sub.note, 1000)}`);
  return lines.join('\n');
}

function fieldsOf({ sub, tally }: ReviewCardData): ViewField[] {
  const objections = tally.objectors.map((b) =>
    b.reason ? `${b.member.displayName} (${truncate(b.reason, 100)})` : b.member.displayName,
  );
  const approvers = tally.approvers.map((m) => m.displayName);
  return [
    { name: 'Status', value: submissionStatus[sub.status], inline: true },
    {
      name: 'Approvals',
      value: `${tally.approvals} of ${tally.needed}: ${nameList(approvers, NAMES_SHOWN, tally.approvals)}`,
      inline: true,
    },
    {
      name: 'Objections',
      value: `${tally.objections}: ${nameList(objections, NAMES_SHOWN, tally.objections)}`,
      inline: true,
    },
  ];
}

function buttonsOf(taskNumber: number): ViewButton[] {
  return [
    { id: `review.approve:${taskNumber}`, label: 'Approve', style: 'success' },
    { id: `review.object:${taskNumber}`, label: 'Object', style: 'danger' },
  ];
}

export function reviewCard(data: ReviewCardData): View {
  const { task, sub } = data;
  const open = sub.status === 'open';
  return {
    title: truncate(`Review · Task #${task.number} · ${task.title}`, 256),
    url: sub.link ?? undefined,
    description: descriptionOf(data),
    fields: fieldsOf(data),
    footer: open
      ? `React ✅ or 👍 to approve, ❌ or 👎 to object · claimants' votes do not count · /review ${task.number} approve`
      : undefined,
    tone: sub.status === 'accepted' ? 'done' : open ? 'review' : 'neutral',
    buttons: open ? buttonsOf(task.number) : [],
  };
}
